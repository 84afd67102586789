package io.jvmipc.sync;

import io.jvmipc.wait.SignalDescriptor;

/**
 * Layout of a {@link SharedBarrier}'s body ({@link io.jvmipc.file.ObjectKind#BARRIER}). All little-endian.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-------------------------------------------------------------+
 *  |B|             Arrived in this generation (31 bits)            |    0
 *  +-+-------------------------------------------------------------+
 *  |                   Generation (32 bits, wraps)                 |    4
 *  +---------------------------------------------------------------+
 *  |                 Reserved (zero) up to 128                   ...|   8
 *  +---------------------------------------------------------------+
 *  |          Signal (waiters sleep here; see SignalDescriptor)  ...|  128
 *  +---------------------------------------------------------------+
 *  |    Broken-generation ring: 16 longs; slot (g mod 16) holds    |  256
 *  |    g + 1 for the latest generation g that reset() ended while ...|
 *  |    broken (0: none)                                           |
 *  +---------------------------------------------------------------+
 * </pre>
 * The first 8 bytes are one long, the state, changed only by CAS: B (bit 31) is the broken flag. A generation
 * ends either when the last party arrives and the action has run (arrived = parties, then generation + 1,
 * arrived 0) or, once broken, by {@code reset()}, which first records the generation in the ring. A waiter that
 * wakes in a later generation than its own looks its generation up in the ring to tell "passed" from "broken".
 * <p>
 * Kind parameter {@link #PARTIES_PARAMETER} holds the number of parties. Per process, kind word
 * {@link #ARRIVAL_TAG_WORD} of its process-table entry holds (generation + 1) of the latest generation a thread
 * of that process arrived in (written before the arrival CAS): if that process dies while the generation lasts,
 * the barrier is broken.
 */
public final class BarrierDescriptor
{
    /** The layout version of a barrier's body. */
    public static final int VERSION = 1;
    /** The kind parameter that holds the number of parties. */
    public static final int PARTIES_PARAMETER = 0;
    /** Offset of the 64-bit state (arrived, broken flag, generation). */
    public static final int STATE_OFFSET = 0;
    /** The state's broken flag. */
    public static final long BROKEN = 1L << 31;
    /** Mask of the state's arrived count. */
    public static final long ARRIVED_MASK = BROKEN - 1;
    /** How far the generation is shifted in the state. */
    public static final int GENERATION_SHIFT = 32;
    /** Offset of the signal, on its own cache-line pair. */
    public static final int SIGNAL_OFFSET = STATE_OFFSET + 128;
    /** Signal number of {@link #SIGNAL_OFFSET} for per-process waiter counts. */
    public static final int SIGNAL_NUMBER = 0;
    /** Offset of the broken-generation ring. */
    public static final int RING_OFFSET = SIGNAL_OFFSET + SignalDescriptor.LENGTH;
    /** Slots in the ring, a power of two. */
    public static final int RING_SLOTS = 16;
    /** Bytes of body. */
    public static final int LENGTH = RING_OFFSET + RING_SLOTS * Long.BYTES;
    /** The process-table kind word that holds a process's arrival tag. */
    public static final int ARRIVAL_TAG_WORD = 0;

    private BarrierDescriptor()
    {
    }

    static int generation(final long state)
    {
        return (int)(state >>> GENERATION_SHIFT);
    }

    static int arrived(final long state)
    {
        return (int)(state & ARRIVED_MASK);
    }

    static boolean isBroken(final long state)
    {
        return (state & BROKEN) != 0;
    }

    /** The state at the start of generation {@code generation}: nobody arrived, not broken. */
    static long fresh(final int generation)
    {
        return (long)generation << GENERATION_SHIFT;
    }

    /** The arrival tag, and ring entry, for {@code generation}: never 0. */
    static long tag(final int generation)
    {
        return (generation & 0xFFFF_FFFFL) + 1;
    }

    static long ringSlotOffset(final int generation)
    {
        return RING_OFFSET + (long)(generation & (RING_SLOTS - 1)) * Long.BYTES;
    }
}
