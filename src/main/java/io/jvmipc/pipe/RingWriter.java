package io.jvmipc.pipe;

import io.jvmipc.file.CorruptFileException;
import io.jvmipc.wait.Doorbell;
import io.jvmipc.wait.Signal;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The producing side of one ring ({@link RingDescriptor}); one thread at a time. Keeps its own copy of the
 * tail and a cached copy of the consumer's head, so it reads the head (a cache line the consumer writes) only
 * when the cached value shows too little space. Publishes each record by a release store of its check word, then
 * stores the tail.
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
    private final long seed;
    private final Signal dataSignal;
    private final Signal spaceSignal;
    private final Doorbell consumerBell;
    private long tail;
    private long cachedHead;
    /**
     * Ring position of the record claimed last: the tail, or the next lap's start when claim put padding at the
     * tail.
     */
    private long pendingRecord;

    /**
     * Takes over the producing side at what is published.
     *
     * @throws CorruptFileException if the stored tail is one no writer of this ring could have stored.
     */
    RingWriter(final MemorySegment segment, final Path path, final long ringOffset, final int capacity,
        final long seed, final Signal dataSignal, final Signal spaceSignal)
    {
        this.segment = segment;
        this.tailOffset = ringOffset + RingDescriptor.TAIL_OFFSET;
        this.headOffset = ringOffset + RingDescriptor.HEAD_OFFSET;
        this.dataOffset = ringOffset + RingDescriptor.DATA_OFFSET;
        this.capacity = capacity;
        this.mask = capacity - 1;
        this.maxFragment = RingDescriptor.maxFragment(capacity);
        this.seed = seed;
        this.dataSignal = dataSignal;
        this.spaceSignal = spaceSignal;
        this.consumerBell = new Doorbell(segment, dataSignal, ringOffset + RingDescriptor.DATA_SIGNAL_OFFSET);
        // acquire: the consumer's progress so far
        this.cachedHead = (long)LONG.getAcquire(segment, headOffset);
        // acquire: a writer taking over a dead one's end continues from what it published
        final long storedTail = (long)LONG.getAcquire(segment, tailOffset);
        // the tail may lag the head: the consumer may have taken records a dead writer published beyond it
        final long ahead = storedTail - cachedHead;
        if ((storedTail & (RingDescriptor.ALIGNMENT - 1)) != 0 || ahead > capacity || ahead < -capacity)
        {
            throw new CorruptFileException(path, "has an impossible tail " + storedTail + " for head " + cachedHead +
                " in the pipe ring at file offset " + ringOffset + ", ring position " + storedTail);
        }
        this.tail = publishedEnd(storedTail);
    }

    /**
     * The end of what is published, from a stored {@code tail}: a producer that died between publishing a record
     * (its check word) and storing the tail left that record, and the padding before it, beyond the tail. Steps
     * over every record whose check word matches, as the consumer would, and stores the end it found (release).
     * Stops at the first record that does not check (never written in this lap, or given up unpublished), at a
     * header the writer could not have written, and a ring's capacity beyond the consumer's head. Records the
     * consumer has already taken keep their check words, so the steps also lead past a head that ran ahead of
     * the stored tail.
     */
    private long publishedEnd(final long storedTail)
    {
        long position = storedTail;
        while (position - cachedHead < capacity)
        {
            final int index = (int)position & mask;
            final long record = dataOffset + index;
            // acquire: the record's header and payload were written before its check word
            final long check = (long)LONG.getAcquire(segment, record + RingDescriptor.CHECK_FIELD);
            final long header = segment.get(JAVA_LONG, record + RingDescriptor.HEADER_FIELD);
            if (check != RingDescriptor.check(seed, position, header))
            {
                break;
            }
            final int recordLength = RingDescriptor.extent(header, index, capacity, maxFragment);
            if (recordLength < 0 || position + recordLength - cachedHead > capacity)
            {
                break;
            }
            position += recordLength;
        }
        if (position != storedTail)
        {
            // release: as after a commit
            LONG.setRelease(segment, tailOffset, position);
        }
        return position;
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
            // written now, published by commit just before the record: a claim given up leaves nothing visible
            segment.set(JAVA_LONG, record + RingDescriptor.HEADER_FIELD,
                RingDescriptor.header(toEnd - RingDescriptor.HEADER_LENGTH, RingDescriptor.PADDING));
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
        final long record = payloadOffset - RingDescriptor.HEADER_LENGTH;
        final long header = RingDescriptor.header(length, info);
        segment.set(JAVA_LONG, record + RingDescriptor.HEADER_FIELD, header);
        if (pendingRecord != tail)
        {
            // claim wrote a padding record at the tail first
            final int paddingIndex = (int)tail & mask;
            final long padding = dataOffset + paddingIndex;
            // the header claim wrote, computed again rather than read back: the writer trusts the ring no more
            // than the reader does
            final long paddingHeader = RingDescriptor.header(capacity - paddingIndex - RingDescriptor.HEADER_LENGTH,
                RingDescriptor.PADDING);
            // release: publishes the padding, before the record after it (records are published in ring order)
            LONG.setRelease(segment, padding + RingDescriptor.CHECK_FIELD,
                RingDescriptor.check(seed, tail, paddingHeader));
        }
        // release: publishes the header and payload written above (plain store on x86, no fence); the consumer
        // polls this word
        LONG.setRelease(segment, record + RingDescriptor.CHECK_FIELD,
            RingDescriptor.check(seed, pendingRecord, header));
        final long newTail = pendingRecord + RingDescriptor.recordLength(length);
        tail = newTail;
        // release: after the check word, so the tail never runs ahead of what is published
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
}
