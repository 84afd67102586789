package io.jvmipc.sync;

import io.jvmipc.file.SharedFile;
import io.jvmipc.file.SharedHandle;

import java.nio.file.Path;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;

/**
 * What {@link SharedLock} and {@link SharedReentrantLock} have in common: one handle on a {@link LockCore}, the
 * owner-died state, snapshots of the lock word, and the file. Locking, unlocking and
 * {@link #markConsistent()} differ (Python semantics for the plain lock, thread ownership for the reentrant one)
 * and stay in the subclasses.
 */
abstract class LockHandle implements Lock, AutoCloseable
{
    final LockCore core;

    LockHandle(final LockCore core)
    {
        this.core = core;
    }

    /**
     * Declares the state guarded by the lock repaired after an {@link OwnerDiedException}, so that later
     * acquirers are not told again. Like {@code pthread_mutex_consistent}. No Python counterpart.
     *
     * @throws IllegalMonitorStateException if the caller does not hold the lock.
     * @throws IllegalStateException        if the lock is not in the owner-died state, or the handle is closed.
     */
    public abstract void markConsistent();

    /**
     * Whether the guarded state is consistent: {@code false} from a holder's death until
     * {@link #markConsistent()}.
     *
     * @return {@code true} unless in the owner-died state.
     * @throws IllegalStateException if this handle is closed.
     */
    public boolean isConsistent()
    {
        core.file.ensureOpen();
        return (core.word() & LockDescriptor.OWNER_DIED) == 0;
    }

    /**
     * Whether any thread of any process holds the lock now (a snapshot).
     *
     * @return {@code true} if locked.
     * @throws IllegalStateException if this handle is closed.
     */
    public boolean isLocked()
    {
        core.file.ensureOpen();
        return LockDescriptor.owner(core.word()) >= 0;
    }

    /**
     * Not supported: a condition shared between processes needs a name. Use
     * {@link SharedCondition#builder(String, SharedLock)} or
     * {@link SharedCondition#builder(String, SharedReentrantLock)}.
     *
     * @return never.
     * @throws UnsupportedOperationException always.
     */
    @Override
    public Condition newCondition()
    {
        throw new UnsupportedOperationException("a shared condition needs a name: use " +
            "SharedCondition.builder(name, lock)");
    }

    /**
     * A handle naming this object, to pass to another process (it is serializable, so a {@code JvmProcess} target
     * may capture it), which opens the object with it; see {@link SharedHandle}.
     *
     * @return the handle.
     */
    public SharedHandle handle()
    {
        return core.file.handle();
    }

    /**
     * The lock's file.
     *
     * @return the path.
     */
    public Path path()
    {
        return core.file.path();
    }

    /**
     * Detaches this handle. If the lock is held through it (by this process for a {@link SharedLock}, by a
     * thread of this process for a {@link SharedReentrantLock}), the lock is abandoned exactly as if the process
     * had died (the next acquirer gets an {@link OwnerDiedException}). Idempotent. The lock itself stays.
     */
    @Override
    public void close()
    {
        core.close();
    }

    /**
     * Removes the lock's name (see {@link SharedFile#unlink()}).
     *
     * @throws IllegalStateException if another live process is attached (it also works after close).
     */
    public void unlink()
    {
        core.unlink();
    }

    @Override
    public String toString()
    {
        return getClass().getSimpleName() + " " + core.file.path();
    }
}
