package io.jvmipc.counters;

import java.lang.foreign.MemorySegment;

import static io.jvmipc.counters.CounterSlots.LONG;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * A handle to one counter of a {@link SharedCounters} region, from {@link SharedCounters#counter(String)}: a
 * 64-bit value shared by every process attached to the region. Every read-modify-write is one atomic instruction
 * on the mapping, so {@link #incrementAndGet()} from any number of processes never loses an update. Nothing
 * allocates and nothing blocks.
 * <p>
 * <b>Memory ordering</b>: {@link #get()}, {@link #set(long)} and every read-modify-write have volatile semantics;
 * {@link #getAcquire()} / {@link #setRelease(long)} give acquire/release only.
 * <p>
 * <b>After a free.</b> The handle remembers the allocation it was made for (the slot's sequence). Once the
 * counter is freed, by {@link #free()} through any handle in any process, by a map removal, or because its
 * {@link Ownership#OWNED owner} died, every method throws {@link IllegalStateException}, even after the slot has
 * been reused for another counter, so an old handle never shows another counter's value: a read checks the
 * allocation after reading the value, a write checks it before writing. A write that has passed its check when
 * another thread frees the counter lands in the freed slot, which nobody reads; the region's reuse delay (see
 * {@link SharedCounters.Builder#reuseDelay(long, java.util.concurrent.TimeUnit)}) is the time such a late write
 * has before the slot can hold another counter.
 * <p>
 * <b>Crashes</b>: a process killed at any instruction leaves the value as of its last completed atomic
 * operation. Thread-safe.
 */
public final class SharedCounter
{
    private final SharedCounters region;
    private final MemorySegment segment;
    private final int index;
    private final long stateOffset;
    private final long valueOffset;
    private final long allocatedState;
    private final String label;
    private final int typeId;
    private final Ownership ownership;

    SharedCounter(final SharedCounters region, final CounterSlots slots, final int index, final long allocatedState,
        final String label)
    {
        this.region = region;
        this.segment = slots.segment;
        this.index = index;
        this.stateOffset = slots.stateOffset(index);
        this.valueOffset = slots.valueOffset(index);
        this.allocatedState = allocatedState;
        this.label = label;
        this.typeId = slots.typeId(index);
        this.ownership = CountersDescriptor.isOwned(slots.owner(index)) ? Ownership.OWNED : Ownership.SHARED;
    }

    /**
     * The counter's label.
     *
     * @return the label it was found or allocated by.
     */
    public String label()
    {
        return label;
    }

    /**
     * The counter's type id, as given by the process that allocated it.
     *
     * @return the type id.
     */
    public int typeId()
    {
        return typeId;
    }

    /**
     * Whether the counter is freed with its allocating process.
     *
     * @return its ownership, as chosen by the process that allocated it.
     */
    public Ownership ownership()
    {
        return ownership;
    }

    /**
     * The counter's slot in the region (as the read-only {@link CountersReader} lists it).
     *
     * @return the slot index.
     */
    public int index()
    {
        return index;
    }

    /**
     * Reads the value with volatile semantics.
     *
     * @return the value.
     * @throws IllegalStateException if this counter was freed, or the region is closed in this process.
     * @throws io.jvmipc.file.SharedObjectException if the region's file was truncated under this process.
     */
    public long get()
    {
        try
        {
            region.ensureOpen();
            // volatile: sequentially consistent read, sees every write that happened-before in any process
            final long value = (long)LONG.getVolatile(segment, valueOffset);
            ensureAllocated();
            return value;
        }
        catch (final InternalError e)
        {
            throw region.faulted(e);
        }
    }

    /**
     * Reads the value with acquire semantics: later reads and writes of this thread are not reordered before it.
     *
     * @return the value.
     * @throws IllegalStateException if this counter was freed, or the region is closed in this process.
     * @throws io.jvmipc.file.SharedObjectException if the region's file was truncated under this process.
     */
    public long getAcquire()
    {
        try
        {
            region.ensureOpen();
            // acquire: pairs with a writer's setRelease
            final long value = (long)LONG.getAcquire(segment, valueOffset);
            ensureAllocated();
            return value;
        }
        catch (final InternalError e)
        {
            throw region.faulted(e);
        }
    }

    /**
     * Writes the value with volatile semantics.
     *
     * @param value the new value.
     * @throws IllegalStateException if this counter was freed, or the region is closed in this process.
     * @throws io.jvmipc.file.SharedObjectException if the region's file was truncated under this process.
     */
    public void set(final long value)
    {
        try
        {
            ensureUsable();
            // volatile: sequentially consistent write
            LONG.setVolatile(segment, valueOffset, value);
        }
        catch (final InternalError e)
        {
            throw region.faulted(e);
        }
    }

    /**
     * Writes the value with release semantics: this thread's earlier writes are visible to a reader that sees it with {@link #getAcquire()} or {@link #get()}.
     *
     * @param value the new value.
     * @throws IllegalStateException if this counter was freed, or the region is closed in this process.
     * @throws io.jvmipc.file.SharedObjectException if the region's file was truncated under this process.
     */
    public void setRelease(final long value)
    {
        try
        {
            ensureUsable();
            // release: publishes this thread's earlier writes with the value
            LONG.setRelease(segment, valueOffset, value);
        }
        catch (final InternalError e)
        {
            throw region.faulted(e);
        }
    }

    /**
     * Atomically sets the value and returns the old one (volatile semantics).
     *
     * @param value the new value.
     * @return the previous value.
     * @throws IllegalStateException if this counter was freed, or the region is closed in this process.
     * @throws io.jvmipc.file.SharedObjectException if the region's file was truncated under this process.
     */
    public long getAndSet(final long value)
    {
        try
        {
            ensureUsable();
            // volatile read-modify-write
            return (long)LONG.getAndSet(segment, valueOffset, value);
        }
        catch (final InternalError e)
        {
            throw region.faulted(e);
        }
    }

    /**
     * Atomically sets the value to {@code update} if it equals {@code expect} (volatile semantics).
     *
     * @param expect the value expected.
     * @param update the new value.
     * @return {@code true} if the value was {@code expect} and is now {@code update}.
     * @throws IllegalStateException if this counter was freed, or the region is closed in this process.
     * @throws io.jvmipc.file.SharedObjectException if the region's file was truncated under this process.
     */
    public boolean compareAndSet(final long expect, final long update)
    {
        try
        {
            ensureUsable();
            // volatile CAS
            return LONG.compareAndSet(segment, valueOffset, expect, update);
        }
        catch (final InternalError e)
        {
            throw region.faulted(e);
        }
    }

    /**
     * Atomically adds {@code delta} and returns the old value (volatile semantics; wraps on overflow).
     *
     * @param delta the amount to add.
     * @return the previous value.
     * @throws IllegalStateException if this counter was freed, or the region is closed in this process.
     * @throws io.jvmipc.file.SharedObjectException if the region's file was truncated under this process.
     */
    public long getAndAdd(final long delta)
    {
        try
        {
            ensureUsable();
            // volatile atomic add: never loses another process's update
            return (long)LONG.getAndAdd(segment, valueOffset, delta);
        }
        catch (final InternalError e)
        {
            throw region.faulted(e);
        }
    }

    /**
     * Atomically adds {@code delta} and returns the new value (volatile semantics; wraps on overflow).
     *
     * @param delta the amount to add.
     * @return the updated value.
     * @throws IllegalStateException if this counter was freed, or the region is closed in this process.
     * @throws io.jvmipc.file.SharedObjectException if the region's file was truncated under this process.
     */
    public long addAndGet(final long delta)
    {
        try
        {
            ensureUsable();
            // volatile atomic add: never loses another process's update
            return (long)LONG.getAndAdd(segment, valueOffset, delta) + delta;
        }
        catch (final InternalError e)
        {
            throw region.faulted(e);
        }
    }

    /**
     * Atomically adds one and returns the new value (volatile semantics).
     *
     * @return the updated value.
     * @throws IllegalStateException if this counter was freed, or the region is closed in this process.
     * @throws io.jvmipc.file.SharedObjectException if the region's file was truncated under this process.
     */
    public long incrementAndGet()
    {
        try
        {
            ensureUsable();
            // volatile atomic add: never loses another process's update
            return (long)LONG.getAndAdd(segment, valueOffset, 1L) + 1;
        }
        catch (final InternalError e)
        {
            throw region.faulted(e);
        }
    }

    /**
     * Atomically adds one and returns the old value (volatile semantics).
     *
     * @return the previous value.
     * @throws IllegalStateException if this counter was freed, or the region is closed in this process.
     * @throws io.jvmipc.file.SharedObjectException if the region's file was truncated under this process.
     */
    public long getAndIncrement()
    {
        try
        {
            ensureUsable();
            // volatile atomic add: never loses another process's update
            return (long)LONG.getAndAdd(segment, valueOffset, 1L);
        }
        catch (final InternalError e)
        {
            throw region.faulted(e);
        }
    }

    /**
     * Atomically subtracts one and returns the new value (volatile semantics).
     *
     * @return the updated value.
     * @throws IllegalStateException if this counter was freed, or the region is closed in this process.
     * @throws io.jvmipc.file.SharedObjectException if the region's file was truncated under this process.
     */
    public long decrementAndGet()
    {
        try
        {
            ensureUsable();
            // volatile atomic add: never loses another process's update
            return (long)LONG.getAndAdd(segment, valueOffset, -1L) - 1;
        }
        catch (final InternalError e)
        {
            throw region.faulted(e);
        }
    }
    /**
     * Atomically raises the value to {@code value} if it is lower (volatile semantics): a high-water mark.
     *
     * @param value the candidate maximum.
     * @return the value after the update: the larger of the old value and {@code value}.
     * @throws IllegalStateException if this counter was freed, or the region is closed in this process.
     * @throws io.jvmipc.file.SharedObjectException if the region's file was truncated under this process.
     */
    public long updateMax(final long value)
    {
        try
        {
            ensureUsable();
            while (true)
            {
                // volatile: the current value, for the CAS below
                final long current = (long)LONG.getVolatile(segment, valueOffset);
                // volatile CAS: succeeds only if no process changed the value since it was read
                if (current >= value || LONG.compareAndSet(segment, valueOffset, current, value))
                {
                    return Math.max(current, value);
                }
            }
        }
        catch (final InternalError e)
        {
            throw region.faulted(e);
        }
    }

    /**
     * Atomically lowers the value to {@code value} if it is higher (volatile semantics): a low-water mark.
     *
     * @param value the candidate minimum.
     * @return the value after the update: the smaller of the old value and {@code value}.
     * @throws IllegalStateException if this counter was freed, or the region is closed in this process.
     * @throws io.jvmipc.file.SharedObjectException if the region's file was truncated under this process.
     */
    public long updateMin(final long value)
    {
        try
        {
            ensureUsable();
            while (true)
            {
                // volatile: the current value, for the CAS below
                final long current = (long)LONG.getVolatile(segment, valueOffset);
                // volatile CAS: succeeds only if no process changed the value since it was read
                if (current <= value || LONG.compareAndSet(segment, valueOffset, current, value))
                {
                    return Math.min(current, value);
                }
            }
        }
        catch (final InternalError e)
        {
            throw region.faulted(e);
        }
    }

    /**
     * Frees the counter for every process: lookups no longer find it, every handle to it (in any process) throws
     * {@link IllegalStateException} from then on, and its slot is reused for another counter only after the
     * region's reuse delay. A later {@link SharedCounters#counter(String)} with the same label allocates a new
     * counter, starting from zero. Idempotent.
     *
     * @return {@code true} if this call freed it, {@code false} if it was freed already.
     * @throws IllegalStateException if the region is closed in this process.
     * @throws io.jvmipc.file.SharedObjectException if the region's file was truncated under this process.
     */
    public boolean free()
    {
        try
        {
            region.ensureOpen();
            // the state read first also turns a truncated file into an InternalError rather than a crash in the CAS
            return currentState() == allocatedState && region.core().free(index, allocatedState);
        }
        catch (final InternalError e)
        {
            throw region.faulted(e);
        }
    }

    /**
     * Whether the counter has been freed (and possibly reused for another one).
     *
     * @return {@code true} once freed.
     * @throws IllegalStateException if the region is closed in this process.
     * @throws io.jvmipc.file.SharedObjectException if the region's file was truncated under this process.
     */
    public boolean isFreed()
    {
        try
        {
            region.ensureOpen();
            return currentState() != allocatedState;
        }
        catch (final InternalError e)
        {
            throw region.faulted(e);
        }
    }

    long allocatedState()
    {
        return allocatedState;
    }

    private long currentState()
    {
        // acquire: a free in any process, ordered before what this thread reads next
        return (long)LONG.getAcquire(segment, stateOffset);
    }

    private void ensureUsable()
    {
        region.ensureOpen();
        ensureAllocated();
        // a plain read of the word about to be written: if the file was truncated, this read raises the JVM's
        // InternalError, where the interpreter's atomic instructions would crash the JVM on the same fault
        segment.get(JAVA_LONG, valueOffset);
    }

    private void ensureAllocated()
    {
        if (currentState() != allocatedState)
        {
            throw new IllegalStateException(region.path() + ": counter '" + label + "' (slot " + index +
                ") was freed");
        }
    }

    @Override
    public String toString()
    {
        return "SharedCounter '" + label + "' (slot " + index + ") of " + region.path();
    }
}
