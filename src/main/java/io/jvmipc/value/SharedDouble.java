package io.jvmipc.value;

import io.jvmipc.file.SharedDirectory;
import io.jvmipc.file.SharedFile;
import io.jvmipc.file.SharedFile.OpenMode;
import io.jvmipc.file.SharedObjectBuilder;

import java.lang.invoke.VarHandle;
import java.util.function.DoubleUnaryOperator;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * A 64-bit floating-point number shared by processes on this host: Python's {@code multiprocessing.Value('d')}
 * and {@code RawValue('d')}, lock-free. The value is stored as its raw IEEE 754 bits
 * ({@link Double#doubleToRawLongBits(double)}); {@link #compareAndSet(double, double)} compares those bits, so
 * {@code 0.0} and {@code -0.0} differ and a NaN matches only the same NaN bits. {@link #getAndAdd(double)} and
 * {@link #addAndGet(double)} are CAS loops on the bits: no update is lost, but a writer may retry under
 * contention.
 * <p>
 * <b>Memory ordering</b>: {@link #get()}, {@link #set(double)} and every read-modify-write have volatile
 * semantics; {@link #getAcquire()} / {@link #setRelease(double)} give acquire/release only;
 * {@link #getPlain()} gives no ordering (but is never torn).
 * <p>
 * <b>Blocking</b>: nothing blocks. <b>Crashes</b>: a process killed at any instruction leaves the value as of
 * its last completed atomic operation.
 * <p>
 * <b>Lifecycle</b>: {@link #close()} detaches this process; any later call throws
 * {@link IllegalStateException} naming the file. {@link #unlink()} removes the object's name. Thread-safe.
 */
public final class SharedDouble extends AbstractSharedValue
{
    private static final VarHandle LONG = JAVA_LONG.varHandle();

    private final long offset;

    private SharedDouble(final SharedFile file)
    {
        super(file);
        this.offset = file.bodyOffset() + ValueDescriptor.VALUE_OFFSET;
    }

    /**
     * Starts building a shared double named {@code name}.
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
    public double get()
    {
        try
        {
            ensureOpen();
            // volatile: sequentially consistent read of the raw bits
            return Double.longBitsToDouble((long)LONG.getVolatile(segment, offset));
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    /**
     * Reads the value with acquire semantics.
     *
     * @return the value.
     * @throws IllegalStateException if closed.
     */
    public double getAcquire()
    {
        try
        {
            ensureOpen();
            // acquire: pairs with a writer's setRelease
            return Double.longBitsToDouble((long)LONG.getAcquire(segment, offset));
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    /**
     * Reads the value with no ordering guarantee (never torn on a 64-bit platform).
     *
     * @return the value.
     * @throws IllegalStateException if closed.
     */
    public double getPlain()
    {
        try
        {
            ensureOpen();
            return Double.longBitsToDouble(segment.get(JAVA_LONG, offset));
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
    public void set(final double value)
    {
        try
        {
            ensureOpen();
            // volatile: sequentially consistent write of the raw bits
            LONG.setVolatile(segment, offset, Double.doubleToRawLongBits(value));
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    /**
     * Writes the value with release semantics.
     *
     * @param value the new value.
     * @throws IllegalStateException if closed.
     */
    public void setRelease(final double value)
    {
        try
        {
            ensureOpen();
            // release: publishes this thread's earlier writes with the value
            LONG.setRelease(segment, offset, Double.doubleToRawLongBits(value));
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
    public double getAndSet(final double value)
    {
        try
        {
            ensureOpen();
            // volatile read-modify-write of the raw bits
            return Double.longBitsToDouble((long)LONG.getAndSet(segment, offset, Double.doubleToRawLongBits(value)));
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    /**
     * Atomically sets the value to {@code update} if its raw bits equal those of {@code expect} (volatile
     * semantics).
     *
     * @param expect the value expected (compared bit for bit).
     * @param update the new value.
     * @return {@code true} if it was set.
     * @throws IllegalStateException if closed.
     */
    public boolean compareAndSet(final double expect, final double update)
    {
        try
        {
            ensureOpen();
            // plain load first: the interpreter's CAS crashes the JVM on a truncated file, a load throws
            segment.get(JAVA_LONG, offset);
            // volatile CAS on the raw bits
            return LONG.compareAndSet(segment, offset, Double.doubleToRawLongBits(expect),
                Double.doubleToRawLongBits(update));
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    /**
     * Atomically adds {@code delta} and returns the old value (a CAS loop; volatile semantics).
     *
     * @param delta the amount to add.
     * @return the previous value.
     * @throws IllegalStateException if closed.
     */
    public double getAndAdd(final double delta)
    {
        try
        {
            ensureOpen();
            while (true)
            {
                // volatile: the current bits, for the CAS below
                final long bits = (long)LONG.getVolatile(segment, offset);
                final double current = Double.longBitsToDouble(bits);
                // volatile CAS: succeeds only if no process changed the bits in between
                if (LONG.compareAndSet(segment, offset, bits, Double.doubleToRawLongBits(current + delta)))
                {
                    return current;
                }
            }
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    /**
     * Atomically adds {@code delta} and returns the new value (a CAS loop; volatile semantics).
     *
     * @param delta the amount to add.
     * @return the updated value.
     * @throws IllegalStateException if closed.
     */
    public double addAndGet(final double delta)
    {
        return getAndAdd(delta) + delta;
    }

    /**
     * Atomically replaces the value with {@code function} applied to it, retrying on contention (volatile
     * semantics). The function may run more than once, so it must have no side effects.
     *
     * @param function computes the new value from the current one.
     * @return the updated value.
     * @throws IllegalStateException if closed.
     */
    public double updateAndGet(final DoubleUnaryOperator function)
    {
        try
        {
            ensureOpen();
            while (true)
            {
                // volatile: the current bits, for the CAS below
                final long bits = (long)LONG.getVolatile(segment, offset);
                final double next = function.applyAsDouble(Double.longBitsToDouble(bits));
                // plain load again: the function may have run long, and on a file truncated meanwhile the load
                // faults (InternalError) where the interpreter's CAS would crash the JVM
                segment.get(JAVA_LONG, offset);
                // volatile CAS: succeeds only if no process changed the bits in between
                if (LONG.compareAndSet(segment, offset, bits, Double.doubleToRawLongBits(next)))
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
     * Builds a {@link SharedDouble}.
     */
    public static final class Builder extends SharedObjectBuilder<Builder>
    {
        private double initialValue;

        private Builder(final String name)
        {
            super(requireValidName(name));
        }

        /**
         * The value a newly created object starts with; ignored when attaching to an existing one.
         *
         * @param value the initial value; default 0.0.
         * @return this builder.
         */
        public Builder initialValue(final double value)
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
        public SharedDouble create()
        {
            return open(OpenMode.CREATE);
        }

        /**
         * Attaches to an existing object.
         *
         * @return the attached value.
         * @throws io.jvmipc.file.NoSuchSharedObjectException if there is none.
         * @throws io.jvmipc.file.WrongKindException          if the file holds another kind or type.
         * @throws io.jvmipc.file.SharedObjectException       if the file is foreign, truncated or corrupt.
         */
        public SharedDouble open()
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
        public SharedDouble openOrCreate()
        {
            return open(OpenMode.OPEN_OR_CREATE);
        }

        private SharedDouble open(final OpenMode mode)
        {
            final long initialBits = Double.doubleToRawLongBits(initialValue);
            return new SharedDouble(ValueFiles.openValue(path(), ElementType.DOUBLE, mode, processTableCapacity(),
                (file, bodyOffset, bodyLength) -> file.set(JAVA_LONG, bodyOffset + ValueDescriptor.VALUE_OFFSET,
                    initialBits)));
        }
    }
}
