package io.jvmipc.value;

import io.jvmipc.file.SharedDirectory;
import io.jvmipc.file.SharedFile;
import io.jvmipc.file.SharedFile.OpenMode;
import io.jvmipc.file.SharedObjectBuilder;

import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * A boolean shared by processes on this host (Python's {@code multiprocessing.Value('b')} used as a flag),
 * lock-free. Stored as a 32-bit 0 or 1. For a flag that others wait on, use
 * {@code io.jvmipc.sync.SharedEvent}; this class never blocks.
 * <p>
 * <b>Memory ordering</b>: {@link #get()}, {@link #set(boolean)}, {@link #getAndSet(boolean)} and
 * {@link #compareAndSet(boolean, boolean)} have volatile semantics; {@link #getAcquire()} /
 * {@link #setRelease(boolean)} give acquire/release only.
 * <p>
 * <b>Crashes</b>: a process killed at any instruction leaves the value as of its last completed operation.
 * <b>Lifecycle</b>: {@link #close()} detaches this process; any later call throws
 * {@link IllegalStateException} naming the file. Thread-safe.
 */
public final class SharedBoolean extends AbstractSharedValue
{
    private static final VarHandle INT = JAVA_INT.varHandle();

    private final long offset;

    private SharedBoolean(final SharedFile file)
    {
        super(file);
        this.offset = file.bodyOffset() + ValueDescriptor.VALUE_OFFSET;
    }

    /**
     * Starts building a shared boolean named {@code name}.
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
    public boolean get()
    {
        try
        {
            ensureOpen();
            // volatile: sequentially consistent read
            return (int)INT.getVolatile(segment, offset) != 0;
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
    public boolean getAcquire()
    {
        try
        {
            ensureOpen();
            // acquire: pairs with a writer's setRelease
            return (int)INT.getAcquire(segment, offset) != 0;
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
    public void set(final boolean value)
    {
        try
        {
            ensureOpen();
            // volatile: sequentially consistent write
            INT.setVolatile(segment, offset, value ? 1 : 0);
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
    public void setRelease(final boolean value)
    {
        try
        {
            ensureOpen();
            // release: publishes this thread's earlier writes with the flag
            INT.setRelease(segment, offset, value ? 1 : 0);
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
    public boolean getAndSet(final boolean value)
    {
        try
        {
            ensureOpen();
            // volatile read-modify-write
            return (int)INT.getAndSet(segment, offset, value ? 1 : 0) != 0;
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    /**
     * Atomically sets the value to {@code update} if it is {@code expect} (volatile semantics).
     *
     * @param expect the value expected.
     * @param update the new value.
     * @return {@code true} if it was set.
     * @throws IllegalStateException if closed.
     */
    public boolean compareAndSet(final boolean expect, final boolean update)
    {
        try
        {
            ensureOpen();
            // plain load first: the interpreter's CAS crashes the JVM on a truncated file, a load throws
            segment.get(JAVA_INT, offset);
            // volatile CAS
            return INT.compareAndSet(segment, offset, expect ? 1 : 0, update ? 1 : 0);
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
     * Builds a {@link SharedBoolean}.
     */
    public static final class Builder extends SharedObjectBuilder<Builder>
    {
        private boolean initialValue;

        private Builder(final String name)
        {
            super(requireValidName(name));
        }

        /**
         * The value a newly created object starts with; ignored when attaching to an existing one.
         *
         * @param value the initial value; default {@code false}.
         * @return this builder.
         */
        public Builder initialValue(final boolean value)
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
        public SharedBoolean create()
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
        public SharedBoolean open()
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
        public SharedBoolean openOrCreate()
        {
            return open(OpenMode.OPEN_OR_CREATE);
        }

        private SharedBoolean open(final OpenMode mode)
        {
            final int initial = initialValue ? 1 : 0;
            return new SharedBoolean(ValueFiles.openValue(path(), ElementType.BOOLEAN, mode, processTableCapacity(),
                (file, bodyOffset, bodyLength) -> file.set(JAVA_INT, bodyOffset + ValueDescriptor.VALUE_OFFSET,
                    initial)));
        }
    }
}
