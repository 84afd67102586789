package io.jvmipc.counters;

import io.jvmipc.file.SharedDirectory;
import io.jvmipc.sync.SharedEvent;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Child JVM programs for the cross-process counter tests, each a {@code public static void name(String[])}.
 * First argument: the directory.
 */
public final class CountersChildren
{
    private CountersChildren()
    {
    }

    static SharedDirectory directory(final String dir)
    {
        return SharedDirectory.of(Path.of(dir));
    }

    /** The label of counter {@code i} of the shared-labels test. */
    static String label(final int i)
    {
        return "requests.service-" + i;
    }

    /** Which label child {@code child}'s increment {@code k} goes to: the parent computes the counts from it. */
    static int labelFor(final int child, final int k, final int labels)
    {
        return (int)(((long)k * 7919 + (long)child * 104_729) % labels);
    }

    private static void awaitStart(final SharedEvent start) throws InterruptedException
    {
        System.out.println("READY");
        if (!start.await(60, TimeUnit.SECONDS))
        {
            throw new IllegalStateException("no start signal within 60 s");
        }
    }

    private static void hang()
    {
        while (true)
        {
            LockSupport.park();
        }
    }

    /**
     * Args: dir, region, start event, child number, labels, increments. After the start event, increments
     * {@code labelFor(child, k)} for each k, looking each label up once and keeping its handle.
     */
    public static void incrementLabels(final String[] args) throws InterruptedException
    {
        final SharedDirectory dir = directory(args[0]);
        final int child = Integer.parseInt(args[3]);
        final int labels = Integer.parseInt(args[4]);
        final int increments = Integer.parseInt(args[5]);
        try (SharedCounters counters = SharedCounters.builder(args[1]).directory(dir).open();
            SharedEvent start = SharedEvent.builder(args[2]).directory(dir).open())
        {
            final SharedCounter[] handles = new SharedCounter[labels];
            awaitStart(start);
            for (int k = 0; k < increments; k++)
            {
                final int i = labelFor(child, k, labels);
                if (handles[i] == null)
                {
                    handles[i] = counters.counter(label(i));
                }
                handles[i].incrementAndGet();
            }
        }
        System.out.println("DONE");
    }

    /**
     * Args: dir, region, start event, prefix, labels. After the start event, looks up (allocating) each of the
     * labels prefix0..prefixN-1 in order, with no cached handle, and increments it once.
     */
    public static void raceNewLabels(final String[] args) throws InterruptedException
    {
        final SharedDirectory dir = directory(args[0]);
        final int labels = Integer.parseInt(args[4]);
        try (SharedCounters counters = SharedCounters.builder(args[1]).directory(dir).open();
            SharedEvent start = SharedEvent.builder(args[2]).directory(dir).open())
        {
            awaitStart(start);
            for (int i = 0; i < labels; i++)
            {
                counters.counter(args[3] + i).incrementAndGet();
            }
        }
        System.out.println("DONE");
    }

    /**
     * Args: dir, region, label. Takes the allocation lock, claims a slot and writes part of the label, as an
     * allocator does before it publishes, prints {@code CLAIMED <slot>} and hangs there until killed.
     */
    public static void claimAndHang(final String[] args)
    {
        final SharedCounters counters = SharedCounters.builder(args[1]).directory(directory(args[0])).open();
        final CountersCore core = counters.core();
        core.lockAllocation();
        final int slot = core.claimSlot();
        core.fillPartly(slot, MemorySegment.ofArray(args[2].getBytes(StandardCharsets.UTF_8)));
        System.out.println("CLAIMED " + slot);
        hang();
    }

    /**
     * Args: dir, region, label, value. Allocates an {@link Ownership#OWNED} counter, sets it, prints
     * {@code OWNED <slot>} and hangs until killed.
     */
    public static void ownAndHang(final String[] args)
    {
        final SharedCounters counters = SharedCounters.builder(args[1]).directory(directory(args[0])).open();
        final SharedCounter counter = counters.counter(args[2], 7, Ownership.OWNED);
        counter.set(Long.parseLong(args[3]));
        System.out.println("OWNED " + counter.index());
        hang();
    }

    /**
     * Args: dir, region, start event, keys, merges. After the start event, merges 1 into key
     * {@code "m" + (k % keys)} for each k.
     */
    public static void mergeKeys(final String[] args) throws InterruptedException
    {
        final SharedDirectory dir = directory(args[0]);
        final int keys = Integer.parseInt(args[3]);
        final int merges = Integer.parseInt(args[4]);
        try (SharedCounters counters = SharedCounters.builder(args[1]).directory(dir).open();
            SharedEvent start = SharedEvent.builder(args[2]).directory(dir).open())
        {
            final ConcurrentMap<String, Long> map = counters.asMap();
            awaitStart(start);
            for (int k = 0; k < merges; k++)
            {
                map.merge("m" + (k % keys), 1L, Long::sum);
            }
        }
        System.out.println("DONE");
    }
}
