package io.jvmipc.counters;

import io.jvmipc.counters.CountersDescriptor.Layout;
import io.jvmipc.file.ObjectKind;
import io.jvmipc.file.SharedDirectory;
import io.jvmipc.file.SharedFile;
import io.jvmipc.file.SharedFile.OpenMode;
import io.jvmipc.file.SharedHandle;
import io.jvmipc.file.SharedObjectBuilder;
import io.jvmipc.file.SharedObjectException;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

/**
 * A region of named 64-bit counters in one shared file: what a Python program gets from one
 * {@code multiprocessing.Value} per metric, or from a {@code Manager().dict()} of numbers, without a file (or a
 * server process) per counter. Modelled on Aeron's counters: a metadata area (state, type id, owner, UTF-8
 * label per counter) and a values area, in a file whose layout is {@link CountersDescriptor}, readable without
 * attaching by {@link CountersReader}.
 * <p>
 * <b>Finding and allocating.</b> {@link #counter(String)} returns a handle to the counter with that label,
 * allocating it (value 0) if there is none; two processes asking for the same new label at the same instant get
 * the same counter. Allocation is serialised by a small allocation lock in the file; lookups of existing labels
 * are lock-free scans (linear in the capacity), so keep the handle rather than looking up per update. The
 * handle's updates are single atomic instructions ({@link SharedCounter}).
 * <p>
 * <b>Freeing.</b> {@link SharedCounter#free()} (or a map removal) frees a counter; its slot is not reused until
 * the region's reuse delay has passed (wall-clock {@link System#currentTimeMillis()} time stored in the slot; a
 * clock set back delays reuse, a clock set forward by more than the delay shortens it), and handles to it throw
 * {@link IllegalStateException} from the free on.
 * <p>
 * <b>Blocking</b>: only allocation of a new counter may wait, for another process's allocation in progress (a
 * few stores) or for a dead allocator to be detected (one {@link SharedFile#PROBE_INTERVAL_NANOS} probe interval
 * from the death, plus the recovery). Nothing else blocks.
 * <p>
 * <b>Crashes</b>: a process killed while allocating leaves no half-made counter visible (lookups see only
 * published counters) and no slot lost: the recovery of its process-table entry frees the slot and the
 * allocation lock. A process that dies (or closes the region) frees its {@link Ownership#OWNED} counters when a
 * survivor recovers its entry: when an allocation finds the region full, on {@link #recoverDeadOwners()}, or
 * when a new process attaches into the entry. Shared counters keep their values whatever dies.
 * <p>
 * <b>Bad input</b>: an empty label, or one longer than the region's maximum in UTF-8 bytes, is refused with
 * {@link IllegalArgumentException}; a full region with {@link CountersFullException}; a label length out of
 * bounds in the file with {@link io.jvmipc.file.CorruptFileException} naming the file and the slot; a file
 * truncated under this process with {@link SharedObjectException} naming it; any use after {@link #close()}
 * with {@link IllegalStateException}. Thread-safe.
 */
public final class SharedCounters implements AutoCloseable
{
    /** The capacity when the creator does not say. */
    public static final int DEFAULT_CAPACITY = 1024;
    /** The maximum label length in UTF-8 bytes when the creator does not say. */
    public static final int DEFAULT_MAX_LABEL_LENGTH = CountersDescriptor.DEFAULT_MAX_LABEL_LENGTH;
    /** The reuse delay in milliseconds when the creator does not say. */
    public static final long DEFAULT_REUSE_DELAY_MILLIS = 5_000;

    private final SharedFile file;
    private final CountersCore core;
    private final CounterSlots slots;
    private final CountersMap map;

    private SharedCounters(final CountersCore core)
    {
        this.core = core;
        this.file = core.file;
        this.slots = core.slots;
        this.map = new CountersMap(this);
    }

    /**
     * Starts building a counter region named {@code name}.
     *
     * @param name the object's name in its directory.
     * @return a builder.
     * @throws IllegalArgumentException if the name is not a valid object name.
     * @throws NullPointerException     if {@code name} is null.
     */
    public static Builder builder(final String name)
    {
        return new Builder(name);
    }

    /**
     * Starts building an anonymous object of this kind, Python's unnamed one: it gets a fresh name
     * ({@link SharedDirectory#newAnonymousName()}) and is marked anonymous, and its file is removed when the last
     * attached process closes it (or, if every process died, by the next open of its name or a cleanup). Create
     * it with the builder's {@code create()} (an anonymous builder names one object) and pass its
     * {@code handle()} to the processes that share it.
     *
     * @return a builder.
     */
    public static Builder anonymous()
    {
        return builder(SharedDirectory.newAnonymousName());
    }

    /**
     * The shared counter labelled {@code label} with type id 0, allocated if absent. Equivalent to
     * {@code counter(label, 0, Ownership.SHARED)}.
     *
     * @param label the label; 1 to {@link #maxLabelLength()} bytes of UTF-8.
     * @return a handle to the counter.
     * @throws NullPointerException     if {@code label} is null.
     * @throws IllegalArgumentException if the label is empty or too long.
     * @throws CountersFullException    if it is new and the region has no free slot.
     * @throws IllegalStateException    if the region is closed in this process.
     * @throws SharedObjectException    if the file is corrupt or was truncated under this process.
     */
    public SharedCounter counter(final String label)
    {
        return counter(label, 0, Ownership.SHARED);
    }

    /**
     * The counter labelled {@code label}, allocated with value 0, type id {@code typeId} and ownership
     * {@code ownership} if there is none. An existing counter keeps the type id and ownership it was allocated
     * with ({@link SharedCounter#typeId()} tells). May wait for another process's allocation in progress, as the
     * class says; never waits for a dead one beyond its detection.
     *
     * @param label     the label; 1 to {@link #maxLabelLength()} bytes of UTF-8.
     * @param typeId    the type id to allocate with: any value, meaning is up to the application.
     * @param ownership whether the counter is freed when this process dies or closes the region.
     * @return a handle to the counter.
     * @throws NullPointerException     if {@code label} or {@code ownership} is null.
     * @throws IllegalArgumentException if the label is empty or too long.
     * @throws CountersFullException    if it is new and the region has no free slot.
     * @throws IllegalStateException    if the region is closed in this process.
     * @throws SharedObjectException    if the file is corrupt or was truncated under this process.
     */
    public SharedCounter counter(final String label, final int typeId, final Ownership ownership)
    {
        Objects.requireNonNull(ownership, "ownership");
        final MemorySegment bytes = encode(label);
        try
        {
            file.ensureOpen();
            while (true)
            {
                final SharedCounter counter = handle((int)core.findOrAllocate(bytes, typeId, ownership, 0), bytes,
                    label);
                if (counter != null)
                {
                    return counter;
                }
            }
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    /**
     * The counter labelled {@code label} if there is one; never allocates, never waits.
     *
     * @param label the label.
     * @return a handle, or {@code null} if no counter has that label.
     * @throws NullPointerException     if {@code label} is null.
     * @throws IllegalArgumentException if the label is empty or too long.
     * @throws IllegalStateException    if the region is closed in this process.
     * @throws SharedObjectException    if the file is corrupt or was truncated under this process.
     */
    public SharedCounter find(final String label)
    {
        final MemorySegment bytes = encode(label);
        try
        {
            file.ensureOpen();
            while (true)
            {
                final int index = slots.find(bytes);
                if (index < 0)
                {
                    return null;
                }
                final SharedCounter counter = handle(index, bytes, label);
                if (counter != null)
                {
                    return counter;
                }
            }
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    /**
     * Calls {@code consumer} for every allocated counter, in slot order, with its label, type id and value. A
     * counter freed or allocated during the iteration may or may not be seen; a counter freed while being read is
     * skipped. Allocates nothing per counter.
     *
     * @param consumer receives each counter; its label argument is valid only during the call.
     * @throws NullPointerException  if {@code consumer} is null.
     * @throws IllegalStateException if the region is closed in this process.
     * @throws SharedObjectException if the file is corrupt or was truncated under this process.
     */
    public void forEach(final CounterConsumer consumer)
    {
        Objects.requireNonNull(consumer, "consumer");
        try
        {
            file.ensureOpen();
            slots.forEach(consumer);
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    /**
     * The number of allocated counters now (a scan; a snapshot when others allocate or free).
     *
     * @return the count.
     * @throws IllegalStateException if the region is closed in this process.
     * @throws SharedObjectException if the file was truncated under this process.
     */
    public int size()
    {
        try
        {
            file.ensureOpen();
            return slots.allocatedCount();
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    /**
     * The region as a {@code ConcurrentMap} from label to value, Python's {@code Manager().dict()} of numbers:
     * {@code map.merge(label, 1L, Long::sum)} from any number of processes never loses an update. Its counters
     * are shared, with type id 0. See {@link CountersMap} for what each operation does across processes.
     *
     * @return the view (the same one on every call).
     * @throws IllegalStateException if the region is closed in this process.
     */
    public ConcurrentMap<String, Long> asMap()
    {
        file.ensureOpen();
        return map;
    }

    /**
     * Probes every process attached to the region and recovers those that are gone: their half-made counters
     * are reclaimed and their {@link Ownership#OWNED} counters freed. A system call per attached process.
     *
     * @return {@code true} if at least one dead or detached process was recovered.
     * @throws IllegalStateException if the region is closed in this process.
     * @throws SharedObjectException if the file was truncated under this process.
     */
    public boolean recoverDeadOwners()
    {
        try
        {
            file.ensureOpen();
            return file.recoverDeadEntries();
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    /**
     * The most counters the region holds.
     *
     * @return the capacity fixed at creation.
     */
    public int capacity()
    {
        return slots.layout.capacity();
    }

    /**
     * The longest label, in UTF-8 bytes.
     *
     * @return the limit fixed at creation.
     */
    public int maxLabelLength()
    {
        return slots.layout.maxLabelLength();
    }

    /**
     * Whether values are packed 8 bytes apart rather than one per cache-line pair.
     *
     * @return the layout chosen at creation.
     */
    public boolean isPacked()
    {
        return slots.layout.valueStride() == CountersDescriptor.PACKED_STRIDE;
    }

    /**
     * How long a freed counter's slot stays unused.
     *
     * @return milliseconds, fixed at creation.
     */
    public long reuseDelayMillis()
    {
        return slots.layout.reuseDelayMillis();
    }

    /**
     * A handle naming this object, to pass to another process (it is serializable, so a {@code JvmProcess} target
     * may capture it), which opens the object with it; see {@link SharedHandle}.
     *
     * @return the handle.
     */
    public SharedHandle handle()
    {
        return file.handle();
    }

    /**
     * The region's file.
     *
     * @return its path.
     */
    public Path path()
    {
        return file.path();
    }

    /**
     * Removes the region's name so that no process can attach any more; processes attached now keep using it.
     * Does not close this attachment.
     *
     * @throws IllegalStateException if another live process is attached.
     */
    public void unlink()
    {
        file.unlink();
    }

    /**
     * Detaches this process: unmaps the file. Idempotent; always completes. Its {@link Ownership#OWNED} counters
     * are freed when a survivor next recovers its entry, as for a dead process. Any later use of this
     * attachment or its handles throws {@link IllegalStateException} naming the file.
     */
    @Override
    public void close()
    {
        file.close();
    }

    /**
     * Whether {@link #close()} has been called.
     *
     * @return {@code true} once closed.
     */
    public boolean isClosed()
    {
        return file.isClosed();
    }

    @Override
    public String toString()
    {
        return "SharedCounters " + file.path() + " (capacity " + capacity() + (isClosed() ? ", closed)" : ")");
    }

    void ensureOpen()
    {
        file.ensureOpen();
    }

    SharedObjectException faulted(final InternalError e)
    {
        return file.faulted(e);
    }

    CountersCore core()
    {
        return core;
    }

    CounterSlots slots()
    {
        return slots;
    }

    /** A handle to slot {@code index} if it still holds {@code label} allocated, else {@code null}. */
    SharedCounter handle(final int index, final MemorySegment bytes, final String label)
    {
        final long state = slots.state(index);
        if (CountersDescriptor.tag(state) != CountersDescriptor.TAG_ALLOCATED || !slots.labelEquals(index, bytes))
        {
            return null;
        }
        final SharedCounter counter = new SharedCounter(this, slots, index, state, label);
        // the state re-read: type and owner read by the constructor belong to this allocation
        return slots.state(index) == state ? counter : null;
    }

    /**
     * Refuses a label UTF-8 cannot carry: {@link String#getBytes} would write a lone surrogate as '?', so two
     * different labels would name one counter, and {@code label()} would not give back the caller's label.
     */
    private void requireWellFormed(final String label)
    {
        for (int i = 0; i < label.length(); i++)
        {
            final char c = label.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < label.length() && Character.isLowSurrogate(label.charAt(i + 1)))
            {
                i++;
            }
            else if (Character.isSurrogate(c))
            {
                throw new IllegalArgumentException(file.path() + ": label has an unpaired surrogate U+" +
                    Integer.toHexString(c).toUpperCase(java.util.Locale.ROOT) + " at index " + i +
                    ", which UTF-8 cannot carry");
            }
        }
    }

    /**
     * The label as UTF-8 bytes, checked.
     *
     * @throws NullPointerException     if null.
     * @throws IllegalArgumentException if empty, too long, or not well-formed UTF-16.
     */
    MemorySegment encode(final String label)
    {
        Objects.requireNonNull(label, "label");
        if (label.isEmpty())
        {
            throw new IllegalArgumentException(file.path() + ": a counter label cannot be empty");
        }
        requireWellFormed(label);
        final byte[] bytes = label.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > maxLabelLength())
        {
            throw new IllegalArgumentException(file.path() + ": label of " + bytes.length +
                " UTF-8 bytes is longer than the region's maximum of " + maxLabelLength() + ": " +
                label.substring(0, Math.min(label.length(), 40)) + "...");
        }
        return MemorySegment.ofArray(bytes);
    }

    /**
     * Builds a {@link SharedCounters} region. The capacity, label limit, layout and reuse delay are fixed at
     * creation; when attaching to an existing region, the ones set here explicitly must match the file's
     * ({@link io.jvmipc.file.IncompatibleParametersException} otherwise) and the others are taken from it.
     */
    public static final class Builder extends SharedObjectBuilder<Builder>
    {
        private int capacity = DEFAULT_CAPACITY;
        private int maxLabelLength = DEFAULT_MAX_LABEL_LENGTH;
        private boolean packed;
        private long reuseDelayMillis = DEFAULT_REUSE_DELAY_MILLIS;
        private boolean capacitySet;
        private boolean maxLabelLengthSet;
        private boolean packedSet;
        private boolean reuseDelaySet;

        private Builder(final String name)
        {
            super(name);
        }

        /**
         * How many counters the region holds.
         *
         * @param capacity 1 to 2^20; default {@link #DEFAULT_CAPACITY}.
         * @return this builder.
         * @throws IllegalArgumentException if out of range.
         */
        public Builder capacity(final int capacity)
        {
            CountersDescriptor.layoutFor(capacity, maxLabelLength, CountersDescriptor.PADDED_STRIDE, 0);
            this.capacity = capacity;
            this.capacitySet = true;
            return this;
        }

        /**
         * The longest label in UTF-8 bytes.
         *
         * @param length 1 to 1024; default {@link #DEFAULT_MAX_LABEL_LENGTH} (a metadata entry of 128 bytes).
         * @return this builder.
         * @throws IllegalArgumentException if out of range.
         */
        public Builder maxLabelLength(final int length)
        {
            CountersDescriptor.layoutFor(1, length, CountersDescriptor.PADDED_STRIDE, 0);
            this.maxLabelLength = length;
            this.maxLabelLengthSet = true;
            return this;
        }

        /**
         * Whether to pack values 8 bytes apart (dense, but counters updated by different processes then share
         * cache lines) instead of one per 128-byte cache-line pair (the default: no false sharing).
         *
         * @param packed {@code true} for the packed layout.
         * @return this builder.
         */
        public Builder packed(final boolean packed)
        {
            this.packed = packed;
            this.packedSet = true;
            return this;
        }

        /**
         * How long a freed counter's slot stays unused before another counter may take it, so that a late
         * reader or writer holding the old handle never touches another counter's value.
         *
         * @param delay the delay; zero means at once.
         * @param unit  its unit (kept in milliseconds).
         * @return this builder.
         * @throws IllegalArgumentException if negative.
         * @throws NullPointerException     if {@code unit} is null.
         */
        public Builder reuseDelay(final long delay, final TimeUnit unit)
        {
            final long millis = unit.toMillis(delay);
            CountersDescriptor.layoutFor(1, 1, CountersDescriptor.PADDED_STRIDE, millis);
            this.reuseDelayMillis = millis;
            this.reuseDelaySet = true;
            return this;
        }

        /**
         * Creates the region; fails if the name exists.
         *
         * @return the attached region.
         * @throws io.jvmipc.file.SharedObjectExistsException if an object of that name exists.
         * @throws SharedObjectException                      if the file cannot be created.
         */
        public SharedCounters create()
        {
            return open(OpenMode.CREATE);
        }

        /**
         * Attaches to an existing region.
         *
         * @return the attached region.
         * @throws io.jvmipc.file.NoSuchSharedObjectException     if there is none.
         * @throws io.jvmipc.file.WrongKindException              if the file holds another kind of object.
         * @throws io.jvmipc.file.IncompatibleParametersException if a parameter set here differs from the file's.
         * @throws SharedObjectException                          if the file is foreign, truncated or corrupt.
         */
        public SharedCounters open()
        {
            return open(OpenMode.OPEN);
        }

        /**
         * Attaches to the region, creating it if it does not exist; race-free between processes.
         *
         * @return the attached region.
         * @throws io.jvmipc.file.WrongKindException              if the file holds another kind of object.
         * @throws io.jvmipc.file.IncompatibleParametersException if a parameter set here differs from the file's.
         * @throws SharedObjectException                          if the file is foreign, truncated or corrupt.
         */
        public SharedCounters openOrCreate()
        {
            return open(OpenMode.OPEN_OR_CREATE);
        }

        private SharedCounters open(final OpenMode mode)
        {
            final Layout wanted = CountersDescriptor.layoutFor(capacity, maxLabelLength,
                packed ? CountersDescriptor.PACKED_STRIDE : CountersDescriptor.PADDED_STRIDE, reuseDelayMillis);
            final SharedFile.Spec spec = new SharedFile.Spec(ObjectKind.COUNTERS, CountersDescriptor.VERSION,
                wanted.parameters(), wanted.bodyLength(), processTableCapacity(), null);
            final CountersCore.Opened opened = openFile(spec, mode, file ->
            {
                try
                {
                    return CountersCore.bind(file, validate(file, wanted));
                }
                catch (final InternalError e)
                {
                    throw file.faulted(e);
                }
            });
            try
            {
                return new SharedCounters(new CountersCore(opened));
            }
            catch (final InternalError e)
            {
                final SharedObjectException fault = opened.file().faulted(e);
                opened.file().close();
                throw fault;
            }
        }

        /** Checks the file's parameters against its body and against what this builder set explicitly. */
        private Layout validate(final SharedFile file, final Layout wanted)
        {
            final Layout layout = CountersDescriptor.validate(file.path(),
                file.parameter(CountersDescriptor.CAPACITY_PARAMETER),
                file.parameter(CountersDescriptor.MAX_LABEL_LENGTH_PARAMETER),
                file.parameter(CountersDescriptor.VALUE_STRIDE_PARAMETER),
                file.parameter(CountersDescriptor.REUSE_DELAY_PARAMETER), file.bodyLength());
            if (capacitySet)
            {
                file.requireParameter(CountersDescriptor.CAPACITY_PARAMETER, "capacity", capacity);
            }
            if (maxLabelLengthSet)
            {
                file.requireParameter(CountersDescriptor.MAX_LABEL_LENGTH_PARAMETER, "maximum label length",
                    maxLabelLength);
            }
            if (packedSet)
            {
                file.requireParameter(CountersDescriptor.VALUE_STRIDE_PARAMETER, "value stride",
                    wanted.valueStride());
            }
            if (reuseDelaySet)
            {
                file.requireParameter(CountersDescriptor.REUSE_DELAY_PARAMETER, "reuse delay (ms)",
                    reuseDelayMillis);
            }
            return layout;
        }
    }
}
