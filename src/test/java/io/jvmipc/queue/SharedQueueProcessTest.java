package io.jvmipc.queue;

import io.jvmipc.Await;
import io.jvmipc.codec.Codecs;
import io.jvmipc.ChildJvms;
import io.jvmipc.file.SharedDirectory;
import io.jvmipc.process.JvmProcess;
import io.jvmipc.wait.WaitStrategy;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The queue across real child JVMs: volume, crashes and blocking. */
class SharedQueueProcessTest
{
    @TempDir
    Path tempDir;
    private SharedDirectory dir;

    @BeforeEach
    void setUp()
    {
        dir = SharedDirectory.of(tempDir);
    }

    private JvmProcess child(final String method, final String... args)
    {
        final String[] all = new String[args.length + 1];
        all[0] = "q";
        System.arraycopy(args, 0, all, 1, args.length);
        return ChildJvms.start(QueueChildren.class, method, "256m", tempDir, all);
    }

    private SharedQueue<String> queue(final int capacity, final int maxMessageSize)
    {
        return SharedQueue.builder("q", Codecs.utf8()).directory(dir).capacity(capacity)
            .maxMessageSize(maxMessageSize).create();
    }

    @Test
    @Timeout(300)
    void shouldMoveAMillionMixedMessagesBetweenTwoProducerAndTwoConsumerJvmsExactlyOnceInOrder() throws Exception
    {
        final int producers = 2;
        final int consumers = 2;
        final int perProducer = 500_000;
        try (SharedQueue<String> queue = queue(1024, 256))
        {
            final List<JvmProcess> consumerProcesses = new ArrayList<>();
            for (int c = 0; c < consumers; c++)
            {
                consumerProcesses.add(child("consume", String.valueOf(c), String.valueOf(producers), tempDir.toString()));
            }
            final List<JvmProcess> producerProcesses = new ArrayList<>();
            for (int p = 0; p < producers; p++)
            {
                producerProcesses.add(child("produce", String.valueOf(p), String.valueOf(perProducer)));
            }
            for (final JvmProcess producer : producerProcesses)
            {
                assertTrue(producer.join(240, TimeUnit.SECONDS), "producer did not finish: " + producer.output());
                assertEquals(0, producer.exitValue(), producer.output());
            }
            final byte[] stop = ByteBuffer.allocate(QueueChildren.HEADER).order(ByteOrder.LITTLE_ENDIAN)
                .putInt(0, QueueChildren.STOP).array();
            for (int c = 0; c < consumers; c++)
            {
                assertTrue(queue.offerBytes(stop, 0, stop.length, 60, TimeUnit.SECONDS));
            }
            long total = 0;
            for (final JvmProcess consumer : consumerProcesses)
            {
                assertTrue(consumer.join(60, TimeUnit.SECONDS), "consumer did not finish: " + consumer.output());
                assertEquals(0, consumer.exitValue(), consumer.output());
                total += Long.parseLong(consumer.output().replaceAll("(?s).*CONSUMED (\\d+).*", "$1"));
            }
            assertEquals((long)producers * perProducer, total, "messages consumed");
            for (int p = 0; p < producers; p++)
            {
                final BitSet union = new BitSet();
                for (int c = 0; c < consumers; c++)
                {
                    final BitSet seen = BitSet.valueOf(Files.readAllBytes(
                        tempDir.resolve("consumer-" + c + "-producer-" + p + ".bits")));
                    assertFalse(union.intersects(seen), "a message of producer " + p + " was delivered twice");
                    union.or(seen);
                }
                assertEquals(perProducer, union.cardinality(), "messages of producer " + p);
                assertEquals(perProducer, union.nextClearBit(0), "a message of producer " + p + " was lost");
            }
            assertTrue(queue.isEmpty());
        }
    }

    @Test
    @Timeout(300)
    void shouldDeliverTheSurvivorsStreamAndAPrefixOfAProducerKilledMidStreamExactlyOnceInOrderToTwoConsumers()
        throws Exception
    {
        killAProducerMidStream("produce");
    }

    @Test
    @Timeout(300)
    void shouldDeliverAPrefixOfAProducerKilledMidBatchWhileFillingExactlyOnceInOrderAndFreeItsSlot() throws Exception
    {
        // the victim writes in batches of 16 (fill) and is killed inside its writer's call for message 20,000,
        // holding that claim, with the messages of the batch before it published and not yet signalled
        killAProducerMidStream("produceFilling", "hang");
    }

    /**
     * Producer 0 runs {@code victimMethod} until killed -9 (after its message 20,000, or with "hang" in the writer's
     * call for it), producer 1 sends 200,000; two consumers check checksums and each producer's order, and every
     * slot is free at the end.
     */
    private void killAProducerMidStream(final String victimMethod, final String... victimArgs) throws Exception
    {
        final int survivorCount = 200_000;
        try (SharedQueue<String> queue = queue(64, 256))
        {
            final List<JvmProcess> consumerProcesses = new ArrayList<>();
            for (int c = 0; c < 2; c++)
            {
                consumerProcesses.add(child("consume", String.valueOf(c), "2", tempDir.toString()));
            }
            final String[] args = new String[3 + victimArgs.length];
            args[0] = "0";
            args[1] = String.valueOf(Integer.MAX_VALUE);
            args[2] = "20000";
            System.arraycopy(victimArgs, 0, args, 3, victimArgs.length);
            try (JvmProcess victim = child(victimMethod, args);
                JvmProcess survivor = child("produce", "1", String.valueOf(survivorCount)))
            {
                assertTrue(victim.awaitOutput("RUNNING", 120, TimeUnit.SECONDS), victim.output());
                victim.kill();
                assertTrue(victim.join(10, TimeUnit.SECONDS));
                assertTrue(survivor.join(240, TimeUnit.SECONDS), "survivor did not finish: " + survivor.output());
                assertEquals(0, survivor.exitValue(), survivor.output());
            }
            final byte[] stop = ByteBuffer.allocate(QueueChildren.HEADER).order(ByteOrder.LITTLE_ENDIAN)
                .putInt(0, QueueChildren.STOP).array();
            for (int c = 0; c < 2; c++)
            {
                assertTrue(queue.offerBytes(stop, 0, stop.length, 60, TimeUnit.SECONDS));
            }
            for (final JvmProcess consumer : consumerProcesses)
            {
                // each consumer checks every message's checksum and each producer's order as it takes them
                assertTrue(consumer.join(60, TimeUnit.SECONDS), "consumer did not finish: " + consumer.output());
                assertEquals(0, consumer.exitValue(), consumer.output());
                consumer.close();
            }
            for (int p = 0; p < 2; p++)
            {
                final BitSet union = new BitSet();
                for (int c = 0; c < 2; c++)
                {
                    final BitSet seen = BitSet.valueOf(Files.readAllBytes(
                        tempDir.resolve("consumer-" + c + "-producer-" + p + ".bits")));
                    assertFalse(union.intersects(seen), "a message of producer " + p + " was delivered twice");
                    union.or(seen);
                }
                assertEquals(union.cardinality(), union.nextClearBit(0),
                    "producer " + p + "'s messages delivered are not a prefix of its stream: one was lost");
                if (p == 0 && victimArgs.length > 0)
                {
                    // hung in the writer's call for message 20,000: messages 0 to 19,999 were published before it
                    assertEquals(20_000, union.cardinality(), "the killed producer's messages before its claim");
                }
                else if (p == 0)
                {
                    assertTrue(union.cardinality() > 20_000, "the killed producer's messages up to RUNNING");
                }
                else
                {
                    assertEquals(survivorCount, union.cardinality(), "the survivor's messages");
                }
            }
            Await.until("every slot free, the killed producer's included", () ->
            {
                assertNull(queue.poll(), "nothing left to take");
                return queue.remainingCapacity() == 64;
            }, 10, TimeUnit.SECONDS);
        }
    }

    @Test
    @Timeout(120)
    void shouldBringASleepingConsumerTheMessagesOfABatchWhoseWriterHangsThenSkipItsSlotOnceItIsKilled()
        throws Exception
    {
        try (SharedQueue<String> queue = queue(16, 256))
        {
            final byte[] buffer = new byte[256];
            final ByteBuffer view = ByteBuffer.wrap(buffer).order(ByteOrder.LITTLE_ENDIAN);
            final CompletableFuture<Integer> first = CompletableFuture.supplyAsync(() ->
            {
                try
                {
                    return queue.pollBytes(buffer, 0, 60, TimeUnit.SECONDS);
                }
                catch (final InterruptedException e)
                {
                    throw new IllegalStateException(e);
                }
            });
            Await.until("the consumer asleep", () -> queue.waitingConsumers() == 1, 30, TimeUnit.SECONDS);
            // publishes messages 0 to 2 in one batch, then hangs in the writer's call for message 3: the batch's
            // signal is never sent, so the sleeper finds them when its sleep slice ends
            try (JvmProcess producer = child("produceFilling", "0", String.valueOf(Integer.MAX_VALUE), "3", "hang"))
            {
                assertTrue(producer.awaitOutput("RUNNING", 60, TimeUnit.SECONDS), producer.output());
                assertEquals(QueueChildren.messageLength(0, 0), first.get(30, TimeUnit.SECONDS));
                assertEquals(0, view.getInt(4), "message 0 first");
                for (int seq = 1; seq < 3; seq++)
                {
                    assertEquals(QueueChildren.messageLength(0, seq), queue.pollBytes(buffer, 0, 10, TimeUnit.SECONDS));
                    assertEquals(seq, view.getInt(4));
                }
                assertEquals(-1, queue.pollBytes(buffer, 0), "message 3's slot is held by its live writer");
                producer.kill();
                assertTrue(producer.join(10, TimeUnit.SECONDS));
            }
            Await.until("the killed writer's slot freed", () ->
            {
                assertEquals(-1, queue.pollBytes(buffer, 0), "nothing was published in the killed writer's slot");
                return queue.remainingCapacity() == 16;
            }, 10, TimeUnit.SECONDS);
        }
    }

    @Test
    @Timeout(60)
    void shouldFreeTheSlotOfAKilledProducerForABusySpinningProducerThatSpinsBeforeItsWaitLoop() throws Exception
    {
        // a busy-spinning claim first spins through attempts without probing; blocked by a dead writer's slot, it
        // must still go on to the wait loop, probe the writer and claim the freed slot
        try (SharedQueue<String> queue = SharedQueue.builder("q", Codecs.utf8()).directory(dir).capacity(2)
            .maxMessageSize(64).waitStrategy(WaitStrategy.busySpin()).create();
            JvmProcess producer = child("claimAndHold", "0"))
        {
            assertTrue(producer.awaitOutput("CLAIMED", 30, TimeUnit.SECONDS), producer.output());
            assertTrue(queue.offer("q", 10, TimeUnit.SECONDS));
            assertEquals("q", queue.poll(10, TimeUnit.SECONDS), "taken past the held slot");
            assertFalse(queue.offer("r"), "a lap on, the live producer's slot is still held: no claim past it");
            producer.kill();
            assertTrue(producer.join(10, TimeUnit.SECONDS));
            assertTrue(queue.offer("r", 20, TimeUnit.SECONDS), "the killed producer's slot, freed by the probe");
            assertEquals("r", queue.poll(10, TimeUnit.SECONDS));
            assertNull(queue.poll(), "nothing was published in the killed producer's slot");
        }
    }

    @Test
    @Timeout(60)
    void shouldDeliverEveryOtherMessagePastTheSlotOfAProducerHoldingAClaimAndFreeItWhenTheProducerIsKilled()
        throws Exception
    {
        try (SharedQueue<String> queue = queue(16, 64);
            JvmProcess producer = child("claimAndHold", "5"))
        {
            assertTrue(producer.awaitOutput("CLAIMED", 30, TimeUnit.SECONDS), producer.output());
            for (int i = 0; i < 5; i++)
            {
                queue.put("q" + i);
            }
            for (int i = 0; i < 5; i++)
            {
                assertEquals("p" + i, queue.poll(10, TimeUnit.SECONDS));
            }
            for (int i = 0; i < 5; i++)
            {
                assertEquals("q" + i, queue.poll(10, TimeUnit.SECONDS),
                    "another producer's messages are not held back by a live producer's claimed slot");
            }
            assertNull(queue.poll(), "the claimed slot is not taken");
            assertEquals(10, queue.remainingCapacity(),
                "the live producer's slot (position 5) is still held: producers may claim up to it, a lap on");

            producer.kill();
            assertTrue(producer.join(10, TimeUnit.SECONDS));
            // a poll that passes the dead producer's slot probes it when due and frees the slot
            Await.until("the dead producer's slot freed", () ->
            {
                assertNull(queue.poll(), "nothing was published in the dead producer's slot");
                return queue.remainingCapacity() == 16;
            }, 10, TimeUnit.SECONDS);
            for (int i = 0; i < 16; i++)
            {
                assertTrue(queue.offer("r" + i), "every slot is free again");
            }
            for (int i = 0; i < 16; i++)
            {
                assertEquals("r" + i, queue.poll());
            }
            assertEquals(0, queue.size());
        }
    }

    @Test
    @Timeout(60)
    void shouldFreeTheSlotOfAConsumerKilledWhileReading() throws Exception
    {
        try (SharedQueue<String> queue = queue(4, 64))
        {
            queue.put("m0");
            try (JvmProcess consumer = child("readAndHold"))
            {
                assertTrue(consumer.awaitOutput("READING:m0", 30, TimeUnit.SECONDS), consumer.output());
                queue.put("m1");
                queue.put("m2");
                queue.put("m3");
                assertFalse(queue.offer("m4", 100, TimeUnit.MILLISECONDS), "a live reader's slot is not reused");
                consumer.kill();
                assertTrue(consumer.join(10, TimeUnit.SECONDS));
            }
            assertTrue(queue.offer("m4", 10, TimeUnit.SECONDS), "the dead reader's slot is freed for producers");
            for (int i = 1; i <= 4; i++)
            {
                assertEquals("m" + i, queue.poll(10, TimeUnit.SECONDS));
            }
            assertNull(queue.poll(), "only the message the dead consumer held is gone");
        }
    }

    @Test
    @Timeout(60)
    void shouldGetUnstuckAlternatingOfferAndPollBetweenADeadReaderAndADeadWriter() throws Exception
    {
        try (SharedQueue<String> queue = queue(4, 64))
        {
            queue.put("m0");
            try (JvmProcess reader = child("readAndHold");
                JvmProcess writer = child("claimAndHold", "0"))
            {
                assertTrue(reader.awaitOutput("READING:m0", 30, TimeUnit.SECONDS), reader.output());
                assertTrue(writer.awaitOutput("CLAIMED", 30, TimeUnit.SECONDS), writer.output());
                assertTrue(queue.offer("m2"));
                assertTrue(queue.offer("m3"));
                reader.kill();
                writer.kill();
                assertTrue(reader.join(10, TimeUnit.SECONDS));
                assertTrue(writer.join(10, TimeUnit.SECONDS));
            }
            // full behind the dead reader's slot, empty behind the dead writer's slot: each call finds the
            // other dead owner in its way, and both must be probed on the per-entry cadence
            final List<String> polled = new ArrayList<>();
            final List<String> offered = new ArrayList<>();
            Await.until(() -> "offered " + offered + ", polled " + polled, () ->
            {
                if (queue.offer("x" + offered.size()))
                {
                    offered.add("x" + offered.size());
                }
                final String message = queue.poll();
                if (message != null)
                {
                    polled.add(message);
                }
                return polled.contains("m3") && !offered.isEmpty();
            }, 5, TimeUnit.SECONDS);
            assertEquals(List.of("m2", "m3"), polled.subList(0, 2), "the messages behind the dead writer, in order");
        }
    }

    @Test
    @Timeout(60)
    void shouldSleepWithoutCpuWhileBlockedInTakeAndWakeOnAPutFromAnotherJvm() throws Exception
    {
        try (SharedQueue<String> queue = queue(8, 64);
            JvmProcess consumer = child("takeOne"))
        {
            assertTrue(consumer.awaitOutput("WAITING", 30, TimeUnit.SECONDS), consumer.output());
            Await.until("the consumer to go to sleep", () -> queue.waitingConsumers() > 0, 30, TimeUnit.SECONDS);
            final ProcessHandle handle = ProcessHandle.of(consumer.pid()).orElseThrow();
            final Duration cpuBefore = handle.info().totalCpuDuration().orElseThrow();
            final long windowEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            while (System.nanoTime() < windowEnd)
            {
                // a measurement window, not synchronisation: the assertion below is about CPU used meanwhile
                LockSupport.parkNanos(windowEnd - System.nanoTime());
            }
            final Duration cpuUsed = handle.info().totalCpuDuration().orElseThrow().minus(cpuBefore);
            assertTrue(cpuUsed.toMillis() < 200, "a blocked take used " + cpuUsed.toMillis() + " ms CPU in 1 s");

            queue.put("hello");
            assertTrue(consumer.awaitOutput("GOT:hello", 30, TimeUnit.SECONDS), consumer.output());
            assertTrue(consumer.join(30, TimeUnit.SECONDS));
            assertEquals(0, consumer.exitValue());
        }
    }
}
