package io.jvmipc.sync;

import io.jvmipc.wait.SignalDescriptor;

/**
 * Body layout of {@link SharedSemaphore} and {@link SharedBoundedSemaphore} (kinds {@code SEMAPHORE} and
 * {@code BOUNDED_SEMAPHORE}). Offsets are relative to the body. Kind parameter {@link #INITIAL_PERMITS_PARAMETER}
 * holds the initial permits (also the bound of a bounded semaphore); each process-table entry's kind word
 * {@link #HELD_KIND_WORD} counts the permits that process holds (acquired minus released; may be negative).
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |0|  Recovering entry + 1 (15)  |  Available permits (low 16)  |   0  count word (long, CAS)
 *  +-+-----------------------------+-------------------------------+
 *  |                  Available permits (high 32)                  |   4
 *  +---------------------------------------------------------------+
 *  |               Padding to 128 bytes                           ...|
 *  +---------------------------------------------------------------+
 *  |        Signal: waiters sleep here (SignalDescriptor)         ...| 128
 *  +---------------------------------------------------------------+
 * </pre>
 * The count word holds the available permits in its low {@link #PERMIT_BITS} bits and, while the recovery of a
 * dead entry's holding is half done, that entry + 1 in the bits above ({@link #RECOVERING_SHIFT}); see
 * {@code SemaphoreCore.recover} for why the two share a word.
 */
public final class SemaphoreDescriptor
{
    /** Layout version of the body. */
    public static final int VERSION = 2;
    /** Offset of the 64-bit count of available permits. */
    public static final int COUNT_OFFSET = 0;
    /** Offset of the signal waiters sleep on. */
    public static final int SIGNAL_OFFSET = COUNT_OFFSET + 128;
    /** Length of the body. */
    public static final int LENGTH = SIGNAL_OFFSET + SignalDescriptor.LENGTH;
    /** The signal's number for per-process waiter counts. */
    public static final int SIGNAL_NUMBER = 0;
    /** Header parameter holding the initial permits. */
    public static final int INITIAL_PERMITS_PARAMETER = 0;
    /** Process-table kind word counting the permits an entry holds. */
    public static final int HELD_KIND_WORD = 0;
    /** Bits of the count word holding the available permits. */
    public static final int PERMIT_BITS = 48;
    /** The most permits the count word can hold. */
    public static final long MAX_PERMITS = (1L << PERMIT_BITS) - 1;
    /** Where the recovering entry + 1 starts in the count word. */
    public static final int RECOVERING_SHIFT = PERMIT_BITS;
    /** The recovering-entry bits of the count word (below the sign bit). */
    public static final long RECOVERING_MASK = 0x7FFFL << RECOVERING_SHIFT;

    /** The available permits of a count word. */
    static long permits(final long word)
    {
        return word & MAX_PERMITS;
    }

    /**
     * The entry whose recovery is half done according to a count word.
     *
     * @param word the count word.
     * @return the entry, or -1 for none.
     */
    public static int recovering(final long word)
    {
        return (int)((word & RECOVERING_MASK) >>> RECOVERING_SHIFT) - 1;
    }

    /** The recovering-entry bits naming {@code entry}. */
    static long recoveringBits(final int entry)
    {
        return (entry + 1L) << RECOVERING_SHIFT;
    }

    private SemaphoreDescriptor()
    {
    }
}
