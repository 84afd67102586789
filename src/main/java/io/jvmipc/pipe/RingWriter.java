package io.jvmipc.pipe;

import io.jvmipc.wait.Doorbell;
import io.jvmipc.wait.Signal;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The producing side of one ring ({@link RingDescriptor}); one thread at a time. Keeps its own copy of the
 * tail and a cached copy of the consumer's head, so it reads the head (a cache line the consumer writes) only
 * when the cached value shows too little space.
 * <p>
 * Wakes a sleeping consumer through a {@link Doorbell} (a read of the waiter count, and at most one system call
 * per sleep).
 */
final class RingWriter
{
    private static final VarHandle LONG = JAVA_LONG.varHandle();

    private final MemorySegment segment;
    private final long tailOffset;
    private final long headOffset;
    private final long dataOffset;
    private final int capacity;
    private final int mask;
    private final int maxFragment;
    private final Signal dataSignal;
    private final Signal spaceSignal;
    private final Doorbell consumerBell;
    private long tail;
    private long cachedHead;
    private long pendingRecord;

    RingWriter(final MemorySegment segment, final long ringOffset, final int capacity, final Signal dataSignal,
        final Signal spaceSignal)
    {
        this.segment = segment;
        this.tailOffset = ringOffset + RingDescriptor.TAIL_OFFSET;
        this.headOffset = ringOffset + RingDescriptor.HEAD_OFFSET;
        this.dataOffset = ringOffset + RingDescriptor.DATA_OFFSET;
        this.capacity = capacity;
        this.mask = capacity - 1;
        this.maxFragment = RingDescriptor.maxFragment(capacity);
        this.dataSignal = dataSignal;
        this.spaceSignal = spaceSignal;
        this.consumerBell = new Doorbell(segment, dataSignal, ringOffset + RingDescriptor.DATA_SIGNAL_OFFSET);
        // acquire: a writer taking over a dead one's end continues from what it published
        this.tail = (long)LONG.getAcquire(segment, tailOffset);
        // acquire: the consumer's progress so far
        this.cachedHead = (long)LONG.getAcquire(segment, headOffset);
    }

    /**
     * The most payload one record carries.
     *
     * @return bytes.
     */
    int maxFragment()
    {
        return maxFragment;
    }

    /**
     * The signal the producer sleeps on while the ring is full.
     *
     * @return the space signal.
     */
    Signal spaceSignal()
    {
        return spaceSignal;
    }

    /**
     * The signal the consumer sleeps on while the ring is empty.
     *
     * @return the data signal.
     */
    Signal dataSignal()
    {
        return dataSignal;
    }

    /**
     * Reserves a contiguous record for {@code payload} bytes (at most {@link #maxFragment()}), writing a
     * padding record first if the data's end is too near. Nothing is published until {@link #commit}.
     *
     * @param payload the payload length.
     * @return the segment offset of the record's payload, or -1 if the ring has too little free space.
     */
    long claim(final int payload)
    {
        final int recordLength = RingDescriptor.recordLength(payload);
        long position = tail;
        final int index = (int)position & mask;
        final int toEnd = capacity - index;
        final int needed = recordLength <= toEnd ? recordLength : toEnd + recordLength;
        if (position + needed - cachedHead > capacity)
        {
            // acquire: the consumer has finished reading the records it consumed before we overwrite them
            cachedHead = (long)LONG.getAcquire(segment, headOffset);
            if (position + needed - cachedHead > capacity)
            {
                return -1;
            }
        }
        long record = dataOffset + index;
        if (recordLength > toEnd)
        {
            segment.set(JAVA_LONG, record, header(toEnd - RingDescriptor.HEADER_LENGTH, RingDescriptor.PADDING));
            position += toEnd;
            record = dataOffset;
        }
        pendingRecord = position;
        return record + RingDescriptor.HEADER_LENGTH;
    }

    /**
     * Writes the header of the record claimed last and publishes it (and any padding before it).
     *
     * @param payloadOffset what {@link #claim(int)} returned.
     * @param length        payload bytes written, at most what was claimed.
     * @param info          the message length for a first record, or {@link RingDescriptor#CONTINUATION}.
     */
    void commit(final long payloadOffset, final int length, final int info)
    {
        segment.set(JAVA_LONG, payloadOffset - RingDescriptor.HEADER_LENGTH, header(length, info));
        final long newTail = pendingRecord + RingDescriptor.recordLength(length);
        tail = newTail;
        // release: publishes the header and payload written above (plain store on x86, no fence)
        LONG.setRelease(segment, tailOffset, newTail);
    }

    /** Wakes the consumer if it sleeps (see {@link Doorbell}). */
    void wakeConsumer()
    {
        consumerBell.ring();
    }

    /**
     * Whether the ring holds records the consumer has not consumed (re-reads the head).
     *
     * @return {@code true} if not empty.
     */
    boolean hasUnconsumed()
    {
        // acquire: the consumer's latest progress
        return (long)LONG.getAcquire(segment, headOffset) != tail;
    }

    private static long header(final int length, final int info)
    {
        // little-endian (x86_64, aarch64): length at +0, info at +4
        return (length & 0xFFFF_FFFFL) | ((long)info << 32);
    }
}
