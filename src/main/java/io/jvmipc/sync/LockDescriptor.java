package io.jvmipc.sync;

import io.jvmipc.wait.SignalDescriptor;

/**
 * Body layout of {@link SharedLock} and {@link SharedReentrantLock} (kinds {@code LOCK} and
 * {@code REENTRANT_LOCK}; a plain lock leaves the owner block at zero). Offsets are relative to the body.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-------------------------------+-+-----------------------------+
 *  |  Owner entry + 1 (0 = free)   |D|          Reserved           |   0  lock word (long, CAS)
 *  +-------------------------------+-+-----------------------------+
 *  |                           Reserved                            |   4
 *  +---------------------------------------------------------------+
 *  |               Padding to 128 bytes                           ...|
 *  +---------------------------------------------------------------+
 *  |        Signal: waiters sleep here (SignalDescriptor)         ...| 128
 *  +---------------------------------------------------------------+
 *  |     Owner thread id (long; reentrant lock only, 0 = none)     | 256
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |            Hold count (long; reentrant lock only)             | 264
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |               Padding to 384 bytes                           ...|
 *  +---------------------------------------------------------------+
 * </pre>
 * {@code D} ({@link #OWNER_DIED}) is set when a holder died and nobody has marked the guarded state consistent
 * since; it survives unlocks, so that every acquirer is told until one calls {@code markConsistent()}.
 * The owner block is written only by the owning thread, while it holds the lock.
 */
public final class LockDescriptor
{
    /** Layout version of the body. */
    public static final int VERSION = 1;
    /** Offset of the 64-bit lock word. */
    public static final int WORD_OFFSET = 0;
    /** Offset of the signal waiters sleep on. */
    public static final int SIGNAL_OFFSET = WORD_OFFSET + 128;
    /** Offset of the owning thread's id (reentrant lock). */
    public static final int OWNER_THREAD_OFFSET = SIGNAL_OFFSET + SignalDescriptor.LENGTH;
    /** Offset of the hold count (reentrant lock). */
    public static final int HOLD_COUNT_OFFSET = OWNER_THREAD_OFFSET + Long.BYTES;
    /** Length of the body. */
    public static final int LENGTH = OWNER_THREAD_OFFSET + 128;
    /** The signal's number for per-process waiter counts. */
    public static final int SIGNAL_NUMBER = 0;

    /** Bits of the lock word holding owner entry + 1. */
    public static final long OWNER_MASK = 0xFFFFL;
    /** Set in the lock word while the guarded state may be inconsistent (a holder died). */
    public static final long OWNER_DIED = 1L << 16;

    private LockDescriptor()
    {
    }

    /**
     * The owner field of a lock word for an entry.
     *
     * @param entry a process-table entry.
     * @return the value of the owner bits.
     */
    static long ownerTag(final int entry)
    {
        return entry + 1L;
    }

    /**
     * The entry that holds a lock, from its word.
     *
     * @param word a lock word.
     * @return the entry, or -1 if free.
     */
    static int owner(final long word)
    {
        return (int)(word & OWNER_MASK) - 1;
    }
}
