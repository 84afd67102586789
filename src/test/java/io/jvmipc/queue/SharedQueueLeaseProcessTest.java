package io.jvmipc.queue;

import io.jvmipc.Await;
import io.jvmipc.ChildJvms;
import io.jvmipc.codec.Codecs;
import io.jvmipc.file.SharedDirectory;
import io.jvmipc.process.JvmProcess;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Leased takes across real child JVMs killed with {@code kill -9}: at-least-once, nothing lost. */
class SharedQueueLeaseProcessTest
{
    @TempDir
    Path tempDir;
    private SharedDirectory dir;

    @BeforeEach
    void setUp()
    {
        dir = SharedDirectory.of(tempDir);
    }

    private JvmProcess child(final String method)
    {
        return ChildJvms.start(LeaseChildren.class, method, "64m", tempDir, "q");
    }

    private SharedQueue<String> queue(final int capacity)
    {
        return SharedQueue.builder("q", Codecs.utf8()).directory(dir).capacity(capacity).maxMessageSize(64)
            .create();
    }

    @Test
    @Timeout(60)
    void shouldRedeliverToAWaitingConsumerTheMessageOfAHolderKilledBeforeItsAck() throws Exception
    {
        try (SharedQueue<String> queue = queue(8))
        {
            queue.put("m0");
            try (JvmProcess holder = child("leaseAndHold"))
            {
                assertTrue(holder.awaitOutput("LEASED:m0", 30, TimeUnit.SECONDS), holder.output());
                assertNull(queue.poll(), "a live holder's lease is not delivered again");
                final CompletableFuture<String> taken = CompletableFuture.supplyAsync(() ->
                {
                    try
                    {
                        return queue.poll(30, TimeUnit.SECONDS);
                    }
                    catch (final InterruptedException e)
                    {
                        throw new IllegalStateException(e);
                    }
                });
                Await.until("the consumer to sleep", () -> queue.waitingConsumers() > 0, 10, TimeUnit.SECONDS);
                holder.kill();
                assertTrue(holder.join(10, TimeUnit.SECONDS));
                assertEquals("m0", taken.get(30, TimeUnit.SECONDS), "the dead holder's message is redelivered");
            }
            assertNull(queue.poll(), "exactly once");
            assertEquals(queue.capacity(), queue.remainingCapacity());
        }
    }

    @Test
    @Timeout(60)
    void shouldNotRedeliverAMessageWhoseAckReturnedBeforeTheKill() throws Exception
    {
        try (SharedQueue<String> queue = queue(8))
        {
            queue.put("m0");
            queue.put("m1");
            try (JvmProcess holder = child("leaseAckAndHold"))
            {
                assertTrue(holder.awaitOutput("ACKED:m0", 30, TimeUnit.SECONDS), holder.output());
                holder.kill();
                assertTrue(holder.join(10, TimeUnit.SECONDS));
            }
            Await.until("the dead holder's entry to be recovered", () -> queue.file().recoverDeadEntries(), 10,
                TimeUnit.SECONDS);
            assertEquals("m1", queue.poll());
            assertNull(queue.poll(), "the acked message is gone for good");
        }
    }

    /**
     * Two consumer JVMs lease and ack 3,000 messages and are killed at random points four times (each restarted).
     * Every message is acked at least once; a message is acked more than once, or never, only if a killed child
     * had said it held the message and had not said its ack returned.
     */
    @Test
    @Timeout(240)
    void shouldAckEveryMessageAtLeastOnceWhileConsumersAreKilledAtRandom() throws Exception
    {
        final int messages = 3_000;
        final int kills = 4;
        try (SharedQueue<String> queue = queue(64))
        {
            final List<JvmProcess> killed = new ArrayList<>();
            final JvmProcess[] workers = {child("leaseWorker"), child("leaseWorker")};
            final CompletableFuture<Void> producer = CompletableFuture.runAsync(() ->
            {
                try
                {
                    for (int i = 0; i < messages; i++)
                    {
                        if (!queue.offer(Integer.toString(i), 60, TimeUnit.SECONDS))
                        {
                            throw new IllegalStateException("stuck at message " + i);
                        }
                    }
                }
                catch (final InterruptedException e)
                {
                    throw new IllegalStateException(e);
                }
            });
            try
            {
                final ThreadLocalRandom random = ThreadLocalRandom.current();
                for (int k = 1; k <= kills; k++)
                {
                    final int target = messages * k / (kills + 1);
                    Await.until(() -> "acks to reach " + target, () -> acks(workers, killed) >= target, 120,
                        TimeUnit.SECONDS);
                    final int victim = random.nextInt(workers.length);
                    workers[victim].kill();
                    assertTrue(workers[victim].join(10, TimeUnit.SECONDS));
                    killed.add(workers[victim]);
                    workers[victim] = child("leaseWorker");
                }
                producer.get(120, TimeUnit.SECONDS);
                Await.until(() -> "every message to be acked: " + acks(workers, killed) + " acks, capacity " +
                    queue.remainingCapacity(), () -> queue.remainingCapacity() == queue.capacity() &&
                    queue.isEmpty() && acks(workers, killed) + uncertain(killed).size() >= messages, 120,
                    TimeUnit.SECONDS);
            }
            finally
            {
                for (final JvmProcess worker : workers)
                {
                    worker.kill();
                    worker.join(10, TimeUnit.SECONDS);
                }
            }
            final Map<String, Integer> ackCounts = new HashMap<>();
            for (final JvmProcess process : all(workers, killed))
            {
                for (final String line : process.outputLines())
                {
                    if (line.startsWith("ACKED "))
                    {
                        ackCounts.merge(line.substring(6), 1, Integer::sum);
                    }
                }
            }
            final Map<String, Integer> uncertain = new HashMap<>();
            for (final String message : uncertain(killed))
            {
                uncertain.merge(message, 1, Integer::sum);
            }
            int duplicates = 0;
            for (int i = 0; i < messages; i++)
            {
                final String message = Integer.toString(i);
                final int acked = ackCounts.getOrDefault(message, 0);
                final int deaths = uncertain.getOrDefault(message, 0);
                assertTrue(acked + deaths >= 1, "message " + i + " was lost");
                assertTrue(acked <= 1 + deaths, "message " + i + " acked " + acked + " times with " + deaths +
                    " holder deaths before an ack returned");
                duplicates += Math.max(0, acked - 1);
            }
            assertTrue(uncertain.size() <= kills, "one held message at most per kill: " + uncertain);
            assertEquals(Set.of(), unknown(ackCounts.keySet(), messages));
            System.out.println("lease stress: " + kills + " kills, " + uncertain.size() +
                " messages held by a killed consumer before its ack returned, " + duplicates + " acked twice");
        }
    }

    private static List<JvmProcess> all(final JvmProcess[] workers, final List<JvmProcess> killed)
    {
        final List<JvmProcess> all = new ArrayList<>(killed);
        all.addAll(List.of(workers));
        return all;
    }

    private static int acks(final JvmProcess[] workers, final List<JvmProcess> killed)
    {
        int acks = 0;
        for (final JvmProcess process : all(workers, killed))
        {
            for (final String line : process.outputLines())
            {
                if (line.startsWith("ACKED "))
                {
                    acks++;
                }
            }
        }
        return acks;
    }

    /** The messages a killed worker said it held (LEASED) and did not say it acked: its last LEASED, if any. */
    private static List<String> uncertain(final List<JvmProcess> killed)
    {
        final List<String> held = new ArrayList<>();
        for (final JvmProcess process : killed)
        {
            String last = null;
            for (final String line : process.outputLines())
            {
                if (line.startsWith("LEASED "))
                {
                    last = line.substring(7);
                }
                else if (line.startsWith("ACKED ") && line.substring(6).equals(last))
                {
                    last = null;
                }
            }
            if (last != null)
            {
                held.add(last);
            }
        }
        return held;
    }

    private static Set<String> unknown(final Set<String> acked, final int messages)
    {
        final Set<String> unknown = new HashSet<>();
        for (final String message : acked)
        {
            final int value = Integer.parseInt(message);
            if (value < 0 || value >= messages)
            {
                unknown.add(message);
            }
        }
        return unknown;
    }
}
