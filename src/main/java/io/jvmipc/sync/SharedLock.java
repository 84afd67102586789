package io.jvmipc.sync;

import io.jvmipc.file.ObjectKind;
import io.jvmipc.file.SharedDirectory;
import io.jvmipc.file.SharedFile;
import io.jvmipc.file.SharedObjectException;
import io.jvmipc.wait.WaitStrategy;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A mutual-exclusion lock shared by the processes that attach to it by name: Python's
 * {@code multiprocessing.Lock}. Not reentrant (a thread that locks it twice deadlocks itself, or times out),
 * and, as in Python, not owned by a thread: any thread of any attached process may {@link #unlock()} it.
 * <p>
 * <b>Waiting</b>: blocked threads spin briefly, then sleep on a futex (the builder's
 * {@link io.jvmipc.wait.WaitStrategy}); every blocking call has an untimed and a timed form. As in
 * {@code java.util.concurrent}, a timeout of zero or less means "try once, do not wait". Interruptible calls
 * honour an interrupt within one futex sleep slice (50 ms by default).
 * <p>
 * <b>Holder death</b>: if the process holding the lock dies (or closes its handle while holding it), the lock is
 * not lost. Every acquire attempt that finds the lock held names the holder, whose liveness is probed (through
 * the process table, which PID reuse cannot fool) at most once per
 * {@link io.jvmipc.file.SharedFile#PROBE_INTERVAL_NANOS} (10 ms) per holder, a cadence shared by all threads and
 * calls of this process: on the first attempt of a call, while it sleeps, and at its deadline. So a dead holder
 * is found within that interval of the first attempt after its death, whatever the timeout (zero, 1 ms or
 * none) and however a caller retries {@link #tryLock()} or {@link #tryLock(long, TimeUnit)}; a sleeping acquirer
 * wakes at that cadence while the holder is in its way. The next acquirer gets the lock <b>and</b> an
 * {@link OwnerDiedException}; it should repair the guarded state and call {@link #markConsistent()}. Until
 * someone does, every acquirer is told again, even after unlocks.
 * <p>
 * <b>Corrupt file</b>: a lock word naming a holder outside the process table (written by another program or a
 * bug) would never be freed; every call that reads it throws {@link io.jvmipc.file.CorruptFileException} naming
 * the file and the word instead of waiting for ever.
 * <p>
 * One handle is one attachment: threads of one process should share a handle. Thread-safe.
 */
public final class SharedLock extends LockHandle
{
    private SharedLock(final LockCore core)
    {
        super(core);
    }

    /**
     * Starts building a lock handle.
     *
     * @param name the lock's name in its directory (letters, digits, {@code . _ -}).
     * @return a builder.
     * @throws IllegalArgumentException if the name is invalid.
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
     * Takes the lock, waiting as long as needed; ignores interrupts (the flag is restored on return). Mirrors
     * Python's {@code lock.acquire()}.
     *
     * @throws OwnerDiedException    if the previous holder died; the caller holds the lock.
     * @throws IllegalStateException if this handle is closed.
     */
    @Override
    public void lock()
    {
        finish(core.acquireUninterruptibly(Long.MAX_VALUE));
    }

    /**
     * Takes the lock, waiting as long as needed unless interrupted. Mirrors Python's {@code lock.acquire()}.
     *
     * @throws InterruptedException  if interrupted before or while waiting (within one sleep slice).
     * @throws OwnerDiedException    if the previous holder died; the caller holds the lock.
     * @throws IllegalStateException if this handle is closed.
     */
    @Override
    public void lockInterruptibly() throws InterruptedException
    {
        finish(core.acquire(Long.MAX_VALUE, true));
    }

    /**
     * Takes the lock if it is free now; if it is held by a dead process, recovers it first. Never blocks.
     * Mirrors Python's {@code lock.acquire(False)}.
     *
     * @return {@code true} if acquired.
     * @throws OwnerDiedException    if the previous holder died; the caller holds the lock.
     * @throws IllegalStateException if this handle is closed.
     */
    @Override
    public boolean tryLock()
    {
        return finish(core.acquireUninterruptibly(0));
    }

    /**
     * Takes the lock, waiting at most {@code timeout}. Mirrors Python's {@code lock.acquire(True, timeout)}.
     *
     * @param timeout how long to wait; zero or less means try once (without waiting).
     * @param unit    the timeout's unit.
     * @return {@code true} if acquired, {@code false} if the timeout passed first.
     * @throws InterruptedException  if interrupted before or while waiting.
     * @throws OwnerDiedException    if the previous holder died; the caller holds the lock.
     * @throws IllegalStateException if this handle is closed.
     */
    @Override
    public boolean tryLock(final long timeout, final TimeUnit unit) throws InterruptedException
    {
        return finish(core.acquire(WaitStrategy.timeoutNanos(timeout, unit), true));
    }

    /**
     * Releases the lock, whichever thread or process took it (Python semantics), and wakes waiters. Never
     * blocks. Mirrors Python's {@code lock.release()}. If the lock is in the owner-died state and nobody called
     * {@link #markConsistent()}, it stays in that state for the next acquirer.
     *
     * @throws IllegalMonitorStateException if the lock is not held by anyone (Python raises {@code ValueError}).
     * @throws IllegalStateException        if this handle is closed.
     */
    @Override
    public void unlock()
    {
        core.file.ensureOpen();
        if (!core.release(-1))
        {
            throw new IllegalMonitorStateException(core.file.path() + ": unlock of a lock that is not locked");
        }
    }

    /**
     * Declares the state guarded by the lock repaired after an {@link OwnerDiedException}, so that later
     * acquirers are not told again. Like {@code pthread_mutex_consistent}. No Python counterpart.
     *
     * @throws IllegalMonitorStateException if this handle (process) does not hold the lock.
     * @throws IllegalStateException        if the lock is not in the owner-died state, or the handle is closed.
     */
    @Override
    public void markConsistent()
    {
        core.file.ensureOpen();
        if (!core.markConsistent())
        {
            throw new IllegalMonitorStateException(core.file.path() + ": markConsistent by a process that does " +
                "not hold the lock");
        }
    }

    /**
     * Whether this handle's process took the lock (any thread of it) and has not released it.
     *
     * @return {@code true} if held through this handle.
     * @throws IllegalStateException if this handle is closed.
     */
    public boolean isHeldByThisProcess()
    {
        core.file.ensureOpen();
        return core.heldByThisAttachment();
    }

    ConditionLock conditionLock()
    {
        return new ConditionLock()
        {
            @Override
            public boolean isHeldByCurrentThread()
            {
                return isHeldByThisProcess();
            }

            @Override
            public long releaseFully()
            {
                unlock();
                return 1;
            }

            @Override
            public void reacquire(final long saved)
            {
                lock();
            }

            @Override
            public ObjectKind kind()
            {
                return ObjectKind.LOCK;
            }

            @Override
            public Path path()
            {
                return core.file.path();
            }
        };
    }

    private boolean finish(final int result)
    {
        if (result == LockCore.ACQUIRED_OWNER_DIED)
        {
            throw core.ownerDied();
        }
        return result == LockCore.ACQUIRED;
    }

    /** Creates or attaches a {@link SharedLock}. */
    public static final class Builder extends SyncBuilder<Builder>
    {
        private Builder(final String name)
        {
            super(name);
        }

        /**
         * Attaches to the lock if it exists, else creates it (unlocked). Race-free.
         *
         * @return a handle.
         * @throws SharedObjectException if the file is not a usable lock (foreign, wrong kind or version, corrupt).
         */
        public SharedLock openOrCreate()
        {
            return new SharedLock(new LockCore(this, ObjectKind.LOCK, SharedFile.OpenMode.OPEN_OR_CREATE));
        }

        /**
         * Creates the lock (unlocked).
         *
         * @return a handle.
         * @throws io.jvmipc.file.SharedObjectExistsException if the name exists.
         */
        public SharedLock create()
        {
            return new SharedLock(new LockCore(this, ObjectKind.LOCK, SharedFile.OpenMode.CREATE));
        }

        /**
         * Attaches to an existing lock.
         *
         * @return a handle.
         * @throws io.jvmipc.file.NoSuchSharedObjectException if there is none.
         * @throws SharedObjectException                      if the file is not a usable lock.
         */
        public SharedLock open()
        {
            return new SharedLock(new LockCore(this, ObjectKind.LOCK, SharedFile.OpenMode.OPEN));
        }
    }
}
