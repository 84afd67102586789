package io.jvmipc.sync;

import io.jvmipc.wait.SignalDescriptor;

/**
 * Layout of a {@link SharedEvent}'s body ({@link io.jvmipc.file.ObjectKind#EVENT}). All little-endian.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-------------------------------------------------------------+-+
 *  |              Set Count (31 bits, wraps)                     |S|    0
 *  +-------------------------------------------------------------+-+
 *  |                 Reserved (zero) up to 128                   ...|   4
 *  +---------------------------------------------------------------+
 *  |          Signal (waiters sleep here; see SignalDescriptor)  ...|  128
 *  +---------------------------------------------------------------+
 * </pre>
 * S is the flag. The set count goes up by one every time {@code set()} turns the flag on, so a waiter that
 * slept through a {@code set()} quickly followed by a {@code clear()} still sees that the event was set while it
 * waited (as Python's {@code Event.wait} returns {@code True} in that case).
 */
public final class EventDescriptor
{
    /** The layout version of an event's body. */
    public static final int VERSION = 1;
    /** Offset of the state word (flag in bit 0, set count above it). */
    public static final int STATE_OFFSET = 0;
    /** The state word's flag bit. */
    public static final int SET_BIT = 1;
    /** What {@code set()} adds to the state word's count part. */
    public static final int SET_COUNT_INCREMENT = 2;
    /** Offset of the signal, on its own cache-line pair. */
    public static final int SIGNAL_OFFSET = STATE_OFFSET + 128;
    /** Signal number of {@link #SIGNAL_OFFSET} for per-process waiter counts. */
    public static final int SIGNAL_NUMBER = 0;
    /** Bytes of body. */
    public static final int LENGTH = SIGNAL_OFFSET + SignalDescriptor.LENGTH;

    private EventDescriptor()
    {
    }
}
