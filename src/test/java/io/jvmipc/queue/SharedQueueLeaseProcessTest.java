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
     * Two consumer JVMs lease and ack 3,000 messages and are killed at random points six times (each restarted).
     * From a killed worker's output, the message it held when killed is either surely not acked (it said LEASED
     * and not yet ACKING: the message must be acked exactly once by another worker, so a lost redelivery fails)
     * or uncertain (it said ACKING and not ACKED: acked once in all, or twice if the ack had not completed). Every
     * other message is acked exactly once.
     */
    @Test
    @Timeout(240)
    void shouldAckEveryMessageAtLeastOnceWhileConsumersAreKilledAtRandom() throws Exception
    {
        final int messages = 3_000;
        final int kills = 6;
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
                    Await.until(() -> "acks to reach " + target, () -> count(all(workers, killed), "ACKED ") >= target,
                        120, TimeUnit.SECONDS);
                    final int victim = random.nextInt(workers.length);
                    workers[victim].kill();
                    assertTrue(workers[victim].join(10, TimeUnit.SECONDS));
                    killed.add(workers[victim]);
                    workers[victim] = child("leaseWorker");
                }
                producer.get(120, TimeUnit.SECONDS);
                Await.until(() -> "every message to be acked: " + count(all(workers, killed), "ACKED ") +
                    " acks, remaining capacity " + queue.remainingCapacity(), () -> queue.isEmpty() &&
                    queue.remainingCapacity() == queue.capacity() &&
                    count(all(workers, killed), "ACKED ") + killed.size() >= messages, 120, TimeUnit.SECONDS);
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
            final Set<String> notAcked = new HashSet<>();
            final Set<String> uncertain = new HashSet<>();
            for (final JvmProcess process : killed)
            {
                final String[] held = heldWhenKilled(process);
                if (held[0] != null)
                {
                    ("ACKING".equals(held[1]) ? uncertain : notAcked).add(held[0]);
                }
            }
            int duplicates = 0;
            for (int i = 0; i < messages; i++)
            {
                final String message = Integer.toString(i);
                final int acked = ackCounts.getOrDefault(message, 0);
                if (uncertain.contains(message))
                {
                    assertTrue(acked <= 1, "message " + i + " acked " + acked + " times besides the killed ack");
                    duplicates += acked;
                }
                else
                {
                    assertEquals(1, acked, "message " + i + (notAcked.contains(message) ?
                        ", held by a worker killed before its ack," : "") + " acked once");
                }
            }
            assertEquals(Set.of(), unknown(ackCounts.keySet(), messages));
            System.out.println("lease stress: " + kills + " kills, " + notAcked.size() +
                " redelivered after a kill before the ack, " + uncertain.size() + " killed during the ack, " +
                duplicates + " of those delivered twice");
        }
    }

    private static int count(final List<JvmProcess> processes, final String prefix)
    {
        int count = 0;
        for (final JvmProcess process : processes)
        {
            for (final String line : process.outputLines())
            {
                if (line.startsWith(prefix))
                {
                    count++;
                }
            }
        }
        return count;
    }

    /** The message a killed worker held and the last thing it said about it (LEASED or ACKING), or nulls. */
    private static String[] heldWhenKilled(final JvmProcess process)
    {
        String message = null;
        String said = null;
        for (final String line : process.outputLines())
        {
            final int space = line.indexOf(' ');
            if (space < 0)
            {
                continue;
            }
            final String word = line.substring(0, space);
            if (word.equals("LEASED") || word.equals("ACKING"))
            {
                message = line.substring(space + 1);
                said = word;
            }
            else if (word.equals("ACKED"))
            {
                message = null;
                said = null;
            }
        }
        return new String[] {message, said};
    }

    private static List<JvmProcess> all(final JvmProcess[] workers, final List<JvmProcess> killed)
    {
        final List<JvmProcess> all = new ArrayList<>(killed);
        all.addAll(List.of(workers));
        return all;
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
