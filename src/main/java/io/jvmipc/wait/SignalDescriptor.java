package io.jvmipc.wait;

/**
 * Layout of a {@link Signal} in a shared mapping: one block of {@link #LENGTH} bytes, alone on its pair of
 * cache lines.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                   Sequence (futex word, int)                  |
 *  +---------------------------------------------------------------+
 *  |                           Reserved                            |
 *  +---------------------------------------------------------------+
 *  |                      Waiters (int)                            |
 *  +---------------------------------------------------------------+
 *  |                           Reserved                            |
 *  +---------------------------------------------------------------+
 *  |                   Wake wanted (int, 0 or 1)                   |
 *  +---------------------------------------------------------------+
 *  |                 Reserved up to 128 bytes                     ...
 *  +---------------------------------------------------------------+
 * </pre>
 * The sequence changes only when a waker finds waiters registered; waiters register by adding one to the
 * waiter count. On a signal made by {@link Signal#ofFenceFreeWakers}, a sleeper also sets "wake wanted" before it
 * sleeps, and the waker that clears it is the one that wakes: one futex wake per sleep, not one per message.
 */
public final class SignalDescriptor
{
    /** Offset of the 32-bit futex word, bumped by every wake that found a waiter. */
    public static final int SEQUENCE_OFFSET = 0;
    /** Offset of the 32-bit count of threads registered to sleep, over all processes. */
    public static final int WAITERS_OFFSET = 8;
    /** Offset of the 32-bit "wake wanted" word: 1 once a sleeper armed it, 0 once a waker took it and woke. */
    public static final int WAKE_WANTED_OFFSET = 16;
    /** Bytes a signal takes: two cache lines, so that no hot field shares them. */
    public static final int LENGTH = 128;

    private SignalDescriptor()
    {
    }
}
