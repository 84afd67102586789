/**
 * Agrona adapters (Agrona is an optional dependency: add {@code org.agrona:agrona} to use this package).
 * {@link io.jvmipc.agrona.AgronaQueue}: a shared queue's claimed slot as an Agrona
 * {@link org.agrona.MutableDirectBuffer} and a received message as a {@link org.agrona.DirectBuffer}, so that SBE
 * flyweights encode and decode in place with no copy and no allocation; it needs the JVM flag
 * {@code --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED} on JDK 25 (Agrona's {@code UnsafeBuffer} uses
 * {@code jdk.internal.misc.Unsafe}). {@link io.jvmipc.agrona.AgronaWaitStrategy}: any Agrona
 * {@link org.agrona.concurrent.IdleStrategy} as a {@link io.jvmipc.wait.WaitStrategy}; it needs no flag. The rest of
 * the library never loads this package and needs neither Agrona nor the flag.
 */
package io.jvmipc.agrona;
