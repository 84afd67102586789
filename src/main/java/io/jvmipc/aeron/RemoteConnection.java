package io.jvmipc.aeron;

import io.aeron.ConcurrentPublication;
import io.aeron.FragmentAssembler;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.logbuffer.Header;
import io.jvmipc.MessageTooLargeException;
import io.jvmipc.codec.Codec;
import io.jvmipc.pipe.BrokenPipeException;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.EOFException;
import java.lang.foreign.MemorySegment;
import java.net.ConnectException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A duplex connection whose peer is on another host, over Aeron UDP: the methods of
 * {@link io.jvmipc.pipe.Connection} ({@code send}/{@code sendBytes}, {@code recv}/{@code recvBytes},
 * {@code poll}, {@code close}) with the same end-of-file rules, for a peer that a {@code Connection} cannot reach.
 * Each end is built with {@link #builder(Codec)}: its own channel ({@code aeron:udp?endpoint=thisHost:port}),
 * the peer's, and its embedded media driver's directory (or an external driver); {@link Builder#connect(long,
 * TimeUnit)} returns once both directions are connected.
 * <p>
 * <b>Threads</b>: one thread at a time may send and one at a time may receive. <b>Blocking</b>: {@code send}
 * waits while Aeron's flow control holds it back (the peer reads slower), {@code recv} while nothing has arrived;
 * both back off from spinning to 0.5 ms sleeps.
 * <p>
 * <b>End of file</b>: once the peer has closed its end and everything it sent before has been received,
 * {@code recv*} throw {@link EOFException} and {@code send*} throw {@link BrokenPipeException}; likewise when the
 * peer is gone (its process died, with its embedded driver, or the link between the hosts is down) for longer
 * than the driver's liveness timeout, {@value AeronMedia#LIVENESS_TIMEOUT_MS} ms with the embedded driver (an
 * external driver's own image-liveness and publication-connection timeouts otherwise).
 * <p>
 * <b>Crash</b>: weaker than a local pipe, as for a socket: a message whose {@code send} returned is delivered,
 * in order, unless the sending process dies (taking its embedded driver with it) before the driver transmitted
 * it, the link stays down past the timeout, or the receiving process dies before its {@code recv} returned. For
 * messages that must survive either side's death, use a bridge between queues ({@link BridgeSender}).
 *
 * @param <T> the type of value {@link #send(Object)} and {@link #recv()} carry.
 */
public final class RemoteConnection<T> implements AutoCloseable
{
    private static final int DATA = 1;
    private static final int CLOSE = 2;
    /** The answer to a CLOSE once it was read, after everything sent before it: the closer may let go. */
    private static final int CLOSED = 3;
    private static final int HEADER = 4;

    private final Codec<T> codec;
    private final AeronMedia media;
    private final ConcurrentPublication publication;
    private final Subscription subscription;
    private final FragmentAssembler assembler = new FragmentAssembler(this::onFragment);
    private final IdleStrategy sendIdle = new BackoffIdleStrategy(10, 10, 1_000, 500_000);
    private final IdleStrategy receiveIdle = new BackoffIdleStrategy(10, 10, 1_000, 500_000);
    private final UnsafeBuffer out;
    private final byte[] encoded;
    private final int maxMessage;
    private final String description;
    /** The message received and not yet returned, or {@code null}; receiving thread only. */
    private byte[] pending;
    /** The peer's streams that appeared and went away (Aeron's conductor thread counts them): for diagnostics. */
    private final AtomicInteger imagesSeen = new AtomicInteger();
    private final AtomicInteger imagesLost = new AtomicInteger();
    private volatile boolean peerClosed;
    private volatile boolean peerSawClose;
    private volatile boolean closed;

    private RemoteConnection(final Builder<T> builder, final AeronMedia media)
    {
        this.codec = builder.codec;
        this.media = media;
        this.maxMessage = builder.maxMessage;
        this.description = "remote connection " + builder.local + " <-> " + builder.remote;
        this.publication = media.aeron().addPublication(builder.remote, builder.stream);
        this.subscription = media.aeron().addSubscription(builder.local, builder.stream,
            image -> imagesSeen.incrementAndGet(), image -> imagesLost.incrementAndGet());
        this.encoded = new byte[maxMessage];
        this.out = new UnsafeBuffer(new byte[HEADER + maxMessage]);
    }

    /**
     * Starts configuring one end.
     *
     * @param codec turns values into bytes and back; the peer must use an equivalent one.
     * @param <T>   the type of value.
     * @return a builder.
     */
    public static <T> Builder<T> builder(final Codec<T> codec)
    {
        return new Builder<>(Objects.requireNonNull(codec, "codec"));
    }

    /**
     * Sends {@code value}, encoded with the codec. Blocks while Aeron's flow control holds the message back.
     *
     * @param value the value, not {@code null}.
     * @throws BrokenPipeException      if the peer closed its end or is gone.
     * @throws MessageTooLargeException if the encoding exceeds the maximum message length; nothing is sent.
     * @throws InterruptedException     if interrupted while waiting; nothing is sent.
     * @throws IllegalStateException    if this end is closed.
     */
    public void send(final T value) throws BrokenPipeException, InterruptedException
    {
        Objects.requireNonNull(value, "value");
        ensureOpen();
        final int length = codec.encode(value, MemorySegment.ofArray(encoded), 0, maxMessage);
        sendBytes(encoded, 0, length);
    }

    /**
     * Sends {@code bytes} as one message.
     *
     * @param bytes the message.
     * @throws BrokenPipeException      if the peer closed its end or is gone.
     * @throws MessageTooLargeException if longer than the maximum message length; nothing is sent.
     * @throws InterruptedException     if interrupted while waiting; nothing is sent.
     * @throws IllegalStateException    if this end is closed.
     */
    public void sendBytes(final byte[] bytes) throws BrokenPipeException, InterruptedException
    {
        sendBytes(bytes, 0, bytes.length);
    }

    /**
     * Sends {@code length} bytes of {@code bytes} from {@code offset} as one message.
     *
     * @param bytes  the source.
     * @param offset where the message starts.
     * @param length its length.
     * @throws BrokenPipeException      if the peer closed its end or is gone.
     * @throws MessageTooLargeException if longer than the maximum message length; nothing is sent.
     * @throws InterruptedException     if interrupted while waiting; nothing is sent.
     * @throws IllegalStateException    if this end is closed.
     */
    public synchronized void sendBytes(final byte[] bytes, final int offset, final int length)
        throws BrokenPipeException, InterruptedException
    {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        ensureOpen();
        if (length > maxMessage)
        {
            throw new MessageTooLargeException(description, length, maxMessage);
        }
        out.putInt(0, DATA, BridgeProtocol.ORDER);
        out.putBytes(HEADER, bytes, offset, length);
        sendIdle.reset();
        while (true)
        {
            if (peerClosed)
            {
                throw new BrokenPipeException(description + ": the peer closed its end");
            }
            final long result = publication.offer(out, 0, HEADER + length);
            if (result >= 0)
            {
                return;
            }
            if (result == Publication.NOT_CONNECTED || result == Publication.CLOSED ||
                result == Publication.MAX_POSITION_EXCEEDED)
            {
                throw new BrokenPipeException(description + ": the peer is gone (" +
                    Publication.errorString(result) + ")");
            }
            if (Thread.interrupted())
            {
                throw new InterruptedException();
            }
            sendIdle.idle();
        }
    }

    /**
     * Receives one message and decodes it with the codec. Blocks while none has arrived.
     *
     * @return the value.
     * @throws EOFException          if the peer closed or is gone and everything it sent has been received.
     * @throws InterruptedException  if interrupted while waiting; nothing is consumed.
     * @throws IllegalStateException if this end is closed.
     * @throws io.jvmipc.codec.CodecException if the bytes do not decode (the message is consumed).
     */
    public T recv() throws EOFException, InterruptedException
    {
        final byte[] bytes = recvBytes();
        return codec.decode(MemorySegment.ofArray(bytes), 0, bytes.length);
    }

    /**
     * Receives one message's bytes. Blocks while none has arrived.
     *
     * @return the message.
     * @throws EOFException          if the peer closed or is gone and everything it sent has been received.
     * @throws InterruptedException  if interrupted while waiting; nothing is consumed.
     * @throws IllegalStateException if this end is closed.
     */
    public synchronized byte[] recvBytes() throws EOFException, InterruptedException
    {
        ensureOpen();
        receiveIdle.reset();
        while (!readyNow())
        {
            if (Thread.interrupted())
            {
                throw new InterruptedException();
            }
            receiveIdle.idle();
        }
        if (pending == null)
        {
            throw new EOFException(description + ": the peer " + (peerClosed ? "closed its end" : "is gone (its stream " +
                "went away: " + imagesSeen.get() + " seen, " + imagesLost.get() + " lost)"));
        }
        final byte[] message = pending;
        pending = null;
        return message;
    }

    /**
     * Whether {@link #recv()} would return at once: a message has arrived, or the peer has closed or is gone.
     * Never blocks.
     *
     * @return {@code true} if readable.
     * @throws IllegalStateException if this end is closed.
     */
    public synchronized boolean poll()
    {
        ensureOpen();
        return readyNow();
    }

    /**
     * Waits up to {@code timeout} until {@link #poll()} would return {@code true}.
     *
     * @param timeout how long to wait; zero or less: check once, no wait.
     * @param unit    its unit.
     * @return {@code true} if readable, {@code false} on timeout.
     * @throws InterruptedException  if interrupted while waiting.
     * @throws IllegalStateException if this end is closed.
     */
    public synchronized boolean poll(final long timeout, final TimeUnit unit) throws InterruptedException
    {
        final long timeoutNanos = Math.max(0, unit.toNanos(timeout));
        ensureOpen();
        final long deadline = System.nanoTime() + timeoutNanos;
        receiveIdle.reset();
        while (!readyNow())
        {
            if (System.nanoTime() - deadline >= 0)
            {
                return false;
            }
            if (Thread.interrupted())
            {
                throw new InterruptedException();
            }
            receiveIdle.idle();
        }
        return true;
    }

    /**
     * Closes this end: the peer receives what was sent before, then end-of-file. Waits, up to the liveness timeout
     * ({@value AeronMedia#LIVENESS_TIMEOUT_MS} ms), until the peer has read up to the close (a receiver reads it in
     * {@code recv} or {@code poll}): Aeron drops what the peer has not read once this end's stream is gone.
     * Messages that arrive meanwhile are dropped. Idempotent; never throws.
     */
    @Override
    public synchronized void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        final UnsafeBuffer close = new UnsafeBuffer(new byte[HEADER]);
        close.putInt(0, CLOSE, BridgeProtocol.ORDER);
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(AeronMedia.LIVENESS_TIMEOUT_MS);
        boolean offered = false;
        while (!peerSawClose && !peerClosed && publication.isConnected() && System.nanoTime() - deadline < 0)
        {
            if (!offered)
            {
                offered = publication.offer(close, 0, HEADER) >= 0;
            }
            pending = null;
            if (subscription.poll(assembler, 16) == 0)
            {
                Thread.onSpinWait();
            }
        }
        pending = null;
        CloseHelper.quietCloseAll(publication, subscription, media);
    }

    /**
     * Whether this end was closed.
     *
     * @return {@code true} once {@link #close()} was called.
     */
    public boolean isClosed()
    {
        return closed;
    }

    @Override
    public String toString()
    {
        return description;
    }

    /** Polls once if nothing is pending; readable if a message is pending, the peer closed, or it is gone. */
    private boolean readyNow()
    {
        if (pending == null && !peerClosed)
        {
            subscription.poll(assembler, 1);
        }
        return pending != null || peerClosed || !subscription.isConnected();
    }

    private void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        final int type = buffer.getInt(offset, BridgeProtocol.ORDER);
        if (type == CLOSE)
        {
            peerClosed = true;
            final UnsafeBuffer answer = new UnsafeBuffer(new byte[HEADER]);
            answer.putInt(0, CLOSED, BridgeProtocol.ORDER);
            publication.offer(answer, 0, HEADER);
        }
        else if (type == CLOSED)
        {
            peerSawClose = true;
        }
        else if (type == DATA)
        {
            final byte[] message = new byte[length - HEADER];
            buffer.getBytes(offset + HEADER, message);
            pending = message;
        }
    }

    private void ensureOpen()
    {
        if (closed)
        {
            throw new IllegalStateException(description + " is closed");
        }
    }

    /**
     * Configures one end of a {@link RemoteConnection}.
     *
     * @param <T> the type of value.
     */
    public static final class Builder<T>
    {
        private final Codec<T> codec;
        private String local;
        private String remote;
        private Path aeronDirectory;
        private boolean external;
        private int stream = 0x6a76_0010;
        private int maxMessage = 64 * 1024;

        private Builder(final Codec<T> codec)
        {
            this.codec = codec;
        }

        /**
         * Where this end listens: {@code aeron:udp?endpoint=thisHost:port}.
         *
         * @param channel the Aeron UDP URI.
         * @return this builder.
         * @throws IllegalArgumentException if it is not an Aeron UDP URI with an endpoint.
         */
        public Builder<T> local(final String channel)
        {
            this.local = BridgeBuilder.requireUdpEndpoint(channel, "local channel");
            return this;
        }

        /**
         * Where the peer listens: its {@link #local(String)}.
         *
         * @param channel the Aeron UDP URI.
         * @return this builder.
         * @throws IllegalArgumentException if it is not an Aeron UDP URI with an endpoint.
         */
        public Builder<T> remote(final String channel)
        {
            this.remote = BridgeBuilder.requireUdpEndpoint(channel, "remote channel");
            return this;
        }

        /**
         * Runs the embedded media driver in {@code directory} (required unless {@link #externalDriver(Path)}).
         *
         * @param directory the driver's directory, this end's own.
         * @return this builder.
         */
        public Builder<T> aeronDirectory(final Path directory)
        {
            this.aeronDirectory = Objects.requireNonNull(directory, "directory");
            this.external = false;
            return this;
        }

        /**
         * Uses the media driver that the user runs in {@code directory}.
         *
         * @param directory the running driver's directory.
         * @return this builder.
         */
        public Builder<T> externalDriver(final Path directory)
        {
            this.aeronDirectory = Objects.requireNonNull(directory, "directory");
            this.external = true;
            return this;
        }

        /**
         * The longest message (default 64 KiB); the peer should use the same.
         *
         * @param maxMessage the bound in bytes, 1 to 16 MiB.
         * @return this builder.
         * @throws IllegalArgumentException if outside that range.
         */
        public Builder<T> maxMessageLength(final int maxMessage)
        {
            if (maxMessage < 1 || maxMessage > 16 << 20)
            {
                throw new IllegalArgumentException("max message length " + maxMessage + " is not in 1..16 MiB");
            }
            this.maxMessage = maxMessage;
            return this;
        }

        /**
         * Starts Aeron and waits until both directions are connected (the peer has connected too).
         *
         * @param timeout how long to wait for the peer.
         * @param unit    its unit.
         * @return the connected end.
         * @throws ConnectException      if the peer did not connect in time (everything is closed).
         * @throws InterruptedException  if interrupted while waiting (everything is closed).
         * @throws IllegalStateException if a channel or the driver directory is missing.
         */
        public RemoteConnection<T> connect(final long timeout, final TimeUnit unit)
            throws ConnectException, InterruptedException
        {
            if (local == null || remote == null || aeronDirectory == null)
            {
                throw new IllegalStateException("a remote connection needs local, remote and aeronDirectory");
            }
            final AeronMedia media = AeronMedia.start(aeronDirectory, external);
            RemoteConnection<T> connection = null;
            boolean connected = false;
            try
            {
                connection = new RemoteConnection<>(this, media);
                final long deadline = System.nanoTime() + unit.toNanos(timeout);
                while (!connection.publication.isConnected() || !connection.subscription.isConnected())
                {
                    if (System.nanoTime() - deadline > 0)
                    {
                        throw new ConnectException(connection.description + ": the peer did not connect within " +
                            unit.toMillis(timeout) + " ms");
                    }
                    if (Thread.interrupted())
                    {
                        throw new InterruptedException();
                    }
                    Thread.sleep(1);
                }
                connected = true;
                return connection;
            }
            finally
            {
                if (!connected)
                {
                    if (connection != null)
                    {
                        CloseHelper.quietCloseAll(connection.publication, connection.subscription);
                    }
                    media.close();
                }
            }
        }
    }
}
