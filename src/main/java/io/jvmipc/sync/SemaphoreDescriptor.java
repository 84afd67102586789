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
 *  |                 Available permits (long, CAS)                 |   0
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |               Padding to 128 bytes                           ...|
 *  +---------------------------------------------------------------+
 *  |        Signal: waiters sleep here (SignalDescriptor)         ...| 128
 *  +---------------------------------------------------------------+
 * </pre>
 */
final class SemaphoreDescriptor
{
    /** Layout version of the body. */
    static final int VERSION = 1;
    /** Offset of the 64-bit count of available permits. */
    static final int COUNT_OFFSET = 0;
    /** Offset of the signal waiters sleep on. */
    static final int SIGNAL_OFFSET = COUNT_OFFSET + 128;
    /** Length of the body. */
    static final int LENGTH = SIGNAL_OFFSET + SignalDescriptor.LENGTH;
    /** The signal's number for per-process waiter counts. */
    static final int SIGNAL_NUMBER = 0;
    /** Header parameter holding the initial permits. */
    static final int INITIAL_PERMITS_PARAMETER = 0;
    /** Process-table kind word counting the permits an entry holds. */
    static final int HELD_KIND_WORD = 0;

    private SemaphoreDescriptor()
    {
    }
}
