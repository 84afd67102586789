package io.jvmipc.codec;

import io.jvmipc.MessageTooLargeException;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/** Byte arrays as they are; see {@link Codecs#bytes()}. */
final class ByteArrayCodec implements Codec<byte[]>
{
    static final ByteArrayCodec INSTANCE = new ByteArrayCodec();
    /** See {@link Codec#identity()}. */
    static final String IDENTITY = "jvmipc.bytes/1";

    private ByteArrayCodec()
    {
    }

    @Override
    public int encode(final byte[] value, final MemorySegment destination, final long offset, final int maxLength)
    {
        if (value.length > maxLength)
        {
            throw new MessageTooLargeException("the destination of the bytes codec", value.length, maxLength);
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

    @Override
    public String identity()
    {
        return IDENTITY;
    }

    @Override
    public String toString()
    {
        return "Codecs.bytes()";
    }
}
