package io.jvmipc.sync;

import io.jvmipc.file.SharedFile;
import io.jvmipc.file.SharedHandle;
import io.jvmipc.wait.WaitStrategy;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * What {@link SharedSemaphore} and {@link SharedBoundedSemaphore} have in common: one handle on a
 * {@link SemaphoreCore}. The two differ only in {@code release()} (the bounded one refuses to pass its initial
 * value), in their file's kind, and in their builders.
 */
abstract class SemaphoreHandle implements AutoCloseable
{
    final SemaphoreCore core;

    SemaphoreHandle(final SemaphoreCore core)
    {
        this.core = core;
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
        core.acquireUninterruptibly(Long.MAX_VALUE);
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
        return core.acquireUninterruptibly(0);
    }

    /**
     * Takes a permit, waiting at most {@code timeout}. Mirrors Python's {@code sem.acquire(True, timeout)}.
     *
     * @param timeout how long to wait; zero or less means try once.
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
     * The initial permits the semaphore was created with; for a {@link SharedBoundedSemaphore}, also its bound.
     *
     * @return the initial count.
     */
    public long initialPermits()
    {
        return core.initialPermits;
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
     * @throws IllegalStateException if another live process is attached (it also works after close).
     */
    public void unlink()
    {
        core.file.unlink();
    }

    @Override
    public String toString()
    {
        return getClass().getSimpleName() + " " + core.file.path();
    }
}
