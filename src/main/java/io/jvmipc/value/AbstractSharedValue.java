package io.jvmipc.value;

import io.jvmipc.file.SharedDirectory;
import io.jvmipc.file.SharedFile;
import io.jvmipc.file.SharedHandle;
import io.jvmipc.file.SharedObjectException;
import io.jvmipc.sync.SharedLock;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * What every shared value and array shares: its attached file, and close/unlink.
 */
abstract class AbstractSharedValue implements AutoCloseable
{
    /** The side file of {@link #getLock()}: the value's name with this appended. */
    private static final String LOCK_SUFFIX = ".lock";

    final SharedFile file;
    /** The whole mapping; accessors use absolute offsets into it. */
    final MemorySegment segment;
    /** The associated lock, opened on first {@link #getLock()}. */
    private SharedLock lock;

    /**
     * Checks a value's or array's name for its builder: valid, and short enough that {@link #getLock()} can name
     * its side file.
     *
     * @throws IllegalArgumentException if not.
     */
    static String requireValidName(final String name)
    {
        return SharedDirectory.requireValidName(name, LOCK_SUFFIX, "lock (getLock())");
    }

    AbstractSharedValue(final SharedFile file)
    {
        this.file = file;
        this.segment = file.segment();
    }

    /**
     * Checks an element index; unlike {@link java.util.Objects#checkIndex}, the message names the file.
     *
     * @return {@code index}.
     * @throws IndexOutOfBoundsException if it is not in {@code 0..length-1}.
     */
    final int checkIndex(final int index, final int length)
    {
        if (index < 0 || index >= length)
        {
            throw new IndexOutOfBoundsException(file.path() + ": index " + index + " outside the array of " +
                length + " elements");
        }
        return index;
    }

    /**
     * Checks a range {@code [from, from + count)} of an array of {@code length} elements, this one or the caller's
     * ({@code what}); unlike {@link java.util.Objects#checkFromIndexSize}, the message names the file.
     *
     * @throws IndexOutOfBoundsException if the range is not inside, or {@code count} is negative.
     */
    final void checkRange(final int from, final int count, final int length, final String what)
    {
        // as Objects.checkFromIndexSize: no sum that could overflow
        if ((length | from | count) < 0 || count > length - from)
        {
            throw new IndexOutOfBoundsException(file.path() + ": range [" + from + ", " + from + " + " + count +
                ") outside " + what + " of " + length + " elements");
        }
    }

    /**
     * Checks the caller's array of a bulk copy.
     *
     * @return {@code array}.
     * @throws NullPointerException naming the file, if it is null.
     */
    final <A> A requireArray(final A array, final String what)
    {
        if (array == null)
        {
            throw new NullPointerException(file.path() + ": " + what + " array is null");
        }
        return array;
    }

    /**
     * A handle naming this object, to pass to another process (it is serializable, so a {@code JvmProcess} target
     * may capture it), which opens the object with it; see {@link SharedHandle}.
     *
     * @return the handle.
     */
    public final SharedHandle handle()
    {
        return file.handle();
    }

    /**
     * The object's file.
     *
     * @return its path.
     */
    public final Path path()
    {
        return file.path();
    }

    /**
     * The lock associated with this object for compound updates (read-modify-write sequences that one atomic
     * operation does not cover): Python's {@code get_lock()}. It is a {@link SharedLock} named after this object
     * with {@code .lock} appended, in the same directory, created by whichever process asks first; every process
     * asking for the lock of the same object gets the same lock. Closed with this object. Single operations
     * such as {@code incrementAndGet} are atomic without it.
     *
     * @return the associated lock.
     * @throws IllegalStateException if this attachment is closed.
     */
    public final synchronized SharedLock getLock()
    {
        ensureOpen();
        if (lock == null)
        {
            final Path path = file.path();
            lock = SharedLock.builder(path.getFileName() + LOCK_SUFFIX)
                .directory(SharedDirectory.of(path.getParent())).openOrCreate();
        }
        return lock;
    }

    /**
     * Removes the object's name so that no process can attach any more; processes attached now keep using it.
     * Does not close this attachment. Mirrors nothing in Python (its values die with their creator).
     *
     * @throws IllegalStateException if another live process is attached (that
     *                               process must close first; nothing is removed).
     */
    public final void unlink()
    {
        try
        {
            file.unlink();
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
        final SharedLock own;
        synchronized (this)
        {
            own = lock;
        }
        if (own != null)
        {
            own.unlink();
            return;
        }
        final Path path = file.path();
        final String lockName = path.getFileName() + LOCK_SUFFIX;
        final SharedDirectory.Removal removal = SharedDirectory.of(path.getParent()).removeIfUnused(lockName);
        if (removal.outcome() == SharedDirectory.Removal.Outcome.IN_USE ||
            removal.outcome() == SharedDirectory.Removal.Outcome.BUSY)
        {
            throw new IllegalStateException(path + " is unlinked but its lock " + lockName + " is not: " +
                removal.detail());
        }
    }

    /**
     * Detaches this process (and from the associated lock, if it was opened): unmaps the file. Idempotent. The
     * object and its value stay for other processes. Any later use of this attachment throws
     * {@link IllegalStateException} naming the file. Always detaches, also from a file truncated under it; an
     * exception from closing the associated lock is thrown once this object's file is closed.
     */
    @Override
    public final void close()
    {
        try
        {
            synchronized (this)
            {
                if (lock != null)
                {
                    lock.close();
                }
            }
        }
        finally
        {
            file.close();
        }
    }

    /**
     * Whether {@link #close()} has been called.
     *
     * @return {@code true} once closed.
     */
    public final boolean isClosed()
    {
        return file.isClosed();
    }

    final void ensureOpen()
    {
        file.ensureOpen();
    }

    /**
     * A value's {@code toString}: its name and current value, or why it has none. Never throws.
     *
     * @param value reads the current value.
     * @return the description.
     */
    final String describe(final Supplier<?> value)
    {
        final String name = getClass().getSimpleName() + " " + file.path();
        try
        {
            return name + " = " + value.get();
        }
        catch (final IllegalStateException | SharedObjectException e)
        {
            return name + (file.isClosed() ? " (closed)" : " (unreadable: the file was truncated or replaced)");
        }
    }

    @Override
    public String toString()
    {
        return getClass().getSimpleName() + " " + file.path();
    }
}
