package io.jvmipc.counters;

import io.jvmipc.counters.CountersDescriptor.Layout;
import io.jvmipc.file.ProcessTableDescriptor;
import io.jvmipc.file.SharedFile;
import io.jvmipc.wait.Signal;
import io.jvmipc.wait.WaitLoop;
import io.jvmipc.wait.WaitStrategy;

import java.lang.foreign.MemorySegment;

import static io.jvmipc.counters.CounterSlots.LONG;
import static io.jvmipc.counters.CountersDescriptor.FREE;
import static io.jvmipc.counters.CountersDescriptor.LABEL_LENGTH_OFFSET;
import static io.jvmipc.counters.CountersDescriptor.LABEL_OFFSET;
import static io.jvmipc.counters.CountersDescriptor.OWNER_OFFSET;
import static io.jvmipc.counters.CountersDescriptor.SEQUENCE_OFFSET;
import static io.jvmipc.counters.CountersDescriptor.TAG_ALLOCATED;
import static io.jvmipc.counters.CountersDescriptor.TAG_ALLOCATING;
import static io.jvmipc.counters.CountersDescriptor.TAG_FREED_PENDING;
import static io.jvmipc.counters.CountersDescriptor.TAG_FREE;
import static io.jvmipc.counters.CountersDescriptor.TYPE_ID_OFFSET;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The attached side of a counter region: allocation under the region's allocation lock, free, and the recovery
 * of a dead process's entry.
 * <p>
 * <b>Allocation</b> is serialised by one lock word holding the allocator's owner word (entry and generation).
 * Under it, the allocator looks the label up again (so two processes asking for one new label get one
 * counter), claims a free slot with one CAS to ALLOCATING(entry, generation), writes sequence, owner, type,
 * label and initial value with plain stores, and publishes with one release store of ALLOCATED(sequence).
 * Lookups never take the lock: they see only ALLOCATED slots, and under the lock no label is ever published
 * twice.
 * <p>
 * <b>Crashes.</b> A process that dies holding the lock leaves the lock word and at most one ALLOCATING slot with
 * its owner word; the recovery of its entry (run by any survivor's probe, while holding the entry) turns its
 * ALLOCATING slots back to FREE, frees its OWNED counters to FREED_PENDING(now) and then clears the lock word,
 * each by one CAS from the exact word it read, so a recovery that dies half-way is simply run again by the next
 * survivor. A waiter for the lock names the holder's entry to the {@link WaitLoop}, which probes it.
 */
final class CountersCore
{
    /** {@link #findOrAllocate} flag: the counter was allocated by this call. */
    static final long CREATED = 1L << 32;
    private static final WaitLoop.Attempt<CountersCore> LOCK_ATTEMPT = CountersCore::tryLockAllocation;

    final SharedFile file;
    final CounterSlots slots;
    final MemorySegment segment;
    private final Signal signal;
    private final long lockOffset;
    private final int entry;
    private final long generation;
    private final long ownerWord;

    /**
     * What the binder of the one open path ({@link SharedFile#open}) builds before attaching: everything that
     * needs no entry of this attachment.
     *
     * @param file   the mapped file.
     * @param slots  the slot views.
     * @param signal the allocation signal, bound to the file.
     */
    record Opened(SharedFile file, CounterSlots slots, Signal signal)
    {
    }

    /**
     * The binder's work for a validated file: the slot views, the signal (bound before attaching) and the
     * recovery, which works on those alone, so it never runs on a half-built handle.
     */
    static SharedFile.Bound<Opened> bind(final SharedFile file, final Layout layout)
    {
        final CounterSlots slots = new CounterSlots(file.path(), file.segment(), file.bodyOffset(), layout);
        final Signal signal = Signal.of(file, CountersDescriptor.ALLOCATION_SIGNAL,
            file.bodyOffset() + CountersDescriptor.ALLOCATION_SIGNAL_OFFSET);
        return new SharedFile.Bound<>(new Opened(file, slots, signal), dead -> recover(file, slots, signal, dead));
    }

    /** The attached core, built once {@link SharedFile#open} attached: it needs this attachment's entry. */
    CountersCore(final Opened opened)
    {
        this.file = opened.file();
        this.segment = file.segment();
        this.slots = opened.slots();
        this.lockOffset = file.bodyOffset() + CountersDescriptor.ALLOCATION_LOCK_OFFSET;
        this.signal = opened.signal();
        this.entry = file.entry();
        // volatile: our entry's generation, bumped by our attach; it tells our owner words from a predecessor's
        this.generation = (long)LONG.getVolatile(segment,
            ProcessTableDescriptor.entryOffset(entry) + ProcessTableDescriptor.GENERATION_OFFSET);
        this.ownerWord = CountersDescriptor.ownerWord(entry, generation);
    }

    Layout layout()
    {
        return slots.layout;
    }

    long ownerWord()
    {
        return ownerWord;
    }

    /**
     * Finds the counter labelled {@code label}, or allocates it with the given type, ownership and initial value.
     *
     * @return the slot, with {@link #CREATED} set if this call allocated it.
     * @throws CountersFullException if it is new and no slot is free.
     */
    long findOrAllocate(final MemorySegment label, final int typeId, final Ownership ownership, final long initial)
    {
        final int found = slots.find(label);
        if (found >= 0)
        {
            return found;
        }
        lockAllocation();
        try
        {
            final int again = slots.find(label);
            if (again >= 0)
            {
                return again;
            }
            int index = claimSlot();
            if (index < 0 && file.recoverDeadEntries())
            {
                // a dead process's half-made or owned counters were just reclaimed
                index = claimSlot();
            }
            if (index < 0)
            {
                throw full();
            }
            fill(index, label, typeId, ownership, initial);
            publish(index);
            return index | CREATED;
        }
        finally
        {
            unlockAllocation();
        }
    }

    CountersFullException full()
    {
        final Layout layout = slots.layout;
        return new CountersFullException(file.path(), layout.capacity(), "all " + layout.capacity() +
            " counters are allocated, being allocated, or freed less than the reuse delay of " +
            layout.reuseDelayMillis() + " ms ago");
    }

    /** Takes the allocation lock, waiting for its holder (probed for liveness) as long as needed. */
    void lockAllocation()
    {
        WaitLoop.awaitUninterruptibly(file, signal, WaitStrategy.blocking(), this, LOCK_ATTEMPT, Long.MAX_VALUE);
    }

    private static long tryLockAllocation(final CountersCore core)
    {
        // volatile: the current holder, to name it as the suspect if it is not free
        final long holder = (long)LONG.getVolatile(core.segment, core.lockOffset);
        if (holder == 0)
        {
            // volatile CAS: the one allocator; its later stores are ordered after taking the lock
            return LONG.compareAndSet(core.segment, core.lockOffset, 0L, core.ownerWord) ? 0 : WaitLoop.WAIT;
        }
        final int holderEntry = CountersDescriptor.entryOf(holder);
        // another thread of this process holds it: it is alive, nobody to probe
        return holderEntry == core.entry ? WaitLoop.WAIT : WaitLoop.waitFor(holderEntry);
    }

    void unlockAllocation()
    {
        // a plain read first: a fault of a truncated file raises InternalError here instead of crashing the CAS
        segment.get(JAVA_LONG, lockOffset);
        // volatile CAS: releases the allocation; fails only if a recovery broke the lock of a predecessor entry
        LONG.compareAndSet(segment, lockOffset, ownerWord, 0L);
        signal.signalAll();
    }

    /**
     * Claims a free slot (a never-used or reclaimed one first, else one freed at least the reuse delay ago) with
     * one CAS to ALLOCATING(our entry, generation). Call with the allocation lock held.
     *
     * @return the slot, or -1 if none is free.
     */
    int claimSlot()
    {
        final Layout layout = slots.layout;
        final long now = System.currentTimeMillis();
        int pending = -1;
        long pendingState = 0;
        for (int i = 0; i < layout.capacity(); i++)
        {
            final long state = slots.state(i);
            final long tag = CountersDescriptor.tag(state);
            if (tag == TAG_FREE && claim(i, state))
            {
                return i;
            }
            if (tag == TAG_FREED_PENDING && pending < 0 &&
                now - CountersDescriptor.payload(state) >= layout.reuseDelayMillis())
            {
                pending = i;
                pendingState = state;
            }
        }
        return pending >= 0 && claim(pending, pendingState) ? pending : -1;
    }

    private boolean claim(final int index, final long state)
    {
        // volatile CAS: the slot is ours from here; a death from here on is undone by the recovery of our entry
        return LONG.compareAndSet(segment, slots.stateOffset(index), state,
            CountersDescriptor.allocating(entry, generation));
    }

    /** Writes a claimed slot's fields with plain stores; {@link #publish(int)} makes them visible. */
    void fill(final int index, final MemorySegment label, final int typeId, final Ownership ownership,
        final long initial)
    {
        final long base = slots.metadataOffset(index);
        segment.set(JAVA_LONG, base + SEQUENCE_OFFSET, slots.sequence(index) + 1);
        segment.set(JAVA_LONG, base + OWNER_OFFSET,
            ownership == Ownership.OWNED ? ownerWord : CountersDescriptor.SHARED_OWNER);
        segment.set(JAVA_INT, base + TYPE_ID_OFFSET, typeId);
        final int length = (int)label.byteSize();
        segment.set(JAVA_INT, base + LABEL_LENGTH_OFFSET, length);
        MemorySegment.copy(label, 0, segment, base + LABEL_OFFSET, length);
        segment.asSlice(base + LABEL_OFFSET + length, slots.layout.maxLabelLength() - length).fill((byte)0);
        // volatile: the value is a word that late handles of a previous allocation may still address
        LONG.setVolatile(segment, slots.valueOffset(index), initial);
    }

    /** Publishes a filled slot. */
    void publish(final int index)
    {
        // release: publishes sequence, owner, type, label and value to lookups, which acquire the state
        LONG.setRelease(segment, slots.stateOffset(index), CountersDescriptor.allocated(slots.sequence(index)));
    }

    /**
     * Frees the counter whose state word is {@code expectedState}.
     *
     * @return {@code true} if this call freed it, {@code false} if it was freed already.
     */
    boolean free(final int index, final long expectedState)
    {
        // volatile CAS: only the allocation named by the state is freed, once; the time starts its reuse delay
        return LONG.compareAndSet(segment, slots.stateOffset(index), expectedState,
            CountersDescriptor.freedPending(System.currentTimeMillis()));
    }

    /**
     * Releases what the dead (or detached) entry {@code dead} held: its half-made counters, its owned counters
     * and the allocation lock. Each step is one CAS from the word read, so it can be run again from the start by
     * the next survivor if this one dies half-way.
     */
    private static void recover(final SharedFile file, final CounterSlots slots, final Signal signal,
        final int dead)
    {
        final MemorySegment segment = file.segment();
        final long lockOffset = file.bodyOffset() + CountersDescriptor.ALLOCATION_LOCK_OFFSET;
        final Layout layout = slots.layout;
        final long now = System.currentTimeMillis();
        for (int i = 0; i < layout.capacity(); i++)
        {
            final long state = slots.state(i);
            final long tag = CountersDescriptor.tag(state);
            if (tag == TAG_ALLOCATING && CountersDescriptor.entryOf(state) == dead)
            {
                // volatile CAS: the half-made counter was never published, so no handle knows it: free at once
                LONG.compareAndSet(segment, slots.stateOffset(i), state, FREE);
            }
            else if (tag == TAG_ALLOCATED)
            {
                final long owner = slots.owner(i);
                if (CountersDescriptor.isOwned(owner) && CountersDescriptor.entryOf(owner) == dead)
                {
                    // volatile CAS: the sequence in the state makes it fail if the slot was freed and reused since
                    LONG.compareAndSet(segment, slots.stateOffset(i), state, CountersDescriptor.freedPending(now));
                }
            }
        }
        // volatile: the lock holder, last, so that a waiter that gets the lock finds the dead one's slots reclaimed
        final long holder = (long)LONG.getVolatile(segment, lockOffset);
        if (holder != 0 && CountersDescriptor.entryOf(holder) == dead)
        {
            // volatile CAS: breaks exactly the dead holder's lock word
            LONG.compareAndSet(segment, lockOffset, holder, 0L);
            signal.signalAll();
        }
    }

    /** Test hook: the label bytes of a claimed slot written only in part, as a dying allocator leaves them. */
    void fillPartly(final int index, final MemorySegment label)
    {
        final long base = slots.metadataOffset(index);
        segment.set(JAVA_INT, base + LABEL_LENGTH_OFFSET, (int)label.byteSize());
        segment.set(JAVA_BYTE, base + LABEL_OFFSET, label.get(JAVA_BYTE, 0));
    }
}
