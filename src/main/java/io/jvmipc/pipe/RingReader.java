package io.jvmipc.pipe;

import io.jvmipc.file.CorruptFileException;
import io.jvmipc.wait.Signal;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The consuming side of one ring ({@link RingDescriptor}); one thread at a time. Keeps its own head and a
 * cached copy of the producer's tail, read (with acquire) only when every record below the cached tail has been
 * consumed. Publishes its head with a release store after each record (a plain store on x86; the producer
 * reads that line only when its own cached head shows the ring full), then wakes a producer sleeping for space
 * through a {@link Doorbell}.
 */
final class RingReader
{
    private static final VarHandle LONG = JAVA_LONG.varHandle();

    private final MemorySegment segment;
    private final Path path;
    private final long tailOffset;
    private final long headOffset;
    private final long dataOffset;
    private final long peerFlagsOffset;
    private final int capacity;
    private final int mask;
    private final Signal dataSignal;
    private final Doorbell producerBell;
    private long head;
    private long cachedTail;
    private int length;
    private int info;

    RingReader(final MemorySegment segment, final Path path, final long ringOffset, final int capacity,
        final long peerFlagsOffset, final Signal dataSignal, final Signal spaceSignal)
    {
        this.segment = segment;
        this.path = path;
        this.tailOffset = ringOffset + RingDescriptor.TAIL_OFFSET;
        this.headOffset = ringOffset + RingDescriptor.HEAD_OFFSET;
        this.dataOffset = ringOffset + RingDescriptor.DATA_OFFSET;
        this.peerFlagsOffset = peerFlagsOffset;
        this.capacity = capacity;
        this.mask = capacity - 1;
        this.dataSignal = dataSignal;
        this.producerBell = new Doorbell(segment, spaceSignal, ringOffset + RingDescriptor.SPACE_SIGNAL_OFFSET,
            peerFlagsOffset);
        // acquire: a reader taking over a dead one's end continues from what it consumed
        this.head = (long)LONG.getAcquire(segment, headOffset);
        this.cachedTail = head;
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
     * Finds the next record, skipping padding. Afterwards {@link #length()} and {@link #info()} describe it.
     *
     * @return the segment offset of its payload, or -1 if the ring is empty.
     * @throws CorruptFileException if a record header is impossible (the file was overwritten).
     */
    long peek()
    {
        while (true)
        {
            if (head == cachedTail)
            {
                // acquire: records below the tail are fully written
                cachedTail = (long)LONG.getAcquire(segment, tailOffset);
                if (head == cachedTail)
                {
                    return -1;
                }
            }
            final int index = (int)head & mask;
            final long header = segment.get(JAVA_LONG, dataOffset + index);
            final int recordPayload = (int)header;
            final int recordInfo = (int)(header >> 32);
            if (recordPayload < 0 || recordPayload > capacity - index - RingDescriptor.HEADER_LENGTH ||
                cachedTail - head > capacity || recordInfo < RingDescriptor.PADDING)
            {
                throw new CorruptFileException(path, "has an impossible pipe record at position " + head +
                    " (length " + recordPayload + ", info " + recordInfo + ", tail " + cachedTail + ")");
            }
            if (recordInfo == RingDescriptor.PADDING)
            {
                head += capacity - index;
                continue;
            }
            length = recordPayload;
            info = recordInfo;
            return dataOffset + index + RingDescriptor.HEADER_LENGTH;
        }
    }

    /**
     * The payload length of the record found by {@link #peek()}.
     *
     * @return bytes.
     */
    int length()
    {
        return length;
    }

    /**
     * The info word of the record found by {@link #peek()}: its message's length, or
     * {@link RingDescriptor#CONTINUATION}.
     *
     * @return the info word.
     */
    int info()
    {
        return info;
    }

    /** Consumes the record found by {@link #peek()} and wakes a producer waiting for space. */
    void advance()
    {
        head += RingDescriptor.recordLength(length);
        // release: our reads of the record are done before the producer may overwrite it
        LONG.setRelease(segment, headOffset, head);
        producerBell.ring();
    }
}
