package io.jvmipc.file;

import io.jvmipc.internal.LibC;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.jvmipc.file.HeaderDescriptor.BODY_LENGTH_OFFSET;
import static io.jvmipc.file.HeaderDescriptor.BODY_OFFSET_OFFSET;
import static io.jvmipc.file.HeaderDescriptor.COUNTERS_OFFSET;
import static io.jvmipc.file.HeaderDescriptor.COUNTER_COUNT_OFFSET;
import static io.jvmipc.file.HeaderDescriptor.CREATION_TIME_OFFSET;
import static io.jvmipc.file.HeaderDescriptor.CREATOR_PID_OFFSET;
import static io.jvmipc.file.HeaderDescriptor.PROCESS_TABLE_CAPACITY_OFFSET;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * One shared object's file, mapped into this process, and this process's entry in its process table.
 * <p>
 * <b>Creation</b> is race-free: the creator builds the whole file under a temporary name in the same
 * directory, writes the ready word last, and then hard-links it to the object's name, which fails if the
 * name exists. So the name only ever refers to a complete file, and of N processes creating one name at once,
 * one wins and the others attach to its object. A creator killed mid-way leaves only a temporary file
 * ({@code .<name>.creating.<pid>.<n>}), never a half-made object. Every block of the file is reserved
 * ({@code fallocate}) before anything is written: a file system without room refuses the object at creation
 * ({@link InsufficientSpaceException}); no object is ever a sparse file that faults later. The file is opened and
 * mapped with {@code open} and {@code mmap}, not through an interruptible channel, so an opener's interrupt
 * status neither fails the open nor is cleared by it.
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

        /**
         * Whether {@link #recover(int)} may also run for an entry that no process is attached as (FREE), when a
         * probe of a word naming that entry finds it so: an attachment's words are all freed before its entry
         * becomes FREE, so such a word was overwritten (by another program or a bug), and its caller would wait
         * for ever for a holder that does not exist. Only for a recovery that changes nothing but words still
         * naming the entry (each by a CAS from such a word), so that running it for an entry that holds nothing,
         * or twice, does nothing; not for one that gives back counted holdings, which it would give twice.
         *
         * @return {@code false} unless made by {@link #idempotent(DeadOwnerRecovery)}.
         */
        default boolean recoversUnattached()
        {
            return false;
        }

        /**
         * A recovery that may also run for an entry no process is attached as (see {@link #recoversUnattached()}).
         *
         * @param recovery changes only words that still name the entry.
         * @return the recovery, marked so.
         */
        static DeadOwnerRecovery idempotent(final DeadOwnerRecovery recovery)
        {
            return new DeadOwnerRecovery()
            {
                @Override
                public void recover(final int entry)
                {
                    recovery.recover(entry);
                }

                @Override
                public boolean recoversUnattached()
                {
                    return true;
                }
            };
        }
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
     * Builds a primitive's handle on a mapped, validated file that is not attached yet, for
     * {@link #open(Path, ObjectKind, int, OpenMode, Spec, Binder)}: checks the kind's parameters, binds views and
     * registers signals ({@code Signal.of}), and says how to recover a dead entry. Whatever it throws, the file is
     * closed.
     *
     * @param <T> the handle's type.
     */
    @FunctionalInterface
    public interface Binder<T>
    {
        /**
         * Builds the handle.
         *
         * @param file the mapped file, not yet attached.
         * @return the handle and its recovery, which runs only once the handle is fully built.
         */
        Bound<T> bind(SharedFile file);
    }

    /**
     * What a {@link Binder} built.
     *
     * @param handle   the primitive's handle.
     * @param recovery releases what a dead process held; it may use the handle, which is complete by then.
     * @param <T>      the handle's type.
     */
    public record Bound<T>(T handle, DeadOwnerRecovery recovery)
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
    private static final int MAX_OPEN_ATTEMPTS = 100;
    private static final VarHandle LONG = JAVA_LONG.varHandle();

    private final Path path;
    private final FileMapping mapping;
    private final MemorySegment segment;
    private final ObjectKind kind;
    private final long bodyOffset;
    private final long bodyLength;
    private final ProcessTable table;
    private final int countersOffset;
    private final int counterCount;
    private final boolean anonymous;
    /** Tells this object's file from a later one of its name, for {@link #unlink()} after close. */
    private final FileMapping.Identity identity;
    /** Whether the {@link #map} call that made this attachment created the file (for a failed open's removal). */
    private boolean createdHere;
    private volatile boolean closed;

    /** Reads the validated header's sizes; the caller has validated {@code mapping}. */
    private SharedFile(final Path path, final FileMapping mapping, final ObjectKind kind)
    {
        this.path = path;
        this.mapping = mapping;
        this.segment = mapping.segment();
        this.kind = kind;
        this.bodyOffset = segment.get(JAVA_LONG, BODY_OFFSET_OFFSET);
        this.bodyLength = segment.get(JAVA_LONG, BODY_LENGTH_OFFSET);
        this.countersOffset = segment.get(JAVA_INT, COUNTERS_OFFSET);
        this.counterCount = segment.get(JAVA_INT, COUNTER_COUNT_OFFSET);
        this.table = new ProcessTable(path, segment, mapping.fd(), segment.get(JAVA_INT, PROCESS_TABLE_CAPACITY_OFFSET),
            bodyOffset);
        this.anonymous = (segment.get(JAVA_INT, HeaderDescriptor.FLAGS_OFFSET) & HeaderDescriptor.FLAG_ANONYMOUS) != 0;
        this.identity = mapping.identity();
    }

    /**
     * Maps the object at {@code path}, creating it from {@code spec} if the mode allows, and validates it.
     * The caller then binds its views to {@link #segment()} and calls {@link #attach(DeadOwnerRecovery)}, and
     * closes the file if anything fails in between; {@link #open(Path, ObjectKind, int, OpenMode, Spec, Binder)}
     * does all of that in one call.
     *
     * @param path        the object's file.
     * @param kind        the kind expected.
     * @param kindVersion the kind's body layout version expected.
     * @param mode        create, open, or either.
     * @param spec        what to create; may be {@code null} with {@link OpenMode#OPEN}.
     * @return the mapped, validated file, not yet attached.
     * @throws SharedObjectExistsException  if {@code CREATE} and the name exists.
     * @throws NoSuchSharedObjectException  if {@code OPEN} and the name does not exist.
     * @throws InsufficientSpaceException   if it is created and the file system has not room for it.
     * @throws SharedObjectException        if the file is foreign, of another version or kind, truncated or
     *                                      corrupt, or something else than a regular file has the name.
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
                if (existing != null && !existing.removedAsUnusedAnonymous())
                {
                    return existing;
                }
                if (mode == OpenMode.OPEN)
                {
                    throw new NoSuchSharedObjectException(path, "no such object");
                }
            }
            if (FileMapping.createIfAbsent(path, spec))
            {
                final SharedFile created = tryMapExisting(path, kind, kindVersion);
                if (created != null)
                {
                    created.createdHere = true;
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
     * The one open path: maps and validates the object ({@link #map(Path, ObjectKind, int, OpenMode, Spec)}),
     * lets {@code binder} build the handle, attaches with the handle's recovery, and closes the file if any step
     * fails. The recovery of a dead entry found while attaching therefore runs on a complete handle, never on
     * one still being constructed.
     *
     * @param path        the object's file.
     * @param kind        the kind expected.
     * @param kindVersion the kind's body layout version expected.
     * @param mode        create, open, or either.
     * @param spec        what to create; may be {@code null} with {@link OpenMode#OPEN}.
     * @param binder      builds the handle on the mapped file.
     * @param <T>         the handle's type.
     * @return the attached handle.
     * @throws SharedObjectException     as {@link #map(Path, ObjectKind, int, OpenMode, Spec)} does.
     * @throws ProcessTableFullException if every entry is held by a live process.
     */
    public static <T> T open(final Path path, final ObjectKind kind, final int kindVersion, final OpenMode mode,
        final Spec spec, final Binder<T> binder)
    {
        final SharedFile file = map(path, kind, kindVersion, mode, spec);
        try
        {
            final Bound<T> bound = binder.bind(file);
            file.attach(bound.recovery());
            return bound.handle();
        }
        catch (final RuntimeException | Error e)
        {
            if (file.createdHere)
            {
                // a failed create leaves no file: removed unless another process attached to it meanwhile
                file.closeAndRemoveIfUnused();
            }
            else
            {
                file.close();
            }
            throw e;
        }
    }

    /**
     * For an opener: if this mapped, not yet attached file is an anonymous object that no live process holds
     * (everyone attached died), removes its name and closes it, so the open goes on as if there were no object.
     */
    private boolean removedAsUnusedAnonymous()
    {
        if (!anonymous || !mapping.removeIfUnusedWhileOpening(table.capacity()))
        {
            return false;
        }
        close();
        return true;
    }

    /** Closes this attachment; removes the name, under the exclusive name lock, if no other entry is held. */
    private synchronized void closeAndRemoveIfUnused()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        mapping.closeRemovingIfUnused(table.capacity(), table.entry());
    }

    /** Maps and validates an existing object; {@code null} if there is no file of that name. */
    private static SharedFile tryMapExisting(final Path path, final ObjectKind kind, final int kindVersion)
    {
        final FileMapping mapping = FileMapping.openExisting(path);
        if (mapping == null)
        {
            return null;
        }
        boolean mappedOk = false;
        try
        {
            try
            {
                HeaderValidator.validate(path, mapping.segment(), kind, kindVersion);
            }
            catch (final InternalError e)
            {
                throw new CorruptFileException(path, "was truncated by another program while being opened", e);
            }
            final SharedFile mapped = new SharedFile(path, mapping, kind);
            mappedOk = true;
            return mapped;
        }
        finally
        {
            if (!mappedOk)
            {
                mapping.close();
            }
        }
    }

    /**
     * Takes an entry in the process table for this attachment. If the entry's previous owner died without
     * detaching, {@code recovery} runs for it first (if it throws, the entry is left to the next process, which
     * runs it again). The entry's waiting counts and kind words then start at zero, whatever its previous owner
     * left in them.
     *
     * @param recovery releases what a dead process held; also used by {@link #recoverIfDead(int)}.
     * @return the entry's index.
     * @throws ProcessTableFullException if every entry is held by a live process.
     * @throws IllegalStateException     if already attached.
     */
    public int attach(final DeadOwnerRecovery recovery)
    {
        try
        {
            return table.attach(recovery);
        }
        catch (final InternalError e)
        {
            throw faulted(e);
        }
        finally
        {
            // held since the open; from now on this attachment's entry lock is what keeps unlink away
            mapping.releaseNameLock();
        }
    }

    /**
     * If the owner of entry {@code other} is gone (dead, or detached), runs the recovery for it while holding
     * its lock (only if the entry still reads as attached, so at most once per death or detach) and marks it
     * free. Never takes a live process for dead. Slow path: a system call each time.
     *
     * @param other an entry index.
     * @return {@code true} if the entry has no live owner (now recovered), {@code false} if its owner is alive
     *         (or is this attachment, or another process is recovering it right now).
     * @throws IllegalStateException if this attachment is closed.
     */
    public synchronized boolean recoverIfDead(final int other)
    {
        ensureOpen();
        try
        {
            return table.recoverIfDead(other);
        }
        catch (final InternalError e)
        {
            throw faulted(e);
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
        table.registerSignal(number, waitersOffset);
    }

    /**
     * Where this attachment counts its own registrations on signal {@code number}: in its process-table entry.
     *
     * @param number the signal's number.
     * @return the count's offset, or -1 before {@link #attach(DeadOwnerRecovery)}.
     */
    public long ownWaitingOffset(final int number)
    {
        return table.ownWaitingOffset(number);
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
        return table.probeDue(other);
    }

    /**
     * When entry {@code other} is next due for a probe ({@link #probeDue(int)}).
     *
     * @param other an entry index, or {@link #ANY_ENTRY}.
     * @return a {@link System#nanoTime()} value, now if it is due already.
     */
    public long nextProbeNanos(final int other)
    {
        return table.nextProbeNanos(other);
    }

    /**
     * Probes every entry that reads as attached by another process and recovers those whose owner is gone
     * ({@link #recoverIfDead(int)}). A system call per attached entry.
     *
     * @return {@code true} if at least one entry was found dead and recovered.
     * @throws IllegalStateException if this attachment is closed.
     */
    public boolean recoverDeadEntries()
    {
        boolean recovered = false;
        try
        {
            for (int i = 0; i < table.capacity(); i++)
            {
                if (i != table.entry() && table.readsAttached(i) && recoverIfDead(i))
                {
                    recovered = true;
                }
            }
        }
        catch (final InternalError e)
        {
            throw faulted(e);
        }
        return recovered;
    }

    /**
     * Whether entry {@code other} is held by a live process (this one included). A system call.
     *
     * @param other an entry index.
     * @return {@code true} if a live attachment holds it.
     * @throws IndexOutOfBoundsException if {@code other} is not an entry of the table.
     * @throws IllegalStateException     if this attachment is closed.
     */
    public synchronized boolean isAlive(final int other)
    {
        ensureOpen();
        return table.isAlive(other);
    }

    /**
     * The process-table generation of entry {@code other}, read with acquire: how many attaches the entry has
     * seen, so that a word naming an owner by entry and generation tells the owner from a later process given the
     * same entry.
     *
     * @param other an entry index.
     * @return the generation, 0 if the entry was never used.
     * @throws IndexOutOfBoundsException if {@code other} is not an entry of the table.
     */
    public long generation(final int other)
    {
        try
        {
            return table.generation(other);
        }
        catch (final InternalError e)
        {
            throw faulted(e);
        }
    }

    /**
     * The process table's entries that have ever been used, with their liveness now.
     *
     * @return the entries.
     * @throws IllegalStateException if this attachment is closed.
     */
    public List<ProcessEntry> processes()
    {
        try
        {
            return table.processes(this::isAlive);
        }
        catch (final InternalError e)
        {
            throw faulted(e);
        }
    }

    /**
     * Removes the object's name, so that no process can attach to it any more. Processes attached now keep
     * their mapping. Refused while another live process is attached, so nothing deletes a file in use, and while
     * another process is between opening the file and holding its process-table entry (it holds the name lock,
     * see {@link HeaderDescriptor#NAME_LOCK_OFFSET}, for at most a second is waited): the check and the removal
     * are made under the exclusive name lock, and an opener re-checks under its shared hold that the name still
     * refers to the file it opened, so no process ever ends attached to a removed file while new openers create a
     * fresh object of the same name. Does nothing if the name no longer refers to this object. Also works once
     * this attachment is closed: it then opens the name again (attaching to nothing) and removes it if it is still
     * this object's file and no live process is attached.
     *
     * @throws IllegalStateException if another live process is attached or attaching.
     * @throws SharedObjectException if, after this attachment closed, the name holds something else than a valid
     *                               jvmipc object.
     */
    public void unlink()
    {
        if (closed)
        {
            unlinkClosed();
            return;
        }
        try
        {
            unlinkName();
        }
        catch (final InternalError e)
        {
            throw faulted(e);
        }
    }

    /** The unlink of a closed attachment: by path, of the same file only, refused while anyone is attached. */
    private void unlinkClosed()
    {
        final SharedDirectory.Removal removal = FileMapping.removeIfUnused(path, path.getFileName().toString(),
            identity, false);
        switch (removal.outcome())
        {
            case REMOVED, ABSENT ->
            {
            }
            case INVALID -> throw new SharedObjectException(path, "cannot be unlinked: " + removal.detail());
            default -> throw new IllegalStateException(removal.detail() + "; they must close it first");
        }
    }

    private void unlinkName()
    {
        ensureOpen();
        mapping.unlinkName(() ->
        {
            final List<Long> others = new ArrayList<>();
            for (final ProcessEntry process : table.processes(this::isAlive))
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
        });
    }

    /**
     * Whether the object's path still names this attachment's file (for tests of {@link #unlink()}).
     *
     * @return {@code true} if it does.
     */
    boolean isNamedByPath()
    {
        return mapping.isNamedByPath();
    }

    /**
     * Detaches: unmaps the file and drops this attachment's entry lock; the next process that probes or takes
     * the entry recovers whatever it still held, as for a dead process. Idempotent. A named object stays; an
     * anonymous one ({@link #isAnonymous()}) loses its name if no other live process is attached (checked under
     * the exclusive name lock, so an attacher at that instant is either counted or finds no object).
     * Always completes and never throws, even on a file truncated under it: the descriptor (and so the entry
     * lock) is released even if the mapping cannot be.
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
        // so when the lock is dropped next and another process recovers our entry, nothing of ours lands late.
        // The descriptor is closed (and the lock dropped) even if the unmap fails, so close always completes
        if (anonymous)
        {
            // the last attachment of an anonymous object removes its name (see FileMapping.closeRemovingIfUnused)
            mapping.closeRemovingIfUnused(table.capacity(), table.entry());
            return;
        }
        try
        {
            mapping.close();
        }
        catch (final RuntimeException e)
        {
            // the arena is held by a call in another thread of this process: the mapping stays until exit
        }
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
        final long mapped = segment.byteSize();
        final LibC.FileStatus now;
        synchronized (this)
        {
            // under the monitor: close() cannot release the descriptor (whose number could be reused) meanwhile
            now = closed ? null : mapping.statusNow();
        }
        final String state;
        if (now == null)
        {
            state = "its size cannot be read";
        }
        else if (now.size() < mapped)
        {
            state = "another program truncated it to " + now.size() + " bytes";
        }
        else
        {
            state = "it is still " + now.size() + " bytes long, so the system could not supply a page of it " +
                "(out of memory or space)";
        }
        return new SharedObjectException(path, "cannot be read or written any more: it is mapped as " + mapped +
            " bytes and " + state + (now != null && now.links() == 0 ? "; its name was removed" : ""), fault);
    }

    /**
     * Whether the object is anonymous ({@link HeaderDescriptor#FLAG_ANONYMOUS}): its file is removed when the last
     * attached process closes it.
     *
     * @return {@code true} if anonymous.
     */
    public boolean isAnonymous()
    {
        return anonymous;
    }

    /**
     * A handle naming this object, to pass to another process (it is {@link java.io.Serializable}, so a
     * {@code JvmProcess} target may capture it), which opens the object with it.
     *
     * @return the handle.
     */
    public SharedHandle handle()
    {
        return new SharedHandle(path.getParent().toString(), path.getFileName().toString(), kind);
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
        return headerLong(HeaderDescriptor.parameterOffset(index));
    }

    /**
     * The PID of the process that created the object.
     *
     * @return the creator's PID.
     */
    public long creatorPid()
    {
        return headerLong(CREATOR_PID_OFFSET);
    }

    /**
     * When the object was created.
     *
     * @return epoch millis.
     */
    public long creationTimeMillis()
    {
        return headerLong(CREATION_TIME_OFFSET);
    }

    /**
     * The number of entries in the process table.
     *
     * @return the capacity.
     */
    public int processTableCapacity()
    {
        return table.capacity();
    }

    /**
     * This attachment's process-table entry.
     *
     * @return the entry, or -1 before {@link #attach(DeadOwnerRecovery)}.
     */
    public int entry()
    {
        return table.entry();
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

    /**
     * Counts one occurrence of a slow path in the file's counter block ({@link SlowPath}): an ordered add (a read
     * and a release store, no compare-and-set), for callers on a path that already waits, wakes, probes or
     * recovers, never on a fast path. Two processes counting the same path at the same instant may lose one of
     * the two counts (see {@link SlowPath}). Like any access to the mapping it raises the JVM's
     * {@link InternalError} on a truncated file, for the caller's handler.
     *
     * @param counter the slow path.
     */
    public void count(final SlowPath counter)
    {
        final int index = counter.ordinal();
        if (index < counterCount)
        {
            final long offset = HeaderDescriptor.counterOffset(countersOffset, index);
            // an ordered add, not an atomic one: these counts sit on the cold paths, which run interpreted, and an
            // interpreted compare-and-set on a page truncated away after its read kills the JVM (SIGBUS in
            // Unsafe_CompareAndSetLong), where a plain read or store raises the InternalError the caller handles.
            // Release: a reader sees the count after the slow path that made it
            LONG.setRelease(segment, offset, (long)LONG.getVolatile(segment, offset) + 1L);
        }
    }

    /**
     * How many times a slow path ran on this object, over every process, since its creation ({@link SlowPath}).
     *
     * @param counter the slow path.
     * @return its counter, 0 if the file has no such counter.
     * @throws SharedObjectException if the file was truncated under this process.
     */
    public long slowPathCount(final SlowPath counter)
    {
        final int index = counter.ordinal();
        if (index >= counterCount)
        {
            return 0;
        }
        try
        {
            // volatile: a statistic other processes add to
            return (long)LONG.getVolatile(segment, HeaderDescriptor.counterOffset(countersOffset, index));
        }
        catch (final InternalError e)
        {
            throw faulted(e);
        }
    }

    private long headerLong(final long offset)
    {
        try
        {
            return segment.get(JAVA_LONG, offset);
        }
        catch (final InternalError e)
        {
            throw faulted(e);
        }
    }

    @Override
    public String toString()
    {
        return kind + " " + path;
    }
}
