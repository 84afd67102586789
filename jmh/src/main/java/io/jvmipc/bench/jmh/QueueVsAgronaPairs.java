package io.jvmipc.bench.jmh;

import io.jvmipc.codec.Codecs;
import io.jvmipc.queue.SharedQueue;
import io.jvmipc.queue.SharedQueueBuilder;
import io.jvmipc.wait.WaitStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;

/**
 * The queue against Agrona's ring in adjacent rounds of one JVM, for a ratio that survives this machine's changes of
 * speed. Its two virtual CPUs switch, for seconds at a time, between a round trip of about 0.18 us and one of about
 * 0.62 us (both transports alike), so a ratio of two runs measured a minute apart says little; here two threads
 * (each with attachments of its own, as two processes would have) run a round of the queue, then a round of Agrona,
 * and so on, and each pair of adjacent rounds gives one ratio. Prints the median ratio, its range, and each pair.
 * <p>
 * {@code java --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED --enable-native-access=ALL-UNNAMED -cp
 * jmh/target/jvmipc-bench.jar io.jvmipc.bench.jmh.QueueVsAgronaPairs rtt|stream oneToOne|any OneToOne|ManyToOne
 * [pairs] [messages per round]}: {@code rtt} ping-pongs 32-byte messages (the ratio is the queue's time over
 * Agrona's: below 1 is faster), {@code stream} sends them one way, each checked by the receiver (the ratio is the
 * queue's rate over Agrona's: above 1 is faster). Both sides busy-spin, so the two threads take both CPUs.
 */
public final class QueueVsAgronaPairs
{
    private static final int SIZE = 32;
    private static final int AGRONA_CAPACITY = 1 << 20;
    private static final int MESSAGE_TYPE = 1;

    private QueueVsAgronaPairs()
    {
    }

    /** One side's two directions: send a message, receive one into a buffer. */
    private interface Side
    {
        void send(byte[] message) throws InterruptedException;

        void receive(byte[] into) throws InterruptedException;
    }

    private static Side queueSide(final SharedQueue<byte[]> out, final SharedQueue<byte[]> in)
    {
        return new Side()
        {
            @Override
            public void send(final byte[] message) throws InterruptedException
            {
                if (!out.offerBytes(message, 0, SIZE, 1, TimeUnit.HOURS))
                {
                    throw new IllegalStateException(out.name() + " stayed full for an hour");
                }
            }

            @Override
            public void receive(final byte[] into) throws InterruptedException
            {
                if (in.pollBytes(into, 0, 1, TimeUnit.HOURS) != SIZE)
                {
                    throw new IllegalStateException(in.name() + " gave a message of another length");
                }
            }
        };
    }

    private static Side agronaSide(final RingBuffer out, final RingBuffer in)
    {
        final UnsafeBuffer sendBuffer = new UnsafeBuffer(new byte[0]);
        final byte[][] target = new byte[1][];
        final org.agrona.concurrent.MessageHandler handler =
            (type, buffer, index, length) -> buffer.getBytes(index, target[0], 0, length);
        return new Side()
        {
            @Override
            public void send(final byte[] message)
            {
                sendBuffer.wrap(message, 0, SIZE);
                while (!out.write(MESSAGE_TYPE, sendBuffer, 0, SIZE))
                {
                    Thread.onSpinWait();
                }
            }

            @Override
            public void receive(final byte[] into)
            {
                target[0] = into;
                while (in.read(handler, 1) == 0)
                {
                    Thread.onSpinWait();
                }
            }
        };
    }

    private static SharedQueueBuilder<byte[]> queue(final Path dir, final String name, final boolean oneToOne)
    {
        final SharedQueueBuilder<byte[]> builder = SharedQueue.builder(name, Codecs.bytes())
            .directory(BenchFiles.shared(dir)).capacity(4096).maxMessageSize(SIZE).waitStrategy(WaitStrategy.busySpin());
        return oneToOne ? builder.singleProducer().singleConsumer() : builder;
    }

    private static RingBuffer ring(final ByteBuffer buffer, final boolean manyToOne)
    {
        final UnsafeBuffer unsafe = new UnsafeBuffer(buffer);
        return manyToOne ? new ManyToOneRingBuffer(unsafe) : new OneToOneRingBuffer(unsafe);
    }

    /**
     * Runs the pairs.
     *
     * @param args rtt or stream; oneToOne or any (the queue's mode); OneToOne or ManyToOne (Agrona's ring); the
     *             number of pairs (20); messages per round (200,000 round trips or 2,000,000 streamed).
     * @throws Exception if a side fails.
     */
    public static void main(final String[] args) throws Exception
    {
        final boolean rtt = args[0].equals("rtt");
        final boolean oneToOne = args[1].equals("oneToOne");
        final boolean manyToOne = args[2].equals("ManyToOne");
        final int pairs = args.length > 3 ? Integer.parseInt(args[3]) : 20;
        final int count = args.length > 4 ? Integer.parseInt(args[4]) : rtt ? 200_000 : 2_000_000;
        // two warm-up pairs, then the measured ones; even rounds are the queue's, odd ones Agrona's
        final int rounds = 2 * (pairs + 2);
        final Path dir = BenchFiles.newDirectory();
        final int ringLength = AGRONA_CAPACITY + RingBufferDescriptor.TRAILER_LENGTH;
        final ByteBuffer aToB = ByteBuffer.allocateDirect(ringLength);
        final ByteBuffer bToA = ByteBuffer.allocateDirect(ringLength);
        final CyclicBarrier barrier = new CyclicBarrier(2);
        final long[] nanos = new long[rounds];
        final Throwable[] failure = new Throwable[2];
        // created here and held for the run, so that neither side's attachments are the last ones
        try (SharedQueue<byte[]> _ = queue(dir, "a-to-b", oneToOne).create();
            SharedQueue<byte[]> _ = queue(dir, "b-to-a", oneToOne).create())
        {
            final Thread b = new Thread(() ->
            {
                try (SharedQueue<byte[]> in = queue(dir, "a-to-b", oneToOne).open();
                    SharedQueue<byte[]> out = queue(dir, "b-to-a", oneToOne).open())
                {
                    final Side[] sides = {queueSide(out, in), agronaSide(ring(bToA, manyToOne), ring(aToB, manyToOne))};
                    final byte[] buffer = new byte[SIZE];
                    for (int round = 0; round < rounds; round++)
                    {
                        final Side side = sides[round & 1];
                        barrier.await();
                        for (int i = 0; i < count; i++)
                        {
                            side.receive(buffer);
                            if (rtt)
                            {
                                side.send(buffer);
                            }
                            else if (buffer[0] != (byte)i)
                            {
                                throw new IllegalStateException("message " + i + " out of order");
                            }
                        }
                        barrier.await();
                    }
                }
                catch (final InterruptedException | BrokenBarrierException | RuntimeException e)
                {
                    failure[1] = e;
                    barrier.reset();
                }
            }, "side-b");
            b.start();
            try (SharedQueue<byte[]> out = queue(dir, "a-to-b", oneToOne).open();
                SharedQueue<byte[]> in = queue(dir, "b-to-a", oneToOne).open())
            {
                final Side[] sides = {queueSide(out, in), agronaSide(ring(aToB, manyToOne), ring(bToA, manyToOne))};
                final byte[] buffer = new byte[SIZE];
                for (int round = 0; round < rounds; round++)
                {
                    final Side side = sides[round & 1];
                    barrier.await();
                    final long start = System.nanoTime();
                    for (int i = 0; i < count; i++)
                    {
                        buffer[0] = (byte)i;
                        side.send(buffer);
                        if (rtt)
                        {
                            side.receive(buffer);
                        }
                    }
                    // a stream's round ends when the receiver has checked the last message
                    barrier.await();
                    nanos[round] = System.nanoTime() - start;
                }
            }
            catch (final InterruptedException | BrokenBarrierException | RuntimeException e)
            {
                failure[0] = e;
                barrier.reset();
            }
            b.join();
        }
        finally
        {
            BenchFiles.delete(dir);
        }
        if (failure[0] != null || failure[1] != null)
        {
            final IllegalStateException failed = new IllegalStateException("a side failed");
            for (final Throwable t : failure)
            {
                if (t != null)
                {
                    failed.addSuppressed(t);
                }
            }
            throw failed;
        }
        report(rtt, oneToOne, manyToOne, count, nanos);
    }

    private static void report(final boolean rtt, final boolean oneToOne, final boolean manyToOne, final int count,
        final long[] nanos)
    {
        final List<Double> ratios = new ArrayList<>();
        final StringBuilder each = new StringBuilder();
        for (int round = 4; round + 1 < nanos.length; round += 2)
        {
            final double queue = nanos[round];
            final double agrona = nanos[round + 1];
            ratios.add(rtt ? queue / agrona : agrona / queue);
            each.append(rtt ? String.format(Locale.ROOT, " %.0f/%.0f", queue / count, agrona / count)
                : String.format(Locale.ROOT, " %.1f/%.1f", count * 1e3 / queue, count * 1e3 / agrona));
        }
        Collections.sort(ratios);
        System.out.printf(Locale.ROOT, "%s, %s queue against Agrona %s: median ratio %.2f [%.2f-%.2f] over %d pairs (%s)%n",
            rtt ? "round trip" : "stream", oneToOne ? "one-to-one" : "any-mode", manyToOne ? "ManyToOne" : "OneToOne",
            ratios.get(ratios.size() / 2), ratios.get(0), ratios.get(ratios.size() - 1), ratios.size(),
            rtt ? "queue time / Agrona time: below 1 is faster" : "queue rate / Agrona rate: above 1 is faster");
        System.out.println((rtt ? "ns per round trip, queue/Agrona:" : "M msgs/s, queue/Agrona:") + each);
    }
}
