package io.jvmipc.aeron;

import io.jvmipc.codec.Codec;
import io.jvmipc.codec.Codecs;

import java.lang.foreign.MemorySegment;

/**
 * A message's bytes as the queue holds them, under the identity of the codec the queue's users chose: the bridge
 * opens their queue without knowing their type, and carries bytes it never decodes. The bytes go through
 * {@link Codecs#bytes()}; only the identity is borrowed.
 */
final class RawCodec implements Codec<byte[]>
{
    private static final Codec<byte[]> BYTES = Codecs.bytes();

    private final String identity;

    RawCodec(final String identity)
    {
        this.identity = identity;
    }

    @Override
    public int encode(final byte[] value, final MemorySegment destination, final long offset, final int maxLength)
    {
        return BYTES.encode(value, destination, offset, maxLength);
    }

    @Override
    public byte[] decode(final MemorySegment source, final long offset, final int length)
    {
        return BYTES.decode(source, offset, length);
    }

    @Override
    public int encodedLength(final byte[] value)
    {
        return BYTES.encodedLength(value);
    }

    @Override
    public String identity()
    {
        return identity;
    }
}
