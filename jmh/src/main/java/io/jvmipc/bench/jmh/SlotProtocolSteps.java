package io.jvmipc.bench.jmh;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Where a slot queue's round trip goes: two threads ping-pong 32-byte messages through two rings of 64-byte slots
 * (one message per slot and line, as the {@code SharedQueue}'s ring lays them out), and each level adds one step of
 * the queue's protocol to the one before, starting from a ring whose reader only polls the record, as the Pipe's
 * does. Each level runs in a JVM of its own (the level is a constant there, so the JIT removes the others), the
 * levels in turn, several rounds; the median of each level's round trips is printed with its difference to the
 * level before. The two threads build their own state in their own allocation buffers, so that no heap line is
 * shared between them: across processes nothing on the heap is, and a shared line would dominate what is measured.
 * <p>
 * With {@code stream}, the producer sends as fast as the ring lets it and the figure is the consumer's rate, in
 * thousands of messages per second. Its first two levels use the flow control of the Pipe and of Agrona's rings (the
 * consumer publishes its head, the producer caches it), level 0 with records packed 40 bytes apart as Agrona frames a
 * 32-byte message, level 1 with one record per line as the Pipe does; level 2 replaces that with the queue's per-slot
 * freeing, and the levels after it add the queue's other steps as in the round trip.
 * <p>
 * {@code java -cp jmh/target/jvmipc-bench.jar io.jvmipc.bench.jmh.SlotProtocolSteps [rtt|stream] [rounds]}
 */
public final class SlotProtocolSteps
{
    private static final String LEVEL_PROPERTY = "jvmipc.steps.level";
    private static final String STREAM_PROPERTY = "jvmipc.steps.stream";
    private static final boolean STREAM = Boolean.getBoolean(STREAM_PROPERTY);
    /** The round trip's level, or for a stream its level mapped onto the same steps (see {@link #STREAM_STEPS}). */
    private static final int LEVEL = Integer.getInteger(LEVEL_PROPERTY, -1);
    private static final int STREAM_LEVEL = STREAM ? LEVEL : -1;
    private static final int STEP = STREAM && LEVEL <= 1 ? 0 : LEVEL;
    /** Records 40 bytes apart (an 8-byte word and the message), not one per line: stream level 0 only. */
    private static final boolean PACKED = STREAM_LEVEL == 0;
    /** Where a record's message starts: after its word, and unless packed, after a length word too. */
    private static final int PAYLOAD = PACKED ? 8 : 16;
    /** The consumer publishes its head and the producer caches it, instead of per-slot freeing: stream 0 and 1. */
    private static final boolean HEAD_FLOW = STREAM && STREAM_LEVEL <= 1;
    private static final String[] STREAM_STEPS =
    {
        "records 40 bytes apart, the consumer publishes its head, the producer caches it (Agrona's rings)",
        "one record per 64-byte line, same flow control (the Pipe's ring)",
        "per-slot flow control: the consumer stores FREE, the producer reads the slot's state (the queue's)",
        "+ the producer claims the slot by CAS (FREE to WRITING)",
        "+ the consumer takes the slot by CAS (READY to READING)",
        "+ a release store of the tail hint and of the head hint per message",
        "+ a consumer that finds the slot WRITING also reads the next slot (the queue's scan)",
    };
    private static final String[] STEPS =
    {
        "reader polls the slot's word; nothing is written back (as the Pipe's ring)",
        "+ the consumer stores FREE for the next lap after reading",
        "+ the producer reads the slot's state before writing",
        "+ the producer claims the slot by CAS (FREE to WRITING)",
        "+ the consumer takes the slot by CAS (READY to READING)",
        "+ a release store of the tail hint and of the head hint per message",
        "+ a consumer that finds the slot WRITING also reads the next slot (the queue's scan)",
    };
    private static final VarHandle LONG = JAVA_LONG.varHandle();
    private static final int SLOTS = 1024;
    private static final int SLOT = 64;
    private static final int MESSAGE = 32;
    private static final long RING = (long)SLOTS * SLOT;
    /** Two hint lines after the slots, 128 bytes apart (no adjacent-line prefetch pairs them). */
    private static final long TAIL_HINT = RING;
    private static final long HEAD_HINT = RING + 128;
    private static final long RING_BYTES = RING + 4096;
    private static final long HEAD_LINE = RING + 256;
    private static final int RECORD = PACKED ? 8 + MESSAGE : SLOT;
    private static final int MESSAGES = 3_000_000;
    private static final int STREAMED = 30_000_000;
    private static final int TIMED_ROUNDS = 3;

    private SlotProtocolSteps()
    {
    }

    /**
     * Runs every level in turn in child JVMs, or (in a child) one level.
     *
     * @param args how many rounds of all levels (default 5).
     * @throws Exception if a child fails.
     */
    public static void main(final String[] args) throws Exception
    {
        if (LEVEL >= 0)
        {
            System.out.println(STREAM ? stream() : measure());
            return;
        }
        final boolean stream = args.length > 0 && args[0].equals("stream");
        final int first = args.length > 0 && (stream || args[0].equals("rtt")) ? 1 : 0;
        final int rounds = args.length > first ? Integer.parseInt(args[first]) : 5;
        final String[] steps = stream ? STREAM_STEPS : STEPS;
        final long[][] results = new long[steps.length][rounds];
        for (int round = 0; round < rounds; round++)
        {
            for (int level = 0; level < steps.length; level++)
            {
                results[level][round] = runChild(level, stream);
            }
        }
        long previous = -1;
        System.out.printf("%-5s %9s %7s  %s%n", "level", stream ? "k msgs/s" : "rtt ns", "delta",
            "step (medians of " + rounds + " JVMs)");
        for (int level = 0; level < steps.length; level++)
        {
            final long[] sorted = results[level].clone();
            Arrays.sort(sorted);
            final long median = sorted[rounds / 2];
            System.out.printf("%-5d %9d %7s  %s   all: %s%n", level, median,
                previous < 0 ? "" : String.format("%+d", median - previous), steps[level],
                Arrays.toString(results[level]));
            previous = median;
        }
    }

    private static long runChild(final int level, final boolean stream) throws IOException, InterruptedException
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-D" + LEVEL_PROPERTY + "=" + level);
        command.add("-D" + STREAM_PROPERTY + "=" + stream);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(SlotProtocolSteps.class.getName());
        final Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        final String line;
        try (BufferedReader out = new BufferedReader(
            new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8)))
        {
            line = out.readLine();
        }
        if (child.waitFor() != 0 || line == null)
        {
            throw new IllegalStateException("level " + level + " failed: " + line);
        }
        return Long.parseLong(line.trim());
    }

    /** One level in this JVM: the last timed round's mean round trip, in nanoseconds (the first rounds warm up). */
    private static long measure() throws InterruptedException
    {
        final Arena arena = Arena.ofShared();
        final MemorySegment there = arena.allocate(RING_BYTES, 4096);
        final MemorySegment back = arena.allocate(RING_BYTES, 4096);
        for (int i = 0; i < SLOTS; i++)
        {
            there.set(JAVA_LONG, (long)i * SLOT, free(i));
            back.set(JAVA_LONG, (long)i * SLOT, free(i));
        }
        final Thread echo = new Thread(() ->
        {
            // built here, in this thread's allocation buffer: nothing on a line the other thread writes
            final Consumer in = new Consumer(there);
            final Producer out = new Producer(back);
            final byte[] buffer = new byte[MESSAGE];
            for (int i = 0; i < MESSAGES; i++)
            {
                in.receive(buffer);
                out.send(buffer);
            }
        });
        echo.start();
        final Producer out = new Producer(there);
        final Consumer in = new Consumer(back);
        final byte[] buffer = new byte[MESSAGE];
        long roundTrip = 0;
        final int perRound = MESSAGES / TIMED_ROUNDS;
        for (int round = 0; round < TIMED_ROUNDS; round++)
        {
            final long start = System.nanoTime();
            for (int i = 0; i < perRound; i++)
            {
                out.send(buffer);
                in.receive(buffer);
            }
            roundTrip = (System.nanoTime() - start) / perRound;
        }
        echo.join();
        return roundTrip;
    }

    /** One stream level in this JVM: the consumer's rate over the last third, in thousands of messages a second. */
    private static long stream() throws InterruptedException
    {
        final Arena arena = Arena.ofShared();
        final MemorySegment ring = arena.allocate(RING_BYTES, 4096);
        for (int i = 0; i < SLOTS; i++)
        {
            ring.set(JAVA_LONG, (long)i * RECORD, free(i));
        }
        final Thread producer = new Thread(() ->
        {
            final Producer out = new Producer(ring);
            final byte[] buffer = new byte[MESSAGE];
            for (int i = 0; i < STREAMED; i++)
            {
                out.send(buffer);
            }
        });
        producer.start();
        final Consumer in = new Consumer(ring);
        final byte[] buffer = new byte[MESSAGE];
        final int untimed = STREAMED - STREAMED / TIMED_ROUNDS;
        for (int i = 0; i < untimed; i++)
        {
            in.receive(buffer);
        }
        final long start = System.nanoTime();
        for (int i = untimed; i < STREAMED; i++)
        {
            in.receive(buffer);
        }
        final long elapsed = System.nanoTime() - start;
        producer.join();
        return (long)(STREAMED - untimed) * 1_000_000 / elapsed;
    }

    private static long free(final long position)
    {
        return position << 3;
    }

    private static long writing(final long position)
    {
        return position << 3 | 1;
    }

    private static long ready(final long position)
    {
        return position << 3 | 2;
    }

    private static long reading(final long position)
    {
        return position << 3 | 3;
    }

    private static long slot(final long position)
    {
        return (position & (SLOTS - 1)) * RECORD;
    }

    /** One thread's sending side of a ring. */
    private static final class Producer
    {
        private final MemorySegment ring;
        private long tail;
        private long cachedHead;

        Producer(final MemorySegment ring)
        {
            this.ring = ring;
        }

        void send(final byte[] message)
        {
            final long position = tail;
            final long slot = slot(position);
            if (HEAD_FLOW)
            {
                while (position - cachedHead >= SLOTS)
                {
                    Thread.onSpinWait();
                    cachedHead = (long)LONG.getAcquire(ring, HEAD_LINE);
                }
            }
            else if (STEP >= 2)
            {
                while ((long)LONG.getVolatile(ring, slot) != free(position))
                {
                    Thread.onSpinWait();
                }
            }
            if (STEP >= 3 && !LONG.compareAndSet(ring, slot, free(position), writing(position)))
            {
                throw new IllegalStateException("a second producer");
            }
            if (STEP >= 5)
            {
                LONG.setRelease(ring, TAIL_HINT, position + 1);
            }
            MemorySegment.copy(message, 0, ring, JAVA_BYTE, slot + PAYLOAD, MESSAGE);
            if (!PACKED)
            {
                ring.set(JAVA_INT, slot + 8, MESSAGE);
            }
            LONG.setRelease(ring, slot, ready(position));
            tail = position + 1;
        }
    }

    /** One thread's receiving side of a ring. */
    private static final class Consumer
    {
        private final MemorySegment ring;
        private long head;

        Consumer(final MemorySegment ring)
        {
            this.ring = ring;
        }

        void receive(final byte[] into)
        {
            final long position = head;
            final long slot = slot(position);
            while (true)
            {
                final long word = (long)LONG.getVolatile(ring, slot);
                if (word == ready(position))
                {
                    break;
                }
                if (STEP >= 6 && word == writing(position))
                {
                    LONG.getVolatile(ring, slot(position + 1));
                }
                Thread.onSpinWait();
            }
            if (STEP >= 4 && !LONG.compareAndSet(ring, slot, ready(position), reading(position)))
            {
                throw new IllegalStateException("a second consumer");
            }
            if (STEP >= 5)
            {
                LONG.setRelease(ring, HEAD_HINT, position + 1);
            }
            final int length = PACKED ? MESSAGE : ring.get(JAVA_INT, slot + 8);
            MemorySegment.copy(ring, JAVA_BYTE, slot + PAYLOAD, into, 0, length);
            if (HEAD_FLOW)
            {
                // the Pipe's and Agrona's flow control: the producer reads it only when the ring seems full
                LONG.setRelease(ring, HEAD_LINE, position + 1);
            }
            else if (STEP >= 1)
            {
                LONG.setRelease(ring, slot, free(position + SLOTS));
            }
            head = position + 1;
        }
    }
}
