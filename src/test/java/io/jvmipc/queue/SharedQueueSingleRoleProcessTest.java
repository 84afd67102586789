package io.jvmipc.queue;

import io.jvmipc.ChildJvms;
import io.jvmipc.codec.Codecs;
import io.jvmipc.file.SharedDirectory;
import io.jvmipc.process.JvmProcess;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.concurrent.TimeUnit;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Single-producer and single-consumer queues across real child JVMs: the roles between processes, and a holder
 * killed with kill -9 in the middle of its claim or its take (nothing lost, the role passes on).
 */
class SharedQueueSingleRoleProcessTest
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

    private SharedQueueBuilder<String> builder(final int capacity)
    {
        return SharedQueue.builder("q", Codecs.utf8()).directory(dir).capacity(capacity).maxMessageSize(256);
    }

    @Test
    @Timeout(300)
    void shouldPassTheProducerRoleOnFromAProducerKilledMidBatchAndDeliverEveryPublishedMessageOnceInOrder()
        throws Exception
    {
        final int survivorCount = 50_000;
        try (SharedQueue<String> queue = builder(64).singleProducer().singleConsumer().create();
            JvmProcess consumer = child("consume", "0", "2", tempDir.toString()))
        {
            // the victim writes in batches of 16 and is killed inside its writer's call for message 20,000, with
            // that slot claimed (left FREE, in this mode) and the batch before it published
            try (JvmProcess victim = child("produceFilling", "0", String.valueOf(Integer.MAX_VALUE), "20000", "hang"))
            {
                assertTrue(victim.awaitOutput("RUNNING", 120, TimeUnit.SECONDS), victim.output());
                victim.kill();
                assertTrue(victim.join(10, TimeUnit.SECONDS));
            }
            // the next producer finds the role word naming a dead entry: it recovers it and takes the role
            try (JvmProcess survivor = child("produce", "1", String.valueOf(survivorCount)))
            {
                assertTrue(survivor.join(240, TimeUnit.SECONDS), "survivor did not finish: " + survivor.output());
                assertEquals(0, survivor.exitValue(), survivor.output());
            }
            final byte[] stop = ByteBuffer.allocate(QueueChildren.HEADER).order(ByteOrder.LITTLE_ENDIAN)
                .putInt(0, QueueChildren.STOP).array();
            assertTrue(queue.offerBytes(stop, 0, stop.length, 60, TimeUnit.SECONDS), "the survivor closed: free");
            // the consumer checks every message's checksum and each producer's order as it takes them
            assertTrue(consumer.join(60, TimeUnit.SECONDS), "consumer did not finish: " + consumer.output());
            assertEquals(0, consumer.exitValue(), consumer.output());
            final BitSet victims = seen(0);
            assertEquals(20_000, victims.cardinality(), "the killed producer's messages before its claim");
            assertEquals(20_000, victims.nextClearBit(0), "a prefix of its stream, each once");
            final BitSet survivors = seen(1);
            assertEquals(survivorCount, survivors.cardinality());
            assertEquals(survivorCount, survivors.nextClearBit(0));
            assertEquals(64, queue.remainingCapacity(), "every slot free, the killed producer's included");
        }
    }

    private BitSet seen(final int producer) throws Exception
    {
        return BitSet.valueOf(Files.readAllBytes(tempDir.resolve("consumer-0-producer-" + producer + ".bits")));
    }

    @Test
    @Timeout(120)
    void shouldRefuseASecondProducerProcessNamingTheHolderAndKeepItsOwn() throws Exception
    {
        try (SharedQueue<String> queue = builder(16).singleProducer().create())
        {
            assertTrue(queue.offer("mine"));
            try (JvmProcess other = child("produce", "1", "10"))
            {
                assertTrue(other.join(60, TimeUnit.SECONDS), other.output());
                assertNotEquals(0, other.exitValue(), other.output());
                assertTrue(other.output().contains("producer role"), other.output());
                assertTrue(other.output().contains("pid " + ProcessHandle.current().pid()), other.output());
            }
            assertEquals("mine", queue.poll());
            assertNull(queue.poll(), "the refused process added nothing");
            assertTrue(queue.offer("still mine"));
            assertEquals("still mine", queue.poll());
        }
    }

    @Test
    @Timeout(120)
    void shouldClaimTheSlotAProducerKilledWithAClaimOpenLeftFree() throws Exception
    {
        try (SharedQueue<String> queue = builder(4).singleProducer().create();
            JvmProcess producer = child("claimAndHold", "2"))
        {
            // p0 and p1 published, then position 2 claimed and never committed
            assertTrue(producer.awaitOutput("CLAIMED", 60, TimeUnit.SECONDS), producer.output());
            assertEquals("p0", queue.poll(10, TimeUnit.SECONDS));
            assertThrows(IllegalStateException.class, () -> queue.offer("r"), "the live producer holds the role");
            producer.kill();
            assertTrue(producer.join(10, TimeUnit.SECONDS));
            assertTrue(queue.offer("r", 10, TimeUnit.SECONDS), "the dead holder's role is recovered");
            assertEquals("p1", queue.poll(10, TimeUnit.SECONDS));
            // the tail moves at a publication, not at a claim: "r" is in the slot the killed claim left FREE, so the
            // consumer, which stops at a FREE slot, reaches it
            assertEquals("r", queue.poll(10, TimeUnit.SECONDS));
            assertNull(queue.poll());
            assertEquals(4, queue.remainingCapacity());
        }
    }

    @Test
    @Timeout(120)
    void shouldRedeliverTheMessageOfAConsumerKilledInsideItsTakeToTheNextConsumer() throws Exception
    {
        try (SharedQueue<String> queue = builder(4).singleConsumer().create())
        {
            assertTrue(queue.offer("a") && queue.offer("b"));
            try (JvmProcess consumer = child("readAndHold"))
            {
                assertTrue(consumer.awaitOutput("READING:a", 60, TimeUnit.SECONDS), consumer.output());
                final IllegalStateException refused = assertThrows(IllegalStateException.class, queue::poll);
                assertTrue(refused.getMessage().contains("consumer role"), refused.getMessage());
                assertTrue(refused.getMessage().contains("pid " + consumer.pid()), refused.getMessage());
                consumer.kill();
                assertTrue(consumer.join(10, TimeUnit.SECONDS));
            }
            // its take never returned: the message is still in its slot, and the head did not move past it
            assertEquals("a", queue.poll(10, TimeUnit.SECONDS), "redelivered, not lost");
            assertEquals("b", queue.poll(10, TimeUnit.SECONDS));
            assertNull(queue.poll());
            assertEquals(4, queue.remainingCapacity());
        }
    }

    /** Stores {@code value} into the hint word at {@code offset} of the queue's body, as a kill before it would leave it. */
    private static void rewindHint(final SharedQueue<String> queue, final int offset, final long expected,
        final long value)
    {
        final long at = queue.file().bodyOffset() + offset;
        assertEquals(expected, queue.file().segment().get(JAVA_LONG, at), "the hint before the rewind");
        queue.file().segment().set(JAVA_LONG, at, value);
    }

    @Test
    @Timeout(120)
    void shouldNotOverwriteTheLastMessageOfAProducerKilledBetweenItsPublicationAndItsTailStore() throws Exception
    {
        try (SharedQueue<String> queue = builder(4).singleProducer().singleConsumer().create())
        {
            try (JvmProcess producer = child("claimAndHold", "2"))
            {
                // p0 and p1 published (tail hint 2), then position 2 claimed (left FREE in this mode)
                assertTrue(producer.awaitOutput("CLAIMED", 60, TimeUnit.SECONDS), producer.output());
                producer.kill();
                assertTrue(producer.join(10, TimeUnit.SECONDS));
            }
            // what a kill between p1's READY store and its tail store leaves: the tail hint still at p1's position
            // (its open claim of 2 is FREE, as if never made)
            rewindHint(queue, QueueDescriptor.TAIL_OFFSET, 2, 1);
            assertTrue(queue.offer("r", 10, TimeUnit.SECONDS), "the dead holder's role is recovered");
            // the next holder starts at the hint, finds p1 READY there and claims past it instead of writing over it
            assertEquals("p0", queue.poll(10, TimeUnit.SECONDS));
            assertEquals("p1", queue.poll(10, TimeUnit.SECONDS), "the killed producer's last message, not overwritten");
            assertEquals("r", queue.poll(10, TimeUnit.SECONDS));
            assertNull(queue.poll());
            assertTrue(queue.offer("s") && queue.offer("t"));
            assertEquals("s", queue.poll());
            assertEquals("t", queue.poll());
            assertEquals(4, queue.remainingCapacity());
        }
    }

    @Test
    @Timeout(120)
    void shouldNeitherRedeliverNorSkipAfterAConsumerKilledBetweenItsReleaseAndItsHeadStore() throws Exception
    {
        try (SharedQueue<String> queue = builder(4).singleProducer().singleConsumer().create())
        {
            assertTrue(queue.offer("a") && queue.offer("b") && queue.offer("c"));
            try (JvmProcess consumer = child("takeAndHang", "2"))
            {
                assertTrue(consumer.awaitOutput("TOOK:a,b", 60, TimeUnit.SECONDS), consumer.output());
                consumer.kill();
                assertTrue(consumer.join(10, TimeUnit.SECONDS));
            }
            // what a kill between b's FREE store and the head store after it leaves: the head hint still at b's
            // position, whose slot is FREE for the next lap
            rewindHint(queue, QueueDescriptor.HEAD_OFFSET, 2, 1);
            // the next holder passes b's slot (a later lap's FREE word: gone), neither taking b again nor stopping
            // there as if the queue were empty
            assertEquals("c", queue.poll(10, TimeUnit.SECONDS), "the dead holder's role is recovered; b is not redelivered");
            assertNull(queue.poll());
            // around the ring again, through the slot b was released from
            for (final String message : new String[] {"d", "e", "f", "g"})
            {
                assertTrue(queue.offer(message), message);
            }
            assertFalse(queue.offer("h"), "four messages fill a queue of four");
            for (final String message : new String[] {"d", "e", "f", "g"})
            {
                assertEquals(message, queue.poll());
            }
            assertNull(queue.poll());
        }
    }
}
