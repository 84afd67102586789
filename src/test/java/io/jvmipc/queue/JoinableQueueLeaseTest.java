package io.jvmipc.queue;

import io.jvmipc.codec.Codecs;
import io.jvmipc.file.SharedDirectory;
import io.jvmipc.process.JvmProcess;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A joinable queue's leases: the ack is the task's taskDone, a released or orphaned lease stays unfinished. */
class JoinableQueueLeaseTest
{
    @TempDir
    Path tempDir;
    private SharedDirectory dir;

    @BeforeEach
    void setUp()
    {
        dir = SharedDirectory.of(tempDir);
    }

    private JoinableQueue.Builder<String> queue()
    {
        return JoinableQueue.builder("jobs", Codecs.utf8()).directory(dir).capacity(8).maxMessageSize(64);
    }

    @Test
    @Timeout(30)
    void shouldCountALeaseAsUnfinishedUntilItsAckAndWakeTheJoiner() throws Exception
    {
        try (JoinableQueue<String> q = queue().maxLeasesPerProcess(4).create())
        {
            q.put("a");
            q.put("b");
            final Lease<String> a = q.takeLease();
            assertEquals("a", a.value());
            assertEquals(2, q.unfinishedTasks());
            a.release();
            assertEquals(2, q.unfinishedTasks(), "a released lease is still an unfinished task");
            final Lease<String> again = q.pollLease(1, TimeUnit.SECONDS);
            assertEquals("a", again.value(), "redelivered first");
            final Lease<String> b = q.pollLease();
            assertEquals("b", b.value());
            assertNull(q.pollLease());
            again.ack();
            assertEquals(1, q.unfinishedTasks(), "the ack is the taskDone");
            assertThrows(IllegalStateException.class, q::taskDone, "nothing owed: the ack already marked it done");
            final CompletableFuture<Boolean> joined = CompletableFuture.supplyAsync(() ->
            {
                try
                {
                    return q.join(20, TimeUnit.SECONDS);
                }
                catch (final InterruptedException e)
                {
                    throw new IllegalStateException(e);
                }
            });
            assertFalse(q.join(0, TimeUnit.SECONDS));
            b.ack();
            assertTrue(joined.get(20, TimeUnit.SECONDS), "the joiner is woken by the last ack");
            assertEquals(0, q.unfinishedTasks());
        }
    }

    @Test
    @Timeout(30)
    void shouldMixPlainTakesAndLeases() throws Exception
    {
        try (JoinableQueue<String> q = queue().create())
        {
            q.put("plain");
            q.put("leased");
            assertEquals("plain", q.take());
            try (Lease<String> lease = q.takeLease())
            {
                assertEquals("leased", lease.value());
                q.taskDone();
                assertEquals(1, q.unfinishedTasks(), "the plain take's taskDone does not end the lease");
                lease.ack();
            }
            assertTrue(q.join(1, TimeUnit.SECONDS));
        }
    }

    @Test
    @Timeout(60)
    void shouldKeepTheTaskOfAConsumerKilledHoldingALeaseAndRedeliverIt() throws Exception
    {
        try (JoinableQueue<String> q = queue().create())
        {
            q.put("job");
            try (JvmProcess consumer = JvmProcess.builder(JoinableQueueChildren.class).captureOutput()
                .method("leaseAndHold").jvmArgs("-Xmx64m").args(tempDir.toString(), "jobs").start())
            {
                assertTrue(consumer.awaitOutput("LEASED:job", 30, TimeUnit.SECONDS), consumer.output());
                consumer.kill();
                assertTrue(consumer.join(10, TimeUnit.SECONDS));
            }
            assertFalse(q.join(200, TimeUnit.MILLISECONDS), "the killed consumer's task is not lost");
            final Lease<String> lease = q.pollLease(10, TimeUnit.SECONDS);
            assertEquals("job", lease.value(), "redelivered");
            assertEquals(1, q.unfinishedTasks());
            lease.ack();
            assertTrue(q.join(10, TimeUnit.SECONDS));
        }
    }
}
