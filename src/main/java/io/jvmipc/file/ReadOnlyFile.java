package io.jvmipc.file;

import io.jvmipc.internal.LibC;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;
import java.util.Objects;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * An object's file as an inspector sees it: opened {@code O_RDONLY}, mapped {@code PROT_READ} and
 * {@code MAP_SHARED}, its header validated, and never attached. It takes no process-table entry and no lock of
 * any kind: the liveness of an entry is asked of the kernel with {@code F_OFD_GETLK} (is another open holding the
 * entry's lock byte?), which changes nothing, so watching an object never disturbs the processes using it (no
 * attacher sees an entry as taken, no {@code unlink} is refused, no recovery runs). A dead entry stays as it is
 * until an attached process recovers it; this view reports it as dead.
 * <p>
 * The mapping is a {@linkplain MemorySegment#isReadOnly() read-only segment}: a write through it throws (the
 * JDK's {@link IllegalArgumentException} for a read-only segment) instead of faulting. Reads of words that other
 * processes change are made with acquire; the view as a whole is not a snapshot.
 * <p>
 * <b>Bad input</b>: a missing file is {@link NoSuchSharedObjectException}; a directory, FIFO, device or symbolic
 * link is {@link ForeignFileException} or {@link SharedObjectException}; a file that is not a jvmipc object,
 * of another layout version, of an unknown kind, truncated, not ready or with a corrupt header gets the specific
 * {@link SharedObjectException} of {@link SharedFile}'s open. A file truncated while mapped makes reads throw the
 * JVM's {@link InternalError}: callers turn it into {@link #faulted(InternalError)}. Thread-safe; {@link #close()}
 * must not run concurrently with reads.
 */
public final class ReadOnlyFile implements AutoCloseable
{
    private static final VarHandle INT = JAVA_INT.varHandle();
    private static final VarHandle LONG = JAVA_LONG.varHandle();

    private final Path path;
    private final int fd;
    private final Arena arena;
    private final MemorySegment segment;
    private final ObjectKind kind;
    private boolean closed;

    private ReadOnlyFile(final Path path, final int fd, final Arena arena, final MemorySegment segment,
        final ObjectKind kind)
    {
        this.path = path;
        this.fd = fd;
        this.arena = arena;
        this.segment = segment;
        this.kind = kind;
    }

    /**
     * Opens, maps and validates the object file at {@code path}, read-only.
     *
     * @param path the file.
     * @return the view; close it.
     * @throws NoSuchSharedObjectException if there is no such file.
     * @throws SharedObjectException       if it is not a valid jvmipc object (see the class comment).
     */
    public static ReadOnlyFile open(final Path path)
    {
        Objects.requireNonNull(path, "path");
        // O_NONBLOCK: a FIFO in place of the file must not block the open (it is refused below)
        final int fd = LibC.open(path.toString(), LibC.O_RDONLY | LibC.O_CLOEXEC | LibC.O_NOFOLLOW |
            LibC.O_NONBLOCK);
        if (fd == -LibC.ENOENT)
        {
            throw new NoSuchSharedObjectException(path, "no such object");
        }
        if (fd < 0)
        {
            if (-fd == LibC.ELOOP)
            {
                throw new SharedObjectException(path, "is a symbolic link; refusing to follow it");
            }
            if (-fd == LibC.EISDIR)
            {
                throw new ForeignFileException(path, "is a directory, not a jvmipc object");
            }
            throw new SharedObjectException(path, "cannot be opened for reading: " + LibC.describe(-fd));
        }
        boolean ok = false;
        Arena arena = null;
        try
        {
            final LibC.FileStatus status = LibC.fstat(fd);
            if (status == null)
            {
                throw new SharedObjectException(path, "cannot be examined (fstat failed)");
            }
            if (!status.isRegularFile())
            {
                throw new ForeignFileException(path, "is not a regular file (" + status.typeName() +
                    "), not a jvmipc object");
            }
            final long length = status.size();
            if (length == 0)
            {
                throw new CorruptFileException(path, "is truncated: 0 bytes, shorter than the " +
                    HeaderDescriptor.LENGTH + "-byte header");
            }
            final long address = LibC.mmapReadOnly(fd, length);
            if (address < 0)
            {
                throw new SharedObjectException(path, "cannot be mapped read-only (" + length + " bytes): " +
                    LibC.describe((int)-address));
            }
            arena = Arena.ofShared();
            final MemorySegment segment = MemorySegment.ofAddress(address)
                .reinterpret(length, arena, unused -> LibC.munmap(address, length)).asReadOnly();
            final ObjectKind kind;
            try
            {
                kind = HeaderValidator.validateAnyKind(path, segment);
            }
            catch (final InternalError e)
            {
                throw new SharedObjectException(path, "was truncated while being opened", e);
            }
            final ReadOnlyFile file = new ReadOnlyFile(path, fd, arena, segment, kind);
            ok = true;
            return file;
        }
        finally
        {
            if (!ok)
            {
                if (arena != null)
                {
                    arena.close();
                }
                LibC.close(fd);
            }
        }
    }

    /**
     * The file's path.
     *
     * @return the path.
     */
    public Path path()
    {
        return path;
    }

    /**
     * The whole file, read-only.
     *
     * @return the mapping.
     */
    public MemorySegment segment()
    {
        return segment;
    }

    /**
     * The object's kind.
     *
     * @return the kind from the header.
     */
    public ObjectKind kind()
    {
        return kind;
    }

    /**
     * The kind's body layout version from the header (not checked against this library's: see the kind's
     * descriptor).
     *
     * @return the version.
     */
    public int kindVersion()
    {
        return segment.get(JAVA_INT, HeaderDescriptor.KIND_VERSION_OFFSET);
    }

    /**
     * The file's length from the header (equal to the file's size at open).
     *
     * @return bytes.
     */
    public long fileLength()
    {
        return segment.get(JAVA_LONG, HeaderDescriptor.FILE_LENGTH_OFFSET);
    }

    /**
     * When the object was created.
     *
     * @return epoch milliseconds.
     */
    public long creationTimeMillis()
    {
        return segment.get(JAVA_LONG, HeaderDescriptor.CREATION_TIME_OFFSET);
    }

    /**
     * The PID of the process that created the object.
     *
     * @return the PID.
     */
    public long creatorPid()
    {
        return segment.get(JAVA_LONG, HeaderDescriptor.CREATOR_PID_OFFSET);
    }

    /**
     * How many process-table entries the object has.
     *
     * @return the capacity.
     */
    public int processTableCapacity()
    {
        return segment.get(JAVA_INT, HeaderDescriptor.PROCESS_TABLE_CAPACITY_OFFSET);
    }

    /**
     * Where the body starts in {@link #segment()}.
     *
     * @return the offset.
     */
    public long bodyOffset()
    {
        return segment.get(JAVA_LONG, HeaderDescriptor.BODY_OFFSET_OFFSET);
    }

    /**
     * The body's length.
     *
     * @return bytes.
     */
    public long bodyLength()
    {
        return segment.get(JAVA_LONG, HeaderDescriptor.BODY_LENGTH_OFFSET);
    }

    /**
     * Kind parameter {@code index} from the header.
     *
     * @param index 0 to {@link HeaderDescriptor#PARAMETER_COUNT} - 1.
     * @return its value.
     * @throws IndexOutOfBoundsException if the index is out of range.
     */
    public long parameter(final int index)
    {
        Objects.checkIndex(index, HeaderDescriptor.PARAMETER_COUNT);
        return segment.get(JAVA_LONG, HeaderDescriptor.parameterOffset(index));
    }

    /**
     * How many slow-path counters the file's counter block holds ({@link SlowPath}; a file of a newer library
     * may hold more than this library names).
     *
     * @return the count.
     */
    public int counterCount()
    {
        return segment.get(JAVA_INT, HeaderDescriptor.COUNTER_COUNT_OFFSET);
    }

    /**
     * Slow-path counter {@code index}, read with acquire: for {@code index < SlowPath.COUNT}, how many times
     * {@code SlowPath.values()[index]} ran on the object since its creation, over every process.
     *
     * @param index 0 to {@link #counterCount()} - 1.
     * @return its value.
     * @throws IndexOutOfBoundsException if the index is out of range.
     */
    public long counter(final int index)
    {
        Objects.checkIndex(index, counterCount());
        // acquire: a statistic live processes add to with atomics; a diagnostic read
        return (long)LONG.getAcquire(segment, HeaderDescriptor.counterOffset(
            segment.get(JAVA_INT, HeaderDescriptor.COUNTERS_OFFSET), index));
    }

    /**
     * A snapshot of process-table entry {@code index}: its words read with acquire and its liveness asked of
     * the kernel ({@code F_OFD_GETLK} on the entry's lock byte; nothing is taken).
     *
     * @param index the entry.
     * @return the entry.
     * @throws IndexOutOfBoundsException if the index is outside the table.
     */
    public Entry entry(final int index)
    {
        Objects.checkIndex(index, processTableCapacity());
        final long base = ProcessTableDescriptor.entryOffset(index);
        // liveness first: an entry whose lock is held is owned now, whatever its words say yet
        final boolean locked = isEntryLocked(index);
        // acquire: pairs with the attach's release of the state, after its pid and generation
        final int state = (int)INT.getAcquire(segment, base + ProcessTableDescriptor.STATE_OFFSET);
        // acquire: pairs with the attach's atomic add
        final long generation = (long)LONG.getAcquire(segment, base + ProcessTableDescriptor.GENERATION_OFFSET);
        final long pid = segment.get(JAVA_LONG, base + ProcessTableDescriptor.PID_OFFSET);
        final long attachTime = segment.get(JAVA_LONG, base + ProcessTableDescriptor.ATTACH_TIME_OFFSET);
        final int[] waiting = new int[ProcessTableDescriptor.SIGNAL_COUNT];
        for (int s = 0; s < waiting.length; s++)
        {
            // acquire: counts that live processes change with atomics; a diagnostic read
            waiting[s] = (int)INT.getAcquire(segment, ProcessTableDescriptor.waitingOffset(index, s));
        }
        final long[] kindWords = new long[ProcessTableDescriptor.KIND_WORD_COUNT];
        for (int w = 0; w < kindWords.length; w++)
        {
            // acquire: words their owner changes; a diagnostic read
            kindWords[w] = (long)LONG.getAcquire(segment, ProcessTableDescriptor.kindWordOffset(index, w));
        }
        return new Entry(index, state, pid, generation, attachTime, locked, waiting, kindWords);
    }

    /**
     * Whether another open of the file holds entry {@code index}'s lock: its owner is alive (or attaching).
     * Asked with {@code F_OFD_GETLK}; takes nothing.
     *
     * @param index the entry.
     * @return {@code true} if held.
     * @throws IndexOutOfBoundsException if the index is outside the table.
     */
    public synchronized boolean isEntryLocked(final int index)
    {
        Objects.checkIndex(index, processTableCapacity());
        ensureOpen();
        return OfdLocks.isLocked(fd, ProcessTableDescriptor.lockOffset(index));
    }

    /**
     * Who holds the name lock ({@link HeaderDescriptor#NAME_LOCK_OFFSET}) now: {@code "attaching"} (held shared
     * by openers that have not yet taken their entry), {@code "removing"} (held exclusively by an unlinker) or
     * {@code "none"}. Asked with {@code F_OFD_GETLK}; takes nothing.
     *
     * @return the state.
     */
    public synchronized String nameLockState()
    {
        ensureOpen();
        final int state = OfdLocks.lockState(fd, HeaderDescriptor.NAME_LOCK_OFFSET);
        return state == OfdLocks.UNLOCKED ? "none" : state == OfdLocks.SHARED ? "attaching" : "removing";
    }

    /**
     * Turns the JVM's {@link InternalError} for a fault in this mapping (the file was truncated under it) into
     * an exception naming the file.
     *
     * @param fault the error a read raised.
     * @return the exception to throw.
     */
    public SharedObjectException faulted(final InternalError fault)
    {
        return new SharedObjectException(path, "cannot be read any more (mapped as " + segment.byteSize() +
            " bytes): another program truncated or replaced it", fault);
    }

    /** Unmaps the file and closes the descriptor. Idempotent. */
    @Override
    public synchronized void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        try
        {
            arena.close();
        }
        finally
        {
            LibC.close(fd);
        }
    }

    @Override
    public String toString()
    {
        return "ReadOnlyFile " + path + " (" + kind + ")";
    }

    private void ensureOpen()
    {
        if (closed)
        {
            throw new IllegalStateException(path + " is closed in this view");
        }
    }

    /**
     * One process-table entry as read.
     *
     * @param index      the entry's index.
     * @param state      {@link ProcessTableDescriptor#FREE} or {@link ProcessTableDescriptor#ATTACHED} (another
     *                   value means a corrupt table).
     * @param pid        the PID of its latest owner.
     * @param generation how many attaches it has seen (0: never used).
     * @param attachTime when its latest owner attached, epoch milliseconds.
     * @param locked     whether its lock is held by another open now: its owner is alive.
     * @param waiting    its registrations on signals 0 to 7.
     * @param kindWords  the words a primitive keeps per process.
     */
    public record Entry(int index, int state, long pid, long generation, long attachTime, boolean locked,
        int[] waiting, long[] kindWords)
    {
        /**
         * Whether the entry has ever been used.
         *
         * @return {@code true} if its generation is not 0.
         */
        public boolean used()
        {
            return generation != 0;
        }

        /**
         * Whether the entry reads as attached but no process holds its lock: its owner died (or closed) and no
         * survivor has recovered it yet.
         *
         * @return {@code true} if dead and not yet recovered.
         */
        public boolean dead()
        {
            return state == ProcessTableDescriptor.ATTACHED && !locked;
        }

        /**
         * Whether a live process owns the entry.
         *
         * @return {@code true} if its lock is held.
         */
        public boolean alive()
        {
            return locked;
        }
    }
}
