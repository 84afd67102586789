package io.jvmipc.pipe;

import io.jvmipc.internal.LibC;

/**
 * Linux {@code membarrier(MEMBARRIER_CMD_GLOBAL_EXPEDITED)}: makes every running thread of every process that
 * registered for it execute a full memory barrier before the call returns. It lets the pipe's hot path (the
 * waker) skip the store-load fence a Dekker-style "publish, then look for sleepers" handshake needs: the rare
 * side (a thread about to sleep) pays for both sides instead.
 * <p>
 * Every process that loads this class registers itself ({@code MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED}). If
 * the kernel or a seccomp filter refuses, {@link #AVAILABLE} is {@code false} and the pipe falls back to a full
 * fence per message on the waker's side (slower, equally correct). The system property
 * {@code jvmipc.pipe.noMembarrier=true} forces that fallback (used by tests, and to compare the two).
 */
final class RemoteBarrier
{
    /** Whether expedited global barriers work in this process. */
    static final boolean AVAILABLE;

    private static final long SYS_MEMBARRIER;
    private static final int CMD_QUERY = 0;
    private static final int CMD_GLOBAL_EXPEDITED = 1 << 1;
    private static final int CMD_REGISTER_GLOBAL_EXPEDITED = 1 << 2;

    static
    {
        SYS_MEMBARRIER = switch (System.getProperty("os.arch"))
        {
            case "aarch64" -> 283;
            default -> 324;
        };
        boolean available = false;
        if (!Boolean.getBoolean("jvmipc.pipe.noMembarrier"))
        {
            final long supported = LibC.syscall(SYS_MEMBARRIER, CMD_QUERY, 0, 0, 0, 0);
            if (supported > 0 && (supported & CMD_GLOBAL_EXPEDITED) != 0 &&
                (supported & CMD_REGISTER_GLOBAL_EXPEDITED) != 0)
            {
                available = LibC.syscall(SYS_MEMBARRIER, CMD_REGISTER_GLOBAL_EXPEDITED, 0, 0, 0, 0) == 0;
            }
        }
        AVAILABLE = available;
    }

    private RemoteBarrier()
    {
    }

    /**
     * Issues a barrier on every running thread of every registered process (this one included).
     *
     * @throws IllegalStateException if the system call fails although it was available.
     */
    static void issue()
    {
        final long result = LibC.syscall(SYS_MEMBARRIER, CMD_GLOBAL_EXPEDITED, 0, 0, 0, 0);
        if (result != 0)
        {
            throw new IllegalStateException("membarrier(MEMBARRIER_CMD_GLOBAL_EXPEDITED) failed: errno " + -result);
        }
    }
}
