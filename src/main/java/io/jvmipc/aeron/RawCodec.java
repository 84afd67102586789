package io.jvmipc.aeron;

import io.jvmipc.MessageTooLargeException;
import io.jvmipc.codec.Codec;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * A message's bytes as the queue holds them, under the identity of the codec the queue's users chose: the bridge
 * opens their queue without knowing their type, and carries bytes it never decodes.
 */
final class RawCodec implements Codec<byte[]>
{
    private final String identity;

    RawCodec(final String identity)
    {
        this.identity = identity;
    }

    @Override
    public int encode(final byte[] value, final MemorySegment destination, final long offset, final int maxLength)
    {
        if (value.length > maxLength)
        {
            throw new MessageTooLargeException("a bridged queue slot", value.length, maxLength);
        }
        MemorySegment.copy(value, 0, destination, JAVA_BYTE, offset, value.length);
        return value.length;
    }

    @Override
    public byte[] decode(final MemorySegment source, final long offset, final int length)
    {
        final byte[] bytes = new byte[length];
        MemorySegment.copy(source, JAVA_BYTE, offset, bytes, 0, length);
        return bytes;
    }

    @Override
    public int encodedLength(final byte[] value)
    {
        return value.length;
    }

    @Override
    public String identity()
    {
        return identity;
    }
}
