package io.jvmipc.bench.transport;

import io.jvmipc.file.SharedDirectory;
import io.jvmipc.queue.SharedQueue;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One producer or consumer process of the jvmipc queue's multi-producer multi-consumer run (busy spin). All
 * processes attach to one queue and wait until all of them are attached; each producer then puts
 * {@code count} messages (sequence number, producer id) followed by one end marker per consumer; each
 * consumer takes messages until it has seen as many end markers as there are producers, checks that each
 * producer's sequence numbers reach it in increasing order (the queue is FIFO per producer), and prints its
 * count, the sum of the sequence numbers and the epoch times of its first and last message, which the harness
 * adds up and checks against producers x count. Before its {@code count} messages each producer puts
 * {@code warmup} warm-up messages (marked in the sequence number), which consumers check for order but neither
 * count nor time: without them the run measured mostly interpreted and C1-compiled code (a 1x1 run of 2M
 * messages gave 2-3 M msgs/s against the streaming run's 10 M). Times are taken with {@link System#nanoTime()}
 * at a consumer's first counted message and after its last end marker (not per message), and turned into epoch
 * times once at the end.
 *
 * <p>Arguments: {@code role=producer|consumer id=N dir=PATH producers=P consumers=C count=N size=BYTES
 * [warmup=N]}.
 */
public final class MpmcMain
{
    private static final long END = -1;
    /** Set in the sequence number of a warm-up message. */
    private static final long WARM_UP = 1L << 62;

    private MpmcMain()
    {
    }

    /**
     * Runs one producer or consumer.
     *
     * @param args key=value arguments, see the class description.
     */
    public static void main(final String[] args)
    {
        final Map<String, String> options = new LinkedHashMap<>();
        for (final String arg : args)
        {
            final int eq = arg.indexOf('=');
            options.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        try
        {
            run(options);
            System.exit(0);
        }
        catch (final Throwable failure)
        {
            System.err.println("@error mpmc " + options.get("role") + " " + options.get("id") + ": " + failure);
            failure.printStackTrace();
            System.exit(1);
        }
    }

    private static void run(final Map<String, String> options) throws Exception
    {
        final boolean producer = "producer".equals(options.get("role"));
        final int id = Integer.parseInt(options.get("id"));
        final int producers = Integer.parseInt(options.get("producers"));
        final int consumers = Integer.parseInt(options.get("consumers"));
        final long count = Long.parseLong(options.get("count"));
        final int size = Integer.parseInt(options.get("size"));
        final long warmup = Long.parseLong(options.getOrDefault("warmup", "0"));
        final SharedDirectory directory = SharedDirectory.of(Path.of(options.get("dir")).resolve("jvmipc"));
        try (SharedQueue<byte[]> queue = SharedQueue.builder("mpmc", io.jvmipc.codec.Codecs.bytes())
            .directory(directory)
            .capacity(JvmipcQueueEndpoint.CAPACITY)
            .maxMessageSize(size)
            // blocking, not busy-spin: 2 producers + 2 consumers on a 2-core machine would otherwise spend their
            // time slices spinning while the process they wait for is descheduled
            .waitStrategy(io.jvmipc.wait.WaitStrategy.blocking())
            .openOrCreate())
        {
            awaitEveryone(queue, producers + consumers);
            final boolean reportsPhase = !producer && id == 0;
            if (reportsPhase)
            {
                // tells the harness to sample where the processes run from now on
                System.out.println("@phase start");
                System.out.flush();
            }
            if (producer)
            {
                produce(queue, id, warmup, count, consumers, size);
            }
            else
            {
                consume(queue, producers, size);
            }
            if (reportsPhase)
            {
                System.out.println("@phase end");
                System.out.flush();
            }
        }
    }

    private static void awaitEveryone(final SharedQueue<byte[]> queue, final int processes) throws InterruptedException
    {
        final long deadline = System.currentTimeMillis() + 60_000;
        while (queue.processes().stream().filter(p -> p.alive()).count() < processes)
        {
            if (System.currentTimeMillis() > deadline)
            {
                throw new IllegalStateException("not all " + processes + " processes attached within 60 s");
            }
            Thread.sleep(1);
        }
    }

    private static void produce(final SharedQueue<byte[]> queue, final int id, final long warmup, final long count,
        final int consumers, final int size) throws InterruptedException
    {
        final byte[] message = Messages.filled(size);
        Messages.producer(message, id);
        for (long i = 0; i < warmup + count; i++)
        {
            Messages.sequence(message, i < warmup ? WARM_UP | i : i - warmup);
            if (!queue.offerBytes(message, 0, size, 1, TimeUnit.HOURS))
            {
                throw new IllegalStateException("queue stayed full for an hour");
            }
        }
        Messages.sequence(message, END);
        for (int c = 0; c < consumers; c++)
        {
            queue.offerBytes(message, 0, size, 1, TimeUnit.HOURS);
        }
    }

    private static void consume(final SharedQueue<byte[]> queue, final int producers, final int size)
        throws InterruptedException
    {
        final byte[] message = new byte[size];
        final long[] last = new long[producers];
        Arrays.fill(last, -1);
        final long[] lastWarmUp = new long[producers];
        Arrays.fill(lastWarmUp, -1);
        int ends = 0;
        long received = 0;
        long sequenceSum = 0;
        long first = 0;
        long lastAt = 0;
        while (ends < producers)
        {
            final int length = queue.pollBytes(message, 0, 1, TimeUnit.HOURS);
            if (length != size)
            {
                throw new IllegalStateException("message of " + length + " bytes, expected " + size);
            }
            final long sequence = Messages.sequence(message);
            final int producer = Messages.producer(message);
            if (sequence == END)
            {
                ends++;
                continue;
            }
            if (producer < 0 || producer >= producers)
            {
                throw new IllegalStateException("message " + sequence + " of an unknown producer " + producer);
            }
            final boolean warmUp = (sequence & WARM_UP) != 0;
            final long[] previous = warmUp ? lastWarmUp : last;
            final long number = sequence & ~WARM_UP;
            if (number <= previous[producer] || warmUp && last[producer] >= 0)
            {
                throw new IllegalStateException("producer " + producer + (warmUp ? " warm-up" : "") + " message "
                    + number + " after " + previous[producer] + ": out of order or duplicated");
            }
            previous[producer] = number;
            if (warmUp)
            {
                continue;
            }
            if (received == 0)
            {
                first = System.nanoTime();
            }
            received++;
            sequenceSum += number;
        }
        // not per message (the clock read would be part of every message's cost): after the last end marker, which each
        // producer put after its last message, so the span is the messages' or a little longer, never shorter
        lastAt = System.nanoTime();
        // nanoTime to epoch, once: the harness compares the times of different consumer processes
        final Instant end = Instant.now();
        final long endNanos = System.nanoTime();
        final long endEpoch = end.getEpochSecond() * 1_000_000_000L + end.getNano();
        final long firstNanos = received == 0 ? 0 : endEpoch - (endNanos - first);
        final long lastNanos = received == 0 ? 0 : endEpoch - (endNanos - lastAt);
        System.out.println("@result kind=mpmc size=" + size + " consumer=1 count=" + received + " seqsum=" + sequenceSum
            + " first=" + firstNanos + " last=" + lastNanos);
    }
}
