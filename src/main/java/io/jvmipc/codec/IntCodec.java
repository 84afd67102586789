package io.jvmipc.codec;

import io.jvmipc.MessageTooLargeException;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** An int as 4 little-endian bytes; see {@link Codecs#ofInt()}. */
final class IntCodec implements Codec<Integer>
{
    static final IntCodec INSTANCE = new IntCodec();
    /** See {@link Codec#identity()}. */
    static final String IDENTITY = "jvmipc.int-le/1";
    private static final ValueLayout.OfInt LAYOUT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private IntCodec()
    {
    }

    @Override
    public int encode(final Integer value, final MemorySegment destination, final long offset, final int maxLength)
    {
        if (maxLength < Integer.BYTES)
        {
            throw new MessageTooLargeException("the destination of the int codec", Integer.BYTES, maxLength);
        }
        destination.set(LAYOUT, offset, value);
        return Integer.BYTES;
    }

    @Override
    public Integer decode(final MemorySegment source, final long offset, final int length)
    {
        if (length != Integer.BYTES)
        {
            throw new CodecException("an int takes " + Integer.BYTES + " bytes, not " + length, null);
        }
        return source.get(LAYOUT, offset);
    }

    @Override
    public int encodedLength(final Integer value)
    {
        return Integer.BYTES;
    }

    @Override
    public String identity()
    {
        return IDENTITY;
    }

    @Override
    public String toString()
    {
        return "Codecs.ofInt()";
    }
}
