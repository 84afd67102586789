package io.jvmipc.codec;

import io.jvmipc.MessageTooLargeException;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** A long as 8 little-endian bytes; see {@link Codecs#ofLong()}. */
final class LongCodec implements Codec<Long>
{
    static final LongCodec INSTANCE = new LongCodec();
    /** See {@link Codec#identity()}. */
    static final String IDENTITY = "jvmipc.long-le/1";
    private static final ValueLayout.OfLong LAYOUT = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private LongCodec()
    {
    }

    @Override
    public int encode(final Long value, final MemorySegment destination, final long offset, final int maxLength)
    {
        if (maxLength < Long.BYTES)
        {
            throw new MessageTooLargeException("the destination of the long codec", Long.BYTES, maxLength);
        }
        destination.set(LAYOUT, offset, value);
        return Long.BYTES;
    }

    @Override
    public Long decode(final MemorySegment source, final long offset, final int length)
    {
        if (length != Long.BYTES)
        {
            throw new CodecException("a long takes " + Long.BYTES + " bytes, not " + length, null);
        }
        return source.get(LAYOUT, offset);
    }

    @Override
    public int encodedLength(final Long value)
    {
        return Long.BYTES;
    }

    @Override
    public String identity()
    {
        return IDENTITY;
    }

    @Override
    public String toString()
    {
        return "Codecs.ofLong()";
    }
}
