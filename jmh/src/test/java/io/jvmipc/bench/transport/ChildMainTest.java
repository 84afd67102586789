package io.jvmipc.bench.transport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChildMainTest
{
    private static final int SIZE = 32;
    private static final long WARMUP_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    /** One end of an in-memory duplex channel that counts the flagged messages it sends. */
    private static final class Loopback implements Endpoint
    {
        private final BlockingQueue<byte[]> out;
        private final BlockingQueue<byte[]> in;
        private final AtomicLong flaggedSent = new AtomicLong();

        Loopback(final BlockingQueue<byte[]> out, final BlockingQueue<byte[]> in)
        {
            this.out = out;
            this.in = in;
        }

        @Override
        public void send(final byte[] message, final int length) throws InterruptedException
        {
            if ((Messages.sequence(message) & ChildMain.PHASE_FLAG) != 0)
            {
                flaggedSent.incrementAndGet();
            }
            out.put(java.util.Arrays.copyOf(message, length));
        }

        @Override
        public void receive(final byte[] into, final int length) throws InterruptedException
        {
            System.arraycopy(in.take(), 0, into, 0, length);
        }

        @Override
        public void close()
        {
        }
    }

    private static Loopback[] pair()
    {
        final BlockingQueue<byte[]> aToB = new ArrayBlockingQueue<>(1024);
        final BlockingQueue<byte[]> bToA = new ArrayBlockingQueue<>(1024);
        return new Loopback[] {new Loopback(aToB, bToA), new Loopback(bToA, aToB)};
    }

    @Test
    @Timeout(30)
    void shouldStreamAWarmUpOfAtLeastItsCountAndTimeThenExactlyTheMeasuredFlaggedMessages() throws Exception
    {
        final Loopback[] ends = pair();
        final long start = System.nanoTime();
        final CompletableFuture<Long> sent = CompletableFuture.supplyAsync(() -> call(
            () -> ChildMain.sendStream(ends[1], SIZE, 100, WARMUP_NANOS, 500)));

        final long received = ChildMain.receiveStream(ends[0], SIZE, 500);

        assertEquals(received, (long)sent.get(10, TimeUnit.SECONDS), "the receiver stops at the last message sent");
        assertEquals(500, ends[1].flaggedSent.get(), "exactly the measured messages are flagged");
        assertTrue(received >= 600, "at least the warm-up count before them: " + received);
        assertTrue(System.nanoTime() - start >= WARMUP_NANOS, "the warm-up lasted its time");
    }

    @Test
    @Timeout(30)
    void shouldEchoUpToTheFlaggedLastRoundTrip() throws Exception
    {
        final Loopback[] ends = pair();
        final CompletableFuture<Long> echoed = CompletableFuture.supplyAsync(() -> call(
            () -> ChildMain.echo(ends[1], SIZE, 0, true)));

        final long trips = ChildMain.roundTrip(Transport.JVMIPC_QUEUE_SPIN, ends[0], SIZE, 100, WARMUP_NANOS, 200);

        assertEquals(trips, (long)echoed.get(10, TimeUnit.SECONDS), "the echo stops at the flagged last one");
        assertEquals(1, ends[0].flaggedSent.get(), "only the last round trip is flagged");
        assertTrue(trips >= 300, "at least the warm-up count and the measured ones: " + trips);
    }

    @Test
    @Timeout(30)
    void shouldEchoByCountForATransportThatCarriesNoPayload() throws Exception
    {
        final Loopback[] ends = pair();
        final CompletableFuture<Long> echoed = CompletableFuture.supplyAsync(() -> call(
            () -> ChildMain.echo(ends[1], SIZE, 300, false)));

        final long trips = ChildMain.roundTrip(Transport.FLOOR_SPIN, ends[0], SIZE, 100, 0, 200);

        assertEquals(300, trips);
        assertEquals(300, (long)echoed.get(10, TimeUnit.SECONDS));
        assertEquals(0, ends[0].flaggedSent.get(), "a floor's count cannot carry a flag");
    }

    private interface Body
    {
        long run() throws Exception;
    }

    private static long call(final Body body)
    {
        try
        {
            return body.run();
        }
        catch (final Exception e)
        {
            throw new IllegalStateException(e);
        }
    }
}
