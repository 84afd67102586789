package io.jvmipc.pipe;

import io.jvmipc.wait.SignalDescriptor;

/**
 * Layout of one direction of a pipe: a single-producer single-consumer ring of variable-length records.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |        Tail: bytes ever published by the producer (long)      |  0
 *  +---------------------------------------------------------------+
 *  |              Reserved up to 128 bytes (producer only)        ...|
 *  +---------------------------------------------------------------+
 *  |        Head: bytes ever consumed by the consumer (long)       | 128
 *  +---------------------------------------------------------------+
 *  |              Reserved up to 128 bytes (consumer only)        ...|
 *  +---------------------------------------------------------------+
 *  |   Data signal (128 bytes): the consumer sleeps on it          ...| 256
 *  +---------------------------------------------------------------+
 *  |   Space signal (128 bytes): the producer sleeps on it         ...| 384
 *  +---------------------------------------------------------------+
 *  |   Data: capacity bytes of records, a power of two             ...| 512
 *  +---------------------------------------------------------------+
 * </pre>
 * A record, 8-byte aligned:
 * <pre>
 *  +---------------------------------------------------------------+
 *  |        Length: payload bytes in this record (int)             |
 *  +---------------------------------------------------------------+
 *  |  Info: message length (first record of a message, >= 0),      |
 *  |        CONTINUATION (-1) or PADDING (-2)                      |
 *  +---------------------------------------------------------------+
 *  |        Payload, then zero to seven bytes of alignment        ...|
 *  +---------------------------------------------------------------+
 * </pre>
 * Records are written with plain stores and published by one release store of the tail; the consumer reads
 * the tail with acquire. A message longer than {@link #maxFragment(int)} is split into one first record and
 * continuation records. A padding record fills the end of the data when the next record would not fit.
 */
public final class RingDescriptor
{
    /** Offset of the producer's position. */
    public static final int TAIL_OFFSET = 0;
    /** Offset of the consumer's position, on its own 128-byte block. */
    public static final int HEAD_OFFSET = TAIL_OFFSET + 128;
    /** Offset of the signal the consumer sleeps on while the ring is empty. */
    public static final int DATA_SIGNAL_OFFSET = HEAD_OFFSET + 128;
    /** Offset of the signal the producer sleeps on while the ring is full. */
    public static final int SPACE_SIGNAL_OFFSET = DATA_SIGNAL_OFFSET + SignalDescriptor.LENGTH;
    /** Offset of the record data. */
    public static final int DATA_OFFSET = SPACE_SIGNAL_OFFSET + SignalDescriptor.LENGTH;

    /** Offset of the payload length in a record. */
    static final int LENGTH_FIELD = 0;
    /** Offset of the info word in a record. */
    static final int INFO_FIELD = 4;
    /** Bytes of a record header. */
    static final int HEADER_LENGTH = 8;
    /** Records start on multiples of this. */
    static final int ALIGNMENT = 8;
    /** Info word of a record continuing a message begun by an earlier record. */
    static final int CONTINUATION = -1;
    /** Info word of a record that only fills the end of the data. */
    static final int PADDING = -2;

    /** Smallest ring data capacity. */
    static final int MIN_CAPACITY = 4096;
    /** Largest ring data capacity. */
    static final int MAX_CAPACITY = 1 << 30;

    private RingDescriptor()
    {
    }

    /**
     * Bytes one direction takes in the file.
     *
     * @param capacity data capacity, a power of two.
     * @return the length.
     */
    public static long length(final int capacity)
    {
        return DATA_OFFSET + (long)capacity;
    }

    /**
     * The most payload bytes one record may carry: records never exceed a quarter of the ring, so that a
     * producer and a consumer can work on different parts of a large message at once.
     *
     * @param capacity data capacity.
     * @return the payload limit of one record.
     */
    static int maxFragment(final int capacity)
    {
        return capacity / 4 - HEADER_LENGTH;
    }

    /**
     * The ring bytes a record with {@code payload} bytes takes.
     *
     * @param payload the payload length.
     * @return header plus payload, rounded up to {@link #ALIGNMENT}.
     */
    static int recordLength(final int payload)
    {
        return (HEADER_LENGTH + payload + ALIGNMENT - 1) & -ALIGNMENT;
    }
}
