package io.jvmipc.sync;

import io.jvmipc.file.SharedFile;
import io.jvmipc.wait.Signal;

/**
 * What the synchronisation primitives share when they open through the one open path ({@link SharedFile#open}),
 * and for timeouts. Waiting is {@link io.jvmipc.wait.WaitLoop}'s.
 */
final class SyncCores
{
    private SyncCores()
    {
    }

    /**
     * What a binder of {@link SharedFile#open} hands back when the handle itself needs this attachment's entry
     * and is therefore built after the open returns: the attached file and its signal, bound before attaching.
     *
     * @param file   the attached file.
     * @param signal the object's signal.
     */
    record Attached(SharedFile file, Signal signal)
    {
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
