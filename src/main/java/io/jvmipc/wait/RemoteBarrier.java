package io.jvmipc.wait;

import io.jvmipc.internal.LibC;

/**
 * Linux {@code membarrier(MEMBARRIER_CMD_GLOBAL_EXPEDITED)}: makes every running thread of every process that
 * registered for it execute a full memory barrier before the call returns: the tool of asymmetric fences, where
 * the rare side of a Dekker-style handshake pays for both.
 * <p>
 * <b>Used by every sleeper of a {@link Signal}</b> so that wakers need no store-load fence: see the
 * {@link Signal} class comment for the argument, the Java memory model's caveat (a JIT may move the waker's load
 * above its release store) and the bound on every futex sleep that makes a wake-up lost to it cost a delay,
 * never a hang.
 * <p>
 * Every process that loads this class registers itself ({@code MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED}). If
 * the kernel or a seccomp filter refuses, {@link #AVAILABLE} is {@code false}. The system property
 * {@code jvmipc.pipe.noMembarrier=true} forces that answer.
 */
public final class RemoteBarrier
{
    /** Whether expedited global barriers work in this process. */
    public static final boolean AVAILABLE;

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
     * Issues a barrier on every running thread of every registered process (this one included), if available.
     * A failure is not reported: the callers bound what a missed barrier can cost (see {@link Signal}).
     *
     * @return {@code true} if the barrier was issued.
     */
    public static boolean tryIssue()
    {
        return AVAILABLE && LibC.syscallNoErrno(SYS_MEMBARRIER, CMD_GLOBAL_EXPEDITED, 0, 0, 0, 0) == 0;
    }

    /**
     * Issues a barrier on every running thread of every registered process (this one included).
     *
     * @throws IllegalStateException if the system call fails although it was available.
     */
    public static void issue()
    {
        final long result = LibC.syscall(SYS_MEMBARRIER, CMD_GLOBAL_EXPEDITED, 0, 0, 0, 0);
        if (result != 0)
        {
            throw new IllegalStateException("membarrier(MEMBARRIER_CMD_GLOBAL_EXPEDITED) failed: errno " + -result);
        }
    }
}
