package io.jvmipc.shm;

import io.jvmipc.file.CorruptFileException;
import io.jvmipc.file.NoSuchSharedObjectException;
import io.jvmipc.file.ObjectKind;
import io.jvmipc.file.SharedDirectory;
import io.jvmipc.file.SharedFile;
import io.jvmipc.file.SharedFile.OpenMode;
import io.jvmipc.file.SharedFile.ProcessEntry;
import io.jvmipc.file.SharedHandle;
import io.jvmipc.file.SharedObjectBuilder;
import io.jvmipc.file.SharedObjectException;
import io.jvmipc.file.SharedObjectExistsException;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

/**
 * A named block of raw memory shared by processes on this host: Python's
 * {@code multiprocessing.shared_memory.SharedMemory}. {@link #segment()} is a {@link MemorySegment} over the
 * shared bytes (4096-byte aligned, zero when created); use its {@code VarHandle}s for atomic access.
 * <p>
 * <b>Lifecycle.</b> {@link #close()} detaches this process (Python's {@code close()}); {@link #unlink()}
 * removes the name so that no process can attach any more (Python's {@code unlink()}), but, unlike Python, it
 * is refused while another live process is attached, so a segment in use is never deleted. Processes already
 * attached keep their mapping after an unlink; the memory is freed when the last one detaches.
 * <p>
 * <b>Ownership ({@code track}, like Python 3.13's {@code track} parameter).</b> Each attachment has a
 * {@linkplain #isTracked() tracked} flag, chosen with {@link Builder#track(boolean)}. By default an attachment is
 * tracked if and only if its own call created the segment. When a tracked attachment is closed and no other live
 * process is attached at that moment, {@link #close()} also unlinks the segment; if another live process is
 * attached, it only detaches, and the segment stays until another tracked attachment closes last or someone
 * calls {@link #unlink()}. An untracked attachment never removes anything on close. Caveats: if two tracked
 * processes close at the same instant, each may see the other still attached and neither unlinks (the file is
 * left for {@link #unlink()}); and nothing happens at a crash: a killed process leaves the segment in place.
 * <p>
 * <b>Crashes.</b> The segment has no structure, so a process killed mid-write leaves whatever it had written.
 * <b>Errors.</b> Use after {@link #close()} throws {@link IllegalStateException} naming the file (accessing a
 * segment obtained before the close throws {@link IllegalStateException} too, never crashes the JVM). A file
 * truncated under a live process makes this class's methods throw {@link SharedObjectException} naming the file,
 * and accesses to {@link #segment()} throw the JVM's {@code InternalError}: see {@link #segment()}.
 * Thread-safe.
 */
public final class SharedMemory implements AutoCloseable
{
    private final SharedFile file;
    private final MemorySegment data;
    private final long size;
    private final boolean tracked;

    private SharedMemory(final SharedFile file, final boolean tracked)
    {
        this.file = file;
        this.size = file.parameter(SharedMemoryDescriptor.SIZE_PARAMETER);
        this.data = file.segment().asSlice(file.bodyOffset() + SharedMemoryDescriptor.DATA_OFFSET, size);
        this.tracked = tracked;
    }

    /**
     * Creates a segment of {@code size} bytes named {@code name} in the default directory, tracked (see the
     * class comment). Python's {@code SharedMemory(name, create=True, size=size)}.
     *
     * @param name the segment's name.
     * @param size its size in bytes, positive.
     * @return the attached segment.
     * @throws IllegalArgumentException                   if the name is invalid or the size not positive.
     * @throws io.jvmipc.file.SharedObjectExistsException if an object of that name exists.
     */
    public static SharedMemory create(final String name, final long size)
    {
        return builder(name).size(size).create();
    }

    /**
     * Attaches to the segment named {@code name} in the default directory, untracked. Python's
     * {@code SharedMemory(name)}.
     *
     * @param name the segment's name.
     * @return the attached segment.
     * @throws io.jvmipc.file.NoSuchSharedObjectException if there is none.
     * @throws io.jvmipc.file.WrongKindException          if the file holds another kind of object.
     * @throws io.jvmipc.file.SharedObjectException       if the file is foreign, truncated or corrupt.
     */
    public static SharedMemory open(final String name)
    {
        return builder(name).open();
    }

    /**
     * Starts building a segment named {@code name}.
     *
     * @param name the segment's name.
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
     * The shared bytes. Valid until {@link #close()}; any access after that throws
     * {@link IllegalStateException}.
     * <p>
     * <b>Faults.</b> Your accesses to the segment are your code's, and the library cannot intercept them: if
     * another program truncates or replaces the file while it is mapped (or memory for its pages runs out), they
     * throw the JVM's {@code java.lang.InternalError} ("a fault occurred in an unsafe memory access
     * operation"), which names no file. Catch it around your accesses and throw {@link #faulted(InternalError)}
     * to get the library's exception naming the file and its sizes:
     * <pre>{@code
     * try
     * {
     *     memory.segment().set(JAVA_LONG, 0, 42L);
     * }
     * catch (InternalError e)
     * {
     *     throw memory.faulted(e);
     * }
     * }</pre>
     *
     * @return a segment of {@link #size()} bytes, 4096-byte aligned.
     * @throws IllegalStateException if closed.
     */
    public MemorySegment segment()
    {
        file.ensureOpen();
        return data;
    }

    /**
     * Turns the JVM's {@code InternalError} for a fault in an access to {@link #segment()} (the file was truncated
     * or replaced by another program, or memory ran out) into a {@link SharedObjectException} naming the file, its
     * size now and the size mapped. Does not check that the error came from this segment.
     *
     * @param fault the error an access to the segment raised.
     * @return the exception to throw (with {@code fault} as its cause).
     */
    public SharedObjectException faulted(final InternalError fault)
    {
        return file.faulted(fault);
    }

    /**
     * The size asked for at creation.
     *
     * @return the size in bytes.
     */
    public long size()
    {
        return size;
    }

    /**
     * Whether closing this attachment as the last live one also unlinks the segment.
     *
     * @return the tracked flag.
     */
    public boolean isTracked()
    {
        return tracked;
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
     * The segment's file.
     *
     * @return its path.
     */
    public Path path()
    {
        return file.path();
    }

    /**
     * Removes the segment's name; attached processes keep their mapping. Python's {@code unlink()}, but refused
     * while another live process is attached.
     *
     * @throws IllegalStateException if another live process is attached (nothing
     *                               is removed).
     */
    public void unlink()
    {
        try
        {
            file.unlink();
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    /**
     * Detaches this process; a tracked attachment that is the last live one also unlinks the segment (see the
     * class comment). Idempotent. Python's {@code close()}. Always detaches: if the file was truncated under
     * this process (so that its process table cannot be read), it only detaches, and leaves the file for
     * {@link #unlink()}.
     */
    @Override
    public synchronized void close()
    {
        if (file.isClosed())
        {
            return;
        }
        try
        {
            if (tracked && !otherLiveAttachment())
            {
                file.unlink();
            }
        }
        catch (final IllegalStateException raceLost)
        {
            // another process attached between our check and the unlink: it keeps the segment
        }
        catch (final InternalError | SharedObjectException fault)
        {
            // the file was truncated under us (the file layer reports it as SharedObjectException, our own reads
            // as InternalError): who else is attached cannot be read, so leave the name in place
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
    public boolean isClosed()
    {
        return file.isClosed();
    }

    private boolean otherLiveAttachment()
    {
        for (final ProcessEntry process : file.processes())
        {
            if (process.alive() && !process.self())
            {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString()
    {
        return "SharedMemory " + file.path() + " (" + size + " bytes" + (tracked ? ", tracked)" : ")");
    }

    /**
     * Builds a {@link SharedMemory}.
     */
    public static final class Builder extends SharedObjectBuilder<Builder>
    {
        private long size = -1;
        private Boolean track;

        private Builder(final String name)
        {
            super(name);
        }

        /**
         * The size in bytes; needed to create, and checked against the existing segment when attaching if set.
         *
         * @param size the size, positive.
         * @return this builder.
         * @throws IllegalArgumentException if not positive.
         */
        public Builder size(final long size)
        {
            if (size <= 0)
            {
                throw new IllegalArgumentException("shared memory size must be positive: " + size);
            }
            this.size = size;
            return this;
        }

        /**
         * Whether this attachment unlinks the segment when it closes as the last live attachment. Default: true
         * if this call creates the segment, false if it attaches to an existing one.
         *
         * @param track the tracked flag.
         * @return this builder.
         */
        public Builder track(final boolean track)
        {
            this.track = track;
            return this;
        }

        /**
         * Creates the segment, zero-filled; fails if the name exists.
         *
         * @return the attached segment.
         * @throws IllegalStateException                      if no size was given.
         * @throws io.jvmipc.file.SharedObjectExistsException if an object of that name exists.
         */
        public SharedMemory create()
        {
            return open(OpenMode.CREATE, true);
        }

        /**
         * Attaches to an existing segment.
         *
         * @return the attached segment.
         * @throws io.jvmipc.file.NoSuchSharedObjectException     if there is none.
         * @throws io.jvmipc.file.WrongKindException              if the file holds another kind of object.
         * @throws io.jvmipc.file.IncompatibleParametersException if a size was given and differs.
         * @throws io.jvmipc.file.SharedObjectException           if the file is foreign, truncated or corrupt.
         */
        public SharedMemory open()
        {
            return open(OpenMode.OPEN, false);
        }

        /**
         * Attaches to the segment, creating it if it does not exist; race-free between processes. The default
         * tracked flag follows whether this call created it.
         *
         * @return the attached segment.
         * @throws IllegalStateException                          if no size was given.
         * @throws io.jvmipc.file.WrongKindException              if the file holds another kind of object.
         * @throws io.jvmipc.file.IncompatibleParametersException if it exists with another size.
         * @throws io.jvmipc.file.SharedObjectException           if the file is foreign, truncated or corrupt.
         */
        public SharedMemory openOrCreate()
        {
            requireSize();
            while (true)
            {
                try
                {
                    return open(OpenMode.OPEN, false);
                }
                catch (final NoSuchSharedObjectException absent)
                {
                    try
                    {
                        return open(OpenMode.CREATE, true);
                    }
                    catch (final SharedObjectExistsException lostRace)
                    {
                        // another process created it between our two attempts: attach to theirs
                    }
                }
            }
        }

        /** The one open path: maps, validates, attaches; the file is closed if any step fails. */
        private SharedMemory open(final OpenMode mode, final boolean created)
        {
            if (mode != OpenMode.OPEN)
            {
                requireSize();
            }
            final SharedFile.Spec spec = mode == OpenMode.OPEN ? null : new SharedFile.Spec(
                ObjectKind.SHARED_MEMORY, SharedMemoryDescriptor.VERSION, new long[] {size},
                SharedMemoryDescriptor.DATA_OFFSET + size, processTableCapacity(), null);
            return SharedFile.open(path(), ObjectKind.SHARED_MEMORY, SharedMemoryDescriptor.VERSION, mode, spec,
                file ->
            {
                final long actual = file.parameter(SharedMemoryDescriptor.SIZE_PARAMETER);
                if (actual <= 0 || SharedMemoryDescriptor.DATA_OFFSET + actual > file.bodyLength())
                {
                    throw new CorruptFileException(file.path(), "shared memory of " + actual + " bytes with a " +
                        file.bodyLength() + "-byte body");
                }
                if (size > 0)
                {
                    file.requireParameter(SharedMemoryDescriptor.SIZE_PARAMETER, "size", size);
                }
                // raw memory keeps no per-process state: a dead process holds nothing
                return new SharedFile.Bound<>(new SharedMemory(file, track != null ? track : created), entry ->
                {
                });
            });
        }

        private void requireSize()
        {
            if (size <= 0)
            {
                throw new IllegalStateException("a size is needed to create shared memory '" + name() + "'");
            }
        }
    }
}
