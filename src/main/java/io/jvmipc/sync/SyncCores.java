package io.jvmipc.sync;

import io.jvmipc.file.SharedFile;
import io.jvmipc.wait.Signal;
import io.jvmipc.wait.WaitStrategy;

/**
 * What the cores of the synchronisation primitives ({@link LockCore}, {@link SemaphoreCore},
 * {@link SharedCondition}) do the same way: attaching to the process table, turning a timeout into a deadline,
 * and the acquire loop that waits on a signal and looks for dead holders while it waits.
 */
final class SyncCores
{
    private SyncCores()
    {
    }

    /** One non-blocking acquire attempt and one dead-holder sweep: what {@link #acquire} drives. */
    interface Attempt
    {
        /**
         * One attempt that never blocks.
         *
         * @return {@link LockCore#FAILED}, or the non-zero result the acquire returns.
         */
        int tryAcquireOnce();

        /**
         * Recovers what dead processes hold (never anything of a live one).
         *
         * @return {@code true} if something was recovered, so that another attempt may succeed.
         */
        boolean recoverDeadHolders();
    }

    /**
     * Takes a process-table entry for this process; if that fails (throws), closes the file before rethrowing.
     *
     * @return the entry.
     */
    static int attachOrClose(final SharedFile file, final SharedFile.DeadOwnerRecovery recovery)
    {
        int attached = -1;
        try
        {
            attached = file.attach(recovery);
        }
        finally
        {
            if (attached < 0)
            {
                file.close();
            }
        }
        return attached;
    }

    /** The deadline for a wait of {@code timeoutNanos} ({@code Long.MAX_VALUE}: no deadline). */
    static long deadline(final long timeoutNanos)
    {
        return timeoutNanos == Long.MAX_VALUE ? WaitStrategy.NO_DEADLINE : WaitStrategy.deadline(timeoutNanos);
    }

    /**
     * {@link #acquire} without interrupts: an interrupt while waiting is remembered and the flag restored on
     * return.
     *
     * @return the result of the successful attempt, or {@link LockCore#FAILED} on timeout.
     * @throws IllegalStateException if {@code file} is closed.
     */
    static int acquireUninterruptibly(final SharedFile file, final Attempt attempt, final WaitStrategy strategy,
        final Signal signal, final long timeoutNanos)
    {
        try
        {
            return acquire(file, attempt, strategy, signal, timeoutNanos, false);
        }
        catch (final InterruptedException e)
        {
            throw new AssertionError("uninterruptible acquire was interrupted", e);
        }
    }

    /**
     * Acquires, waiting at most {@code timeoutNanos} ({@code <= 0}: one attempt, then one dead-holder sweep and,
     * if it recovered something, one more attempt). While waiting, sweeps for dead holders every
     * {@link LockCore#DEAD_OWNER_CHECK_NANOS}. An uninterruptible call remembers an interrupt and restores the
     * flag on return.
     *
     * @return the result of the successful attempt, or {@link LockCore#FAILED} on timeout.
     * @throws InterruptedException  if {@code interruptible} and interrupted before or while waiting.
     * @throws IllegalStateException if {@code file} is closed.
     */
    static int acquire(final SharedFile file, final Attempt attempt, final WaitStrategy strategy,
        final Signal signal, final long timeoutNanos, final boolean interruptible) throws InterruptedException
    {
        file.ensureOpen();
        if (interruptible && Thread.interrupted())
        {
            throw new InterruptedException();
        }
        int result = attempt.tryAcquireOnce();
        if (result != LockCore.FAILED)
        {
            return result;
        }
        if (timeoutNanos <= 0)
        {
            return attempt.recoverDeadHolders() ? attempt.tryAcquireOnce() : LockCore.FAILED;
        }
        final long deadline = deadline(timeoutNanos);
        long nextCheck = System.nanoTime() + LockCore.DEAD_OWNER_CHECK_NANOS;
        boolean interrupted = false;
        long state = WaitStrategy.INITIAL;
        try
        {
            while ((result = attempt.tryAcquireOnce()) == LockCore.FAILED)
            {
                try
                {
                    state = strategy.idle(signal, state, deadline);
                }
                catch (final InterruptedException e)
                {
                    if (interruptible)
                    {
                        throw e;
                    }
                    interrupted = true;
                    continue;
                }
                if (state == WaitStrategy.TIMED_OUT)
                {
                    return LockCore.FAILED;
                }
                final long now = System.nanoTime();
                if (now - nextCheck >= 0)
                {
                    nextCheck = now + LockCore.DEAD_OWNER_CHECK_NANOS;
                    attempt.recoverDeadHolders();
                }
            }
            return result;
        }
        finally
        {
            strategy.done(signal, state);
            if (interrupted)
            {
                Thread.currentThread().interrupt();
            }
        }
    }
}
