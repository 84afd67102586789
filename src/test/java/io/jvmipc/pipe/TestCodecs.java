package io.jvmipc.pipe;

import io.jvmipc.MessageTooLargeException;
import io.jvmipc.codec.Codec;
import io.jvmipc.codec.CodecException;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/** Small codecs for the pipe tests. */
final class TestCodecs
{
    private TestCodecs()
    {
    }

    /** UTF-8 strings whose length is not announced, so the pipe encodes them through its scratch buffer. */
    static final Codec<String> UTF8_UNKNOWN_LENGTH = new Codec<>()
    {
        @Override
        public int encode(final String value, final MemorySegment destination, final long offset, final int maxLength)
        {
            final byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
            if (bytes.length > maxLength)
            {
                throw new MessageTooLargeException("test codec", bytes.length, maxLength);
            }
            MemorySegment.copy(bytes, 0, destination, JAVA_BYTE, offset, bytes.length);
            return bytes.length;
        }

        @Override
        public String decode(final MemorySegment source, final long offset, final int length)
        {
            final byte[] bytes = new byte[length];
            MemorySegment.copy(source, JAVA_BYTE, offset, bytes, 0, length);
            if (length > 0 && bytes[0] == 0)
            {
                throw new CodecException("a test message may not start with a zero byte", null);
            }
            return new String(bytes, StandardCharsets.UTF_8);
        }
    };
}
