package io.jvmipc.wait;

import io.jvmipc.internal.LibC;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Linux {@code futex_waitv} (system call 449, kernel 5.16 and later): one thread sleeps on up to
 * {@value #MAX_FUTEXES} 32-bit futex words at once, possibly in different mappings, until any is woken. Never
 * uses the private flag (see {@link Futex}). Wakers use the ordinary {@link Futex#wake}.
 * <p>
 * {@link #isAvailable()} says whether the running kernel (and any seccomp filter) allows the call; callers keep
 * a fallback for when it does not. The system property {@code jvmipc.futexWaitv.disable=true} makes it report
 * {@code false}, to exercise those fallbacks.
 */
public final class FutexWaitv
{
    /** The most words one call waits on (the kernel's limit). */
    public static final int MAX_FUTEXES = 128;
    /** The wait ended because a word no longer held its expected value. */
    public static final int VALUE_CHANGED = -1;
    /** The timeout expired. */
    public static final int TIMED_OUT = -2;
    /** A signal interrupted the wait ({@code EINTR}). */
    public static final int INTERRUPTED = -3;

    private static final long SYS_FUTEX_WAITV = 449;
    private static final long SYS_CLOCK_GETTIME;
    private static final int CLOCK_MONOTONIC = 1;
    private static final int FUTEX2_SIZE_U32 = 0x02;
    private static final int WAITER_LENGTH = 24;
    private static final int ENOSYS = 38;
    private static final int EINVAL = 22;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final boolean AVAILABLE;
    private static final ThreadLocal<MemorySegment> SCRATCH = ThreadLocal.withInitial(
        () -> Arena.ofAuto().allocate((long)MAX_FUTEXES * WAITER_LENGTH + 16, 16));

    static
    {
        SYS_CLOCK_GETTIME = "aarch64".equals(System.getProperty("os.arch")) ? 113 : 228;
        // an empty wait is rejected with EINVAL by a kernel that has the call, ENOSYS (or EPERM) by one that has not
        // -Djvmipc.futexWaitv.disable=true forces callers onto their fallback (used by tests)
        AVAILABLE = !Boolean.getBoolean("jvmipc.futexWaitv.disable") &&
            LibC.syscall(SYS_FUTEX_WAITV, 0, 0, 0, 0, CLOCK_MONOTONIC) == -EINVAL;
    }

    private FutexWaitv()
    {
    }

    /**
     * Whether this system supports {@code futex_waitv}.
     *
     * @return {@code true} if {@link #await} may be used.
     */
    public static boolean isAvailable()
    {
        return AVAILABLE;
    }

    /**
     * Sleeps while every word {@code i} (at {@code offsets[i]} of {@code segments[i]}) holds {@code expected[i]},
     * for at most {@code timeoutNanos}. May return spuriously.
     *
     * @param segments     the mappings holding the words.
     * @param offsets      each word's offset in its segment, a multiple of 4.
     * @param expected     the value each word must hold for the thread to sleep.
     * @param count        how many words, 1 to {@value #MAX_FUTEXES}.
     * @param timeoutNanos how long to sleep at most, positive.
     * @return the index of a word that was woken (or 0 on a spurious wake-up), {@link #VALUE_CHANGED},
     *         {@link #TIMED_OUT} or {@link #INTERRUPTED}.
     * @throws UnsupportedOperationException if {@link #isAvailable()} is {@code false}.
     * @throws IllegalArgumentException      if a word is outside its segment or misaligned, the count is out of
     *                                       range or the timeout is not positive.
     * @throws InternalError                  if a word's page is gone (its file was truncated under the mapping);
     *                                       the primitives turn it into a {@code SharedObjectException}.
     */
    public static int await(final MemorySegment[] segments, final long[] offsets, final int[] expected,
        final int count, final long timeoutNanos)
    {
        if (!AVAILABLE)
        {
            throw new UnsupportedOperationException("futex_waitv is not available on this system");
        }
        if (count < 1 || count > MAX_FUTEXES || timeoutNanos <= 0)
        {
            throw new IllegalArgumentException("count " + count + " must be 1 to " + MAX_FUTEXES +
                " and timeout " + timeoutNanos + " positive");
        }
        final MemorySegment scratch = SCRATCH.get();
        for (int i = 0; i < count; i++)
        {
            final long base = (long)i * WAITER_LENGTH;
            scratch.set(JAVA_LONG, base, expected[i] & 0xFFFF_FFFFL);
            scratch.set(JAVA_LONG, base + 8, Futex.checkedAddress(segments[i], offsets[i]));
            scratch.set(JAVA_INT, base + 16, FUTEX2_SIZE_U32);
            scratch.set(JAVA_INT, base + 20, 0);
        }
        final long timespec = (long)MAX_FUTEXES * WAITER_LENGTH;
        final MemorySegment time = scratch.asSlice(timespec, 16);
        final long clock = LibC.syscall(SYS_CLOCK_GETTIME, CLOCK_MONOTONIC, time.address(), 0, 0, 0);
        if (clock != 0)
        {
            throw new IllegalStateException("clock_gettime(CLOCK_MONOTONIC) failed: errno " + -clock);
        }
        final long now = time.get(JAVA_LONG, 0) * NANOS_PER_SECOND + time.get(JAVA_LONG, 8);
        final long deadline = now + timeoutNanos < now ? Long.MAX_VALUE : now + timeoutNanos;
        time.set(JAVA_LONG, 0, deadline / NANOS_PER_SECOND);
        time.set(JAVA_LONG, 8, deadline % NANOS_PER_SECOND);
        final long result = LibC.syscall(SYS_FUTEX_WAITV, scratch.address(), count, 0, time.address(),
            CLOCK_MONOTONIC);
        if (result >= 0)
        {
            return (int)result;
        }
        return switch ((int)-result)
        {
            case LibC.EAGAIN -> VALUE_CHANGED;
            case LibC.ETIMEDOUT -> TIMED_OUT;
            case LibC.EINTR -> INTERRUPTED;
            case ENOSYS -> throw new UnsupportedOperationException("futex_waitv is not available on this system");
            case LibC.EFAULT -> throw Futex.unmapped("a futex word of futex_waitv");
            default -> throw new IllegalStateException("futex_waitv failed: errno " + -result);
        };
    }
}
