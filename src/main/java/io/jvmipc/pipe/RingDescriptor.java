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
 * A record, starting on a 64-byte boundary (a cache line):
 * <pre>
 *  +---------------------------------------------------------------+
 *  |  Check: {@link #check(long, long, long)} of the record's ring  |
 *  |         position and of the header word below (long)           |
 *  +---------------------------------------------------------------+
 *  |        Length: payload bytes in this record (int)             |
 *  +---------------------------------------------------------------+
 *  |  Info: message length (first record of a message, >= 0),      |
 *  |        CONTINUATION (-1) or PADDING (-2)                      |
 *  +---------------------------------------------------------------+
 *  |        Payload, then padding up to the next 64-byte boundary  ...|
 *  +---------------------------------------------------------------+
 * </pre>
 * <b>Publication.</b> The producer writes a record's payload and its length and info word with plain stores,
 * then publishes it with one release store of its check word, and after that stores the tail (release). The
 * consumer polls the check word at its head (acquire): a record is there when the word equals the check of the
 * head's position and of the header word beside it. So a consumer that waits for the next message polls the
 * one cache line the message arrives in, not the tail's line and then the record's (which would cost a second
 * dependent line transfer per message). Nothing is ever zeroed: a word left from an earlier lap (a record
 * header, or payload bytes) was written for another position, so it is not the check of this one, except by a
 * coincidence of about one in 2<sup>64</sup> for any payload, since the check mixes the position with a seed
 * derived from the file's creation ({@link #seed}).
 * <p>
 * <b>The tail</b> is what the producer has published, stored after each record's check; it may therefore lag
 * the last published record by one record (and the padding before it), also when the producer dies between the
 * two stores. A consumer reads it only when the check word at its head does not match: a tail ahead of the head
 * then means the record is published yet its check is wrong, and the file was overwritten. A producer taking
 * over a dead one's end starts at the tail and first steps over every record published beyond it (each check
 * word matches), so that it never overwrites a record the consumer may still read.
 * <p>
 * A message longer than {@link #maxFragment(int)} is split into one first record and continuation records. A
 * padding record fills the end of the data when the next record would not fit; it is published (its check
 * stored) just before that record, never on its own, so a claim that is given up leaves nothing behind.
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

    /** Offset of the check word in a record: the word whose release store publishes it. */
    static final int CHECK_FIELD = 0;
    /** Offset of the header word (length, then info) in a record. */
    static final int HEADER_FIELD = 8;
    /** Offset of the payload length in a record. */
    static final int LENGTH_FIELD = HEADER_FIELD;
    /** Offset of the info word in a record. */
    static final int INFO_FIELD = HEADER_FIELD + 4;
    /** Bytes of a record header: check word, length and info. */
    static final int HEADER_LENGTH = 16;
    /**
     * Records start on multiples of this, one cache line: the line a record starts in holds its check word and
     * up to 48 payload bytes, so that a message of up to 48 bytes reaches a waiting consumer in one line transfer
     * (with 16-byte alignment, half of the 32-byte messages straddled two lines: the round trip measured 1.6x
     * the spin floor against 1.35x). Costs up to 63 bytes of ring space per record.
     */
    static final int ALIGNMENT = 64;
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
     * The seed of one ring's check words: a mix of the file's creation time, its creator's process ID and the
     * ring's offset, with the top bit set (so that no position below 2<sup>63</sup> gives a zero mix, and a
     * never-written record, all zeros, never checks).
     *
     * @param creationTimeMillis the file's creation time, from its header.
     * @param creatorPid         the creating process, from its header.
     * @param ringOffset         the ring's offset in the file.
     * @return the seed.
     */
    static long seed(final long creationTimeMillis, final long creatorPid, final long ringOffset)
    {
        return mix(mix(creationTimeMillis) ^ creatorPid ^ (ringOffset << 40)) | Long.MIN_VALUE;
    }

    /**
     * The check word of a record at {@code position} with header word {@code header}.
     *
     * @param seed     the ring's {@link #seed}.
     * @param position the record's ring position.
     * @param header   its header word ({@link #header(int, int)}).
     * @return the check word.
     */
    static long check(final long seed, final long position, final long header)
    {
        return mix(seed ^ position) ^ header;
    }

    /**
     * A record's header word: {@code length} at {@link #LENGTH_FIELD}, {@code info} at {@link #INFO_FIELD}
     * (little-endian, as on x86_64 and aarch64).
     *
     * @param length payload bytes.
     * @param info   message length, {@link #CONTINUATION} or {@link #PADDING}.
     * @return the word.
     */
    static long header(final int length, final int info)
    {
        return (length & 0xFFFF_FFFFL) | ((long)info << 32);
    }

    /**
     * The ring bytes a record at {@code index} with header word {@code header} takes, if its length is one the
     * writer could have written there: the rest of the data for a padding record whose length fills exactly that,
     * else {@link #recordLength(int)} of a payload from 0 to {@code maxFragment} bytes that fits before the end.
     * Checks nothing of the info word beyond padding (the consumer checks message lengths).
     *
     * @param header      the record's header word.
     * @param index       its offset in the data.
     * @param capacity    data capacity.
     * @param maxFragment the ring's {@link #maxFragment(int)}.
     * @return the bytes it takes, or -1 if its length is impossible.
     */
    static int extent(final long header, final int index, final int capacity, final int maxFragment)
    {
        final int length = (int)header;
        final int toEnd = capacity - index;
        if ((int)(header >> 32) == PADDING)
        {
            return length == toEnd - HEADER_LENGTH ? toEnd : -1;
        }
        return length >= 0 && length <= maxFragment && recordLength(length) <= toEnd ? recordLength(length) : -1;
    }

    /** A bijective 64-bit mix (the finalizer of MurmurHash3): every input bit affects every output bit. */
    private static long mix(final long value)
    {
        long z = value;
        z = (z ^ (z >>> 33)) * 0xFF51AFD7ED558CCDL;
        z = (z ^ (z >>> 33)) * 0xC4CEB9FE1A85EC53L;
        return z ^ (z >>> 33);
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
