package io.jvmipc.counters;

import io.jvmipc.file.CorruptFileException;
import io.jvmipc.file.ProcessTableDescriptor;
import io.jvmipc.wait.SignalDescriptor;

import java.nio.file.Path;

/**
 * Layout of a counter region's body ({@link io.jvmipc.file.ObjectKind#COUNTERS}), and the encoding of its
 * state, owner and lock words. All fields little-endian; offsets are relative to the body.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |   Allocation Lock (long: 0, or owner word of the allocator)   |  0
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                 Reserved (zero) up to 128                   ...|  8
 *  +---------------------------------------------------------------+
 *  |   Allocation Signal (SignalDescriptor, 128 bytes): waiters  ...| 128
 *  |   for the lock sleep on it                                    |
 *  +---------------------------------------------------------------+
 *  |   Metadata: capacity entries of metadataLength bytes each   ...| 256
 *  +---------------------------------------------------------------+
 *  |   Values: capacity longs, one per cache-line pair (stride   ...| valuesOffset (a multiple of 128)
 *  |   128) or packed (stride 8)                                   |
 *  +---------------------------------------------------------------+
 * </pre>
 * One metadata entry, {@link Layout#metadataLength()} bytes (a multiple of 64, so that a state change dirties
 * no other counter's line):
 * <pre>
 *  +---------------------------------------------------------------+
 *  |   State (long): FREE, ALLOCATING(entry, generation),          |  0
 *  |   ALLOCATED(sequence) or FREED_PENDING(epoch millis)          |
 *  +---------------------------------------------------------------+
 *  |   Sequence (long): allocations of this slot so far            |  8
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |   Owner (long): 0 for a shared counter, else the owner word   | 16
 *  |   of the allocating process                                   |
 *  +---------------------------------------------------------------+
 *  |                       Type Id (int)                           | 24
 *  +---------------------------------------------------------------+
 *  |                Label Length (int, UTF-8 bytes)                | 28
 *  +---------------------------------------------------------------+
 *  |        Label: maxLabelLength bytes of UTF-8, then zero      ...| 32
 *  +---------------------------------------------------------------+
 * </pre>
 * <b>Words.</b> A state word carries its tag in bits 62..63. An owner word (allocation lock, owner field,
 * ALLOCATING state) is bit 63 set, bits 16..61 the low 46 bits of the owning process-table entry's generation,
 * bits 0..15 the entry; so a word written by a process that has since died never matches a live process that
 * reuses its entry. ALLOCATED carries the slot's sequence, so a handle of an earlier allocation of the slot sees
 * that its counter is gone; FREED_PENDING carries the free time in epoch milliseconds.
 * <p>
 * Kind parameters: {@link #CAPACITY_PARAMETER}, {@link #MAX_LABEL_LENGTH_PARAMETER},
 * {@link #VALUE_STRIDE_PARAMETER}, {@link #REUSE_DELAY_PARAMETER}.
 */
public final class CountersDescriptor
{
    /** The layout version of a counter region's body. */
    static final int VERSION = 1;

    /** Kind parameter: the number of counters. */
    static final int CAPACITY_PARAMETER = 0;
    /** Kind parameter: the longest label in UTF-8 bytes. */
    static final int MAX_LABEL_LENGTH_PARAMETER = 1;
    /** Kind parameter: bytes between two values, {@link #PADDED_STRIDE} or {@link #PACKED_STRIDE}. */
    static final int VALUE_STRIDE_PARAMETER = 2;
    /** Kind parameter: milliseconds a freed counter stays unused before it may be reused. */
    static final int REUSE_DELAY_PARAMETER = 3;

    /** Two cache lines: the unit of padding between words that different processes write. */
    static final int CACHE_LINE_PAIR = 128;
    /** A cache line: the unit metadata entries are rounded up to. */
    static final int CACHE_LINE = 64;
    /** Value stride of the padded layout: each value alone on a cache-line pair. */
    static final int PADDED_STRIDE = CACHE_LINE_PAIR;
    /** Value stride of the packed layout. */
    static final int PACKED_STRIDE = Long.BYTES;

    /** Offset of the allocation lock word in the body. */
    static final int ALLOCATION_LOCK_OFFSET = 0;
    /** Offset of the allocation signal's block in the body. */
    public static final int ALLOCATION_SIGNAL_OFFSET = ALLOCATION_LOCK_OFFSET + CACHE_LINE_PAIR;
    /** Offset of the first metadata entry in the body. */
    static final int METADATA_OFFSET = ALLOCATION_SIGNAL_OFFSET + SignalDescriptor.LENGTH;
    /** The allocation signal's number in the file. */
    static final int ALLOCATION_SIGNAL = 0;

    /** Offset of the state word in a metadata entry. */
    static final int STATE_OFFSET = 0;
    /** Offset of the sequence in a metadata entry. */
    static final int SEQUENCE_OFFSET = STATE_OFFSET + Long.BYTES;
    /** Offset of the owner word in a metadata entry. */
    static final int OWNER_OFFSET = SEQUENCE_OFFSET + Long.BYTES;
    /** Offset of the type id in a metadata entry. */
    static final int TYPE_ID_OFFSET = OWNER_OFFSET + Long.BYTES;
    /** Offset of the label length in a metadata entry. */
    static final int LABEL_LENGTH_OFFSET = TYPE_ID_OFFSET + Integer.BYTES;
    /** Offset of the label bytes in a metadata entry. */
    static final int LABEL_OFFSET = LABEL_LENGTH_OFFSET + Integer.BYTES;

    /** The most counters a region may hold. */
    static final int MAX_CAPACITY = 1 << 20;
    /** The longest label limit a region may be created with, in UTF-8 bytes. */
    static final int MAX_LABEL_LENGTH = 1024;
    /** The label limit when the creator does not say: a metadata entry is then one cache-line pair. */
    static final int DEFAULT_MAX_LABEL_LENGTH = CACHE_LINE_PAIR - LABEL_OFFSET;

    static final int TAG_SHIFT = 62;
    static final long TAG_FREE = 0L;
    static final long TAG_ALLOCATING = 1L;
    static final long TAG_ALLOCATED = 2L;
    static final long TAG_FREED_PENDING = 3L;
    /** The payload bits of a state word (sequence or time). */
    static final long PAYLOAD_MASK = (1L << TAG_SHIFT) - 1;
    /** The state word of a free slot (a zero-filled file is all free). */
    static final long FREE = 0L;
    /** The owner word of a shared counter. */
    static final long SHARED_OWNER = 0L;

    private static final long OWNED_BIT = 1L << 63;
    private static final int ENTRY_BITS = 16;
    private static final long ENTRY_MASK = (1L << ENTRY_BITS) - 1;
    private static final long GENERATION_MASK = (1L << (TAG_SHIFT - ENTRY_BITS)) - 1;

    static
    {
        if (LABEL_OFFSET + DEFAULT_MAX_LABEL_LENGTH != CACHE_LINE_PAIR ||
            METADATA_OFFSET % CACHE_LINE_PAIR != 0 || ProcessTableDescriptor.MAX_CAPACITY > ENTRY_MASK + 1)
        {
            throw new ExceptionInInitializerError("counters descriptor fields are inconsistent");
        }
    }

    private CountersDescriptor()
    {
    }

    /**
     * The sizes of one region, from its kind parameters, with every offset derived from them.
     *
     * @param capacity       the number of counters.
     * @param maxLabelLength the longest label in UTF-8 bytes.
     * @param valueStride    bytes between two values.
     * @param reuseDelayMillis how long a freed counter stays unused.
     */
    record Layout(int capacity, int maxLabelLength, int valueStride, long reuseDelayMillis)
    {
        /**
         * Bytes per metadata entry: the label's end rounded up to a cache line.
         *
         * @return the entry length.
         */
        int metadataLength()
        {
            return roundUp(LABEL_OFFSET + maxLabelLength, CACHE_LINE);
        }

        /**
         * Where the values start in the body.
         *
         * @return a multiple of {@link #CACHE_LINE_PAIR}.
         */
        long valuesOffset()
        {
            return roundUp(METADATA_OFFSET + (long)capacity * metadataLength(), CACHE_LINE_PAIR);
        }

        /**
         * The body's length.
         *
         * @return bytes.
         */
        long bodyLength()
        {
            return roundUp(valuesOffset() + (long)capacity * valueStride, CACHE_LINE_PAIR);
        }

        /**
         * Offset in the body of counter {@code index}'s metadata entry.
         *
         * @param index the counter.
         * @return the offset.
         */
        long metadataOffset(final int index)
        {
            return METADATA_OFFSET + (long)index * metadataLength();
        }

        /**
         * Offset in the body of counter {@code index}'s value.
         *
         * @param index the counter.
         * @return the offset.
         */
        long valueOffset(final int index)
        {
            return valuesOffset() + (long)index * valueStride;
        }

        /**
         * The kind parameters to create a region with.
         *
         * @return capacity, label limit, stride, reuse delay.
         */
        long[] parameters()
        {
            return new long[] {capacity, maxLabelLength, valueStride, reuseDelayMillis};
        }
    }

    /**
     * Checks the creation values, for a builder.
     *
     * @param capacity         counters.
     * @param maxLabelLength   label limit.
     * @param valueStride      stride.
     * @param reuseDelayMillis reuse delay.
     * @return the layout.
     * @throws IllegalArgumentException if one is out of range.
     */
    static Layout layoutFor(final int capacity, final int maxLabelLength, final int valueStride,
        final long reuseDelayMillis)
    {
        if (capacity < 1 || capacity > MAX_CAPACITY)
        {
            throw new IllegalArgumentException("counter capacity " + capacity + " outside 1.." + MAX_CAPACITY);
        }
        if (maxLabelLength < 1 || maxLabelLength > MAX_LABEL_LENGTH)
        {
            throw new IllegalArgumentException("maximum label length " + maxLabelLength + " outside 1.." +
                MAX_LABEL_LENGTH);
        }
        if (valueStride != PADDED_STRIDE && valueStride != PACKED_STRIDE)
        {
            throw new IllegalArgumentException("value stride " + valueStride + " is neither " + PADDED_STRIDE +
                " nor " + PACKED_STRIDE);
        }
        if (reuseDelayMillis < 0 || reuseDelayMillis > PAYLOAD_MASK)
        {
            throw new IllegalArgumentException("reuse delay " + reuseDelayMillis + " ms is negative or too large");
        }
        return new Layout(capacity, maxLabelLength, valueStride, reuseDelayMillis);
    }

    /**
     * Checks the kind parameters and body length read from an existing file.
     *
     * @param path             the file, for the message.
     * @param capacity         parameter {@link #CAPACITY_PARAMETER}.
     * @param maxLabelLength   parameter {@link #MAX_LABEL_LENGTH_PARAMETER}.
     * @param valueStride      parameter {@link #VALUE_STRIDE_PARAMETER}.
     * @param reuseDelayMillis parameter {@link #REUSE_DELAY_PARAMETER}.
     * @param bodyLength       the body's length in the header.
     * @return the layout.
     * @throws CorruptFileException if a parameter is out of range or the body is too short for them.
     */
    static Layout validate(final Path path, final long capacity, final long maxLabelLength, final long valueStride,
        final long reuseDelayMillis, final long bodyLength)
    {
        if (capacity < 1 || capacity > MAX_CAPACITY || maxLabelLength < 1 || maxLabelLength > MAX_LABEL_LENGTH ||
            valueStride != PADDED_STRIDE && valueStride != PACKED_STRIDE || reuseDelayMillis < 0 ||
            reuseDelayMillis > PAYLOAD_MASK)
        {
            throw new CorruptFileException(path, "counter region parameters out of range: capacity " + capacity +
                ", maximum label length " + maxLabelLength + ", value stride " + valueStride + ", reuse delay " +
                reuseDelayMillis + " ms");
        }
        final Layout layout = new Layout((int)capacity, (int)maxLabelLength, (int)valueStride, reuseDelayMillis);
        if (bodyLength < layout.bodyLength())
        {
            throw new CorruptFileException(path, "counter region body of " + bodyLength + " bytes, its parameters " +
                "need " + layout.bodyLength());
        }
        return layout;
    }

    static long tag(final long state)
    {
        return state >>> TAG_SHIFT;
    }

    static long payload(final long state)
    {
        return state & PAYLOAD_MASK;
    }

    static long allocated(final long sequence)
    {
        return TAG_ALLOCATED << TAG_SHIFT | (sequence & PAYLOAD_MASK);
    }

    static long freedPending(final long timeMillis)
    {
        return TAG_FREED_PENDING << TAG_SHIFT | (Math.max(0, timeMillis) & PAYLOAD_MASK);
    }

    /** ALLOCATING(entry, generation): the owner word with the ALLOCATING tag. */
    static long allocating(final int entry, final long generation)
    {
        return TAG_ALLOCATING << TAG_SHIFT | (generation & GENERATION_MASK) << ENTRY_BITS | entry;
    }

    /** The owner word of process-table entry {@code entry} at generation {@code generation}; never 0. */
    static long ownerWord(final int entry, final long generation)
    {
        return OWNED_BIT | (generation & GENERATION_MASK) << ENTRY_BITS | entry;
    }

    /** The entry of an owner word or ALLOCATING state. */
    static int entryOf(final long word)
    {
        return (int)(word & ENTRY_MASK);
    }

    static boolean isOwned(final long ownerWord)
    {
        return (ownerWord & OWNED_BIT) != 0;
    }

    private static long roundUp(final long value, final int unit)
    {
        return (value + unit - 1) / unit * unit;
    }

    private static int roundUp(final int value, final int unit)
    {
        return (value + unit - 1) / unit * unit;
    }
}
