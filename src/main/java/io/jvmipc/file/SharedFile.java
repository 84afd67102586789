package io.jvmipc.file;

import io.jvmipc.internal.LibC;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import java.util.zip.CRC32C;

import static io.jvmipc.file.HeaderDescriptor.BODY_LENGTH_OFFSET;
import static io.jvmipc.file.HeaderDescriptor.BODY_OFFSET_OFFSET;
import static io.jvmipc.file.HeaderDescriptor.CHECKSUM_OFFSET;
import static io.jvmipc.file.HeaderDescriptor.CREATION_TIME_OFFSET;
import static io.jvmipc.file.HeaderDescriptor.CREATOR_PID_OFFSET;
import static io.jvmipc.file.HeaderDescriptor.FILE_LENGTH_OFFSET;
import static io.jvmipc.file.HeaderDescriptor.HEADER_LENGTH_OFFSET;
import static io.jvmipc.file.HeaderDescriptor.KIND_OFFSET;
import static io.jvmipc.file.HeaderDescriptor.KIND_VERSION_OFFSET;
import static io.jvmipc.file.HeaderDescriptor.LAYOUT_VERSION_OFFSET;
import static io.jvmipc.file.HeaderDescriptor.MAGIC_OFFSET;
import static io.jvmipc.file.HeaderDescriptor.PROCESS_TABLE_CAPACITY_OFFSET;
import static io.jvmipc.file.HeaderDescriptor.PROCESS_TABLE_OFFSET_OFFSET;
import static io.jvmipc.file.HeaderDescriptor.READY_OFFSET;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * One shared object's file, mapped into this process, and this process's entry in its process table.
 * <p>
 * <b>Creation</b> is race-free: the creator builds the whole file under a temporary name in the same
 * directory, writes the ready word last, and then hard-links it to the object's name, which fails if the
 * name exists. So the name only ever refers to a complete file, and of N processes creating one name at once,
 * one wins and the others attach to its object. A creator killed mid-way leaves only a temporary file
 * ({@code .<name>.creating.<pid>.<n>}), never a half-made object.
 * <p>
 * <b>Attaching</b> validates everything before use: magic, layout version, ready word (waited for with a
 * deadline), kind, kind version, header checksum and every size against the real file length, so a foreign,
 * truncated or corrupt file is refused with a specific {@link SharedObjectException} and never touched past
 * its end.
 * <p>
 * <b>Process table</b>: {@link #attach(DeadOwnerRecovery)} takes an entry by locking its byte with an
 * open-file-description lock. The kernel drops the lock when this process dies; another process then finds the
 * lock free ({@link #recoverIfDead(int)}), runs the object's recovery for that entry while holding it, and
 * frees it. A live process is never taken for dead: its lock is held from before it writes its entry until it
 * detaches.
 */
public final class SharedFile implements AutoCloseable
{
    /** How an object is opened. */
    public enum OpenMode
    {
        /** Create the object; fail if it exists. */
        CREATE,
        /** Attach to an existing object; fail if there is none. */
        OPEN,
        /** Attach if it exists, else create it. */
        OPEN_OR_CREATE
    }

    /**
     * Fills a new object's body before it becomes visible.
     */
    @FunctionalInterface
    public interface BodyInitializer
    {
        /**
         * Initialises the body; the file is already zero-filled.
         *
         * @param file       the whole mapping.
         * @param bodyOffset where the body starts.
         * @param bodyLength its length.
         */
        void initialize(MemorySegment file, long bodyOffset, long bodyLength);
    }

    /**
     * Releases what a dead process held in an object (slots, permits, waiter registrations).
     */
    @FunctionalInterface
    public interface DeadOwnerRecovery
    {
        /**
         * Called while holding entry {@code entry}'s lock, after its owner died or detached.
         *
         * @param entry the process-table entry of the dead process.
         */
        void recover(int entry);
    }

    /**
     * What to create: kind, parameters and body size.
     *
     * @param kind                 the object's kind.
     * @param kindVersion          the layout version of the kind's body.
     * @param parameters           up to {@link HeaderDescriptor#PARAMETER_COUNT} kind parameters.
     * @param bodyLength           bytes of body.
     * @param processTableCapacity entries in the process table.
     * @param initializer          fills the body, or {@code null} to leave it zero.
     */
    public record Spec(ObjectKind kind, int kindVersion, long[] parameters, long bodyLength,
        int processTableCapacity, BodyInitializer initializer)
    {
        /**
         * Checks the values.
         *
         * @param kind                 the object's kind.
         * @param kindVersion          the layout version of the kind's body.
         * @param parameters           up to {@link HeaderDescriptor#PARAMETER_COUNT} kind parameters.
         * @param bodyLength           bytes of body.
         * @param processTableCapacity entries in the process table.
         * @param initializer          fills the body, or {@code null} to leave it zero.
         */
        public Spec
        {
            if (parameters.length > HeaderDescriptor.PARAMETER_COUNT)
            {
                throw new IllegalArgumentException("at most " + HeaderDescriptor.PARAMETER_COUNT + " parameters");
            }
            if (bodyLength < 0)
            {
                throw new IllegalArgumentException("negative body length " + bodyLength);
            }
            if (processTableCapacity < 1 || processTableCapacity > ProcessTableDescriptor.MAX_CAPACITY)
            {
                throw new IllegalArgumentException("process table capacity " + processTableCapacity +
                    " outside 1.." + ProcessTableDescriptor.MAX_CAPACITY);
            }
        }
    }

    /**
     * One process-table entry as seen now.
     *
     * @param entry      the entry's index.
     * @param pid        the process that attached last.
     * @param generation how many attaches the entry has seen.
     * @param attachTime when it attached, epoch millis.
     * @param alive      whether that process is still attached (its lock is held).
     * @param self       whether the entry is this attachment's own.
     */
    public record ProcessEntry(int entry, long pid, long generation, long attachTime, boolean alive, boolean self)
    {
    }

    /**
     * The liveness-probe cadence: each process probes a given process-table entry at most once per interval,
     * whichever of its threads and calls ask ({@link #probeDue(int)}). A dead process in the way of a caller is
     * therefore found at the caller's first attempt at least this long after the previous probe of its entry,
     * whatever the caller's timeout, and a sleeping caller with a suspect in its way wakes this often to probe.
     */
    public static final long PROBE_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    /** {@link #probeDue(int)}'s entry number for a probe of every entry ({@link #recoverDeadEntries()}). */
    public static final int ANY_ENTRY = -1;
    private static final long NEVER_PROBED = Long.MIN_VALUE;
    /** How long an attacher waits for a file's ready word. */
    static final long READY_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final int ENOENT = 2;
    private static final int ELOOP = 40;
    private static final int MAX_OPEN_ATTEMPTS = 100;
    private static final VarHandle INT = JAVA_INT.varHandle();
    private static final VarHandle LONG = JAVA_LONG.varHandle();

    private final Path path;
    private final Arena arena;
    private final MemorySegment segment;
    private final int lockFd;
    private final ObjectKind kind;
    private final int processTableCapacity;
    private final long bodyOffset;
    private final long bodyLength;
    /** Where each registered signal's shared waiter count lives, by signal number; -1 if none. */
    private final long[] signalWaiters = new long[ProcessTableDescriptor.SIGNAL_COUNT];
    /** When each entry was last probed for liveness ({@link #probeDue(int)}); the last slot is for "any". */
    private final AtomicLongArray lastProbe;
    private DeadOwnerRecovery recovery;
    private int entry = -1;
    private volatile boolean closed;

    private SharedFile(final Path path, final Arena arena, final MemorySegment segment, final int lockFd,
        final ObjectKind kind)
    {
        this.path = path;
        this.arena = arena;
        this.segment = segment;
        this.lockFd = lockFd;
        this.kind = kind;
        this.processTableCapacity = segment.get(JAVA_INT, PROCESS_TABLE_CAPACITY_OFFSET);
        this.bodyOffset = segment.get(JAVA_LONG, BODY_OFFSET_OFFSET);
        this.bodyLength = segment.get(JAVA_LONG, BODY_LENGTH_OFFSET);
        java.util.Arrays.fill(signalWaiters, -1L);
        this.lastProbe = new AtomicLongArray(processTableCapacity + 1);
        for (int i = 0; i <= processTableCapacity; i++)
        {
            lastProbe.set(i, NEVER_PROBED);
        }
    }

    /**
     * Maps the object at {@code path}, creating it from {@code spec} if the mode allows, and validates it.
     * The caller then binds its views to {@link #segment()} and calls {@link #attach(DeadOwnerRecovery)}.
     *
     * @param path        the object's file.
     * @param kind        the kind expected.
     * @param kindVersion the kind's body layout version expected.
     * @param mode        create, open, or either.
     * @param spec        what to create; may be {@code null} with {@link OpenMode#OPEN}.
     * @return the mapped, validated file, not yet attached.
     * @throws SharedObjectExistsException  if {@code CREATE} and the name exists.
     * @throws NoSuchSharedObjectException  if {@code OPEN} and the name does not exist.
     * @throws SharedObjectException        if the file is foreign, of another version or kind, truncated or
     *                                      corrupt.
     */
    public static SharedFile map(final Path path, final ObjectKind kind, final int kindVersion,
        final OpenMode mode, final Spec spec)
    {
        if (mode != OpenMode.OPEN && (spec == null || spec.kind() != kind || spec.kindVersion() != kindVersion))
        {
            throw new IllegalArgumentException("a spec of kind " + kind + " version " + kindVersion +
                " is needed to create " + path);
        }
        for (int attempt = 0; attempt < MAX_OPEN_ATTEMPTS; attempt++)
        {
            if (mode != OpenMode.CREATE)
            {
                final SharedFile existing = tryMapExisting(path, kind, kindVersion);
                if (existing != null)
                {
                    return existing;
                }
                if (mode == OpenMode.OPEN)
                {
                    throw new NoSuchSharedObjectException(path, "no such object");
                }
            }
            if (createIfAbsent(path, spec))
            {
                final SharedFile created = tryMapExisting(path, kind, kindVersion);
                if (created != null)
                {
                    return created;
                }
                // removed between our link and our open: go round again
            }
            else if (mode == OpenMode.CREATE)
            {
                throw new SharedObjectExistsException(path, "exists already");
            }
        }
        throw new SharedObjectException(path, "kept appearing and disappearing over " + MAX_OPEN_ATTEMPTS +
            " attempts to open it");
    }

    /**
     * Takes an entry in the process table for this attachment. If the entry's previous owner died without
     * detaching, {@code recovery} runs for it first. The entry's waiting counts and kind words then start at
     * zero, whatever its previous owner left in them.
     *
     * @param recovery releases what a dead process held; also used by {@link #recoverIfDead(int)}.
     * @return the entry's index.
     * @throws ProcessTableFullException if every entry is held by a live process.
     */
    public int attach(final DeadOwnerRecovery recovery)
    {
        if (entry >= 0)
        {
            throw new IllegalStateException(path + ": already attached as entry " + entry);
        }
        this.recovery = recovery;
        for (int i = 0; i < processTableCapacity; i++)
        {
            if (OfdLocks.tryLock(lockFd, ProcessTableDescriptor.lockOffset(i)))
            {
                final long base = ProcessTableDescriptor.entryOffset(i);
                // acquire: see everything the entry's previous owner wrote before it died
                if ((int)INT.getAcquire(segment, base + ProcessTableDescriptor.STATE_OFFSET) ==
                    ProcessTableDescriptor.ATTACHED)
                {
                    releaseWaiters(i);
                    recovery.recover(i);
                }
                clearEntryCounts(base);
                segment.set(JAVA_LONG, base + ProcessTableDescriptor.PID_OFFSET, ProcessHandle.current().pid());
                segment.set(JAVA_LONG, base + ProcessTableDescriptor.ATTACH_TIME_OFFSET, System.currentTimeMillis());
                // atomic add: only the lock holder writes it, but readers in other processes must see a whole value
                LONG.getAndAdd(segment, base + ProcessTableDescriptor.GENERATION_OFFSET, 1L);
                // release: the entry's fields are visible before it reads as attached
                INT.setRelease(segment, base + ProcessTableDescriptor.STATE_OFFSET, ProcessTableDescriptor.ATTACHED);
                entry = i;
                return i;
            }
        }
        throw new ProcessTableFullException(path, "all " + processTableCapacity +
            " process-table entries are held by live processes");
    }

    /**
     * If the owner of entry {@code other} is gone (dead, or detached), runs the recovery for it while holding
     * its lock (only if the entry still reads as attached, so at most once per death or detach) and marks it
     * free. Never takes a live process for dead. Slow path: a system call each time.
     *
     * @param other an entry index.
     * @return {@code true} if the entry has no live owner (now recovered), {@code false} if its owner is alive
     *         (or is this attachment, or another process is recovering it right now).
     */
    public synchronized boolean recoverIfDead(final int other)
    {
        ensureOpen();
        if (other == entry || other < 0 || other >= processTableCapacity)
        {
            return false;
        }
        final long lockOffset = ProcessTableDescriptor.lockOffset(other);
        if (!OfdLocks.tryLock(lockFd, lockOffset))
        {
            return false;
        }
        try
        {
            final long base = ProcessTableDescriptor.entryOffset(other);
            // acquire: see everything the entry's owner wrote before it died; an entry left FREE (never used,
            // closed cleanly, or already recovered) has nothing to recover, and recovering twice could release
            // twice what the dead process held
            if (recovery != null && (int)INT.getAcquire(segment, base + ProcessTableDescriptor.STATE_OFFSET) ==
                ProcessTableDescriptor.ATTACHED)
            {
                // waiter registrations first: whatever the kind's recovery does, no waker skips a live sleeper
                // because of a dead one's count; both steps may be re-run by the next survivor if this process
                // dies here (the entry stays ATTACHED until the end)
                releaseWaiters(other);
                recovery.recover(other);
            }
            // release: the recovery's effects are visible before the entry reads as free
            INT.setRelease(segment, base + ProcessTableDescriptor.STATE_OFFSET, ProcessTableDescriptor.FREE);
            return true;
        }
        finally
        {
            OfdLocks.unlock(lockFd, lockOffset);
        }
    }

    /**
     * Registers signal number {@code number} of this object, whose shared waiter count is at
     * {@code waitersOffset}: from then on, the recovery of a dead or detached entry removes that entry's
     * registrations on it before the kind's own recovery runs, so no primitive has to remember to. Every process
     * registers the same signals, before {@link #attach(DeadOwnerRecovery)} (which may recover a dead entry).
     *
     * @param number        the signal's number, 0 to {@link ProcessTableDescriptor#SIGNAL_COUNT} - 1.
     * @param waitersOffset where the signal's shared waiter count (a 32-bit int) is in {@link #segment()}.
     * @throws IllegalArgumentException if the number is out of range or registered at another offset.
     */
    public synchronized void registerSignal(final int number, final long waitersOffset)
    {
        if (number < 0 || number >= ProcessTableDescriptor.SIGNAL_COUNT)
        {
            throw new IllegalArgumentException(path + ": signal number " + number + " outside 0.." +
                (ProcessTableDescriptor.SIGNAL_COUNT - 1));
        }
        if (waitersOffset < bodyOffset || waitersOffset > segment.byteSize() - Integer.BYTES)
        {
            throw new IllegalArgumentException(path + ": signal " + number + "'s waiter count at " + waitersOffset +
                " is outside the body [" + bodyOffset + ", " + segment.byteSize() + ")");
        }
        if (signalWaiters[number] >= 0 && signalWaiters[number] != waitersOffset)
        {
            throw new IllegalArgumentException(path + ": signal " + number + " is registered at " +
                signalWaiters[number] + ", not " + waitersOffset);
        }
        signalWaiters[number] = waitersOffset;
    }

    /**
     * Where this attachment counts its own registrations on signal {@code number}: in its process-table entry.
     *
     * @param number the signal's number.
     * @return the count's offset, or -1 before {@link #attach(DeadOwnerRecovery)}.
     */
    public long ownWaitingOffset(final int number)
    {
        final int own = entry;
        return own < 0 ? -1 : ProcessTableDescriptor.waitingOffset(own, number);
    }

    /**
     * Whether entry {@code other} is due for a liveness probe by this process, and if so, marks it probed now:
     * true at most once per {@link #PROBE_INTERVAL_NANOS} per entry, over all threads and calls of this process.
     * {@link #ANY_ENTRY} stands for a probe of every entry.
     *
     * @param other an entry index, or {@link #ANY_ENTRY}.
     * @return {@code true} if the caller should probe now.
     */
    public boolean probeDue(final int other)
    {
        final int slot = probeSlot(other);
        final long now = System.nanoTime();
        // atomic: threads of this process share the cadence; the CAS gives each interval's probe to one of them
        final long last = lastProbe.get(slot);
        if (last != NEVER_PROBED && now - last < PROBE_INTERVAL_NANOS)
        {
            return false;
        }
        return lastProbe.compareAndSet(slot, last, now);
    }

    /**
     * When entry {@code other} is next due for a probe ({@link #probeDue(int)}).
     *
     * @param other an entry index, or {@link #ANY_ENTRY}.
     * @return a {@link System#nanoTime()} value, now if it is due already.
     */
    public long nextProbeNanos(final int other)
    {
        final long last = lastProbe.get(probeSlot(other));
        final long now = System.nanoTime();
        return last == NEVER_PROBED || now - last >= PROBE_INTERVAL_NANOS ? now : last + PROBE_INTERVAL_NANOS;
    }

    /**
     * Probes every entry that reads as attached by another process and recovers those whose owner is gone
     * ({@link #recoverIfDead(int)}). A system call per attached entry.
     *
     * @return {@code true} if at least one entry was found dead and recovered.
     */
    public boolean recoverDeadEntries()
    {
        boolean recovered = false;
        for (int i = 0; i < processTableCapacity; i++)
        {
            // acquire: an entry's state, to skip the system call for free ones
            if (i != entry && (int)INT.getAcquire(segment, ProcessTableDescriptor.entryOffset(i) +
                ProcessTableDescriptor.STATE_OFFSET) == ProcessTableDescriptor.ATTACHED && recoverIfDead(i))
            {
                recovered = true;
            }
        }
        return recovered;
    }

    /**
     * Whether entry {@code other} is held by a live process (this one included). A system call.
     *
     * @param other an entry index.
     * @return {@code true} if a live attachment holds it.
     * @throws IndexOutOfBoundsException if {@code other} is not an entry of the table.
     */
    public synchronized boolean isAlive(final int other)
    {
        ensureOpen();
        // an index past the table would probe a lock byte in the body and report "dead"
        java.util.Objects.checkIndex(other, processTableCapacity);
        if (other == entry)
        {
            return true;
        }
        final long lockOffset = ProcessTableDescriptor.lockOffset(other);
        if (OfdLocks.tryLock(lockFd, lockOffset))
        {
            OfdLocks.unlock(lockFd, lockOffset);
            return false;
        }
        return true;
    }

    /**
     * The process table's entries that have ever been used, with their liveness now.
     *
     * @return the entries.
     */
    public List<ProcessEntry> processes()
    {
        final List<ProcessEntry> result = new ArrayList<>();
        for (int i = 0; i < processTableCapacity; i++)
        {
            final long base = ProcessTableDescriptor.entryOffset(i);
            // volatile: a diagnostic snapshot; 0 means the entry was never used
            final long generation = (long)LONG.getVolatile(segment, base + ProcessTableDescriptor.GENERATION_OFFSET);
            if (generation == 0)
            {
                continue;
            }
            result.add(new ProcessEntry(i, segment.get(JAVA_LONG, base + ProcessTableDescriptor.PID_OFFSET),
                generation, segment.get(JAVA_LONG, base + ProcessTableDescriptor.ATTACH_TIME_OFFSET),
                isAlive(i), i == entry));
        }
        return result;
    }

    /**
     * Removes the object's name, so that no process can attach to it any more. Processes attached now keep
     * their mapping. Refused while another live process is attached, so nothing deletes a file in use.
     *
     * @throws IllegalStateException if another live process is attached.
     */
    public void unlink()
    {
        ensureOpen();
        final List<Long> others = new ArrayList<>();
        for (final ProcessEntry process : processes())
        {
            if (process.alive() && !process.self())
            {
                others.add(process.pid());
            }
        }
        if (!others.isEmpty())
        {
            throw new IllegalStateException(path + ": still attached by live process(es) " + others +
                "; they must close it first");
        }
        try
        {
            Files.deleteIfExists(path);
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException("cannot remove " + path, e);
        }
    }

    /**
     * Detaches: unmaps the file and drops this attachment's entry lock; the next process that probes or takes
     * the entry recovers whatever it still held, as for a dead process. Idempotent. The object itself stays.
     */
    @Override
    public synchronized void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        // The entry stays ATTACHED: once its lock is dropped below, the next process to probe or take it runs
        // the object's recovery for it exactly once, which frees whatever this attachment still held (a slot
        // another thread had claimed, permits, waiter registrations) just as if this process had died.
        // unmap first: once the shared arena is closed no thread of this process can still write to the object,
        // so when the lock is dropped next and another process recovers our entry, nothing of ours lands late
        arena.close();
        LibC.close(lockFd);
    }

    /**
     * Turns the JVM's {@link InternalError} for a fault in this mapping (the file was truncated by another
     * program, or its pages could not be had) into an exception naming the file and its sizes. Every public entry
     * point of a primitive catches {@code InternalError} around its accesses to the mapping and throws this.
     *
     * @param fault the error the access raised.
     * @return the exception to throw.
     */
    public SharedObjectException faulted(final InternalError fault)
    {
        long now;
        try
        {
            now = Files.size(path);
        }
        catch (final IOException | RuntimeException e)
        {
            now = -1;
        }
        return new SharedObjectException(path, "cannot be read or written any more (" +
            (now < 0 ? "the file is gone" : "the file is now " + now + " bytes") + ", mapped as " +
            segment.byteSize() + " bytes): another program truncated or replaced it, or memory ran out", fault);
    }

    /**
     * Whether {@link #close()} has been called.
     *
     * @return {@code true} once closed.
     */
    public boolean isClosed()
    {
        return closed;
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
     * The whole mapping, header included; body offsets are relative to its start.
     *
     * @return the mapped segment.
     */
    public MemorySegment segment()
    {
        return segment;
    }

    /**
     * The object's kind.
     *
     * @return the kind.
     */
    public ObjectKind kind()
    {
        return kind;
    }

    /**
     * Where the body starts in {@link #segment()}.
     *
     * @return the body's offset.
     */
    public long bodyOffset()
    {
        return bodyOffset;
    }

    /**
     * The body's length.
     *
     * @return the length in bytes.
     */
    public long bodyLength()
    {
        return bodyLength;
    }

    /**
     * Kind parameter {@code index}, as written by the creator.
     *
     * @param index 0 to {@link HeaderDescriptor#PARAMETER_COUNT} - 1.
     * @return its value.
     */
    public long parameter(final int index)
    {
        return segment.get(JAVA_LONG, HeaderDescriptor.parameterOffset(index));
    }

    /**
     * The PID of the process that created the object.
     *
     * @return the creator's PID.
     */
    public long creatorPid()
    {
        return segment.get(JAVA_LONG, CREATOR_PID_OFFSET);
    }

    /**
     * When the object was created.
     *
     * @return epoch millis.
     */
    public long creationTimeMillis()
    {
        return segment.get(JAVA_LONG, CREATION_TIME_OFFSET);
    }

    /**
     * The number of entries in the process table.
     *
     * @return the capacity.
     */
    public int processTableCapacity()
    {
        return processTableCapacity;
    }

    /**
     * This attachment's process-table entry.
     *
     * @return the entry, or -1 before {@link #attach(DeadOwnerRecovery)}.
     */
    public int entry()
    {
        return entry;
    }

    /**
     * Throws if the attachment is closed.
     *
     * @throws IllegalStateException if closed.
     */
    public void ensureOpen()
    {
        if (closed)
        {
            throw new IllegalStateException(path + " is closed in this process");
        }
    }

    /**
     * Checks that kind parameter {@code index} equals what the caller asked for.
     *
     * @param index    the parameter.
     * @param name     what the parameter means, for the message.
     * @param expected the value asked for.
     * @throws IncompatibleParametersException if it differs (the file is closed first).
     */
    public void requireParameter(final int index, final String name, final long expected)
    {
        final long actual = parameter(index);
        if (actual != expected)
        {
            close();
            throw new IncompatibleParametersException(path, "exists with " + name + " " + actual + ", not " +
                expected);
        }
    }

    private int probeSlot(final int other)
    {
        if (other == ANY_ENTRY)
        {
            return processTableCapacity;
        }
        return java.util.Objects.checkIndex(other, processTableCapacity);
    }

    /** Removes a dead entry's registrations from every registered signal; restartable (a swap, then a subtract). */
    private void releaseWaiters(final int dead)
    {
        for (int s = 0; s < ProcessTableDescriptor.SIGNAL_COUNT; s++)
        {
            final long waiters = signalWaiters[s];
            if (waiters < 0)
            {
                continue;
            }
            // atomic swap: taken once, so a second recovery cannot subtract it again
            final int registered = (int)INT.getAndSet(segment, ProcessTableDescriptor.waitingOffset(dead, s), 0);
            if (registered > 0)
            {
                // atomic: live processes register and deregister concurrently. A recoverer dying between the swap
                // and this add leaves an over-count, which costs wakers a system call but never a wake-up
                INT.getAndAdd(segment, waiters, -registered);
            }
        }
    }

    private void clearEntryCounts(final long base)
    {
        for (int s = 0; s < ProcessTableDescriptor.SIGNAL_COUNT; s++)
        {
            segment.set(JAVA_INT, base + ProcessTableDescriptor.WAITING_OFFSET + (long)s * Integer.BYTES, 0);
        }
        for (int w = 0; w < ProcessTableDescriptor.KIND_WORD_COUNT; w++)
        {
            segment.set(JAVA_LONG, base + ProcessTableDescriptor.KIND_WORDS_OFFSET + (long)w * Long.BYTES, 0L);
        }
    }

    /** Builds the object under a temporary name and links it in; {@code false} if the name exists. */
    private static boolean createIfAbsent(final Path path, final Spec spec)
    {
        final Path temp = path.resolveSibling("." + path.getFileName() + ".creating." +
            ProcessHandle.current().pid() + "." + Integer.toUnsignedString(ThreadLocalRandom.current().nextInt()));
        final long bodyOffset = HeaderDescriptor.bodyOffset(spec.processTableCapacity());
        final long fileLength = bodyOffset + spec.bodyLength();
        try
        {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW,
                StandardOpenOption.READ, StandardOpenOption.WRITE);
                Arena arena = Arena.ofShared())
            {
                Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
                final MemorySegment file = channel.map(FileChannel.MapMode.READ_WRITE, 0, fileLength, arena);
                file.set(JAVA_LONG, MAGIC_OFFSET, HeaderDescriptor.MAGIC);
                file.set(JAVA_INT, LAYOUT_VERSION_OFFSET, HeaderDescriptor.LAYOUT_VERSION);
                file.set(JAVA_INT, KIND_OFFSET, spec.kind().code());
                file.set(JAVA_INT, HEADER_LENGTH_OFFSET, HeaderDescriptor.LENGTH);
                file.set(JAVA_LONG, FILE_LENGTH_OFFSET, fileLength);
                file.set(JAVA_LONG, CREATION_TIME_OFFSET, System.currentTimeMillis());
                file.set(JAVA_LONG, CREATOR_PID_OFFSET, ProcessHandle.current().pid());
                file.set(JAVA_INT, PROCESS_TABLE_OFFSET_OFFSET, HeaderDescriptor.LENGTH);
                file.set(JAVA_INT, PROCESS_TABLE_CAPACITY_OFFSET, spec.processTableCapacity());
                file.set(JAVA_LONG, BODY_OFFSET_OFFSET, bodyOffset);
                file.set(JAVA_LONG, BODY_LENGTH_OFFSET, spec.bodyLength());
                file.set(JAVA_INT, KIND_VERSION_OFFSET, spec.kindVersion());
                for (int i = 0; i < spec.parameters().length; i++)
                {
                    file.set(JAVA_LONG, HeaderDescriptor.parameterOffset(i), spec.parameters()[i]);
                }
                file.set(JAVA_INT, CHECKSUM_OFFSET, headerChecksum(file));
                if (spec.initializer() != null)
                {
                    spec.initializer().initialize(file, bodyOffset, spec.bodyLength());
                }
                // release: everything above is visible before the ready word
                INT.setRelease(file, READY_OFFSET, HeaderDescriptor.READY);
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
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException("cannot create " + path, e);
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

    /** Maps and validates an existing object; {@code null} if there is no file of that name. */
    private static SharedFile tryMapExisting(final Path path, final ObjectKind kind, final int kindVersion)
    {
        final int fd = LibC.open(path.toString(), LibC.O_RDWR | LibC.O_CLOEXEC | LibC.O_NOFOLLOW);
        if (fd == -ENOENT)
        {
            return null;
        }
        if (fd == -ELOOP)
        {
            throw new SharedObjectException(path, "is a symbolic link; refusing to follow it");
        }
        if (fd < 0)
        {
            throw new SharedObjectException(path, "cannot be opened: errno " + -fd);
        }
        Arena arena = null;
        boolean mappedOk = false;
        try
        {
            final MemorySegment file;
            // a second open of the same file (same inode, through our descriptor) only to map it
            try (FileChannel channel = FileChannel.open(Path.of("/proc/self/fd/" + fd),
                StandardOpenOption.READ, StandardOpenOption.WRITE))
            {
                final long size = channel.size();
                if (size < HeaderDescriptor.LENGTH)
                {
                    throw truncatedOrForeign(path, channel, size);
                }
                arena = Arena.ofShared();
                file = channel.map(FileChannel.MapMode.READ_WRITE, 0, size, arena);
            }
            validate(path, file, kind, kindVersion);
            final SharedFile mapped = new SharedFile(path, arena, file, fd, kind);
            mappedOk = true;
            return mapped;
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException("cannot map " + path, e);
        }
        finally
        {
            if (!mappedOk)
            {
                if (arena != null)
                {
                    arena.close();
                }
                LibC.close(fd);
            }
        }
    }

    private static SharedObjectException truncatedOrForeign(final Path path, final FileChannel channel,
        final long size) throws IOException
    {
        if (size >= Long.BYTES)
        {
            final java.nio.ByteBuffer magic = java.nio.ByteBuffer.allocate(Long.BYTES)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN);
            channel.read(magic, 0);
            if (magic.getLong(0) != HeaderDescriptor.MAGIC)
            {
                return new ForeignFileException(path, "is not a jvmipc object (no jvmipc magic number)");
            }
        }
        return new CorruptFileException(path, "is truncated: " + size + " bytes, shorter than the " +
            HeaderDescriptor.LENGTH + "-byte header");
    }

    private static void validate(final Path path, final MemorySegment file, final ObjectKind kind,
        final int kindVersion)
    {
        final long size = file.byteSize();
        if (file.get(JAVA_LONG, MAGIC_OFFSET) != HeaderDescriptor.MAGIC)
        {
            throw new ForeignFileException(path, "is not a jvmipc object (no jvmipc magic number)");
        }
        final int layoutVersion = file.get(JAVA_INT, LAYOUT_VERSION_OFFSET);
        if (layoutVersion != HeaderDescriptor.LAYOUT_VERSION)
        {
            throw new IncompatibleVersionException(path, "has layout version " + layoutVersion +
                "; this library reads version " + HeaderDescriptor.LAYOUT_VERSION);
        }
        awaitReady(path, file);
        final int kindCode = file.get(JAVA_INT, KIND_OFFSET);
        final ObjectKind actualKind = ObjectKind.ofCode(kindCode);
        if (actualKind != kind)
        {
            throw new WrongKindException(path, "holds an object of kind " + (actualKind == null ? "code " +
                kindCode + " (unknown to this library)" : actualKind) + ", not of kind " + kind);
        }
        final int actualKindVersion = file.get(JAVA_INT, KIND_VERSION_OFFSET);
        if (actualKindVersion != kindVersion)
        {
            throw new IncompatibleVersionException(path, "holds a " + kind + " of layout version " +
                actualKindVersion + "; this library reads version " + kindVersion);
        }
        final int checksum = file.get(JAVA_INT, CHECKSUM_OFFSET);
        if (checksum != headerChecksum(file))
        {
            throw new CorruptFileException(path, "header fails its checksum");
        }
        final long fileLength = file.get(JAVA_LONG, FILE_LENGTH_OFFSET);
        if (fileLength != size)
        {
            throw new CorruptFileException(path, (size < fileLength ? "is truncated: " : "has the wrong length: ") +
                size + " bytes, its header says " + fileLength);
        }
        final int headerLength = file.get(JAVA_INT, HEADER_LENGTH_OFFSET);
        final int tableOffset = file.get(JAVA_INT, PROCESS_TABLE_OFFSET_OFFSET);
        final int tableCapacity = file.get(JAVA_INT, PROCESS_TABLE_CAPACITY_OFFSET);
        final long bodyOffset = file.get(JAVA_LONG, BODY_OFFSET_OFFSET);
        final long bodyLength = file.get(JAVA_LONG, BODY_LENGTH_OFFSET);
        if (headerLength != HeaderDescriptor.LENGTH || tableOffset != HeaderDescriptor.LENGTH ||
            tableCapacity < 1 || tableCapacity > ProcessTableDescriptor.MAX_CAPACITY ||
            bodyOffset != HeaderDescriptor.bodyOffset(tableCapacity) || bodyLength < 0 ||
            bodyOffset + bodyLength != fileLength)
        {
            throw new CorruptFileException(path, "has an inconsistent header: header length " + headerLength +
                ", process table at " + tableOffset + " x " + tableCapacity + ", body at " + bodyOffset + " + " +
                bodyLength + ", file " + fileLength);
        }
    }

    private static void awaitReady(final Path path, final MemorySegment file)
    {
        final long deadline = System.nanoTime() + READY_TIMEOUT_NANOS;
        int spins = 0;
        // acquire: once ready reads as set, the creator's header and body writes are visible
        while ((int)INT.getAcquire(file, READY_OFFSET) != HeaderDescriptor.READY)
        {
            if (System.nanoTime() - deadline >= 0)
            {
                throw new CorruptFileException(path, "never became ready (its creator died while building it, " +
                    "or another program wrote it)");
            }
            if (++spins < 100)
            {
                Thread.onSpinWait();
            }
            else
            {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
        }
    }

    private static int headerChecksum(final MemorySegment file)
    {
        final byte[] header = file.asSlice(0, HeaderDescriptor.LENGTH).toArray(JAVA_BYTE);
        for (int i = 0; i < Integer.BYTES; i++)
        {
            header[READY_OFFSET + i] = 0;
            header[CHECKSUM_OFFSET + i] = 0;
        }
        final CRC32C crc = new CRC32C();
        crc.update(header);
        return (int)crc.getValue();
    }

    @Override
    public String toString()
    {
        return kind + " " + path;
    }
}
