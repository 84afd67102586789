package io.jvmipc.codec;

import java.io.OutputStream;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * Writes into the destination of the current call up to its limit, and counts (without writing) what goes
 * past it, so that a value too large is reported with its full length.
 */
final class SegmentOutputStream extends OutputStream
{
    private MemorySegment destination;
    private long offset;
    private long limit;
    private long count;
    private long lifetime;

    /** Points the stream at {@code limit} bytes of {@code destination} from {@code offset}, count reset. */
    void target(final MemorySegment destination, final long offset, final int limit)
    {
        this.destination = destination;
        this.offset = offset;
        this.limit = Math.max(0, limit);
        this.count = 0;
    }

    /** The bytes given since the last {@link #target}, including those past the limit. */
    long count()
    {
        return count;
    }

    /** Drops the destination; returns the bytes this stream has been given in all. */
    long release()
    {
        destination = null;
        lifetime += count;
        return lifetime;
    }

    @Override
    public void write(final int b)
    {
        if (count < limit)
        {
            destination.set(JAVA_BYTE, offset + count, (byte)b);
        }
        count++;
    }

    @Override
    public void write(final byte[] bytes, final int from, final int length)
    {
        final long fits = Math.min(length, limit - count);
        if (fits > 0)
        {
            MemorySegment.copy(bytes, from, destination, JAVA_BYTE, offset + count, (int)fits);
        }
        count += length;
    }
}
