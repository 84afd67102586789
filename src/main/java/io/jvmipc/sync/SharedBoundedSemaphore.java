package io.jvmipc.sync;

import io.jvmipc.wait.WaitStrategy;
import io.jvmipc.file.ObjectKind;
import io.jvmipc.file.SharedFile;
import io.jvmipc.file.SharedObjectException;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A bounded counting semaphore shared by the processes that attach to it by name: Python's
 * {@code multiprocessing.BoundedSemaphore}. Like {@link SharedSemaphore}, except that a release that would
 * raise the available permits above the initial value throws (Python raises {@code ValueError}). Any process
 * may release a permit it did not acquire, within that bound.
 * <p>
 * <b>Waiting</b>: blocked threads spin briefly, then sleep on a futex; every blocking call has an untimed and a
 * timed form; a timeout of zero means "try once", a negative one throws {@link IllegalArgumentException}. Interruptible calls honour an interrupt within one
 * futex sleep slice (50 ms by default).
 * <p>
 * <b>Process death</b>: each process's net holding (acquired minus released through it; may be negative) is
 * kept in its process-table entry. When a process dies, or closes its handle, its positive holding is given
 * back, <em>but never above the bound</em>: recovery adds {@code min(holding, initial - available)}. So the
 * count never exceeds the initial value, even when permits changed hands between processes (a permit acquired
 * by A and released by B is not returned twice when A dies, if that would pass the bound). A blocked acquirer
 * looks for dead holders every 10 ms (about 60 ms to recover), a try-once call looks once. A process killed in
 * the few instructions between taking a permit and recording it (or between forgetting one and returning it)
 * loses that permit; a crash never creates one.
 * <p>
 * One handle is one attachment; threads of one process should share a handle. Thread-safe.
 */
public final class SharedBoundedSemaphore implements AutoCloseable
{
    private final SemaphoreCore core;

    private SharedBoundedSemaphore(final SemaphoreCore core)
    {
        this.core = core;
    }

    /**
     * Starts building a semaphore handle.
     *
     * @param name    the semaphore's name in its directory.
     * @param permits the initial number of permits (Python's {@code value}); every process must pass the same.
     * @return a builder.
     * @throws IllegalArgumentException if the name is invalid or {@code permits} is negative.
     */
    public static Builder builder(final String name, final int permits)
    {
        return new Builder(name, permits);
    }

    /**
     * Takes a permit, waiting as long as needed. Mirrors Python's {@code sem.acquire()}.
     *
     * @throws InterruptedException  if interrupted before or while waiting (within one sleep slice).
     * @throws IllegalStateException if this handle is closed.
     */
    public void acquire() throws InterruptedException
    {
        core.acquire(Long.MAX_VALUE, true);
    }

    /**
     * Takes a permit, waiting as long as needed and ignoring interrupts (the flag is restored on return).
     * Mirrors Python's {@code sem.acquire()}.
     *
     * @throws IllegalStateException if this handle is closed.
     */
    public void acquireUninterruptibly()
    {
        try
        {
            core.acquire(Long.MAX_VALUE, false);
        }
        catch (final InterruptedException e)
        {
            throw new AssertionError("uninterruptible acquire was interrupted", e);
        }
    }

    /**
     * Takes a permit if one is available now (first recovering permits of dead holders if none is). Never
     * blocks. Mirrors Python's {@code sem.acquire(False)}.
     *
     * @return {@code true} if a permit was taken.
     * @throws IllegalStateException if this handle is closed.
     */
    public boolean tryAcquire()
    {
        try
        {
            return core.acquire(0, false);
        }
        catch (final InterruptedException e)
        {
            throw new AssertionError("uninterruptible acquire was interrupted", e);
        }
    }

    /**
     * Takes a permit, waiting at most {@code timeout}. Mirrors Python's {@code sem.acquire(True, timeout)}.
     *
     * @param timeout how long to wait; zero means try once.
     * @param unit    the timeout's unit.
     * @return {@code true} if a permit was taken, {@code false} if the timeout passed first.
     * @throws InterruptedException  if interrupted before or while waiting.
     * @throws IllegalStateException if this handle is closed.
     */
    public boolean tryAcquire(final long timeout, final TimeUnit unit) throws InterruptedException
    {
        return core.acquire(WaitStrategy.timeoutNanos(timeout, unit), true);
    }

    /**
     * Returns a permit and wakes waiters; never blocks. Any process may release, acquired or not, up to the
     * bound. Mirrors Python's {@code sem.release()}.
     *
     * @throws IllegalStateException if the available permits would exceed the initial value (nothing is
     *                               released; Python raises {@code ValueError}), or this handle is closed.
     */
    public void release()
    {
        core.release(1);
    }

    /**
     * The permits available now (a snapshot), like {@link java.util.concurrent.Semaphore#availablePermits()}
     * and Python's {@code sem.get_value()}.
     *
     * @return the count, saturated to the int range.
     * @throws IllegalStateException if this handle is closed.
     */
    public int availablePermits()
    {
        core.file.ensureOpen();
        return (int)Math.min(Integer.MAX_VALUE, core.available());
    }

    /**
     * This process's net holding: permits acquired through this handle minus permits released through it.
     *
     * @return the holding; negative if this process released more than it acquired.
     * @throws IllegalStateException if this handle is closed.
     */
    public long heldByThisProcess()
    {
        core.file.ensureOpen();
        return core.heldByThisProcess();
    }

    /**
     * The initial permits the semaphore was created with, which is also its bound.
     *
     * @return the initial count.
     */
    public long initialPermits()
    {
        return core.initialPermits;
    }

    /**
     * The semaphore's file.
     *
     * @return the path.
     */
    public Path path()
    {
        return core.file.path();
    }

    /**
     * Detaches this handle, giving back this process's positive holding (as if it had died). Idempotent.
     */
    @Override
    public void close()
    {
        core.close();
    }

    /**
     * Removes the semaphore's name (see {@link SharedFile#unlink()}).
     *
     * @throws IllegalStateException if another live process is attached, or this handle is closed.
     */
    public void unlink()
    {
        core.file.unlink();
    }

    @Override
    public String toString()
    {
        return "SharedBoundedSemaphore " + core.file.path();
    }

    /** Creates or attaches a {@link SharedBoundedSemaphore}. */
    public static final class Builder extends SyncBuilder<Builder>
    {
        private final int permits;

        private Builder(final String name, final int permits)
        {
            super(name);
            if (permits < 0)
            {
                throw new IllegalArgumentException("negative initial permits: " + permits);
            }
            this.permits = permits;
        }

        /**
         * Attaches to the semaphore if it exists, else creates it with the initial permits. Race-free.
         *
         * @return a handle.
         * @throws io.jvmipc.file.IncompatibleParametersException if it exists with other initial permits.
         * @throws SharedObjectException                          if the file is not a usable semaphore.
         */
        public SharedBoundedSemaphore openOrCreate()
        {
            return new SharedBoundedSemaphore(new SemaphoreCore(this, ObjectKind.BOUNDED_SEMAPHORE, permits,
                SharedFile.OpenMode.OPEN_OR_CREATE));
        }

        /**
         * Creates the semaphore with the initial permits.
         *
         * @return a handle.
         * @throws io.jvmipc.file.SharedObjectExistsException if the name exists.
         */
        public SharedBoundedSemaphore create()
        {
            return new SharedBoundedSemaphore(new SemaphoreCore(this, ObjectKind.BOUNDED_SEMAPHORE, permits,
                SharedFile.OpenMode.CREATE));
        }

        /**
         * Attaches to an existing semaphore.
         *
         * @return a handle.
         * @throws io.jvmipc.file.NoSuchSharedObjectException     if there is none.
         * @throws io.jvmipc.file.IncompatibleParametersException if it has other initial permits.
         * @throws SharedObjectException                          if the file is not a usable semaphore.
         */
        public SharedBoundedSemaphore open()
        {
            return new SharedBoundedSemaphore(new SemaphoreCore(this, ObjectKind.BOUNDED_SEMAPHORE, permits,
                SharedFile.OpenMode.OPEN));
        }
    }
}
