package io.jvmipc.file;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLongArray;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * An object's process table (laid out by {@link ProcessTableDescriptor}) as one attachment sees it: taking an
 * entry, telling live entries from dead ones by their open-file-description locks, the per-entry probe cadence,
 * and the recovery of a dead or detached entry: its registrations on every registered signal first, then the
 * kind's own recovery, then the entry marked free, all while holding the entry's lock.
 * <p>
 * Recovery is restartable: the entry reads as attached until the very end, so if the recovering process dies
 * half-way, its lock on the entry drops with it and the next survivor runs the whole recovery again. Each step
 * must therefore be safe to run twice after a partial run: the waiter release takes each count with one atomic
 * swap; the kinds' recoveries follow the same rule.
 * <p>
 * Not thread-safe on its own: {@link SharedFile} serialises the calls that use the descriptor against its
 * closing.
 */
final class ProcessTable
{
    private static final long NEVER_PROBED = Long.MIN_VALUE;
    private static final VarHandle INT = JAVA_INT.varHandle();
    private static final VarHandle LONG = JAVA_LONG.varHandle();

    private final Path path;
    private final MemorySegment segment;
    private final int lockFd;
    private final int capacity;
    private final long bodyOffset;
    /** The {@link SlowPath#RECOVERIES} counter's offset, or -1 if the file has none. */
    private final long recoveriesOffset;
    /** Where each registered signal's shared waiter count lives, by signal number; -1 if none. */
    private final long[] signalWaiters = new long[ProcessTableDescriptor.SIGNAL_COUNT];
    /** When each entry was last probed for liveness ({@link #probeDue(int)}); the last slot is for "any". */
    private final AtomicLongArray lastProbe;
    /** The kind's recovery, set once by {@link #attach(SharedFile.DeadOwnerRecovery)}. */
    private volatile SharedFile.DeadOwnerRecovery recovery;
    private volatile int entry = -1;

    ProcessTable(final Path path, final MemorySegment segment, final int lockFd, final int capacity,
        final long bodyOffset)
    {
        this.path = path;
        this.segment = segment;
        this.lockFd = lockFd;
        this.capacity = capacity;
        this.bodyOffset = bodyOffset;
        this.recoveriesOffset = segment.get(JAVA_INT, HeaderDescriptor.COUNTER_COUNT_OFFSET) >
            SlowPath.RECOVERIES.ordinal() ? HeaderDescriptor.counterOffset(segment.get(JAVA_INT,
            HeaderDescriptor.COUNTERS_OFFSET), SlowPath.RECOVERIES.ordinal()) : -1;
        Arrays.fill(signalWaiters, -1L);
        this.lastProbe = new AtomicLongArray(capacity + 1);
        for (int i = 0; i <= capacity; i++)
        {
            lastProbe.set(i, NEVER_PROBED);
        }
    }

    int capacity()
    {
        return capacity;
    }

    int entry()
    {
        return entry;
    }

    /** See {@link SharedFile#attach(SharedFile.DeadOwnerRecovery)}. */
    int attach(final SharedFile.DeadOwnerRecovery kindRecovery)
    {
        if (entry >= 0)
        {
            throw new IllegalStateException(path + ": already attached as entry " + entry);
        }
        this.recovery = Objects.requireNonNull(kindRecovery, "recovery");
        for (int i = 0; i < capacity; i++)
        {
            final long lockOffset = ProcessTableDescriptor.lockOffset(i);
            if (!OfdLocks.tryLock(lockFd, lockOffset))
            {
                continue;
            }
            boolean taken = false;
            try
            {
                final long base = ProcessTableDescriptor.entryOffset(i);
                // acquire: see everything the entry's previous owner wrote before it died
                if ((int)INT.getAcquire(segment, base + ProcessTableDescriptor.STATE_OFFSET) ==
                    ProcessTableDescriptor.ATTACHED)
                {
                    recover(i, kindRecovery, true);
                }
                clearEntryCounts(base);
                segment.set(JAVA_LONG, base + ProcessTableDescriptor.PID_OFFSET, ProcessHandle.current().pid());
                segment.set(JAVA_LONG, base + ProcessTableDescriptor.ATTACH_TIME_OFFSET, System.currentTimeMillis());
                // atomic add: only the lock holder writes it, but readers in other processes must see a whole value
                LONG.getAndAdd(segment, base + ProcessTableDescriptor.GENERATION_OFFSET, 1L);
                // release: the entry's fields are visible before it reads as attached
                INT.setRelease(segment, base + ProcessTableDescriptor.STATE_OFFSET, ProcessTableDescriptor.ATTACHED);
                entry = i;
                taken = true;
                return i;
            }
            finally
            {
                if (!taken)
                {
                    // the recovery of the previous owner failed: leave the entry, still ATTACHED, to the next
                    // process, which runs the recovery again
                    OfdLocks.unlock(lockFd, lockOffset);
                }
            }
        }
        throw new ProcessTableFullException(path, "all " + capacity +
            " process-table entries are held by live processes");
    }

    /** See {@link SharedFile#recoverIfDead(int)}. */
    boolean recoverIfDead(final int other)
    {
        if (other == entry || other < 0 || other >= capacity)
        {
            return false;
        }
        final long lockOffset = ProcessTableDescriptor.lockOffset(other);
        if (!OfdLocks.tryLock(lockFd, lockOffset))
        {
            return false;
        }
        try
        {
            final long base = ProcessTableDescriptor.entryOffset(other);
            // acquire: see everything the entry's owner wrote before it died; an entry left FREE (never used,
            // closed cleanly, or already recovered) has nothing to recover, and recovering twice could release
            // twice what the dead process held (except where the kind's recovery is harmless then: see below)
            final SharedFile.DeadOwnerRecovery kind = recovery;
            if ((int)INT.getAcquire(segment, base + ProcessTableDescriptor.STATE_OFFSET) ==
                ProcessTableDescriptor.ATTACHED)
            {
                if (kind == null)
                {
                    // not attached yet, so no recovery to run: leave the entry ATTACHED for one that has it, rather
                    // than mark it free with the dead process's holdings still in place
                    return true;
                }
                // waiter registrations first: whatever the kind's recovery does, no waker skips a live sleeper
                // because of a dead one's count; both steps may be re-run by the next survivor if this process
                // dies here (the entry stays ATTACHED until the end)
                recover(other, kind, false);
            }
            else if (kind != null && kind.recoversUnattached())
            {
                // FREE, and held by this process now, so nobody is attached as it: a word naming it, which the
                // caller probed it for, was overwritten; the kind's recovery frees it rather than leave its caller
                // waiting for a holder that does not exist (only a recovery that is harmless on an entry holding
                // nothing runs here)
                kind.recover(other);
            }
            // release: the recovery's effects are visible before the entry reads as free
            INT.setRelease(segment, base + ProcessTableDescriptor.STATE_OFFSET, ProcessTableDescriptor.FREE);
            return true;
        }
        finally
        {
            OfdLocks.unlock(lockFd, lockOffset);
        }
    }

    /** See {@link SharedFile#registerSignal(int, long)}. */
    void registerSignal(final int number, final long waitersOffset)
    {
        if (number < 0 || number >= ProcessTableDescriptor.SIGNAL_COUNT)
        {
            throw new IllegalArgumentException(path + ": signal number " + number + " outside 0.." +
                (ProcessTableDescriptor.SIGNAL_COUNT - 1));
        }
        if (waitersOffset < bodyOffset || waitersOffset > segment.byteSize() - Integer.BYTES)
        {
            throw new IllegalArgumentException(path + ": signal " + number + "'s waiter count at " + waitersOffset +
                " is outside the body [" + bodyOffset + ", " + segment.byteSize() + ")");
        }
        if (signalWaiters[number] >= 0 && signalWaiters[number] != waitersOffset)
        {
            throw new IllegalArgumentException(path + ": signal " + number + " is registered at " +
                signalWaiters[number] + ", not " + waitersOffset);
        }
        signalWaiters[number] = waitersOffset;
    }

    /** See {@link SharedFile#ownWaitingOffset(int)}. */
    long ownWaitingOffset(final int number)
    {
        final int own = entry;
        return own < 0 ? -1 : ProcessTableDescriptor.waitingOffset(own, number);
    }

    /** See {@link SharedFile#probeDue(int)}. */
    boolean probeDue(final int other)
    {
        final int slot = probeSlot(other);
        final long now = System.nanoTime();
        // atomic: threads of this process share the cadence; the CAS gives each interval's probe to one of them
        final long last = lastProbe.get(slot);
        if (last != NEVER_PROBED && now - last < SharedFile.PROBE_INTERVAL_NANOS)
        {
            return false;
        }
        return lastProbe.compareAndSet(slot, last, now);
    }

    /** See {@link SharedFile#nextProbeNanos(int)}. */
    long nextProbeNanos(final int other)
    {
        final long last = lastProbe.get(probeSlot(other));
        final long now = System.nanoTime();
        return last == NEVER_PROBED || now - last >= SharedFile.PROBE_INTERVAL_NANOS ? now :
            last + SharedFile.PROBE_INTERVAL_NANOS;
    }

    /**
     * Whether entry {@code other} reads as attached (its state word), whoever holds it; no system call.
     *
     * @param other an entry index.
     * @return {@code true} if its state is {@link ProcessTableDescriptor#ATTACHED}.
     */
    boolean readsAttached(final int other)
    {
        // acquire: an entry's state, to skip the system call for free ones
        return (int)INT.getAcquire(segment, ProcessTableDescriptor.entryOffset(other) +
            ProcessTableDescriptor.STATE_OFFSET) == ProcessTableDescriptor.ATTACHED;
    }

    /** See {@link SharedFile#isAlive(int)}. */
    boolean isAlive(final int other)
    {
        // an index past the table would probe a lock byte in the body and report "dead"
        Objects.checkIndex(other, capacity);
        if (other == entry)
        {
            return true;
        }
        final long lockOffset = ProcessTableDescriptor.lockOffset(other);
        if (OfdLocks.tryLock(lockFd, lockOffset))
        {
            OfdLocks.unlock(lockFd, lockOffset);
            return false;
        }
        return true;
    }

    /**
     * The generation of entry {@code other}: how many attaches it has seen, read with acquire (an owner word that
     * carries it tells a reused entry from the one that wrote it).
     *
     * @param other an entry index.
     * @return the generation, 0 if never used.
     */
    long generation(final int other)
    {
        Objects.checkIndex(other, capacity);
        // acquire: pairs with the attach's atomic add, so the generation is read whole and not ahead of its state
        return (long)LONG.getAcquire(segment, ProcessTableDescriptor.entryOffset(other) +
            ProcessTableDescriptor.GENERATION_OFFSET);
    }

    /**
     * The entries that have ever been used, with their liveness now; {@code alive} tells liveness by a system
     * call (the facade's synchronised {@link SharedFile#isAlive(int)}).
     */
    List<SharedFile.ProcessEntry> processes(final java.util.function.IntPredicate alive)
    {
        final List<SharedFile.ProcessEntry> result = new ArrayList<>();
        for (int i = 0; i < capacity; i++)
        {
            final long base = ProcessTableDescriptor.entryOffset(i);
            // volatile: a diagnostic snapshot; 0 means the entry was never used
            final long generation = (long)LONG.getVolatile(segment, base + ProcessTableDescriptor.GENERATION_OFFSET);
            if (generation == 0)
            {
                continue;
            }
            result.add(new SharedFile.ProcessEntry(i, segment.get(JAVA_LONG, base + ProcessTableDescriptor.PID_OFFSET),
                generation, segment.get(JAVA_LONG, base + ProcessTableDescriptor.ATTACH_TIME_OFFSET),
                alive.test(i), i == entry));
        }
        return result;
    }

    private int probeSlot(final int other)
    {
        if (other == SharedFile.ANY_ENTRY)
        {
            return capacity;
        }
        return Objects.checkIndex(other, capacity);
    }

    /** Runs the recovery of a dead entry held under its lock: its waiter registrations, then the kind's own. */
    private void recover(final int dead, final SharedFile.DeadOwnerRecovery kind, final boolean atAttach)
    {
        final RecoveryEvent event = new RecoveryEvent();
        event.begin();
        releaseWaiters(dead);
        kind.recover(dead);
        if (recoveriesOffset >= 0)
        {
            // ordered add, counted once the recovery has run (no compare-and-set on a cold path: see SharedFile.count)
            LONG.setRelease(segment, recoveriesOffset, (long)LONG.getVolatile(segment, recoveriesOffset) + 1L);
        }
        if (event.shouldCommit())
        {
            event.path = path.toString();
            event.entry = dead;
            event.pid = segment.get(JAVA_LONG, ProcessTableDescriptor.entryOffset(dead) +
                ProcessTableDescriptor.PID_OFFSET);
            event.atAttach = atAttach;
            event.commit();
        }
    }

    /** Removes a dead entry's registrations from every registered signal; restartable (a swap, then a subtract). */
    private void releaseWaiters(final int dead)
    {
        for (int s = 0; s < ProcessTableDescriptor.SIGNAL_COUNT; s++)
        {
            final long waiters = signalWaiters[s];
            if (waiters < 0)
            {
                continue;
            }
            // atomic swap: taken once, so a second recovery cannot subtract it again
            final int registered = (int)INT.getAndSet(segment, ProcessTableDescriptor.waitingOffset(dead, s), 0);
            if (registered > 0)
            {
                // atomic: live processes register and deregister concurrently. A recoverer dying between the swap
                // and this add leaves an over-count, which costs wakers a system call but never a wake-up
                INT.getAndAdd(segment, waiters, -registered);
            }
        }
    }

    private void clearEntryCounts(final long base)
    {
        for (int s = 0; s < ProcessTableDescriptor.SIGNAL_COUNT; s++)
        {
            segment.set(JAVA_INT, base + ProcessTableDescriptor.WAITING_OFFSET + (long)s * Integer.BYTES, 0);
        }
        for (int w = 0; w < ProcessTableDescriptor.KIND_WORD_COUNT; w++)
        {
            segment.set(JAVA_LONG, base + ProcessTableDescriptor.KIND_WORDS_OFFSET + (long)w * Long.BYTES, 0L);
        }
    }
}
