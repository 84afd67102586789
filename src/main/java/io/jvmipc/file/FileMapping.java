package io.jvmipc.file;

import io.jvmipc.internal.LibC;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * One open and one shared mapping of an object's whole file, made with {@code open} and {@code mmap} directly:
 * no {@link java.nio.channels.FileChannel}, so an interrupt of the opening thread neither fails the open nor is
 * cleared by it. The descriptor also carries the open-file-description locks of the process table.
 * <p>
 * Creation reserves every block of the file ({@code fallocate}) before anything is written, so that a file
 * system without room refuses the object at once ({@link InsufficientSpaceException}) instead of faulting a
 * later store into a sparse page.
 */
final class FileMapping implements AutoCloseable
{
    /** How long an opener waits for an unlinker to release the name lock (it holds it for a few calls). */
    static final long NAME_LOCK_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(5);
    /** How long {@code unlink} waits for openers to attach and release the name lock before refusing. */
    static final long UNLINK_WAIT_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long NAME_LOCK_POLL_NANOS = TimeUnit.MICROSECONDS.toNanos(100);
    private static final int MAX_REOPENS = 100;
    private static final int OWNER_READ_WRITE = 0600;

    private final Path path;
    private final int fd;
    private final Arena arena;
    private final MemorySegment segment;
    private final LibC.FileStatus status;
    /** Whether this open holds the name lock shared (from {@link #openExisting(Path)} until attached). */
    private boolean nameLockHeld;

    private FileMapping(final Path path, final int fd, final Arena arena, final MemorySegment segment,
        final LibC.FileStatus status)
    {
        this.path = path;
        this.fd = fd;
        this.arena = arena;
        this.segment = segment;
        this.status = status;
    }

    /** The object's path. */
    Path path()
    {
        return path;
    }

    /** The descriptor, for locks. */
    int fd()
    {
        return fd;
    }

    /** The whole file's mapping. */
    MemorySegment segment()
    {
        return segment;
    }

    /**
     * Opens and maps the file at {@code path} as it is, checking only that it is a regular file, and takes the
     * name lock ({@link HeaderDescriptor#NAME_LOCK_OFFSET}) shared, held until {@link #releaseNameLock()} or
     * {@link #close()}.
     * <p>
     * Why the name lock makes {@code unlink} safe against this opener: the opener takes the lock shared and only
     * then checks that {@code path} still names the inode it opened; the unlinker takes it exclusively, checks
     * that no other entry is alive and removes the name, and releases it. If the opener's shared lock comes
     * first, the unlinker cannot proceed until the opener holds its entry (then it sees a live process and
     * refuses) or has closed. If the unlinker's exclusive lock comes first, the opener waits for it, and finds
     * afterwards that the name no longer names its inode: it closes and opens the name again, reaching the new
     * object, or none. The name only ever changes under jvmipc by this unlink or by a creation's link to an absent
     * name, so a check made under the shared lock stays true while the lock is held.
     *
     * @param path the object's file.
     * @return the mapping, or {@code null} if there is no file of that name.
     * @throws SharedObjectException if something else than a regular file has the name, it cannot be opened, or
     *                               its name lock stays held by an unlinker for {@link #NAME_LOCK_TIMEOUT_NANOS}.
     */
    static FileMapping openExisting(final Path path)
    {
        for (int attempt = 0; attempt < MAX_REOPENS; attempt++)
        {
            // O_NONBLOCK: a FIFO in place of the file must not block the open (it is refused just below)
            final int fd = LibC.open(path.toString(),
                LibC.O_RDWR | LibC.O_CLOEXEC | LibC.O_NOFOLLOW | LibC.O_NONBLOCK);
            if (fd == -LibC.ENOENT)
            {
                return null;
            }
            if (fd < 0)
            {
                throw cannotOpen(path, -fd);
            }
            boolean mapped = false;
            try
            {
                final LibC.FileStatus status = LibC.fstat(fd);
                if (status == null)
                {
                    throw new SharedObjectException(path, "cannot be examined (fstat failed)");
                }
                if (!status.isRegularFile())
                {
                    throw notRegular(path, status);
                }
                awaitNameLock(path, fd, false);
                final LibC.FileStatus named = LibC.lstat(path.toString());
                if (named == null || !named.sameFile(status))
                {
                    // unlinked (and maybe created anew) between our open and our name lock: open the name again
                    continue;
                }
                final FileMapping mapping = map(path, fd, status, status.size());
                mapping.nameLockHeld = true;
                mapped = true;
                return mapping;
            }
            finally
            {
                if (!mapped)
                {
                    LibC.close(fd);
                }
            }
        }
        throw new SharedObjectException(path, "was removed and created again " + MAX_REOPENS +
            " times while being opened");
    }

    /**
     * Takes the name lock, shared or exclusive, waiting up to {@link #NAME_LOCK_TIMEOUT_NANOS} for another
     * open's conflicting hold (an unlinker's, or openers' for an exclusive lock) to end.
     *
     * @return {@code true} if taken; {@code false} if still held by another open after the wait.
     */
    private static boolean tryNameLock(final int fd, final boolean exclusive, final long timeoutNanos)
    {
        final long deadline = System.nanoTime() + timeoutNanos;
        while (!(exclusive ? OfdLocks.tryLock(fd, HeaderDescriptor.NAME_LOCK_OFFSET) :
            OfdLocks.tryLockShared(fd, HeaderDescriptor.NAME_LOCK_OFFSET)))
        {
            if (System.nanoTime() - deadline >= 0)
            {
                return false;
            }
            LockSupport.parkNanos(NAME_LOCK_POLL_NANOS);
        }
        return true;
    }

    private static void awaitNameLock(final Path path, final int fd, final boolean exclusive)
    {
        if (!tryNameLock(fd, exclusive, NAME_LOCK_TIMEOUT_NANOS))
        {
            throw new SharedObjectException(path, "is being removed by another process that has held its name " +
                "lock for " + TimeUnit.NANOSECONDS.toMillis(NAME_LOCK_TIMEOUT_NANOS) + " ms");
        }
    }

    /** Drops the name lock once the opener holds its process-table entry. */
    synchronized void releaseNameLock()
    {
        if (nameLockHeld)
        {
            OfdLocks.unlock(fd, HeaderDescriptor.NAME_LOCK_OFFSET);
            nameLockHeld = false;
        }
    }

    /**
     * Removes the object's name under the exclusive name lock, if {@code mayRemove} allows it then: see
     * {@link #openExisting(Path)} for why no process can be attaching meanwhile. Does nothing if the name no
     * longer refers to this file (removed already, and perhaps the name of a new object now).
     *
     * @param mayRemove checks, under the lock, that no other process is attached; throws if one is.
     * @throws IllegalStateException if another process is opening the object right now (holds the name lock
     *                               for longer than {@link #UNLINK_WAIT_NANOS}).
     */
    synchronized void unlinkName(final Runnable mayRemove)
    {
        if (!tryNameLock(fd, true, UNLINK_WAIT_NANOS))
        {
            throw new IllegalStateException(path + ": another process is attaching to it right now; it must " +
                "close it first");
        }
        try
        {
            if (!isNamedByPath())
            {
                return;
            }
            mayRemove.run();
            Files.deleteIfExists(path);
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException("cannot remove " + path, e);
        }
        finally
        {
            if (nameLockHeld)
            {
                // still opening (not attached): back to the shared hold that protects the attach to come
                OfdLocks.tryLockShared(fd, HeaderDescriptor.NAME_LOCK_OFFSET);
            }
            else
            {
                OfdLocks.unlock(fd, HeaderDescriptor.NAME_LOCK_OFFSET);
            }
        }
    }

    /**
     * Whether some process-table entry other than {@code ownEntry} is held by another open file description (a
     * live attachment of another process, or of another handle in this one), tested with {@code F_OFD_GETLK}
     * without taking any lock.
     *
     * @param capacity the table's capacity.
     * @param ownEntry this open's own entry, or -1.
     * @param live     receives the PIDs the held entries name, or {@code null}.
     * @return {@code true} if one is held.
     */
    boolean othersAttached(final int capacity, final int ownEntry, final List<Long> live)
    {
        boolean any = false;
        for (int i = 0; i < capacity; i++)
        {
            if (i != ownEntry && OfdLocks.isLocked(fd, ProcessTableDescriptor.lockOffset(i)))
            {
                any = true;
                if (live != null)
                {
                    live.add(segment.get(JAVA_LONG,
                        ProcessTableDescriptor.entryOffset(i) + ProcessTableDescriptor.PID_OFFSET));
                }
            }
        }
        return any;
    }

    /**
     * Closes this open as {@link #close()} does, but first, under the exclusive name lock (waited for up to
     * {@link #UNLINK_WAIT_NANOS}), removes the name if it still names this file and no entry other than
     * {@code ownEntry} is held: the close of the last attachment of an anonymous object, or of a creation that
     * failed. The name lock and this open's entry lock are dropped together when the descriptor closes, after the
     * check; so of two last attachments closing at once, the second to take the name lock sees the first gone and
     * removes the name. An opener holds the name lock shared until it holds its entry, so it either is seen as
     * attached, or waits and then finds the name gone ({@link NoSuchSharedObjectException}, or a new object for
     * a creating open). If the name lock cannot be had (openers keep it held), nothing is removed: such an opener
     * is attached, or fails and runs this same close.
     *
     * @param capacity the table's capacity.
     * @param ownEntry this open's entry, or -1 if it never attached.
     * @return {@code true} if the name was removed.
     */
    synchronized boolean closeRemovingIfUnused(final int capacity, final int ownEntry)
    {
        boolean removed = false;
        try
        {
            if (tryNameLock(fd, true, UNLINK_WAIT_NANOS) && isNamedByPath() &&
                !othersAttached(capacity, ownEntry, null))
            {
                removed = Files.deleteIfExists(path);
            }
        }
        catch (final IOException | RuntimeException | InternalError e)
        {
            // the file stays, marked as it is; SharedDirectory's cleanup can prove it unused later
        }
        finally
        {
            nameLockHeld = false;
            try
            {
                close();
            }
            catch (final RuntimeException e)
            {
                // the arena is held by a call in another thread of this process: the mapping stays until exit
            }
        }
        return removed;
    }

    /**
     * For an opener still holding the name lock shared: if it can take it exclusively at once, no entry is held
     * and the name still names this file, removes the name (an anonymous object whose processes all died) and
     * returns {@code true}; the caller then closes this open. Otherwise keeps the shared hold and returns
     * {@code false} (the opener attaches as usual: another opener that holds the lock too will see it).
     *
     * @param capacity the table's capacity.
     * @return whether the name was removed.
     */
    synchronized boolean removeIfUnusedWhileOpening(final int capacity)
    {
        if (!nameLockHeld || !OfdLocks.tryLock(fd, HeaderDescriptor.NAME_LOCK_OFFSET))
        {
            return false;
        }
        try
        {
            if (isNamedByPath() && !othersAttached(capacity, -1, null))
            {
                return Files.deleteIfExists(path);
            }
            return false;
        }
        catch (final IOException e)
        {
            return false;
        }
        finally
        {
            // back to the shared hold of an opener (a conversion of this description's own lock: it cannot fail)
            OfdLocks.tryLockShared(fd, HeaderDescriptor.NAME_LOCK_OFFSET);
        }
    }

    /**
     * Removes the object at {@code file} if no live process holds it (see
     * {@link SharedDirectory#removeIfUnused(String)}); attaches to nothing and runs no recovery.
     *
     * @param file          the object's file.
     * @param name          its name, for the result.
     * @param expected      the file it must still be ({@code null} for any): the same inode, and a header of the
     *                      same checksum (which covers its creation time and creator PID), since a file system may
     *                      give a new file the inode number of a removed one; else the result is ABSENT.
     * @param anonymousOnly whether to leave a named object alone (the result is then {@code null}).
     * @return what happened; {@code null} for a named object if {@code anonymousOnly}.
     */
    static SharedDirectory.Removal removeIfUnused(final Path file, final String name,
        final Identity expected, final boolean anonymousOnly)
    {
        final FileMapping mapping;
        try
        {
            mapping = openExisting(file);
        }
        catch (final SharedObjectException e)
        {
            return new SharedDirectory.Removal(name, SharedDirectory.Removal.Outcome.INVALID, List.of(),
                e.getMessage());
        }
        if (mapping == null || (expected != null && !expected.matches(mapping)))
        {
            if (mapping != null)
            {
                mapping.close();
            }
            return new SharedDirectory.Removal(name, SharedDirectory.Removal.Outcome.ABSENT, List.of(),
                "no such object");
        }
        try (mapping)
        {
            final int capacity;
            try
            {
                HeaderValidator.validateAnyKind(file, mapping.segment());
                capacity = mapping.segment().get(JAVA_INT,
                    HeaderDescriptor.PROCESS_TABLE_CAPACITY_OFFSET);
                if (anonymousOnly && (mapping.segment().get(JAVA_INT,
                    HeaderDescriptor.FLAGS_OFFSET) & HeaderDescriptor.FLAG_ANONYMOUS) == 0)
                {
                    return null;
                }
            }
            catch (final SharedObjectException e)
            {
                return new SharedDirectory.Removal(name, SharedDirectory.Removal.Outcome.INVALID,
                    List.of(), e.getMessage());
            }
            catch (final InternalError e)
            {
                return new SharedDirectory.Removal(name, SharedDirectory.Removal.Outcome.INVALID,
                    List.of(), file + " was truncated while read");
            }
            final List<Long> live = new ArrayList<>();
            final boolean[] removed = new boolean[1];
            try
            {
                mapping.unlinkName(() ->
                {
                    if (mapping.othersAttached(capacity, -1, live))
                    {
                        throw new IllegalStateException(file + ": still attached by live process(es) " + live);
                    }
                    removed[0] = true;
                });
            }
            catch (final IllegalStateException e)
            {
                return new SharedDirectory.Removal(name, live.isEmpty() ? SharedDirectory.Removal.Outcome.BUSY :
                    SharedDirectory.Removal.Outcome.IN_USE, List.copyOf(live), e.getMessage());
            }
            return removed[0] ?
                new SharedDirectory.Removal(name, SharedDirectory.Removal.Outcome.REMOVED, List.of(),
                    "removed") :
                new SharedDirectory.Removal(name, SharedDirectory.Removal.Outcome.ABSENT, List.of(),
                    "removed by another process meanwhile");
        }
    }

    /**
     * Builds the object described by {@code spec} under a temporary name in the same directory, with every block
     * reserved, and hard-links it to {@code path}, which fails if the name exists. The temporary name is removed
     * whatever happens.
     *
     * @param path the object's file.
     * @param spec what to create.
     * @return {@code true} if created, {@code false} if the name exists.
     * @throws InsufficientSpaceException if the file system has not room for the file.
     * @throws SharedObjectException      if the file cannot be created.
     */
    static boolean createIfAbsent(final Path path, final SharedFile.Spec spec)
    {
        final Path temp = path.resolveSibling("." + path.getFileName() + ".creating." +
            ProcessHandle.current().pid() + "." + Integer.toUnsignedString(ThreadLocalRandom.current().nextInt()));
        final long bodyOffset = HeaderDescriptor.bodyOffset(spec.processTableCapacity());
        if (spec.bodyLength() > Long.MAX_VALUE - bodyOffset)
        {
            throw new IllegalArgumentException(path + ": body length " + spec.bodyLength() + " is too large");
        }
        final long fileLength = bodyOffset + spec.bodyLength();
        final int fd = LibC.open(temp.toString(),
            LibC.O_RDWR | LibC.O_CREAT | LibC.O_EXCL | LibC.O_CLOEXEC | LibC.O_NOFOLLOW, OWNER_READ_WRITE);
        if (fd < 0)
        {
            throw new SharedObjectException(path, "cannot be created (temporary file " + temp + "): " +
                LibC.describe(-fd));
        }
        try
        {
            try
            {
                final int reserved = LibC.allocate(fd, fileLength);
                if (reserved != 0)
                {
                    throw noRoom(path, -reserved, fileLength, bodyOffset, spec.bodyLength());
                }
                final FileMapping file = map(path, fd, null, fileLength);
                try
                {
                    HeaderValidator.write(file.segment, spec, fileLength,
                        SharedDirectory.isAnonymousName(path.getFileName().toString()) ?
                            HeaderDescriptor.FLAG_ANONYMOUS : 0);
                    if (spec.initializer() != null)
                    {
                        spec.initializer().initialize(file.segment, bodyOffset, spec.bodyLength());
                    }
                    HeaderValidator.publish(file.segment);
                }
                finally
                {
                    file.unmap();
                }
            }
            finally
            {
                LibC.close(fd);
            }
            try
            {
                Files.createLink(path, temp);
                return true;
            }
            catch (final FileAlreadyExistsException e)
            {
                return false;
            }
            catch (final IOException e)
            {
                throw new UncheckedIOException("cannot create " + path, e);
            }
        }
        finally
        {
            try
            {
                Files.deleteIfExists(temp);
            }
            catch (final IOException ignored)
            {
                // a leftover temporary file is harmless: no object refers to it
            }
        }
    }

    /** Maps {@code length} bytes of {@code fd}; the mapping owns {@code fd} only if this returns. */
    private static FileMapping map(final Path path, final int fd, final LibC.FileStatus status, final long length)
    {
        if (length == 0)
        {
            throw new CorruptFileException(path, "is truncated: 0 bytes, shorter than the " +
                HeaderDescriptor.LENGTH + "-byte header");
        }
        final long address = LibC.mmap(fd, length);
        if (address < 0)
        {
            throw new SharedObjectException(path, "cannot be mapped (" + length + " bytes): " +
                LibC.describe((int)-address));
        }
        final Arena arena = Arena.ofShared();
        final MemorySegment segment = MemorySegment.ofAddress(address)
            .reinterpret(length, arena, unused -> LibC.munmap(address, length));
        return new FileMapping(path, fd, arena, segment, status);
    }

    private static SharedObjectException cannotOpen(final Path path, final int errno)
    {
        if (errno == LibC.ELOOP)
        {
            return new SharedObjectException(path, "is a symbolic link; refusing to follow it");
        }
        if (errno == LibC.EISDIR)
        {
            return new ForeignFileException(path, "is a directory, not a jvmipc object");
        }
        final LibC.FileStatus status = LibC.lstat(path.toString());
        if (status != null && !status.isRegularFile())
        {
            return notRegular(path, status);
        }
        return new SharedObjectException(path, "cannot be opened: " + LibC.describe(errno));
    }

    private static SharedObjectException notRegular(final Path path, final LibC.FileStatus status)
    {
        return new ForeignFileException(path, "is not a regular file (" + status.typeName() +
            "), not a jvmipc object");
    }

    private static InsufficientSpaceException noRoom(final Path path, final int errno, final long fileLength,
        final long bodyOffset, final long bodyLength)
    {
        long usable = -1;
        try
        {
            final FileStore store = Files.getFileStore(path.getParent());
            usable = store.getUsableSpace();
        }
        catch (final IOException | RuntimeException ignored)
        {
            // the message says it is unknown
        }
        return new InsufficientSpaceException(path, "cannot be created: its file needs " + fileLength +
            " bytes (header and process table " + bodyOffset + ", body " + bodyLength + ") and " +
            (usable < 0 ? "the file system's free space is unknown" : "the file system has " + usable +
            " bytes usable") + ": " + LibC.describe(errno));
    }

    /**
     * Whether {@code path} still names this mapping's file (the same inode), not nothing or another object.
     *
     * @return {@code true} if it does.
     */
    boolean isNamedByPath()
    {
        final LibC.FileStatus now = LibC.lstat(path.toString());
        return now != null && status != null && now.sameFile(status);
    }

    /**
     * What tells one object's file from a later one of the same name: its inode and its header's checksum.
     *
     * @param status   the file's status when opened.
     * @param checksum the header's checksum word.
     */
    record Identity(LibC.FileStatus status, int checksum)
    {
        /** Whether {@code mapping} is of this file; reads its header only if it is at least as long. */
        boolean matches(final FileMapping mapping)
        {
            try
            {
                return status != null && mapping.status != null && mapping.status.sameFile(status) &&
                    mapping.segment.byteSize() >= HeaderDescriptor.LENGTH &&
                    mapping.segment.get(JAVA_INT, HeaderDescriptor.CHECKSUM_OFFSET) == checksum;
            }
            catch (final InternalError e)
            {
                return false;
            }
        }
    }

    /**
     * This open's identity (see {@link Identity}); the header must have been validated.
     *
     * @return the identity.
     */
    Identity identity()
    {
        return new Identity(status, segment.get(JAVA_INT, HeaderDescriptor.CHECKSUM_OFFSET));
    }

    /**
     * The file's status now, through the descriptor (whatever the name refers to).
     *
     * @return the status, or {@code null} if it cannot be had.
     */
    LibC.FileStatus statusNow()
    {
        return LibC.fstat(fd);
    }

    /**
     * Unmaps and closes the descriptor, which drops every lock taken through it. Always completes: the
     * descriptor is closed even if the unmap fails.
     *
     * @throws IllegalStateException if the mapping could not be released (another thread of this process is
     *                               inside an access to it); the descriptor is closed all the same.
     */
    @Override
    public void close()
    {
        try
        {
            arena.close();
        }
        finally
        {
            LibC.close(fd);
        }
    }

    /** Unmaps, keeping the descriptor: for the creator, whose descriptor is closed by its caller. */
    private void unmap()
    {
        arena.close();
    }
}
