package io.jvmipc.wait;

import io.jvmipc.internal.LibC;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Linux futex wait and wake on a 32-bit word of a shared mapping, through {@code syscall(SYS_futex, ...)}.
 * <p>
 * Never uses {@code FUTEX_PRIVATE_FLAG}: a private futex is keyed by virtual address, so a waker in another
 * process would never find the waiter. The word must be 4-byte aligned and lie in a {@code MAP_SHARED}
 * mapping for waiters and wakers in different processes to meet.
 * <p>
 * A native futex wait is not broken by {@link Thread#interrupt()}: callers that must honour interrupts wait
 * in bounded slices (see {@link FutexWaitStrategy}).
 */
public final class Futex
{
    /** The wait returned because of a wake, or spuriously: re-check the condition. */
    public static final int WOKEN = 0;
    /** The word no longer held the expected value when the wait began. */
    public static final int VALUE_CHANGED = 1;
    /** The timeout expired. */
    public static final int TIMED_OUT = 2;
    /** A signal interrupted the wait ({@code EINTR}). */
    public static final int INTERRUPTED = 3;

    private static final int FUTEX_WAIT = 0;
    private static final int FUTEX_WAKE = 1;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private Futex()
    {
    }

    /**
     * Sleeps while the word at {@code offset} of {@code segment} holds {@code expected}, for at most
     * {@code timeoutNanos} (measured on {@code CLOCK_MONOTONIC} by the kernel).
     *
     * @param segment      the mapping holding the word.
     * @param offset       the word's offset in the segment, a multiple of 4.
     * @param expected     the value the word must hold for the thread to sleep.
     * @param timeoutNanos how long to sleep at most; must be positive.
     * @return {@link #WOKEN}, {@link #VALUE_CHANGED}, {@link #TIMED_OUT} or {@link #INTERRUPTED}.
     * @throws IllegalArgumentException if the word is outside the segment or misaligned, or the timeout is not
     *                                  positive.
     * @throws InternalError            if the word's page is gone (its file was truncated under the mapping), as
     *                                  an access to it would throw; the primitives turn it into a
     *                                  {@code SharedObjectException} naming the file.
     */
    public static int await(final MemorySegment segment, final long offset, final int expected,
        final long timeoutNanos)
    {
        final long address = checkedAddress(segment, offset);
        if (timeoutNanos <= 0)
        {
            throw new IllegalArgumentException("futex timeout must be positive: " + timeoutNanos);
        }
        final MemorySegment timespec = LibC.scratch();
        timespec.set(JAVA_LONG, 0, timeoutNanos / NANOS_PER_SECOND);
        timespec.set(JAVA_LONG, 8, timeoutNanos % NANOS_PER_SECOND);
        final long result = LibC.syscall(
            LibC.SYS_FUTEX, address, FUTEX_WAIT, expected & 0xFFFF_FFFFL, timespec.address(), 0);
        if (result >= 0)
        {
            return WOKEN;
        }
        return switch ((int)-result)
        {
            case LibC.EAGAIN -> VALUE_CHANGED;
            case LibC.ETIMEDOUT -> TIMED_OUT;
            case LibC.EINTR -> INTERRUPTED;
            case LibC.EFAULT -> throw unmapped(address);
            default -> throw new IllegalStateException("futex wait failed: errno " + -result);
        };
    }

    /**
     * Wakes up to {@code count} threads, in any process, sleeping on the word at {@code offset}.
     *
     * @param segment the mapping holding the word.
     * @param offset  the word's offset in the segment, a multiple of 4.
     * @param count   how many waiters to wake at most ({@link Integer#MAX_VALUE} for all).
     * @return how many were woken.
     * @throws IllegalArgumentException if the word is outside the segment or misaligned.
     * @throws InternalError            if the kernel cannot reach the word (its page is gone, as after a
     *                                  truncation of the file; a checked aligned word fails for no other reason).
     */
    public static int wake(final MemorySegment segment, final long offset, final int count)
    {
        final long address = checkedAddress(segment, offset);
        final long result = LibC.syscallNoErrno(LibC.SYS_FUTEX, address, FUTEX_WAKE, count, 0, 0);
        if (result < 0)
        {
            throw unmapped(address);
        }
        return (int)result;
    }

    private static InternalError unmapped(final long address)
    {
        return unmapped("futex word at address " + Long.toHexString(address));
    }

    /** The error an access to a removed page of the mapping raises, for the primitives to name the file. */
    static InternalError unmapped(final String what)
    {
        return new InternalError(what + " is not mapped any more (EFAULT): its file was truncated under the mapping");
    }

    /** The address of a futex word, checked to lie inside the segment and be 4-byte aligned. */
    static long checkedAddress(final MemorySegment segment, final long offset)
    {
        if (offset < 0 || offset > segment.byteSize() - Integer.BYTES)
        {
            throw new IllegalArgumentException(
                "futex word at offset " + offset + " is outside a segment of " + segment.byteSize() + " bytes");
        }
        final long address = segment.address() + offset;
        if ((address & 3) != 0)
        {
            throw new IllegalArgumentException("futex word at address " + Long.toHexString(address) +
                " is not 4-byte aligned");
        }
        return address;
    }
}
