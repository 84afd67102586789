package io.jvmipc.aeron;

import io.aeron.ChannelUri;
import io.aeron.CommonContext;
import io.jvmipc.codec.Codec;
import io.jvmipc.file.SharedDirectory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * What both ends of a bridge are configured with: the local queue, the Aeron media driver (embedded by default),
 * the stream ids, the peer timeout and a listener.
 *
 * @param <B> the concrete builder.
 */
public abstract class BridgeBuilder<B extends BridgeBuilder<B>>
{
    /** The default stream id of the messages, sender to receiver. */
    public static final int DEFAULT_DATA_STREAM = 0x6a76_0001;
    /** The default stream id of the answers, receiver to sender. */
    public static final int DEFAULT_CONTROL_STREAM = 0x6a76_0002;
    /** The default peer timeout. */
    public static final Duration DEFAULT_PEER_TIMEOUT = Duration.ofSeconds(3);

    final SharedDirectory directory;
    final String queueName;
    final String codecIdentity;
    Path aeronDirectory;
    boolean externalDriver;
    int dataStream = DEFAULT_DATA_STREAM;
    int controlStream = DEFAULT_CONTROL_STREAM;
    long peerTimeoutNanos = DEFAULT_PEER_TIMEOUT.toNanos();
    BridgeListener listener = new BridgeListener()
    {
    };

    BridgeBuilder(final SharedDirectory directory, final String queueName, final Codec<?> codec)
    {
        this.directory = Objects.requireNonNull(directory, "directory");
        this.queueName = SharedDirectory.requireValidName(queueName);
        this.codecIdentity = Objects.requireNonNull(codec, "codec").identity();
    }

    @SuppressWarnings("unchecked")
    private B self()
    {
        return (B)this;
    }

    /**
     * Runs the embedded media driver in {@code directory} (default: Aeron's default directory name followed by
     * {@code -jvmipc-QUEUE-sender} or {@code -receiver}); the driver deletes it when it starts and when it closes.
     * Each bridge process needs its own.
     *
     * @param directory the driver's directory (best under {@code /dev/shm}).
     * @return this builder.
     */
    public B aeronDirectory(final Path directory)
    {
        this.aeronDirectory = Objects.requireNonNull(directory, "directory");
        this.externalDriver = false;
        return self();
    }

    /**
     * Uses a media driver that the user runs (a standalone {@code io.aeron.driver.MediaDriver}) in
     * {@code directory}, instead of an embedded one. Its timeouts then decide how fast a dead peer's streams go.
     *
     * @param directory the running driver's directory.
     * @return this builder.
     */
    public B externalDriver(final Path directory)
    {
        this.aeronDirectory = Objects.requireNonNull(directory, "directory");
        this.externalDriver = true;
        return self();
    }

    /**
     * The Aeron stream ids (default {@link #DEFAULT_DATA_STREAM} and {@link #DEFAULT_CONTROL_STREAM}); both ends
     * must agree. Two bridges that share a channel need other ids.
     *
     * @param data    the messages' stream, sender to receiver.
     * @param control the answers' stream, receiver to sender.
     * @return this builder.
     */
    public B streams(final int data, final int control)
    {
        this.dataStream = data;
        this.controlStream = control;
        return self();
    }

    /**
     * How long the peer may be silent before {@link BridgeListener#onPeerLost} is reported (default
     * {@link #DEFAULT_PEER_TIMEOUT}). The bridges exchange a heartbeat every 100 ms.
     *
     * @param timeout the bound, at least 500 ms.
     * @return this builder.
     * @throws IllegalArgumentException if it is below 500 ms.
     */
    public B peerTimeout(final Duration timeout)
    {
        if (timeout.toMillis() < 500)
        {
            throw new IllegalArgumentException("peer timeout " + timeout + " is below 500 ms");
        }
        this.peerTimeoutNanos = timeout.toNanos();
        return self();
    }

    /**
     * Where the bridge reports its peer's comings and goings, and its own failure.
     *
     * @param listener the listener.
     * @return this builder.
     */
    public B listener(final BridgeListener listener)
    {
        this.listener = Objects.requireNonNull(listener, "listener");
        return self();
    }

    Path aeronDirectory(final String side)
    {
        return aeronDirectory != null ? aeronDirectory :
            Path.of(CommonContext.getAeronDirectoryName() + "-jvmipc-" + queueName + "-" + side);
    }

    /**
     * Checks a channel: an Aeron UDP URI with an endpoint, {@code aeron:udp?endpoint=host:port}.
     *
     * @param channel the URI.
     * @param what    what it is for (in the message).
     * @return the URI.
     * @throws IllegalArgumentException if it is not one.
     */
    static String requireUdpEndpoint(final String channel, final String what)
    {
        Objects.requireNonNull(channel, what);
        final ChannelUri uri;
        try
        {
            uri = ChannelUri.parse(channel);
        }
        catch (final RuntimeException e)
        {
            throw new IllegalArgumentException(what + " '" + channel + "' is not an Aeron URI: " + e.getMessage(), e);
        }
        if (!"udp".equals(uri.media()) || uri.get(CommonContext.ENDPOINT_PARAM_NAME) == null)
        {
            throw new IllegalArgumentException(what + " '" + channel +
                "' is not an Aeron UDP unicast channel with an endpoint, aeron:udp?endpoint=host:port");
        }
        return channel;
    }
}
