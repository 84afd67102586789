package io.jvmipc.bench.transport;

import io.jvmipc.codec.Codecs;
import io.jvmipc.file.SharedDirectory;
import io.jvmipc.queue.SharedQueue;
import io.jvmipc.wait.WaitStrategy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * jvmipc {@link SharedQueue}, one queue per direction, in the run's directory, with the busy-spin or the
 * blocking (futex) wait strategy. Uses the allocation-free byte paths: {@code offerBytes} and
 * {@code pollBytes} with a (long) timeout, so waiting is the queue's own wait strategy.
 */
public final class JvmipcQueueEndpoint implements Endpoint
{
    /** Slots per queue. */
    static final int CAPACITY = 4096;
    private static final long WAIT_HOURS = 1;

    private final SharedQueue<byte[]> out;
    private final SharedQueue<byte[]> in;

    private JvmipcQueueEndpoint(final SharedQueue<byte[]> out, final SharedQueue<byte[]> in)
    {
        this.out = out;
        this.in = in;
    }

    /**
     * Opens one side.
     *
     * @param dir the run's directory.
     * @param sideA true on side A (creates the queues).
     * @param blocking true for the futex wait strategy, false for busy spin.
     * @param oneToOne true for queues of one producer and one consumer (no CAS on either side).
     * @param maxMessageSize the largest message of the run.
     * @return the endpoint.
     * @throws IOException if A did not get ready.
     * @throws InterruptedException if interrupted while waiting for A.
     */
    public static JvmipcQueueEndpoint open(final Path dir, final boolean sideA, final boolean blocking,
        final boolean oneToOne, final int maxMessageSize) throws IOException, InterruptedException
    {
        if (!sideA)
        {
            Rendezvous.await(dir, 30_000);
        }
        final SharedDirectory directory = SharedDirectory.of(dir.resolve("jvmipc"));
        final SharedQueue<byte[]> aToB = queue("a-to-b", directory, blocking, oneToOne, maxMessageSize, sideA);
        final SharedQueue<byte[]> bToA = queue("b-to-a", directory, blocking, oneToOne, maxMessageSize, sideA);
        if (sideA)
        {
            Rendezvous.ready(dir, "jvmipc-queue");
            return new JvmipcQueueEndpoint(aToB, bToA);
        }
        return new JvmipcQueueEndpoint(bToA, aToB);
    }

    static SharedQueue<byte[]> queue(final String name, final SharedDirectory directory, final boolean blocking,
        final boolean oneToOne, final int maxMessageSize, final boolean create)
    {
        final io.jvmipc.queue.SharedQueueBuilder<byte[]> builder = SharedQueue.builder(name, Codecs.bytes())
            .directory(directory)
            .capacity(CAPACITY)
            .maxMessageSize(maxMessageSize)
            .waitStrategy(blocking ? WaitStrategy.blocking() : WaitStrategy.busySpin());
        if (oneToOne)
        {
            builder.singleProducer().singleConsumer();
        }
        return create ? builder.create() : builder.open();
    }

    @Override
    public void send(final byte[] message, final int length) throws InterruptedException
    {
        if (!out.offerBytes(message, 0, length, WAIT_HOURS, TimeUnit.HOURS))
        {
            throw new IllegalStateException("queue " + out.name() + " stayed full for an hour");
        }
    }

    @Override
    public void receive(final byte[] into, final int length) throws InterruptedException
    {
        final int received = in.pollBytes(into, 0, WAIT_HOURS, TimeUnit.HOURS);
        if (received != length)
        {
            throw new IllegalStateException("queue " + in.name() + " gave a message of " + received
                + " bytes, expected " + length);
        }
    }

    @Override
    public void close()
    {
        out.close();
        in.close();
    }
}
