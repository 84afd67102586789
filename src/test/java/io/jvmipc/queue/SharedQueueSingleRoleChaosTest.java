package io.jvmipc.queue;

import io.jvmipc.ChildJvms;
import io.jvmipc.codec.Codecs;
import io.jvmipc.file.SharedDirectory;
import io.jvmipc.process.JvmProcess;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A one-to-one queue ({@code singleProducer().singleConsumer()}) whose consumers, or producers, are killed with
 * kill -9 one after another at random instants while a stream crosses a ring of 16 slots (so it wraps hundreds of
 * times): each killed holder's role passes to the next process, and the stream stays whole. Nothing synchronises
 * on time: each child says when it is running, and only the instant of the kill after that is random. The seed of
 * those instants is in every assertion message; {@code -Djvmipc.chaos.seed=<seed>} replays a run's choices (the
 * interleavings themselves are up to the machine).
 */
class SharedQueueSingleRoleChaosTest
{
    /** The seed of the kill count, the kill instants and the consumers' report points. */
    private static final long SEED = Long.getLong("jvmipc.chaos.seed", System.nanoTime());
    private static final int CAPACITY = 16;

    @TempDir
    Path tempDir;
    private SharedDirectory dir;
    private Path reports;

    @BeforeEach
    void setUp() throws IOException
    {
        dir = SharedDirectory.of(tempDir);
        reports = Files.createDirectory(tempDir.resolve("reports"));
    }

    private JvmProcess child(final String method, final String... args)
    {
        final String[] all = new String[args.length + 1];
        all[0] = "q";
        System.arraycopy(args, 0, all, 1, args.length);
        return ChildJvms.start(QueueChildren.class, method, "256m", tempDir, all);
    }

    private SharedQueue<String> createOneToOne()
    {
        return SharedQueue.builder("q", Codecs.utf8()).directory(dir).capacity(CAPACITY).maxMessageSize(256)
            .singleProducer().singleConsumer().create();
    }

    /** What a failure message starts with: how to replay the run. */
    private static String replay()
    {
        return "seed " + SEED + " (-Djvmipc.chaos.seed=" + SEED + " replays it): ";
    }

    /** Waits 5 to 60 ms: the random instant of a kill, after the child said it is running (not synchronisation). */
    private static long killInstant(final Random random)
    {
        final long millis = 5 + random.nextInt(56);
        final long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (System.nanoTime() < end)
        {
            LockSupport.parkNanos(end - System.nanoTime());
        }
        return millis;
    }

    /**
     * Waits for {@code child} to say RUNNING, then kills it with kill -9 at a random instant after that.
     *
     * @return how many milliseconds after RUNNING it was killed.
     */
    private static long killWhileRunning(final JvmProcess child, final String what, final Random random)
        throws InterruptedException
    {
        assertTrue(child.awaitOutput("RUNNING", 120, TimeUnit.SECONDS),
            replay() + what + " did not start: " + child.output());
        final long killedAfter = killInstant(random);
        child.kill();
        assertTrue(child.join(10, TimeUnit.SECONDS), replay() + what + " outlived kill -9");
        return killedAfter;
    }

    /**
     * The 4-byte little-endian values a child appended to {@code file}, one write each (a write cut short by the
     * kill, if there were one, would be dropped: as if killed before it).
     */
    private static int[] records(final Path file) throws IOException
    {
        final ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        final int[] values = new int[bytes.remaining() / Integer.BYTES];
        bytes.asIntBuffer().get(values);
        return values;
    }

    /** Streams producer 0's messages 0, 1, 2... until {@code stop}, then a STOP; returns how many (before the STOP). */
    private static int stream(final SharedQueue<String> queue, final AtomicBoolean stop) throws InterruptedException
    {
        final byte[] buffer = new byte[256];
        final CRC32C crc = new CRC32C();
        int seq = 0;
        while (!stop.get())
        {
            final int length = QueueChildren.fill(buffer, 0, seq, crc);
            if (!queue.offerBytes(buffer, 0, length, 60, TimeUnit.SECONDS))
            {
                throw new IllegalStateException("queue stayed full for 60 s at message " + seq);
            }
            seq++;
        }
        final byte[] end = ByteBuffer.allocate(QueueChildren.HEADER).order(ByteOrder.LITTLE_ENDIAN)
            .putInt(0, QueueChildren.STOP).array();
        if (!queue.offerBytes(end, 0, end.length, 60, TimeUnit.SECONDS))
        {
            throw new IllegalStateException("queue stayed full for 60 s at the STOP after " + seq);
        }
        return seq;
    }

    /** One consumer of the chain: where it reported, what it reported, whether it was killed, for the messages. */
    private record Consumer(int index, boolean inTake, boolean killed, long killedAfterMillis, int[] seqs)
    {
        @Override
        public String toString()
        {
            return "consumer " + index + " (reports " + (inTake ? "inside its take" : "after its take") + ", " +
                (killed ? "killed " + killedAfterMillis + " ms after running" : "not killed") + "): " +
                (seqs.length == 0 ? "nothing" : seqs.length + " reports, " + seqs[0] + ".." + seqs[seqs.length - 1]);
        }
    }

    @Test
    @Timeout(180)
    void shouldReportEveryMessageAndRepeatOnlyTheOneInFlightWhenSingleConsumersAreKilledAtRandomInstants()
        throws Exception
    {
        final Random random = new Random(SEED);
        final int kills = 10 + random.nextInt(6);
        final List<Consumer> chain = new ArrayList<>();
        try (SharedQueue<String> queue = createOneToOne())
        {
            final AtomicBoolean stop = new AtomicBoolean();
            final FutureTask<Integer> producer = new FutureTask<>(() -> stream(queue, stop));
            Thread.ofPlatform().name("chaos-producer").daemon(true).start(producer);
            for (int i = 0; i <= kills; i++)
            {
                final boolean last = i == kills;
                // a consumer that reports inside its take may report a message again after a kill (it was still in
                // the queue); one that reports after its take may have taken a message it never reported
                final boolean inTake = random.nextBoolean();
                final Path report = reports.resolve("consumer-" + i + ".seq");
                long killedAfter = -1;
                try (JvmProcess consumer = child("consumeReporting", report.toString(), inTake ? "inTake" : "afterTake"))
                {
                    if (last)
                    {
                        stop.set(true);
                        assertTrue(consumer.join(120, TimeUnit.SECONDS), replay() + "the last consumer did not " +
                            "reach the STOP: " + consumer.output());
                        assertEquals(0, consumer.exitValue(), replay() + consumer.output());
                    }
                    else
                    {
                        killedAfter = killWhileRunning(consumer, "consumer " + i, random);
                    }
                    assertFalse(consumer.output().contains("Exception"), replay() + "consumer " + i + ": " +
                        consumer.output());
                }
                chain.add(new Consumer(i, inTake, !last, killedAfter, records(report)));
            }
            final int produced = producer.get(60, TimeUnit.SECONDS);
            final String summary = checkChain(chain, produced);
            assertEquals(CAPACITY, queue.remainingCapacity(), replay() + "every slot free after the STOP: " + chain);
            System.out.println("[chaos] " + replay() + produced + " messages, " + kills + " consumers killed, " +
                summary);
        }
    }

    /**
     * Checks the reports of a chain of single consumers of one producer's stream 0..produced-1, in the order they
     * ran, and returns how many repeats and unreported messages it found. Each consumer takes the stream in order
     * (it is the only taker and the producer's order is kept), so its reports are consecutive. Where one consumer
     * follows a killed one, the first report may be:
     * <ul>
     *   <li>the sequence after the last one reported (the normal case);</li>
     *   <li>the last one reported again, if the consumer that reported it did so inside its take and was then killed
     *       (the take had not returned: the message stays in the queue and is delivered again, not lost);</li>
     *   <li>one further on per consumer killed since that report that reports after its take returned (it may have
     *       taken the next message and died before reporting it: delivered, unreported).</li>
     * </ul>
     * Nothing else: a repeat of an older message, a repeat after a consumer whose take had returned, or a gap not
     * covered by such a kill is a lost, duplicated or reordered message. The last consumer, not killed, reports up
     * to the end of the stream.
     */
    private static String checkChain(final List<Consumer> chain, final int produced)
    {
        int expected = 0;
        boolean mayRepeat = false;
        int mayMiss = 0;
        int repeats = 0;
        int missed = 0;
        for (final Consumer consumer : chain)
        {
            final int[] seqs = consumer.seqs();
            for (int j = 1; j < seqs.length; j++)
            {
                assertEquals(seqs[j - 1] + 1, seqs[j], replay() + consumer + " reported " + seqs[j] + " after " +
                    seqs[j - 1] + " (a single consumer takes the stream in order, each message once); " + chain);
            }
            if (seqs.length > 0)
            {
                final int first = seqs[0];
                final boolean repeat = mayRepeat && first == expected - 1;
                assertTrue(repeat || first >= expected && first <= expected + mayMiss, replay() + consumer +
                    " started at " + first + ", allowed " + (mayRepeat ? expected - 1 + " (a repeat) or " : "") +
                    expected + ".." + (expected + mayMiss) + "; " + chain);
                repeats += repeat ? 1 : 0;
                missed += repeat ? 0 : first - expected;
                expected = seqs[seqs.length - 1] + 1;
                mayRepeat = false;
                mayMiss = 0;
            }
            if (consumer.killed())
            {
                if (consumer.inTake())
                {
                    mayRepeat |= seqs.length > 0;
                }
                else
                {
                    mayMiss++;
                }
            }
        }
        assertTrue(expected <= produced && produced <= expected + mayMiss, replay() + "the stream of " + produced +
            " messages ended at " + expected + " (allowed unreported at the end: " + mayMiss + "); " + chain);
        return repeats + " reported again, " + missed + " taken and unreported";
    }

    /** One killed producer: how it offered, its records, for the messages. */
    private record Producer(int id, boolean inPlace, long killedAfterMillis, int lastReturned, int lastClaimed)
    {
        @Override
        public String toString()
        {
            return "producer " + id + " (" + (inPlace ? "in place, last claim written " + lastClaimed : "copying") +
                ", killed " + killedAfterMillis + " ms after running, last offer returned " + lastReturned + ")";
        }
    }

    /** Checks that {@code values} are 0, 1, 2... and returns the last, or -1 if there are none. */
    private static int lastOfConsecutive(final int[] values, final String what)
    {
        for (int j = 0; j < values.length; j++)
        {
            assertEquals(j, values[j], replay() + what + ": one record per message, in order");
        }
        return values.length - 1;
    }

    @Test
    @Timeout(180)
    void shouldDeliverAGaplessPrefixOfEachSingleProducerKilledAtRandomInstantsUpToItsLastReturnedOfferOrOneMore()
        throws Exception
    {
        final Random random = new Random(SEED);
        final int kills = 10 + random.nextInt(6);
        final int survivorCount = 20_000;
        final List<Producer> killed = new ArrayList<>();
        try (SharedQueue<String> queue = createOneToOne();
            JvmProcess consumer = child("consume", "0", String.valueOf(kills + 1), tempDir.toString()))
        {
            for (int p = 0; p < kills; p++)
            {
                // a producer writing in place holds each claim over a system call: a kill there leaves a slot
                // claimed (FREE, in this mode) with a whole message in it and never published
                final boolean inPlace = random.nextBoolean();
                final Path offered = reports.resolve("producer-" + p + ".offered");
                final Path claims = reports.resolve("producer-" + p + ".claims");
                final long killedAfter;
                try (JvmProcess producer = child("produceRecording", String.valueOf(p), inPlace ? "inPlace" : "copy",
                    offered.toString(), claims.toString()))
                {
                    killedAfter = killWhileRunning(producer, "producer " + p, random);
                    assertFalse(producer.output().contains("Exception"), replay() + "producer " + p + ": " +
                        producer.output());
                }
                final int lastReturned = lastOfConsecutive(records(offered), "producer " + p + "'s returned offers");
                final int lastClaimed = inPlace ? lastOfConsecutive(records(claims), "producer " + p + "'s claims") : -1;
                if (inPlace)
                {
                    assertTrue(lastClaimed == lastReturned || lastClaimed == lastReturned + 1, replay() + "producer " +
                        p + " recorded claim " + lastClaimed + " and returned offer " + lastReturned);
                }
                killed.add(new Producer(p, inPlace, killedAfter, lastReturned, lastClaimed));
            }
            // the next producer after the last kill finds the role word naming a dead entry, recovers it and
            // streams to the end: the queue is whole after all those kills
            try (JvmProcess survivor = child("produce", String.valueOf(kills), String.valueOf(survivorCount)))
            {
                assertTrue(survivor.join(120, TimeUnit.SECONDS), replay() + "survivor did not finish: " +
                    survivor.output());
                assertEquals(0, survivor.exitValue(), replay() + survivor.output());
            }
            final byte[] stop = ByteBuffer.allocate(QueueChildren.HEADER).order(ByteOrder.LITTLE_ENDIAN)
                .putInt(0, QueueChildren.STOP).array();
            assertTrue(queue.offerBytes(stop, 0, stop.length, 60, TimeUnit.SECONDS), replay() + "the survivor closed");
            // the consumer checks every message's length and checksum and each producer's order (no repeat) as it
            // takes them, and fails if it does not reach the STOP
            assertTrue(consumer.join(120, TimeUnit.SECONDS), replay() + "consumer did not finish: " + consumer.output());
            assertEquals(0, consumer.exitValue(), replay() + consumer.output());
            int oneMore = 0;
            int claimLeftOpen = 0;
            for (final Producer producer : killed)
            {
                final BitSet seen = seen(producer.id());
                final int delivered = seen.cardinality();
                final String what = replay() + producer + " delivered " + delivered + " messages, the first missing " +
                    seen.nextClearBit(0) + "; " + killed;
                assertEquals(delivered, seen.nextClearBit(0), what + ": not a prefix of its stream");
                // every offer that returned is delivered; the one under way at the kill may be; nothing after it
                assertTrue(delivered - 1 >= producer.lastReturned(), what + ": an offer that returned was lost");
                assertTrue(delivered - 1 <= producer.lastReturned() + 1, what + ": more than the offer under way");
                assertTrue(!producer.inPlace() || delivered - 1 <= producer.lastClaimed(), what + ": a message " +
                    "published before it was written");
                oneMore += delivered - 1 > producer.lastReturned() ? 1 : 0;
                claimLeftOpen += producer.inPlace() && producer.lastClaimed() == delivered ? 1 : 0;
            }
            final BitSet survivors = seen(kills);
            assertEquals(survivorCount, survivors.cardinality(), replay() + "the survivor's messages");
            assertEquals(survivorCount, survivors.nextClearBit(0), replay() + "the survivor's messages");
            assertEquals(CAPACITY, queue.remainingCapacity(), replay() + "every slot free after the STOP");
            System.out.println("[chaos] " + replay() + kills + " producers killed: " + oneMore + " delivered the " +
                "offer under way at the kill, " + claimLeftOpen + " killed holding a written claim never published");
        }
    }

    private BitSet seen(final int producer) throws IOException
    {
        return BitSet.valueOf(Files.readAllBytes(tempDir.resolve("consumer-0-producer-" + producer + ".bits")));
    }
}
