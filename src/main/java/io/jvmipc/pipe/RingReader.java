package io.jvmipc.pipe;

import io.jvmipc.file.CorruptFileException;
import io.jvmipc.wait.Doorbell;
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
 * <p>
 * <b>Nothing read from the ring is trusted.</b> The tail, and each record's length and info word, are checked
 * against the pipe's own limits before use (see {@link #peek()}): a record that the pipe's writer could not have
 * written is reported as a {@link CorruptFileException} naming the file and the record's position, and never
 * makes a receiver allocate more than the pipe's maximum message length.
 */
final class RingReader
{
    private static final VarHandle LONG = JAVA_LONG.varHandle();

    private final MemorySegment segment;
    private final Path path;
    private final long tailOffset;
    private final long headOffset;
    private final long dataOffset;
    private final long ringOffset;
    private final int capacity;
    private final int maxFragment;
    private final int maxMessage;
    private final int mask;
    private final Signal dataSignal;
    private final Doorbell producerBell;
    private long head;
    private long cachedTail;
    private int length;
    private int info;

    RingReader(final MemorySegment segment, final Path path, final long ringOffset, final int capacity,
        final int maxMessage, final Signal dataSignal, final Signal spaceSignal)
    {
        this.segment = segment;
        this.path = path;
        this.tailOffset = ringOffset + RingDescriptor.TAIL_OFFSET;
        this.headOffset = ringOffset + RingDescriptor.HEAD_OFFSET;
        this.dataOffset = ringOffset + RingDescriptor.DATA_OFFSET;
        this.ringOffset = ringOffset;
        this.capacity = capacity;
        this.maxFragment = RingDescriptor.maxFragment(capacity);
        this.maxMessage = maxMessage;
        this.mask = capacity - 1;
        this.dataSignal = dataSignal;
        this.producerBell = new Doorbell(segment, spaceSignal, ringOffset + RingDescriptor.SPACE_SIGNAL_OFFSET);
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
     * <p>
     * Checks, before anything is used: the tail is aligned and at most one ring ahead of the head; a padding
     * record fills exactly the rest of the data; any other record lies below the tail and within the data,
     * carries at most {@link RingDescriptor#maxFragment(int)} bytes, and its info word is
     * {@link RingDescriptor#CONTINUATION} or a message length of at most the pipe's maximum that is either its
     * own length or (for a message the writer had to split) more than one fragment, with a full first fragment.
     *
     * @return the segment offset of its payload, or -1 if the ring is empty.
     * @throws CorruptFileException if the tail or a record header is impossible (the file was overwritten).
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
                if (cachedTail - head < RingDescriptor.HEADER_LENGTH || cachedTail - head > capacity ||
                    ((cachedTail | head) & (RingDescriptor.ALIGNMENT - 1)) != 0)
                {
                    throw corrupt("an impossible tail " + cachedTail + " for head " + head);
                }
            }
            final int index = (int)head & mask;
            final long header = segment.get(JAVA_LONG, dataOffset + index);
            final int recordPayload = (int)header;
            final int recordInfo = (int)(header >> 32);
            final long available = cachedTail - head;
            if (recordInfo == RingDescriptor.PADDING)
            {
                if (recordPayload != capacity - index - RingDescriptor.HEADER_LENGTH || capacity - index > available)
                {
                    throw corrupt(recordPayload, recordInfo);
                }
                head += capacity - index;
                continue;
            }
            if (recordPayload < 0 || recordPayload > maxFragment ||
                RingDescriptor.recordLength(recordPayload) > Math.min(available, capacity - index) ||
                !(recordInfo == RingDescriptor.CONTINUATION ? recordPayload > 0 : validFirst(recordPayload, recordInfo)))
            {
                throw corrupt(recordPayload, recordInfo);
            }
            length = recordPayload;
            info = recordInfo;
            return dataOffset + index + RingDescriptor.HEADER_LENGTH;
        }
    }

    /** The first record of a message: the whole message, or a full first fragment of a longer one. */
    private boolean validFirst(final int recordPayload, final int messageLength)
    {
        return messageLength >= 0 && messageLength <= maxMessage &&
            (messageLength == recordPayload || messageLength > maxFragment && recordPayload == maxFragment);
    }

    /**
     * Checks a continuation record of a message of which {@code got} of {@code total} bytes have been read: it
     * carries no more than what is missing, and a full fragment unless it is the last.
     *
     * @param got   bytes of the message read so far.
     * @param total the message's length.
     * @throws CorruptFileException if the writer could not have written it.
     */
    void checkContinuation(final int got, final int total)
    {
        if (length > total - got || got + length < total && length != maxFragment)
        {
            throw corrupt("a continuation record of " + length + " bytes at byte " + got + " of a message of " + total +
                " bytes");
        }
    }

    private CorruptFileException corrupt(final int recordPayload, final int recordInfo)
    {
        return corrupt("an impossible record (length " + recordPayload + ", info " + recordInfo + ", tail " +
            cachedTail + "; at most " + maxFragment + " bytes per record, " + maxMessage + " per message)");
    }

    private CorruptFileException corrupt(final String what)
    {
        return new CorruptFileException(path, "has " + what + " in the pipe ring at file offset " + ringOffset +
            ", ring position " + head + " (record at file offset " + (dataOffset + ((int)head & mask)) + ")");
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
