package io.jvmipc.tools;

import io.jvmipc.Await;
import io.jvmipc.ChildJvms;
import io.jvmipc.codec.Codecs;
import io.jvmipc.file.SharedDirectory;
import io.jvmipc.file.SlowPath;
import io.jvmipc.process.JvmProcess;
import io.jvmipc.queue.LeaseChildren;
import io.jvmipc.queue.QueueChildren;
import io.jvmipc.queue.SharedQueue;
import io.jvmipc.sync.OwnerDiedException;
import io.jvmipc.sync.SharedLock;
import io.jvmipc.sync.SyncChildren;
import io.jvmipc.tools.inspect.ObjectInspector;
import io.jvmipc.tools.inspect.ObjectReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The slow-path counters in each object's file move where the slow paths run, across real child JVMs, and are
 * read back without attaching: through the inspector and through the command line's {@code stat --json} and
 * {@code ls --json} (the entry point {@code scripts/jvmipc} runs).
 */
class SlowPathCountersTest
{
    @TempDir
    Path tempDir;

    private SharedDirectory dir;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldCountATimeoutASleepAndItsWakeAndARedeliveryOfAKilledLeaseHolder() throws Exception
    {
        dir = SharedDirectory.of(tempDir);
        try (SharedQueue<String> queue = SharedQueue.builder("q", Codecs.utf8()).directory(dir).create())
        {
            assertEquals(zeroes(), counters("q"), "a new object has counted nothing");
            assertNull(queue.poll(), "nothing was put");
            assertEquals(zeroes(), counters("q"), "a call that does not wait counts nothing");
            assertNull(queue.poll(30, TimeUnit.MILLISECONDS), "nothing was put");
            final Map<String, Long> afterPoll = counters("q");
            assertEquals(1L, afterPoll.get("waits"), afterPoll.toString());
            assertEquals(1L, afterPoll.get("timeouts"), afterPoll.toString());

            // a take in another JVM sleeps on the futex; this JVM's put wakes it
            try (JvmProcess taker = ChildJvms.start(QueueChildren.class, "takeOne", "64m", tempDir, "q"))
            {
                assertTrue(taker.awaitOutput("WAITING", 60, TimeUnit.SECONDS), taker.output());
                Await.until(() -> "the taker's sleep: " + counters("q") + " " + taker.output(),
                    () -> counters("q").get("futexSleeps") > afterPoll.get("futexSleeps"), 60, TimeUnit.SECONDS);
                final long wakesBefore = counters("q").get("futexWakes");
                assertTrue(queue.offer("hello"));
                assertTrue(taker.awaitOutput("GOT:hello", 60, TimeUnit.SECONDS), taker.output());
                assertTrue(taker.join(30, TimeUnit.SECONDS), taker.output());
                final Map<String, Long> afterTake = counters("q");
                assertTrue(afterTake.get("futexWakes") > wakesBefore, "the put woke the sleeper: " + afterTake);
                assertEquals(2L, afterTake.get("waits"), "the poll and the take waited: " + afterTake);
                assertEquals(1L, afterTake.get("timeouts"), "the take was woken, not timed out: " + afterTake);
                assertEquals(0L, afterTake.get("redeliveries"), afterTake.toString());
            }

            // a lease holder killed holding its message: the message is redelivered here
            assertTrue(queue.offer("leased"));
            try (JvmProcess holder = ChildJvms.start(LeaseChildren.class, "leaseAndHold", "64m", tempDir, "q"))
            {
                assertTrue(holder.awaitOutput("LEASED:leased", 60, TimeUnit.SECONDS), holder.output());
                holder.kill();
                assertTrue(holder.join(30, TimeUnit.SECONDS));
            }
            assertEquals("leased", queue.poll(20, TimeUnit.SECONDS), "the killed holder's message is redelivered");
            final Map<String, Long> afterKill = counters("q");
            assertEquals(1L, afterKill.get("redeliveries"), afterKill.toString());
            assertTrue(afterKill.get("recoveries") >= 1, "the killed holder's entry was recovered: " + afterKill);
            assertTrue(afterKill.get("probes") >= 1, "the poll probed the dead holder: " + afterKill);

            final Map<String, Object> stat = cliJson("stat", "q");
            assertEquals(afterKill, longs(stat.get("slowPaths")), "stat --json: " + stat);
            final Map<String, Object> listed = ((List<?>)cliJson("ls").get("objects")).stream()
                .map(SlowPathCountersTest::map).filter(o -> "q".equals(o.get("name"))).findFirst().orElseThrow();
            assertEquals(afterKill, longs(listed.get("slowPaths")), "ls --json: " + listed);
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldCountTheOwnerDiedHandOverOfAKilledLockHolder() throws Exception
    {
        dir = SharedDirectory.of(tempDir);
        try (SharedLock lock = SharedLock.builder("lock").directory(dir).create();
            JvmProcess holder = ChildJvms.start(SyncChildren.class, "holdLock", "64m", tempDir, "lock"))
        {
            assertTrue(holder.awaitOutput("HOLDING", 60, TimeUnit.SECONDS), holder.output());
            assertFalse(lock.tryLock(20, TimeUnit.MILLISECONDS), "held by the live child");
            final Map<String, Long> whileHeld = counters("lock");
            assertEquals(1L, whileHeld.get("timeouts"), whileHeld.toString());
            assertTrue(whileHeld.get("probes") >= 1, "the live holder was probed: " + whileHeld);
            assertEquals(0L, whileHeld.get("recoveries"), "a live holder is never recovered: " + whileHeld);
            holder.kill();
            assertTrue(holder.join(30, TimeUnit.SECONDS));
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (true)
            {
                try
                {
                    assertFalse(lock.tryLock(5, TimeUnit.MILLISECONDS), "must be told of the death");
                }
                catch (final OwnerDiedException e)
                {
                    break;
                }
                if (System.nanoTime() - deadline >= 0)
                {
                    fail("the dead holder's lock was never handed over");
                }
            }
            final Map<String, Long> handedOver = counters("lock");
            assertEquals(1L, handedOver.get("ownerDied"), handedOver.toString());
            assertEquals(1L, handedOver.get("recoveries"), handedOver.toString());
            assertEquals(handedOver, longs(cliJson("stat", "lock").get("slowPaths")));
            final StringWriter text = new StringWriter();
            assertEquals(Cli.OK, Cli.run(new PrintWriter(text), new PrintWriter(new StringWriter()), "--dir",
                tempDir.toString(), "stat", "lock"));
            assertTrue(text.toString().contains("slowPaths:") && text.toString().contains("ownerDied: 1"),
                text.toString());
            lock.unlock();
        }
    }

    private Map<String, Long> counters(final String name)
    {
        final ObjectReport report = ObjectInspector.inspect(dir, name);
        assertEquals(Arrays.stream(SlowPath.values()).map(SlowPath::key).toList(),
            List.copyOf(report.slowPaths().keySet()), "every counter, in block order");
        return report.slowPaths();
    }

    private static Map<String, Long> zeroes()
    {
        final Map<String, Long> zeroes = new java.util.LinkedHashMap<>();
        for (final SlowPath counter : SlowPath.values())
        {
            zeroes.put(counter.key(), 0L);
        }
        return zeroes;
    }

    private Map<String, Object> cliJson(final String... args)
    {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final String[] all = new String[args.length + 3];
        all[0] = "--dir";
        all[1] = tempDir.toString();
        all[2] = "--json";
        System.arraycopy(args, 0, all, 3, args.length);
        assertEquals(Cli.OK, Cli.run(new PrintWriter(out), new PrintWriter(err), all), err.toString());
        return JsonParser.object(out.toString());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(final Object value)
    {
        return (Map<String, Object>)value;
    }

    private static Map<String, Long> longs(final Object value)
    {
        final Map<String, Long> result = new java.util.LinkedHashMap<>();
        map(value).forEach((key, number) -> result.put(key, ((Number)number).longValue()));
        return result;
    }
}
