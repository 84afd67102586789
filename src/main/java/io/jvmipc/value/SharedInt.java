package io.jvmipc.value;

import io.jvmipc.file.SharedDirectory;
import io.jvmipc.file.SharedFile;
import io.jvmipc.file.SharedFile.OpenMode;
import io.jvmipc.file.SharedObjectBuilder;

import java.lang.invoke.VarHandle;
import java.util.function.IntUnaryOperator;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * A 32-bit integer shared by processes on this host: Python's {@code multiprocessing.Value('i')} and
 * {@code RawValue('i')}, but lock-free. Every read-modify-write is one atomic instruction on the shared
 * mapping, so {@code incrementAndGet()} from any number of processes never loses an update (Python needs
 * {@code get_lock()} for that).
 * <p>
 * <b>Memory ordering</b>: {@link #get()}, {@link #set(int)} and every read-modify-write have volatile
 * semantics (sequentially consistent with all other volatile accesses, in this and other processes);
 * {@link #getAcquire()} / {@link #setRelease(int)} give acquire/release only; {@link #getPlain()} gives no
 * ordering (but is never torn).
 * <p>
 * <b>Blocking</b>: nothing blocks. <b>Crashes</b>: a value has no per-process state; a process killed at any
 * instruction leaves the value as of its last completed atomic operation.
 * <p>
 * <b>Lifecycle</b>: {@link #close()} detaches this process; any later call throws
 * {@link IllegalStateException} naming the file. {@link #unlink()} removes the object's name. Thread-safe.
 */
public final class SharedInt extends AbstractSharedValue
{
    private static final VarHandle INT = JAVA_INT.varHandle();

    private final long offset;

    private SharedInt(final SharedFile file)
    {
        super(file);
        this.offset = file.bodyOffset() + ValueDescriptor.VALUE_OFFSET;
    }

    /**
     * Starts building a shared int named {@code name}.
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
     * Reads the value with volatile semantics.
     *
     * @return the value.
     * @throws IllegalStateException if closed.
     */
    public int get()
    {
        try
        {
            ensureOpen();
            // volatile: sequentially consistent read, sees every write that happened-before in any process
            return (int)INT.getVolatile(segment, offset);
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    /**
     * Reads the value with acquire semantics: later reads and writes of this thread are not reordered before it.
     *
     * @return the value.
     * @throws IllegalStateException if closed.
     */
    public int getAcquire()
    {
        try
        {
            ensureOpen();
            // acquire: pairs with a writer's setRelease
            return (int)INT.getAcquire(segment, offset);
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    /**
     * Reads the value with no ordering guarantee (never torn).
     *
     * @return the value.
     * @throws IllegalStateException if closed.
     */
    public int getPlain()
    {
        try
        {
            ensureOpen();
            return segment.get(JAVA_INT, offset);
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    /**
     * Writes the value with volatile semantics.
     *
     * @param value the new value.
     * @throws IllegalStateException if closed.
     */
    public void set(final int value)
    {
        try
        {
            ensureOpen();
            // volatile: sequentially consistent write
            INT.setVolatile(segment, offset, value);
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    /**
     * Writes the value with release semantics: earlier reads and writes of this thread are visible to a reader
     * that sees this value with {@link #getAcquire()} or {@link #get()}.
     *
     * @param value the new value.
     * @throws IllegalStateException if closed.
     */
    public void setRelease(final int value)
    {
        try
        {
            ensureOpen();
            // release: publishes this thread's earlier writes with the value
            INT.setRelease(segment, offset, value);
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    /**
     * Atomically sets the value and returns the old one (volatile semantics).
     *
     * @param value the new value.
     * @return the previous value.
     * @throws IllegalStateException if closed.
     */
    public int getAndSet(final int value)
    {
        try
        {
            ensureOpen();
            // volatile read-modify-write
            return (int)INT.getAndSet(segment, offset, value);
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    /**
     * Atomically sets the value to {@code update} if it equals {@code expect} (volatile semantics).
     *
     * @param expect the value expected.
     * @param update the new value.
     * @return {@code true} if the value was {@code expect} and is now {@code update}.
     * @throws IllegalStateException if closed.
     */
    public boolean compareAndSet(final int expect, final int update)
    {
        try
        {
            ensureOpen();
            // plain load first: the interpreter's CAS crashes the JVM on a truncated file, a load throws
            segment.get(JAVA_INT, offset);
            // volatile CAS
            return INT.compareAndSet(segment, offset, expect, update);
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    /**
     * Atomically adds {@code delta} and returns the old value (volatile semantics; wraps on overflow).
     *
     * @param delta the amount to add.
     * @return the previous value.
     * @throws IllegalStateException if closed.
     */
    public int getAndAdd(final int delta)
    {
        try
        {
            ensureOpen();
            // volatile atomic add (lock xadd)
            return (int)INT.getAndAdd(segment, offset, delta);
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    /**
     * Atomically adds {@code delta} and returns the new value (volatile semantics; wraps on overflow).
     *
     * @param delta the amount to add.
     * @return the updated value.
     * @throws IllegalStateException if closed.
     */
    public int addAndGet(final int delta)
    {
        try
        {
            ensureOpen();
            // volatile atomic add (lock xadd)
            return (int)INT.getAndAdd(segment, offset, delta) + delta;
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    /**
     * Atomically adds one and returns the new value (volatile semantics).
     *
     * @return the updated value.
     * @throws IllegalStateException if closed.
     */
    public int incrementAndGet()
    {
        try
        {
            ensureOpen();
            // volatile atomic add (lock xadd)
            return (int)INT.getAndAdd(segment, offset, 1) + 1;
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    /**
     * Atomically adds one and returns the old value (volatile semantics).
     *
     * @return the previous value.
     * @throws IllegalStateException if closed.
     */
    public int getAndIncrement()
    {
        try
        {
            ensureOpen();
            // volatile atomic add (lock xadd)
            return (int)INT.getAndAdd(segment, offset, 1);
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    /**
     * Atomically subtracts one and returns the new value (volatile semantics).
     *
     * @return the updated value.
     * @throws IllegalStateException if closed.
     */
    public int decrementAndGet()
    {
        try
        {
            ensureOpen();
            // volatile atomic add (lock xadd)
            return (int)INT.getAndAdd(segment, offset, -1) - 1;
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    /**
     * Atomically replaces the value with {@code function} applied to it, retrying on contention (volatile
     * semantics). The function may run more than once, so it must have no side effects.
     *
     * @param function computes the new value from the current one.
     * @return the updated value.
     * @throws IllegalStateException if closed.
     */
    public int updateAndGet(final IntUnaryOperator function)
    {
        try
        {
            ensureOpen();
            while (true)
            {
                // volatile: the current value, for the CAS below
                final int current = (int)INT.getVolatile(segment, offset);
                final int next = function.applyAsInt(current);
                // plain load again: the function may have run long, and on a file truncated meanwhile the load
                // faults (InternalError) where the interpreter's CAS would crash the JVM
                segment.get(JAVA_INT, offset);
                // volatile CAS: succeeds only if no other process changed the value in between
                if (INT.compareAndSet(segment, offset, current, next))
                {
                    return next;
                }
            }
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    @Override
    public String toString()
    {
        return describe(this::get);
    }

    /**
     * Builds a {@link SharedInt}.
     */
    public static final class Builder extends SharedObjectBuilder<Builder>
    {
        private int initialValue;

        private Builder(final String name)
        {
            super(requireValidName(name));
        }

        /**
         * The value a newly created object starts with; ignored when attaching to an existing one.
         *
         * @param value the initial value; default 0.
         * @return this builder.
         */
        public Builder initialValue(final int value)
        {
            this.initialValue = value;
            return this;
        }

        /**
         * Creates the object; fails if the name exists.
         *
         * @return the attached value.
         * @throws io.jvmipc.file.SharedObjectExistsException if an object of that name exists.
         */
        public SharedInt create()
        {
            return open(OpenMode.CREATE);
        }

        /**
         * Attaches to an existing object.
         *
         * @return the attached value.
         * @throws io.jvmipc.file.NoSuchSharedObjectException if there is none.
         * @throws io.jvmipc.file.WrongKindException          if the file holds another kind or type (a long
         *                                                    value, an array).
         * @throws io.jvmipc.file.SharedObjectException       if the file is foreign, truncated or corrupt.
         */
        public SharedInt open()
        {
            return open(OpenMode.OPEN);
        }

        /**
         * Attaches to the object, creating it if it does not exist; race-free between processes.
         *
         * @return the attached value.
         * @throws io.jvmipc.file.WrongKindException    if the file holds another kind or type.
         * @throws io.jvmipc.file.SharedObjectException if the file is foreign, truncated or corrupt.
         */
        public SharedInt openOrCreate()
        {
            return open(OpenMode.OPEN_OR_CREATE);
        }

        private SharedInt open(final OpenMode mode)
        {
            final int initial = initialValue;
            return new SharedInt(ValueFiles.openValue(path(), ElementType.INT, mode, processTableCapacity(),
                (file, bodyOffset, bodyLength) -> file.set(JAVA_INT, bodyOffset + ValueDescriptor.VALUE_OFFSET,
                    initial)));
        }
    }
}
