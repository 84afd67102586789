package io.jvmipc.pipe;

import io.jvmipc.MessageTooLargeException;
import io.jvmipc.codec.Codec;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/** The codec of a pipe built without one: a {@code byte[]} is its own encoding. */
final class ByteArrayCodec implements Codec<byte[]>
{
    static final ByteArrayCodec INSTANCE = new ByteArrayCodec();

    private ByteArrayCodec()
    {
    }

    @Override
    public int encode(final byte[] value, final MemorySegment destination, final long offset, final int maxLength)
    {
        if (value.length > maxLength)
        {
            throw new MessageTooLargeException("the space offered", value.length, maxLength);
        }
        MemorySegment.copy(value, 0, destination, JAVA_BYTE, offset, value.length);
        return value.length;
    }

    @Override
    public byte[] decode(final MemorySegment source, final long offset, final int length)
    {
        final byte[] value = new byte[length];
        MemorySegment.copy(source, JAVA_BYTE, offset, value, 0, length);
        return value;
    }

    @Override
    public int encodedLength(final byte[] value)
    {
        return value.length;
    }
}
