package io.jvmipc.sync;

import io.jvmipc.file.SharedFile;
import io.jvmipc.wait.Signal;

/**
 * What the synchronisation primitives do the same way when they open: binding their signals to the file and
 * attaching to the process table, closing the file if either fails. Waiting is {@link io.jvmipc.wait.WaitLoop}'s.
 */
final class SyncCores
{
    private SyncCores()
    {
    }

    /**
     * Binds signal {@code number} at {@code offset} to the file (before attaching, so that the file's recovery of
     * a dead entry releases that entry's registrations on it); if that fails (throws), closes the file first.
     *
     * @return the signal.
     */
    static Signal signalOrClose(final SharedFile file, final int number, final long offset)
    {
        Signal signal = null;
        try
        {
            signal = Signal.of(file, number, offset);
        }
        finally
        {
            if (signal == null)
            {
                file.close();
            }
        }
        return signal;
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

    /** The remaining timeout until {@code deadline} ({@code Long.MAX_VALUE} for none), 0 once passed. */
    static long remaining(final long deadline)
    {
        if (deadline == io.jvmipc.wait.WaitStrategy.NO_DEADLINE)
        {
            return Long.MAX_VALUE;
        }
        return Math.max(0, deadline - System.nanoTime());
    }
}
