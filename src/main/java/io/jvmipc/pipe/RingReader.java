package io.jvmipc.pipe;

import io.jvmipc.file.CorruptFileException;
import io.jvmipc.wait.Doorbell;
import io.jvmipc.wait.Signal;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The consuming side of one ring ({@link RingDescriptor}); one thread at a time. Keeps its own head and polls
 * the check word of the record at it (acquire), so a waiting consumer watches the one cache line the next
 * message arrives in. Reads the producer's tail only when that word does not check, to tell an empty ring from
 * an overwritten record ({@link #peek()}; {@link #poll()} skips that). Publishes its head with a release store
 * after each record (a plain store on x86; the producer reads that line only when its own cached head shows
 * the ring full), then wakes a producer sleeping for space through a {@link Doorbell}.
 * <p>
 * <b>Nothing read from the ring is trusted.</b> A record is used only if its check word matches its position
 * and header; the tail, and each record's length and info word, are checked against the pipe's own limits before
 * use (see {@link #peek()}): a record that the pipe's writer could not have written is reported as a
 * {@link CorruptFileException} naming the file and the record's position, and never makes a receiver allocate
 * more than the pipe's maximum message length.
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
    private final long seed;
    private final Signal dataSignal;
    private final Doorbell producerBell;
    private long head;
    private int length;
    private int info;

    /**
     * Takes over the consuming side at what was consumed.
     *
     * @throws CorruptFileException if the stored head is not on a record boundary.
     */
    RingReader(final MemorySegment segment, final Path path, final long ringOffset, final int capacity,
        final int maxMessage, final long seed, final Signal dataSignal, final Signal spaceSignal)
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
        this.seed = seed;
        this.dataSignal = dataSignal;
        this.producerBell = new Doorbell(segment, spaceSignal, ringOffset + RingDescriptor.SPACE_SIGNAL_OFFSET);
        // acquire: a reader taking over a dead one's end continues from what it consumed
        this.head = (long)LONG.getAcquire(segment, headOffset);
        if ((head & (RingDescriptor.ALIGNMENT - 1)) != 0)
        {
            throw corrupt("an impossible head");
        }
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
     * Checks, before anything is used: the record's check word matches its position and header (else, if the
     * tail is ahead of the head, the record was published and then overwritten); the tail is aligned, and
     * neither more than a ring ahead of the head nor more than half a ring behind it (it lags the last published
     * record by at most one record and its padding); a padding record fills exactly the rest of the data; any
     * other record lies within the data, carries at most {@link RingDescriptor#maxFragment(int)} bytes, and its
     * info word is {@link RingDescriptor#CONTINUATION} or a message length of at most the pipe's maximum that is
     * either its own length or (for a message the writer had to split) more than one fragment, with a full first
     * fragment.
     *
     * @return the segment offset of its payload, or -1 if the ring is empty.
     * @throws CorruptFileException if the tail or a record is impossible (the file was overwritten).
     */
    long peek()
    {
        return find(true);
    }

    /**
     * {@link #peek()} for a consumer that polls in a tight loop and will call {@link #peek()} before it sleeps:
     * does not read the tail when the check word at the head does not match, so that the loop reads only the line
     * the next record arrives in. An overwritten record then looks like an empty ring, until the next
     * {@link #peek()}.
     *
     * @return the segment offset of the next record's payload, or -1 if none is published (or it was
     *         overwritten).
     * @throws CorruptFileException if a published record is impossible.
     */
    long poll()
    {
        return find(false);
    }

    private long find(final boolean checkTail)
    {
        while (true)
        {
            final int index = (int)head & mask;
            final long record = dataOffset + index;
            // acquire: the header and payload were written before the check word that publishes them
            long check = (long)LONG.getAcquire(segment, record + RingDescriptor.CHECK_FIELD);
            long header = segment.get(JAVA_LONG, record + RingDescriptor.HEADER_FIELD);
            if (check != RingDescriptor.check(seed, head, header))
            {
                if (!checkTail || !tailAhead())
                {
                    return -1;
                }
                // the tail was stored after the check word of every record below it: look again
                check = (long)LONG.getAcquire(segment, record + RingDescriptor.CHECK_FIELD);
                header = segment.get(JAVA_LONG, record + RingDescriptor.HEADER_FIELD);
                if (check != RingDescriptor.check(seed, head, header))
                {
                    throw corrupt("a record below the tail whose check word " + Long.toHexString(check) +
                        " does not match its header " + Long.toHexString(header));
                }
            }
            final int recordPayload = (int)header;
            final int recordInfo = (int)(header >> 32);
            final int extent = RingDescriptor.extent(header, index, capacity, maxFragment);
            if (extent < 0)
            {
                throw corrupt(recordPayload, recordInfo);
            }
            if (recordInfo == RingDescriptor.PADDING)
            {
                head += extent;
                continue;
            }
            if (recordInfo == RingDescriptor.CONTINUATION ? recordPayload == 0 : !validFirst(recordPayload, recordInfo))
            {
                throw corrupt(recordPayload, recordInfo);
            }
            length = recordPayload;
            info = recordInfo;
            return record + RingDescriptor.HEADER_LENGTH;
        }
    }

    /** Whether the producer's tail is ahead of the head; checks it is one the producer could have stored. */
    private boolean tailAhead()
    {
        // acquire: records below the tail are published
        final long tail = (long)LONG.getAcquire(segment, tailOffset);
        final long ahead = tail - head;
        if (ahead > capacity || ahead < -(capacity / 2) || (tail & (RingDescriptor.ALIGNMENT - 1)) != 0)
        {
            throw corrupt("an impossible tail " + tail + " for head " + head);
        }
        return ahead > 0;
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
        return corrupt("an impossible record (length " + recordPayload + ", info " + recordInfo + "; at most " +
            maxFragment + " bytes per record, " + maxMessage + " per message)");
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
