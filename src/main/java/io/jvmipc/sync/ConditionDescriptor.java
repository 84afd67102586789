package io.jvmipc.sync;

import io.jvmipc.wait.SignalDescriptor;

/**
 * Body layout of {@link SharedCondition} (kind {@code CONDITION}). Offsets are relative to the body. Kind
 * parameters: {@link #LOCK_KIND_PARAMETER} (the code of the bound lock's kind) and {@link #LOCK_NAME_PARAMETER}
 * (a hash of the lock's file name), so that processes cannot bind one condition to different locks. Each
 * process-table entry's kind word {@link #REGISTERED_KIND_WORD} counts that process's threads registered as
 * waiters.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |        Wake permits (low 32 bits of the state long)           |   0
 *  +---------------------------------------------------------------+
 *  |    Registered waiters not yet signalled (high 32 bits)        |   4
 *  +---------------------------------------------------------------+
 *  |               Padding to 128 bytes                           ...|
 *  +---------------------------------------------------------------+
 *  |        Signal: waiters sleep here (SignalDescriptor)         ...| 128
 *  +---------------------------------------------------------------+
 * </pre>
 * Both counts live in one long changed only by CAS: {@code signal} moves one waiter to one permit in a single
 * step, and a waiter leaves by taking a permit or, if none, its registration.
 */
public final class ConditionDescriptor
{
    /** Layout version of the body. */
    public static final int VERSION = 1;
    /** Offset of the 64-bit state: waiters in the high half, permits in the low half. */
    public static final int STATE_OFFSET = 0;
    /** Offset of the signal waiters sleep on. */
    public static final int SIGNAL_OFFSET = STATE_OFFSET + 128;
    /** Length of the body. */
    public static final int LENGTH = SIGNAL_OFFSET + SignalDescriptor.LENGTH;
    /** The signal's number for per-process waiter counts. */
    public static final int SIGNAL_NUMBER = 0;
    /** Header parameter: kind code of the bound lock. */
    public static final int LOCK_KIND_PARAMETER = 0;
    /** Header parameter: hash of the bound lock's file name. */
    public static final int LOCK_NAME_PARAMETER = 1;
    /** Process-table kind word counting an entry's registered waiters. */
    public static final int REGISTERED_KIND_WORD = 0;
    /** One registered waiter in the state long. */
    public static final long ONE_WAITER = 1L << 32;
    /** Mask of the permits in the state long. */
    public static final long PERMITS_MASK = 0xFFFF_FFFFL;

    private ConditionDescriptor()
    {
    }

    static long waiters(final long state)
    {
        return state >>> 32;
    }

    static long permits(final long state)
    {
        return state & PERMITS_MASK;
    }
}
