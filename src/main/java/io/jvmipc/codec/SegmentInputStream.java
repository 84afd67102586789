package io.jvmipc.codec;

import java.io.InputStream;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/** Reads a message's bytes. */
final class SegmentInputStream extends InputStream
{
    private final MemorySegment source;
    private final long end;
    private long position;

    SegmentInputStream(final MemorySegment source, final long offset, final int length)
    {
        this.source = source;
        this.position = offset;
        this.end = offset + length;
    }

    @Override
    public int read()
    {
        return position < end ? source.get(JAVA_BYTE, position++) & 0xFF : -1;
    }

    @Override
    public int read(final byte[] bytes, final int from, final int length)
    {
        if (length == 0)
        {
            return 0;
        }
        if (position >= end)
        {
            return -1;
        }
        final int n = (int)Math.min(length, end - position);
        MemorySegment.copy(source, JAVA_BYTE, position, bytes, from, n);
        position += n;
        return n;
    }

    @Override
    public int available()
    {
        return (int)(end - position);
    }
}
