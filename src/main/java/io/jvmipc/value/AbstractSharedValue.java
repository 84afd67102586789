package io.jvmipc.value;

import io.jvmipc.file.SharedFile;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

/**
 * What every shared value and array shares: its attached file, and close/unlink.
 */
abstract class AbstractSharedValue implements AutoCloseable
{
    final SharedFile file;
    /** The whole mapping; accessors use absolute offsets into it. */
    final MemorySegment segment;

    AbstractSharedValue(final SharedFile file)
    {
        this.file = file;
        this.segment = file.segment();
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
     * Removes the object's name so that no process can attach any more; processes attached now keep using it.
     * Does not close this attachment. Mirrors nothing in Python (its values die with their creator).
     *
     * @throws IllegalStateException if this attachment is closed, or another live process is attached (that
     *                               process must close first; nothing is removed).
     */
    public final void unlink()
    {
        file.unlink();
    }

    /**
     * Detaches this process: frees its process-table entry and unmaps the file. Idempotent. The object and
     * its value stay for other processes. Any later use of this attachment throws
     * {@link IllegalStateException} naming the file.
     */
    @Override
    public final void close()
    {
        file.close();
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

    @Override
    public String toString()
    {
        return getClass().getSimpleName() + " " + file.path();
    }
}
