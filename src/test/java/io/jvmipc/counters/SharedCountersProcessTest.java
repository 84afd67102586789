package io.jvmipc.counters;

import io.jvmipc.Await;
import io.jvmipc.ChildJvms;
import io.jvmipc.file.SharedDirectory;
import io.jvmipc.process.JvmProcess;
import io.jvmipc.sync.SharedEvent;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Counter regions across real child JVMs, including kill -9 during allocation and of an owner. */
class SharedCountersProcessTest
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
        return ChildJvms.start(CountersChildren.class, method, "64m", tempDir, args);
    }

    private static void awaitSuccess(final JvmProcess process) throws InterruptedException
    {
        assertTrue(process.join(120, TimeUnit.SECONDS), "child did not finish: " + process.output());
        assertEquals(0, process.exitValue(), process.output());
    }

    /** Starts the children, waits until each is READY, sets the start event and waits for them to succeed. */
    private static void runTogether(final SharedEvent start, final List<JvmProcess> processes) throws Exception
    {
        try
        {
            for (final JvmProcess process : processes)
            {
                assertTrue(process.awaitOutput("READY", 60, TimeUnit.SECONDS), process.output());
            }
            start.set();
            for (final JvmProcess process : processes)
            {
                awaitSuccess(process);
            }
        }
        finally
        {
            processes.forEach(JvmProcess::close);
        }
    }

    private static CounterInfo slot(final CountersReader reader, final int index)
    {
        return reader.counters().stream().filter(info -> info.index() == index).findFirst().orElse(null);
    }

    @Test
    @Timeout(240)
    void shouldCountEveryIncrementWhenFourJvmsIncrementAThousandLabelsSomeNewSomeExisting() throws Exception
    {
        final int children = 4;
        final int labels = 1000;
        final int perChild = 25_000;
        try (SharedCounters counters = SharedCounters.builder("metrics").directory(dir).capacity(1024).create();
            SharedEvent start = SharedEvent.builder("start").directory(dir).create())
        {
            for (int i = 0; i < labels; i += 2)
            {
                counters.counter(CountersChildren.label(i)).set(1_000_000);
            }
            final List<JvmProcess> processes = new ArrayList<>();
            for (int c = 0; c < children; c++)
            {
                processes.add(child("incrementLabels", "metrics", "start", String.valueOf(c),
                    String.valueOf(labels), String.valueOf(perChild)));
            }
            runTogether(start, processes);

            final long[] expected = new long[labels];
            for (int i = 0; i < labels; i += 2)
            {
                expected[i] = 1_000_000;
            }
            for (int c = 0; c < children; c++)
            {
                for (int k = 0; k < perChild; k++)
                {
                    expected[CountersChildren.labelFor(c, k, labels)]++;
                }
            }
            assertEquals(labels, counters.size(), "one counter per label, no duplicates");
            long total = 0;
            for (int i = 0; i < labels; i++)
            {
                final SharedCounter counter = counters.find(CountersChildren.label(i));
                assertNotNull(counter, CountersChildren.label(i));
                assertEquals(expected[i], counter.get(), CountersChildren.label(i));
                total += counter.get() - (i % 2 == 0 ? 1_000_000 : 0);
            }
            assertEquals((long)children * perChild, total);
        }
    }

    @Test
    @Timeout(240)
    void shouldGiveTwoJvmsAllocatingTheSameNewLabelsAtOnceOneCounterPerLabel() throws Exception
    {
        final int labels = 400;
        try (SharedCounters counters = SharedCounters.builder("race").directory(dir).capacity(labels).create();
            SharedEvent start = SharedEvent.builder("start").directory(dir).create())
        {
            final List<JvmProcess> processes = List.of(
                child("raceNewLabels", "race", "start", "new-", String.valueOf(labels)),
                child("raceNewLabels", "race", "start", "new-", String.valueOf(labels)));
            runTogether(start, processes);
            assertEquals(labels, counters.size(), "no label allocated twice (capacity is exactly the labels)");
            final Map<String, Long> seen = new HashMap<>();
            counters.forEach((index, label, typeId, value) -> assertNull(seen.put(label.toString(), value),
                "label listed twice: " + label));
            for (int i = 0; i < labels; i++)
            {
                assertEquals(2L, seen.get("new-" + i), "both increments on one counter for new-" + i);
            }
        }
    }

    @Test
    @Timeout(120)
    void shouldLeaveNoHalfMadeCounterAndNoLostSlotWhenAnAllocatorIsKilled() throws Exception
    {
        final int capacity = 4;
        try (SharedCounters counters = SharedCounters.builder("crash").directory(dir).capacity(capacity)
            .reuseDelay(1, TimeUnit.HOURS).create();
            CountersReader reader = CountersReader.open(dir, "crash");
            JvmProcess victim = child("claimAndHang", "crash", "victim"))
        {
            assertTrue(victim.awaitOutput("CLAIMED", 60, TimeUnit.SECONDS), victim.output());
            final int claimed = Integer.parseInt(victim.outputLines().stream()
                .filter(line -> line.startsWith("CLAIMED ")).findFirst().orElseThrow().substring(8));
            assertEquals(CounterState.ALLOCATING, slot(reader, claimed).state());
            assertNull(counters.find("victim"), "a half-made counter is invisible to lookups");
            assertEquals(0, counters.size());

            victim.kill();
            assertTrue(victim.join(10, TimeUnit.SECONDS));
            final SharedCounter victimLabel = counters.counter("victim");
            assertEquals(0, victimLabel.get(), "allocated afresh once the dead allocator was recovered");
            for (int i = 1; i < capacity; i++)
            {
                counters.counter("other-" + i).incrementAndGet();
            }
            assertEquals(capacity, counters.size(), "every slot usable: the dead allocator's slot came back");
            for (final CounterInfo info : reader.counters())
            {
                assertEquals(CounterState.ALLOCATED, info.state(), info.toString());
            }
            assertThrows(CountersFullException.class, () -> counters.counter("one-too-many"));
        }
    }

    @Test
    @Timeout(120)
    void shouldFreeAnOwnedCounterWhenItsOwnerIsKilledAndNotReuseItBeforeTheDelay() throws Exception
    {
        final long delayMillis = 1500;
        try (SharedCounters counters = SharedCounters.builder("owned").directory(dir).capacity(2)
            .reuseDelay(delayMillis, TimeUnit.MILLISECONDS).create();
            CountersReader reader = CountersReader.open(dir, "owned"))
        {
            final SharedCounter kept = counters.counter("kept");
            kept.set(11);
            final SharedCounter owned;
            try (JvmProcess owner = child("ownAndHang", "owned", "mine", "5"))
            {
                assertTrue(owner.awaitOutput("OWNED", 60, TimeUnit.SECONDS), owner.output());
                owned = counters.find("mine");
                assertNotNull(owned);
                assertEquals(5, owned.get());
                assertEquals(Ownership.OWNED, owned.ownership());
                assertEquals(7, owned.typeId());
                assertTrue(!counters.recoverDeadOwners(), "the owner is alive: nothing to recover");
                owner.kill();
                assertTrue(owner.join(10, TimeUnit.SECONDS));
            }
            Await.until("the dead owner's entry is recovered", counters::recoverDeadOwners, 30, TimeUnit.SECONDS);
            assertTrue(owned.isFreed());
            assertThrows(IllegalStateException.class, owned::get, "an old handle never reads on after a free");
            assertNull(counters.find("mine"));
            final CounterInfo freed = slot(reader, owned.index());
            assertEquals(CounterState.FREED_PENDING, freed.state());
            assertEquals("mine", freed.label());
            final long reusableAt = freed.freedAtMillis() + delayMillis;

            final SharedCounter[] reused = new SharedCounter[1];
            Await.until("the freed slot is reused after the delay", () ->
            {
                final long before = System.currentTimeMillis();
                try
                {
                    reused[0] = counters.counter("next");
                    final long after = System.currentTimeMillis();
                    assertTrue(after >= reusableAt, "reused at " + after + ", before the delay ended at " +
                        reusableAt);
                    return true;
                }
                catch (final CountersFullException e)
                {
                    assertTrue(before < reusableAt, "not reused at " + before + " though the delay ended at " +
                        reusableAt);
                    assertTrue(e.getMessage().contains(tempDir.toString()) && e.capacity() == 2, e.getMessage());
                    return false;
                }
            }, 30, TimeUnit.SECONDS);
            assertEquals(owned.index(), reused[0].index(), "the only free slot was the owned counter's");
            assertEquals(0, reused[0].get(), "the new counter does not inherit the old value");
            assertThrows(IllegalStateException.class, owned::get, "the old handle still sees its counter is gone");
            assertEquals(11, kept.get(), "a shared counter survives");
        }
    }

    @Test
    @Timeout(240)
    void shouldLoseNoUpdateWhenThreeJvmsMergeIntoTheMapView() throws Exception
    {
        final int children = 3;
        final int keys = 50;
        final int merges = 20_000;
        try (SharedCounters counters = SharedCounters.builder("map").directory(dir).capacity(64).create();
            SharedEvent start = SharedEvent.builder("start").directory(dir).create())
        {
            counters.asMap().put("m0", 100L);
            final List<JvmProcess> processes = new ArrayList<>();
            for (int c = 0; c < children; c++)
            {
                processes.add(child("mergeKeys", "map", "start", String.valueOf(keys), String.valueOf(merges)));
            }
            runTogether(start, processes);
            assertEquals(keys, counters.asMap().size());
            for (int k = 0; k < keys; k++)
            {
                assertEquals((long)children * merges / keys + (k == 0 ? 100 : 0), counters.asMap().get("m" + k),
                    "m" + k);
            }
        }
    }
}
