package io.jvmipc.queue;

import io.jvmipc.codec.Codecs;
import io.jvmipc.file.SharedDirectory;
import io.jvmipc.file.SharedFile;
import io.jvmipc.file.WrongKindException;
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

/** The joinable queue in one process and across child JVMs, including kill -9 of a consumer. */
class JoinableQueueTest
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
        return JoinableQueue.builder("jobs", Codecs.utf8()).directory(dir).capacity(64).maxMessageSize(64);
    }

    private JvmProcess child(final String method, final String... more)
    {
        final String[] args = new String[2 + more.length];
        args[0] = tempDir.toString();
        args[1] = "jobs";
        System.arraycopy(more, 0, args, 2, more.length);
        return JvmProcess.builder(JoinableQueueChildren.class).captureOutput().method(method).jvmArgs("-Xmx64m").args(args).start();
    }

    @Test
    @Timeout(30)
    void shouldNotWaitForTasksOwedByAnEntryNobodyIsAttachedAs() throws Exception
    {
        try (JoinableQueue<String> q = queue().create())
        {
            final SharedFile file = q.file();
            final int free = (file.entry() + 1) % file.processTableCapacity();
            // a corrupt count on an entry no process holds: no live process would ever mark those tasks done
            file.segment().set(java.lang.foreign.ValueLayout.JAVA_LONG,
                io.jvmipc.file.ProcessTableDescriptor.kindWordOffset(free, JoinableQueueDescriptor.OWED_WORD), 3L);

            assertTrue(q.join(5, TimeUnit.SECONDS), "join waited for tasks owed by free entry " + free);
            assertEquals(0, q.unfinishedTasks());
            q.put("a");
            assertEquals(1, q.unfinishedTasks(), "the queue still counts");
        }
    }

    @Test
    @Timeout(30)
    void shouldCountPutsAndTaskDonesAndJoinAtZero() throws Exception
    {
        try (JoinableQueue<String> q = queue().create())
        {
            assertTrue(q.join(0, TimeUnit.SECONDS), "nothing put: join returns at once");
            q.put("a");
            assertTrue(q.offer("b"));
            assertTrue(q.offer("c", 1, TimeUnit.SECONDS));
            assertEquals(3, q.unfinishedTasks());
            assertEquals("a", q.take());
            assertEquals("b", q.poll());
            assertEquals("c", q.poll(1, TimeUnit.SECONDS));
            assertNull(q.poll());
            assertEquals(3, q.unfinishedTasks(), "taking is not finishing");
            assertFalse(q.join(100, TimeUnit.MILLISECONDS));
            q.taskDone();
            q.taskDone();
            q.taskDone();
            assertTrue(q.join(0, TimeUnit.SECONDS));
            q.join();
            final IllegalStateException e = assertThrows(IllegalStateException.class, q::taskDone);
            assertTrue(e.getMessage().contains("more times"), e.getMessage());
            assertEquals(0, q.unfinishedTasks(), "a refused taskDone changes nothing");
        }
    }

    @Test
    @Timeout(30)
    void shouldWakeAJoiningThreadWhenTheLastTaskIsDone() throws Exception
    {
        try (JoinableQueue<String> q = queue().create())
        {
            q.put("x");
            final CompletableFuture<Boolean> joined = new CompletableFuture<>();
            Thread.ofPlatform().start(() ->
            {
                try (JoinableQueue<String> own = queue().open())
                {
                    joined.complete(own.join(20, TimeUnit.SECONDS));
                }
                catch (final Throwable t)
                {
                    joined.completeExceptionally(t);
                }
            });
            assertEquals("x", q.take());
            assertFalse(joined.isDone() && joined.get(), "joined before the task was done");
            q.taskDone();
            assertTrue(joined.get(20, TimeUnit.SECONDS));
        }
    }

    @Test
    @Timeout(30)
    void shouldNotCountAPutThatFoundTheQueueFull() throws Exception
    {
        try (JoinableQueue<String> q = JoinableQueue.builder("small", Codecs.utf8()).directory(dir).capacity(1)
            .maxMessageSize(16).create())
        {
            q.put("one");
            assertFalse(q.offer("two"));
            assertFalse(q.offer("two", 50, TimeUnit.MILLISECONDS));
            assertEquals(1, q.unfinishedTasks());
        }
    }

    @Test
    void shouldTreatTimeoutsOfZeroOrLessAsTryOnce() throws InterruptedException
    {
        try (JoinableQueue<String> q = queue().capacity(1).create())
        {
            assertTrue(q.join(-1, TimeUnit.SECONDS), "nothing unfinished");
            assertNull(q.poll(Long.MIN_VALUE, TimeUnit.SECONDS), "empty: no wait, no exception");
            assertTrue(q.offer("x", -1, TimeUnit.SECONDS), "room: added at once");
            assertFalse(q.offer("y", Long.MIN_VALUE, TimeUnit.NANOSECONDS), "full: no wait, not counted");
            assertEquals(1, q.unfinishedTasks());
            assertFalse(q.join(0, TimeUnit.SECONDS));
            assertFalse(q.join(-5, TimeUnit.MILLISECONDS));
            assertEquals("x", q.poll(-1, TimeUnit.DAYS));
            q.taskDone();
            assertTrue(q.join(-1, TimeUnit.SECONDS));
            assertThrows(NullPointerException.class, () -> q.join(1, null));
            assertThrows(NullPointerException.class, () -> q.offer("z", 1, null));
            assertEquals(0, q.unfinishedTasks(), "a refused offer counts nothing");
        }
    }

    @Test
    void shouldRefuseANameWithNoRoomForItsMessageQueuesNameNamingTheUsersName()
    {
        // names take up to 200 characters; the message queue appends ".items" to the joinable queue's name
        final String tooLong = "j".repeat(195);
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> JoinableQueue.builder(tooLong, Codecs.utf8()));
        assertTrue(e.getMessage().contains("'" + tooLong + "' has 195 characters") &&
            e.getMessage().contains("at most 194"), e.getMessage());
        try (JoinableQueue<String> q = JoinableQueue.builder("j".repeat(194), Codecs.utf8()).directory(dir).create())
        {
            assertTrue(q.offer("fits"));
        }
    }

    @Test
    void shouldRefuseBadInputAndUseAfterClose()
    {
        final JoinableQueue<String> q = queue().create();
        assertThrows(WrongKindException.class, () -> SharedQueue.builder("jobs", Codecs.utf8()).directory(dir).open());
        q.close();
        final IllegalStateException e = assertThrows(IllegalStateException.class, () -> q.put("x"));
        assertTrue(e.getMessage().contains(tempDir.resolve("jobs").toString()), e.getMessage());
        assertThrows(IllegalStateException.class, q::taskDone);
        assertThrows(IllegalStateException.class, q::join);
        assertThrows(IllegalStateException.class, q::poll);
    }

    @Test
    @Timeout(120)
    void shouldJoinWhenTwoConsumerJvmsHaveMarkedEveryMessageDone() throws Exception
    {
        final int messages = 500;
        try (JoinableQueue<String> q = queue().create();
            JvmProcess first = child("consume");
            JvmProcess second = child("consume"))
        {
            for (int i = 0; i < messages; i++)
            {
                q.put("m" + i);
            }
            assertTrue(q.join(60, TimeUnit.SECONDS), "join did not return: " + q.unfinishedTasks() + " unfinished");
            assertEquals(0, q.size());
            q.put(JoinableQueueChildren.STOP);
            q.put(JoinableQueueChildren.STOP);
            assertTrue(first.join(30, TimeUnit.SECONDS), first.output());
            assertTrue(second.join(30, TimeUnit.SECONDS), second.output());
            assertTrue(q.join(10, TimeUnit.SECONDS));
            final long total = consumed(first) + consumed(second);
            assertEquals(messages, total);
        }
    }

    @Test
    @Timeout(120)
    void shouldStopWaitingForTheTaskOfAKilledConsumer() throws Exception
    {
        try (JoinableQueue<String> q = queue().create();
            JvmProcess victim = child("takeAndHold"))
        {
            q.put("lost");
            q.put("kept");
            assertTrue(victim.awaitOutput("TOOK lost", 60, TimeUnit.SECONDS), victim.output());
            assertEquals("kept", q.take());
            q.taskDone();
            assertFalse(q.join(100, TimeUnit.MILLISECONDS), "the live victim still owes a task");
            victim.kill();
            assertTrue(victim.join(10, TimeUnit.SECONDS));
            assertTrue(q.join(30, TimeUnit.SECONDS), "join noticed the death: " + q.unfinishedTasks());
            assertEquals(0, q.unfinishedTasks());
        }
    }

    @Test
    @Timeout(120)
    void shouldNotWaitForAMessageWhoseConsumerDiedBeforeCountingItsTake() throws Exception
    {
        assertJoinsAfterTheConsumerDiesAt("beforeTakeCounted");
    }

    @Test
    @Timeout(120)
    void shouldNotWaitForAMessageWhoseConsumerDiedBeforeFreeingItsSlot() throws Exception
    {
        assertJoinsAfterTheConsumerDiesAt("afterTakeCounted");
    }

    private void assertJoinsAfterTheConsumerDiesAt(final String seam) throws Exception
    {
        try (JoinableQueue<String> q = queue().create())
        {
            killConsumerInItsTake(q, seam, "lost");
            assertTrue(q.join(30, TimeUnit.SECONDS), "the dead consumer's message is lost, and so is its task: " +
                q.unfinishedTasks() + " unfinished");
            assertEquals(0, q.unfinishedTasks());
            assertEquals(0, q.size());
        }
    }

    @Test
    @Timeout(60)
    void shouldJoinAOneToOneQueueAcrossThreadsAndRefuseASecondConsumer() throws Exception
    {
        final int messages = 5_000;
        try (JoinableQueue<String> q = queue().singleProducer().singleConsumer().create();
            JoinableQueue<String> other = queue().open())
        {
            assertTrue(other.isSingleProducer() && other.isSingleConsumer(), "open() takes the file's mode");
            final CompletableFuture<Integer> consumer = CompletableFuture.supplyAsync(() ->
            {
                int taken = 0;
                try
                {
                    for (int i = 0; i < messages; i++)
                    {
                        assertEquals("m" + i, q.take());
                        q.taskDone();
                        taken++;
                    }
                }
                catch (final InterruptedException e)
                {
                    throw new IllegalStateException(e);
                }
                return taken;
            });
            for (int i = 0; i < messages; i++)
            {
                q.put("m" + i);
            }
            assertTrue(q.join(30, TimeUnit.SECONDS), q.unfinishedTasks() + " unfinished");
            assertEquals(messages, consumer.get(30, TimeUnit.SECONDS));
            assertEquals(0, q.unfinishedTasks());
            final IllegalStateException refused = assertThrows(IllegalStateException.class, other::poll);
            assertTrue(refused.getMessage().contains("consumer"), refused::getMessage);
        }
    }

    @Test
    @Timeout(120)
    void shouldRedeliverTheMessageOfASingleConsumerKilledBeforeCountingItsTake() throws Exception
    {
        assertRedeliveredAfterTheSingleConsumerDiesAt("beforeTakeCounted");
    }

    @Test
    @Timeout(120)
    void shouldRedeliverTheMessageOfASingleConsumerKilledAfterCountingItsTake() throws Exception
    {
        assertRedeliveredAfterTheSingleConsumerDiesAt("afterTakeCounted");
    }

    @Test
    @Timeout(120)
    void shouldKeepCountingTheMessageOfASingleProducerKilledRightAfterQueueingItAndHandTheRoleOn() throws Exception
    {
        try (JoinableQueue<String> q = queue().singleProducer().create();
            JvmProcess victim = child("putAndStop", "queued"))
        {
            assertTrue(victim.awaitOutput("AT afterPutQueued", 60, TimeUnit.SECONDS), victim.output());
            victim.kill();
            assertTrue(victim.join(10, TimeUnit.SECONDS));
            assertEquals(1, q.unfinishedTasks(), "the published message is counted in its slot");
            q.put("next");
            assertEquals("queued", q.take());
            assertEquals("next", q.take());
            q.taskDone();
            q.taskDone();
            assertTrue(q.join(30, TimeUnit.SECONDS), q.unfinishedTasks() + " unfinished");
        }
    }

    /** Starts a child consumer, puts {@code message}, and kills the child with SIGKILL at its take's {@code seam}. */
    private void killConsumerInItsTake(final JoinableQueue<String> q, final String seam, final String message)
        throws Exception
    {
        try (JvmProcess victim = child("takeAndStop", seam))
        {
            q.put(message);
            assertTrue(victim.awaitOutput("AT " + seam, 60, TimeUnit.SECONDS), victim.output());
            assertFalse(q.join(0, TimeUnit.SECONDS), "the live victim holds the task");
            victim.kill();
            assertTrue(victim.join(10, TimeUnit.SECONDS));
        }
    }

    /** A queue of any consumers loses this message (see {@code assertJoinsAfterTheConsumerDiesAt}). */
    private void assertRedeliveredAfterTheSingleConsumerDiesAt(final String seam) throws Exception
    {
        try (JoinableQueue<String> q = queue().singleConsumer().create())
        {
            killConsumerInItsTake(q, seam, "kept");
            // the slot stayed READY through the take: the next consumer (this process, taking over the role of the
            // dead one) gets the message
            assertEquals("kept", q.poll(30, TimeUnit.SECONDS));
            assertEquals(0, q.size());
            // until the dead consumer's entry of the count file is recovered, its owed count may be counted too
            assertTrue(q.unfinishedTasks() >= 1, "the taken message is not done yet");
            q.taskDone();
            // join recovers the dead entry (zeroing what it owed) and returns: the task was counted once
            assertTrue(q.join(30, TimeUnit.SECONDS), q.unfinishedTasks() + " unfinished");
            assertEquals(0, q.unfinishedTasks());
            assertThrows(IllegalStateException.class, q::taskDone, "one task, marked done once");
        }
    }

    @Test
    @Timeout(120)
    void shouldNotWaitForATaskWhoseConsumerDiedInsideTaskDone() throws Exception
    {
        try (JoinableQueue<String> q = queue().create();
            JvmProcess victim = child("taskDoneAndStop"))
        {
            q.put("done");
            assertTrue(victim.awaitOutput("AT afterTaskDoneCounted", 60, TimeUnit.SECONDS), victim.output());
            victim.kill();
            assertTrue(victim.join(10, TimeUnit.SECONDS));
            assertTrue(q.join(30, TimeUnit.SECONDS), "the task was marked done: " + q.unfinishedTasks());
            final int entry = q.file().processes().stream().filter(p -> p.pid() == victim.pid()).findFirst()
                .map(SharedFile.ProcessEntry::entry).orElse(-1);
            if (entry >= 0)
            {
                q.file().recoverIfDead(entry);
            }
            assertEquals(0, q.unfinishedTasks(), "recovery of the dead consumer changes nothing");
            assertThrows(IllegalStateException.class, q::taskDone, "its task is done: nothing left to mark");
        }
    }

    @Test
    @Timeout(120)
    void shouldKeepCountingAMessageWhoseProducerDiedRightAfterQueueingIt() throws Exception
    {
        try (JoinableQueue<String> q = queue().create();
            JvmProcess victim = child("putAndStop", "queued"))
        {
            assertTrue(victim.awaitOutput("AT afterPutQueued", 60, TimeUnit.SECONDS), victim.output());
            victim.kill();
            assertTrue(victim.join(10, TimeUnit.SECONDS));
            final int entry = q.file().processes().stream().filter(p -> p.pid() == victim.pid()).findFirst()
                .orElseThrow().entry();
            assertTrue(q.file().recoverIfDead(entry), "the victim's entry is recovered now");
            assertEquals(1, q.unfinishedTasks(), "the message is in the queue: its task is unfinished");
            assertFalse(q.join(0, TimeUnit.SECONDS));
            assertEquals("queued", q.take());
            q.taskDone();
            assertTrue(q.join(0, TimeUnit.SECONDS));
        }
    }

    @Test
    @Timeout(30)
    void shouldMarkDoneATaskThatAnotherHandleTookWhenTheCallerTookNone() throws Exception
    {
        final JoinableQueue<String> taker = queue().create();
        try (JoinableQueue<String> other = queue().open())
        {
            taker.put("a");
            taker.put("b");
            assertEquals("a", taker.take());
            assertEquals("b", taker.take());
            other.taskDone();
            assertEquals(1, taker.unfinishedTasks());
            assertFalse(other.join(0, TimeUnit.SECONDS));
            taker.close();
            assertTrue(other.join(10, TimeUnit.SECONDS), "the closed taker's last task is given up");
            other.put("c");
            assertEquals(1, other.unfinishedTasks(), "nothing was subtracted twice");
            assertThrows(IllegalStateException.class, other::taskDone, "\"c\" is not taken yet");
            assertEquals("c", other.take());
            other.taskDone();
            assertTrue(other.join(0, TimeUnit.SECONDS));
        }
        finally
        {
            taker.close();
        }
    }

    private static long consumed(final JvmProcess process)
    {
        assertEquals(0, process.exitValue(), process.output());
        return Long.parseLong(process.output().replaceAll("(?s).*CONSUMED (\\d+).*", "$1"));
    }
}
