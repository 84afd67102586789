package io.jvmipc.queue;

import io.jvmipc.MessageTooLargeException;
import io.jvmipc.codec.Codec;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/** A plain UTF-8 codec for queue tests, independent of the library's codecs under test elsewhere. */
final class TestCodec implements Codec<String>
{
    static final TestCodec INSTANCE = new TestCodec();

    @Override
    public int encode(final String value, final MemorySegment destination, final long offset, final int maxLength)
    {
        final byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > maxLength)
        {
            throw new MessageTooLargeException("test", bytes.length, maxLength);
        }
        MemorySegment.copy(bytes, 0, destination, JAVA_BYTE, offset, bytes.length);
        return bytes.length;
    }

    @Override
    public int encodedLength(final String value)
    {
        return value.getBytes(StandardCharsets.UTF_8).length;
    }

    @Override
    public String decode(final MemorySegment source, final long offset, final int length)
    {
        return new String(source.asSlice(offset, length).toArray(JAVA_BYTE), StandardCharsets.UTF_8);
    }
}
