package io.jvmipc.wait;

import io.jvmipc.internal.LibC;

/**
 * Linux {@code membarrier(MEMBARRIER_CMD_GLOBAL_EXPEDITED)}: makes every running thread of every process that
 * registered for it execute a full memory barrier before the call returns: the tool of asymmetric fences, where
 * the rare side of a Dekker-style handshake pays for both.
 * <p>
 * <b>Not used by the library's wake-ups any more.</b> The pipe's {@link Doorbell} once let its waker skip its
 * store-load fence and relied on the sleeper issuing this barrier; that holds on x86-64 and AArch64 only while
 * the waker's store and load stay in program order, which the Java memory model does not promise (a JIT may move
 * the load above a release store). The doorbell now takes the fence; see its class comment. This class is kept,
 * with its behaviour, for measurements and for protocols that can prove the order on both sides.
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
