/**
 * Beyond one host, over Aeron (an optional dependency: add {@code io.aeron:aeron-client} and
 * {@code io.aeron:aeron-driver} to use this package). A {@link io.jvmipc.aeron.BridgeSender} on host A takes the
 * messages of a local {@link io.jvmipc.queue.SharedQueue} under leases and sends them over Aeron UDP
 * ({@code aeron:udp?endpoint=host:port}) to a {@link io.jvmipc.aeron.BridgeReceiver} on host B, which puts them
 * into a queue there; A's leases are acknowledged only once B confirms the put, and B drops what a restarted or
 * reconnected sender sends again, so either bridge may be killed and restarted: every message put on A is put on
 * B once, in each producer's order (see {@link io.jvmipc.aeron.BridgeReceiver} for the one instruction window that
 * may put one message twice). A {@link io.jvmipc.aeron.RemoteConnection} is a duplex pipe whose peer is on another
 * host, with the send/recv/poll/end-of-file methods of {@link io.jvmipc.pipe.Connection}.
 * <p>
 * Each bridge runs Aeron's media driver embedded by default (one thread that sleeps when idle), or attaches to one
 * the user runs. On JDK 25, every JVM that uses this package needs
 * {@code --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED} (Aeron's buffers are Agrona's, which use
 * {@code jdk.internal.misc.Unsafe}); the rest of the library never loads this package and needs neither Aeron nor
 * the flag.
 */
package io.jvmipc.aeron;
