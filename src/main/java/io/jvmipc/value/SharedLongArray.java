package io.jvmipc.value;

import io.jvmipc.file.SharedDirectory;
import io.jvmipc.file.SharedFile;
import io.jvmipc.file.SharedFile.OpenMode;
import io.jvmipc.file.SharedObjectBuilder;

import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * A fixed-length array of 64-bit integers shared by processes on this host: Python's
 * {@code multiprocessing.Array('q', n)} and {@code RawArray('q', n)}, with lock-free atomic operations on each
 * element. Elements are packed (see {@link ArrayDescriptor}).
 * <p>
 * <b>Memory ordering</b>: {@link #get(int)}, {@link #set(int, long)} and every per-element read-modify-write have
 * volatile semantics; {@link #getAcquire(int)} / {@link #setRelease(int, long)} give acquire/release only.
 * The bulk copies {@link #copyTo(int, long[], int, int)} and {@link #copyFrom(long[], int, int, int)} use plain
 * accesses: each element is read or written whole (never torn), but the copy as a whole is not atomic and not
 * ordered; publish a bulk write with a release store elsewhere (a {@link SharedInt} sequence, or a lock) and
 * read it after the matching acquire.
 * <p>
 * <b>Errors</b>: an index outside {@code 0..length()-1} throws {@link IndexOutOfBoundsException}; a closed
 * array throws {@link IllegalStateException} naming the file. <b>Crashes</b>: an array has no per-process
 * state; a process killed mid-copy leaves a prefix of its elements written. Thread-safe.
 */
public final class SharedLongArray extends AbstractSharedValue
{
    private static final VarHandle LONG = JAVA_LONG.varHandle();
    private static final int SHIFT = 3;

    private final long base;
    private final int length;

    private SharedLongArray(final SharedFile file)
    {
        super(file);
        this.base = file.bodyOffset() + ArrayDescriptor.ELEMENTS_OFFSET;
        this.length = ValueFiles.arrayLength(file);
    }

    /**
     * Starts building a shared long array named {@code name}.
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
     * The number of elements, fixed at creation.
     *
     * @return the length.
     */
    public int length()
    {
        return length;
    }

    /**
     * Reads element {@code index} with volatile semantics.
     *
     * @param index the element.
     * @return its value.
     * @throws IndexOutOfBoundsException if {@code index} is outside the array.
     * @throws IllegalStateException     if closed.
     */
    public long get(final int index)
    {
        try
        {
            final long offset = offset(index);
            // volatile: sequentially consistent read
            return (long)LONG.getVolatile(segment, offset);
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    /**
     * Reads element {@code index} with acquire semantics.
     *
     * @param index the element.
     * @return its value.
     * @throws IndexOutOfBoundsException if {@code index} is outside the array.
     * @throws IllegalStateException     if closed.
     */
    public long getAcquire(final int index)
    {
        try
        {
            final long offset = offset(index);
            // acquire: pairs with a writer's setRelease
            return (long)LONG.getAcquire(segment, offset);
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    /**
     * Writes element {@code index} with volatile semantics.
     *
     * @param index the element.
     * @param value the new value.
     * @throws IndexOutOfBoundsException if {@code index} is outside the array.
     * @throws IllegalStateException     if closed.
     */
    public void set(final int index, final long value)
    {
        try
        {
            final long offset = offset(index);
            // volatile: sequentially consistent write
            LONG.setVolatile(segment, offset, value);
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    /**
     * Writes element {@code index} with release semantics.
     *
     * @param index the element.
     * @param value the new value.
     * @throws IndexOutOfBoundsException if {@code index} is outside the array.
     * @throws IllegalStateException     if closed.
     */
    public void setRelease(final int index, final long value)
    {
        try
        {
            final long offset = offset(index);
            // release: publishes this thread's earlier writes with the element
            LONG.setRelease(segment, offset, value);
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    /**
     * Atomically sets element {@code index} and returns its old value (volatile semantics).
     *
     * @param index the element.
     * @param value the new value.
     * @return the previous value.
     * @throws IndexOutOfBoundsException if {@code index} is outside the array.
     * @throws IllegalStateException     if closed.
     */
    public long getAndSet(final int index, final long value)
    {
        try
        {
            final long offset = offset(index);
            // volatile read-modify-write
            return (long)LONG.getAndSet(segment, offset, value);
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    /**
     * Atomically sets element {@code index} to {@code update} if it equals {@code expect} (volatile semantics).
     *
     * @param index  the element.
     * @param expect the value expected.
     * @param update the new value.
     * @return {@code true} if it was set.
     * @throws IndexOutOfBoundsException if {@code index} is outside the array.
     * @throws IllegalStateException     if closed.
     */
    public boolean compareAndSet(final int index, final long expect, final long update)
    {
        try
        {
            final long offset = offset(index);
            // plain load first: the interpreter's CAS crashes the JVM on a truncated file, a load throws
            segment.get(JAVA_LONG, offset);
            // volatile CAS
            return LONG.compareAndSet(segment, offset, expect, update);
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    /**
     * Atomically adds {@code delta} to element {@code index} and returns the old value (volatile semantics).
     *
     * @param index the element.
     * @param delta the amount to add.
     * @return the previous value.
     * @throws IndexOutOfBoundsException if {@code index} is outside the array.
     * @throws IllegalStateException     if closed.
     */
    public long getAndAdd(final int index, final long delta)
    {
        try
        {
            final long offset = offset(index);
            // volatile atomic add (lock xadd)
            return (long)LONG.getAndAdd(segment, offset, delta);
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    /**
     * Atomically adds {@code delta} to element {@code index} and returns the new value (volatile semantics).
     *
     * @param index the element.
     * @param delta the amount to add.
     * @return the updated value.
     * @throws IndexOutOfBoundsException if {@code index} is outside the array.
     * @throws IllegalStateException     if closed.
     */
    public long addAndGet(final int index, final long delta)
    {
        try
        {
            final long offset = offset(index);
            // volatile atomic add (lock xadd)
            return (long)LONG.getAndAdd(segment, offset, delta) + delta;
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    /**
     * Atomically adds one to element {@code index} and returns the new value (volatile semantics).
     *
     * @param index the element.
     * @return the updated value.
     * @throws IndexOutOfBoundsException if {@code index} is outside the array.
     * @throws IllegalStateException     if closed.
     */
    public long incrementAndGet(final int index)
    {
        return addAndGet(index, 1L);
    }

    /**
     * Atomically subtracts one from element {@code index} and returns the new value (volatile semantics).
     *
     * @param index the element.
     * @return the updated value.
     * @throws IndexOutOfBoundsException if {@code index} is outside the array.
     * @throws IllegalStateException     if closed.
     */
    public long decrementAndGet(final int index)
    {
        return addAndGet(index, -1L);
    }

    /**
     * Copies {@code count} elements starting at {@code srcIndex} into {@code dst} at {@code dstIndex}, with
     * plain reads (each element whole; no snapshot of the array as a whole).
     *
     * @param srcIndex the first element to copy.
     * @param dst      where to copy to.
     * @param dstIndex the first index of {@code dst} to write.
     * @param count    how many elements.
     * @throws IndexOutOfBoundsException if either range is out of bounds or {@code count} is negative.
     * @throws IllegalStateException     if closed.
     */
    public void copyTo(final int srcIndex, final long[] dst, final int dstIndex, final int count)
    {
        try
        {
            ensureOpen();
            checkRange(srcIndex, count, length, "the array");
            checkRange(dstIndex, count, requireArray(dst, "the destination").length, "the destination array");
            long offset = base + ((long)srcIndex << SHIFT);
            for (int i = 0; i < count; i++, offset += Long.BYTES)
            {
                dst[dstIndex + i] = segment.get(JAVA_LONG, offset);
            }
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    /**
     * Copies {@code count} elements of {@code src} from {@code srcIndex} into this array at {@code dstIndex},
     * with plain writes (each element whole; other processes may see some written and not others).
     *
     * @param src      where to copy from.
     * @param srcIndex the first index of {@code src} to read.
     * @param dstIndex the first element to write.
     * @param count    how many elements.
     * @throws IndexOutOfBoundsException if either range is out of bounds or {@code count} is negative.
     * @throws IllegalStateException     if closed.
     */
    public void copyFrom(final long[] src, final int srcIndex, final int dstIndex, final int count)
    {
        try
        {
            ensureOpen();
            checkRange(srcIndex, count, requireArray(src, "the source").length, "the source array");
            checkRange(dstIndex, count, length, "the array");
            long offset = base + ((long)dstIndex << SHIFT);
            for (int i = 0; i < count; i++, offset += Long.BYTES)
            {
                segment.set(JAVA_LONG, offset, src[srcIndex + i]);
            }
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    /**
     * A copy of every element, read as {@link #copyTo(int, long[], int, int)} does.
     *
     * @return a new array of {@link #length()} elements.
     * @throws IllegalStateException if closed.
     */
    public long[] toArray()
    {
        final long[] copy = new long[length];
        copyTo(0, copy, 0, length);
        return copy;
    }

    private long offset(final int index)
    {
        ensureOpen();
        return base + ((long)checkIndex(index, length) << SHIFT);
    }

    /**
     * Builds a {@link SharedLongArray}.
     */
    public static final class Builder extends SharedObjectBuilder<Builder>
    {
        private int length = -1;
        private long[] initialValues;

        private Builder(final String name)
        {
            super(requireValidName(name));
        }

        /**
         * The number of elements, all zero when created. Needed to create; when attaching, checked against the
         * existing array's length if set.
         *
         * @param length the number of elements, 0 or more.
         * @return this builder.
         * @throws IllegalArgumentException if negative.
         */
        public Builder length(final int length)
        {
            if (length < 0)
            {
                throw new IllegalArgumentException("negative array length " + length);
            }
            this.length = length;
            this.initialValues = null;
            return this;
        }

        /**
         * The length and contents of a newly created array (copied now); when attaching, only the length is
         * checked and the contents are ignored.
         *
         * @param values the initial elements.
         * @return this builder.
         */
        public Builder initialValues(final long... values)
        {
            this.length = values.length;
            this.initialValues = values.clone();
            return this;
        }

        /**
         * Creates the array; fails if the name exists.
         *
         * @return the attached array.
         * @throws IllegalStateException                      if no length was given.
         * @throws io.jvmipc.file.SharedObjectExistsException if an object of that name exists.
         */
        public SharedLongArray create()
        {
            return open(OpenMode.CREATE);
        }

        /**
         * Attaches to an existing array.
         *
         * @return the attached array.
         * @throws io.jvmipc.file.NoSuchSharedObjectException     if there is none.
         * @throws io.jvmipc.file.WrongKindException              if the file holds another kind or element type.
         * @throws io.jvmipc.file.IncompatibleParametersException if a length was given and differs.
         * @throws io.jvmipc.file.SharedObjectException           if the file is foreign, truncated or corrupt.
         */
        public SharedLongArray open()
        {
            return open(OpenMode.OPEN);
        }

        /**
         * Attaches to the array, creating it if it does not exist; race-free between processes.
         *
         * @return the attached array.
         * @throws IllegalStateException                          if no length was given.
         * @throws io.jvmipc.file.WrongKindException              if the file holds another kind or element type.
         * @throws io.jvmipc.file.IncompatibleParametersException if it exists with another length.
         * @throws io.jvmipc.file.SharedObjectException           if the file is foreign, truncated or corrupt.
         */
        public SharedLongArray openOrCreate()
        {
            return open(OpenMode.OPEN_OR_CREATE);
        }

        private SharedLongArray open(final OpenMode mode)
        {
            if (mode != OpenMode.OPEN && length < 0)
            {
                throw new IllegalStateException("a length (or initial values) is needed to create array '" +
                    name() + "'");
            }
            final long[] values = initialValues;
            return new SharedLongArray(ValueFiles.openArray(path(), ElementType.LONG, mode, processTableCapacity(),
                length, values == null ? null : (file, bodyOffset, bodyLength) ->
                {
                    for (int i = 0; i < values.length; i++)
                    {
                        file.set(JAVA_LONG, bodyOffset + ArrayDescriptor.elementOffset(ElementType.LONG, i),
                            values[i]);
                    }
                }));
        }
    }
}
