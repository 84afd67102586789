package io.jvmipc.sync;

import io.jvmipc.file.CorruptFileException;
import io.jvmipc.file.ObjectKind;
import io.jvmipc.file.SharedDirectory;
import io.jvmipc.file.SharedFile;
import io.jvmipc.file.SharedObjectException;
import io.jvmipc.wait.WaitStrategy;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A reentrant lock shared by the processes that attach to it by name: Python's {@code multiprocessing.RLock}.
 * It is owned by one thread of one attachment (process-table entry + thread id); the owner may lock it again
 * (a hold count), and only the owner may unlock it.
 * <p>
 * <b>Waiting</b>: blocked threads spin briefly, then sleep on a futex; every blocking call has an untimed and a
 * timed form; a timeout of zero or less means "try once, do not wait". Interruptible calls honour an interrupt
 * within one futex sleep slice (50 ms by default).
 * <p>
 * <b>Holder death</b>: as for {@link SharedLock}: a dead (or closed) holder is found within
 * {@link io.jvmipc.file.SharedFile#PROBE_INTERVAL_NANOS} of the first acquire attempt after its death, whatever
 * the timeout, and its lock is handed to the next acquirer, with hold count 1, together with an
 * {@link OwnerDiedException}; {@link #markConsistent()} ends the owner-died state. The owner is the pair
 * (process-table entry, thread id); a new process that reuses a dead owner's entry never finds itself the owner,
 * since the entry is recovered (lock freed, owner thread zeroed) before it can be reused.
 * <p>
 * <b>Corrupt file</b>: a lock word naming a holder outside the process table (written by another program or a
 * bug) would never be freed; every call that reads it throws {@link io.jvmipc.file.CorruptFileException} naming
 * the file and the word instead of waiting for ever.
 * <p>
 * One handle is one attachment: two handles on the same name in one JVM are two different owners (a thread
 * holding the lock through one handle blocks when it locks through the other). Threads of one process should
 * share a handle. Thread-safe.
 */
public final class SharedReentrantLock extends LockHandle
{
    private SharedReentrantLock(final LockCore core)
    {
        super(core);
    }

    /**
     * Starts building a reentrant lock handle.
     *
     * @param name the lock's name in its directory.
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
     * Takes the lock (or, for the owner, adds one to the hold count), waiting as long as needed; ignores
     * interrupts (the flag is restored on return). Mirrors Python's {@code rlock.acquire()}.
     *
     * @throws OwnerDiedException    if the previous holder died; the caller holds the lock (hold count 1).
     * @throws IllegalMonitorStateException if the calling thread already holds it {@code Integer.MAX_VALUE} times.
     * @throws IllegalStateException if this handle is closed.
     */
    @Override
    public void lock()
    {
        try
        {
            acquire(Long.MAX_VALUE, false);
        }
        catch (final InterruptedException e)
        {
            throw new AssertionError("uninterruptible acquire was interrupted", e);
        }
    }

    /**
     * Takes the lock (or re-enters it), waiting as long as needed unless interrupted. Mirrors Python's
     * {@code rlock.acquire()}.
     *
     * @throws InterruptedException  if interrupted before or while waiting.
     * @throws OwnerDiedException    if the previous holder died; the caller holds the lock.
     * @throws IllegalMonitorStateException if the calling thread already holds it {@code Integer.MAX_VALUE} times.
     * @throws IllegalStateException if this handle is closed.
     */
    @Override
    public void lockInterruptibly() throws InterruptedException
    {
        acquire(Long.MAX_VALUE, true);
    }

    /**
     * Takes the lock if free now (recovering it from a dead holder if need be), or re-enters it. Never blocks.
     * Mirrors Python's {@code rlock.acquire(False)}.
     *
     * @return {@code true} if acquired.
     * @throws OwnerDiedException    if the previous holder died; the caller holds the lock.
     * @throws IllegalMonitorStateException if the calling thread already holds it {@code Integer.MAX_VALUE} times.
     * @throws IllegalStateException if this handle is closed.
     */
    @Override
    public boolean tryLock()
    {
        try
        {
            return acquire(0, false);
        }
        catch (final InterruptedException e)
        {
            throw new AssertionError("uninterruptible acquire was interrupted", e);
        }
    }

    /**
     * Takes the lock or re-enters it, waiting at most {@code timeout}. Mirrors Python's
     * {@code rlock.acquire(True, timeout)}.
     *
     * @param timeout how long to wait; zero or less means try once.
     * @param unit    the timeout's unit.
     * @return {@code true} if acquired, {@code false} if the timeout passed first.
     * @throws InterruptedException  if interrupted before or while waiting.
     * @throws OwnerDiedException    if the previous holder died; the caller holds the lock.
     * @throws IllegalMonitorStateException if the calling thread already holds it {@code Integer.MAX_VALUE} times.
     * @throws IllegalStateException if this handle is closed.
     */
    @Override
    public boolean tryLock(final long timeout, final TimeUnit unit) throws InterruptedException
    {
        return acquire(WaitStrategy.timeoutNanos(timeout, unit), true);
    }

    /**
     * Subtracts one from the hold count and frees the lock when it reaches zero, waking waiters. Never blocks.
     * Mirrors Python's {@code rlock.release()}.
     *
     * @throws IllegalMonitorStateException if the calling thread (through this handle) does not own the lock
     *                                      (Python raises {@code RuntimeError}).
     * @throws IllegalStateException        if this handle is closed.
     */
    @Override
    public void unlock()
    {
        core.file.ensureOpen();
        requireOwner("unlock");
        final long holds = holds();
        if (holds > 1)
        {
            core.holdCount(holds - 1);
            return;
        }
        core.holdCount(0);
        core.ownerThread(0);
        core.release(core.entry());
    }

    /**
     * Declares the guarded state repaired after an {@link OwnerDiedException}. No Python counterpart.
     *
     * @throws IllegalMonitorStateException if the calling thread does not own the lock.
     * @throws IllegalStateException        if the lock is not in the owner-died state, or the handle is closed.
     */
    @Override
    public void markConsistent()
    {
        core.file.ensureOpen();
        requireOwner("markConsistent");
        core.markConsistent();
    }

    /**
     * Whether the calling thread owns the lock through this handle, like
     * {@link java.util.concurrent.locks.ReentrantLock#isHeldByCurrentThread()}.
     *
     * @return {@code true} if so.
     * @throws IllegalStateException if this handle is closed.
     */
    public boolean isHeldByCurrentThread()
    {
        core.file.ensureOpen();
        return core.heldByThisAttachment() && core.ownerThread() == Thread.currentThread().threadId();
    }

    /**
     * The calling thread's hold count, like {@link java.util.concurrent.locks.ReentrantLock#getHoldCount()}.
     *
     * @return holds by the calling thread, 0 if it does not own the lock.
     * @throws IllegalStateException if this handle is closed.
     */
    public int getHoldCount()
    {
        return isHeldByCurrentThread() ? (int)holds() : 0;
    }

    ConditionLock conditionLock()
    {
        return new ConditionLock()
        {
            @Override
            public boolean isHeldByCurrentThread()
            {
                return SharedReentrantLock.this.isHeldByCurrentThread();
            }

            @Override
            public long releaseFully()
            {
                final long holds = holds();
                core.holdCount(0);
                core.ownerThread(0);
                core.release(core.entry());
                return holds;
            }

            @Override
            public void reacquire(final long saved)
            {
                try
                {
                    lock();
                }
                finally
                {
                    if (isHeldByCurrentThread())
                    {
                        core.holdCount(saved);
                    }
                }
            }

            @Override
            public ObjectKind kind()
            {
                return ObjectKind.REENTRANT_LOCK;
            }

            @Override
            public Path path()
            {
                return core.file.path();
            }
        };
    }

    private boolean acquire(final long timeoutNanos, final boolean interruptible) throws InterruptedException
    {
        core.file.ensureOpen();
        if (isHeldByCurrentThread())
        {
            final long holds = holds();
            if (holds == Integer.MAX_VALUE)
            {
                // java.util.concurrent throws an Error here; no raw Error leaves this library
                throw new IllegalMonitorStateException(core.file.path() + ": maximum hold count " +
                    Integer.MAX_VALUE + " reached");
            }
            core.holdCount(holds + 1);
            return true;
        }
        final int result = core.acquire(timeoutNanos, interruptible);
        if (result == LockCore.FAILED)
        {
            return false;
        }
        core.ownerThread(Thread.currentThread().threadId());
        core.holdCount(1);
        if (result == LockCore.ACQUIRED_OWNER_DIED)
        {
            throw core.ownerDied();
        }
        return true;
    }

    /**
     * The calling thread's hold count, which it owns the lock to read: checked, since the count lives in the file,
     * where another program or a bug may have written anything, and a count outside 1..{@code Integer.MAX_VALUE}
     * would make unlock free a lock still held, or never free it.
     */
    private long holds()
    {
        final long holds = core.holdCount();
        if (holds < 1 || holds > Integer.MAX_VALUE)
        {
            throw new CorruptFileException(core.file.path(), "hold count " + holds + " of the reentrant lock " +
                "held by this thread, outside 1.." + Integer.MAX_VALUE);
        }
        return holds;
    }

    private void requireOwner(final String operation)
    {
        if (!isHeldByCurrentThread())
        {
            throw new IllegalMonitorStateException(core.file.path() + ": " + operation + " by a thread that does " +
                "not own the reentrant lock");
        }
    }

    /** Creates or attaches a {@link SharedReentrantLock}. */
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
         * @throws SharedObjectException if the file is not a usable reentrant lock.
         */
        public SharedReentrantLock openOrCreate()
        {
            return new SharedReentrantLock(new LockCore(this, ObjectKind.REENTRANT_LOCK,
                SharedFile.OpenMode.OPEN_OR_CREATE));
        }

        /**
         * Creates the lock (unlocked).
         *
         * @return a handle.
         * @throws io.jvmipc.file.SharedObjectExistsException if the name exists.
         */
        public SharedReentrantLock create()
        {
            return new SharedReentrantLock(new LockCore(this, ObjectKind.REENTRANT_LOCK,
                SharedFile.OpenMode.CREATE));
        }

        /**
         * Attaches to an existing reentrant lock.
         *
         * @return a handle.
         * @throws io.jvmipc.file.NoSuchSharedObjectException if there is none.
         * @throws SharedObjectException                      if the file is not a usable reentrant lock.
         */
        public SharedReentrantLock open()
        {
            return new SharedReentrantLock(new LockCore(this, ObjectKind.REENTRANT_LOCK,
                SharedFile.OpenMode.OPEN));
        }
    }
}
