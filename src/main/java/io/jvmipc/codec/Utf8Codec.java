package io.jvmipc.codec;

import io.jvmipc.MessageTooLargeException;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/** Strings as UTF-8, encoded in place; see {@link Codecs#utf8()}. */
final class Utf8Codec implements Codec<String>
{
    static final Utf8Codec INSTANCE = new Utf8Codec();
    /** See {@link Codec#identity()}. */
    static final String IDENTITY = "jvmipc.utf8/1";

    /** Strict decoders (malformed input is reported, not replaced), one per thread: they are stateful. */
    private static final ThreadLocal<CharsetDecoder> DECODER = ThreadLocal.withInitial(
        () -> StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT));

    private Utf8Codec()
    {
    }

    @Override
    public int encode(final String value, final MemorySegment destination, final long offset, final int maxLength)
    {
        final int chars = value.length();
        // every UTF-16 char takes at most 3 bytes (a surrogate pair, two chars, takes 4): measure only if it may
        // not fit
        if ((long)chars * 3 > maxLength)
        {
            final int needed = encodedLength(value);
            if (needed > maxLength)
            {
                throw new MessageTooLargeException("the destination of the utf8 codec", needed, maxLength);
            }
        }
        long position = offset;
        int i = 0;
        for (; i < chars; i++)
        {
            final char c = value.charAt(i);
            if (c >= 0x80)
            {
                break;
            }
            destination.set(JAVA_BYTE, position++, (byte)c);
        }
        for (; i < chars; i++)
        {
            final char c = value.charAt(i);
            if (c < 0x80)
            {
                destination.set(JAVA_BYTE, position++, (byte)c);
            }
            else if (c < 0x800)
            {
                destination.set(JAVA_BYTE, position++, (byte)(0xC0 | c >>> 6));
                destination.set(JAVA_BYTE, position++, (byte)(0x80 | c & 0x3F));
            }
            else if (Character.isSurrogate(c))
            {
                final int codePoint = codePointAt(value, i);
                destination.set(JAVA_BYTE, position++, (byte)(0xF0 | codePoint >>> 18));
                destination.set(JAVA_BYTE, position++, (byte)(0x80 | codePoint >>> 12 & 0x3F));
                destination.set(JAVA_BYTE, position++, (byte)(0x80 | codePoint >>> 6 & 0x3F));
                destination.set(JAVA_BYTE, position++, (byte)(0x80 | codePoint & 0x3F));
                i++;
            }
            else
            {
                destination.set(JAVA_BYTE, position++, (byte)(0xE0 | c >>> 12));
                destination.set(JAVA_BYTE, position++, (byte)(0x80 | c >>> 6 & 0x3F));
                destination.set(JAVA_BYTE, position++, (byte)(0x80 | c & 0x3F));
            }
        }
        return (int)(position - offset);
    }

    @Override
    public String decode(final MemorySegment source, final long offset, final int length)
    {
        final ByteBuffer bytes = source.asSlice(offset, length).asByteBuffer();
        try
        {
            return DECODER.get().reset().decode(bytes).toString();
        }
        catch (final CharacterCodingException e)
        {
            throw new CodecException("invalid UTF-8 at byte " + bytes.position() + " of a " + length +
                "-byte message", e);
        }
    }

    /**
     * The exact UTF-8 length of {@code value}.
     *
     * @throws IllegalArgumentException if it holds an unpaired surrogate.
     */
    @Override
    public int encodedLength(final String value)
    {
        final int chars = value.length();
        long length = chars;
        for (int i = 0; i < chars; i++)
        {
            final char c = value.charAt(i);
            if (c >= 0x80)
            {
                if (c < 0x800)
                {
                    length += 1;
                }
                else if (Character.isSurrogate(c))
                {
                    codePointAt(value, i);
                    // two chars, four bytes
                    length += 2;
                    i++;
                }
                else
                {
                    length += 2;
                }
            }
        }
        return (int)Math.min(length, Integer.MAX_VALUE);
    }

    /** The code point of the surrogate pair at {@code i}; throws for an unpaired surrogate. */
    private static int codePointAt(final String value, final int i)
    {
        final char high = value.charAt(i);
        if (Character.isHighSurrogate(high) && i + 1 < value.length())
        {
            final char low = value.charAt(i + 1);
            if (Character.isLowSurrogate(low))
            {
                return Character.toCodePoint(high, low);
            }
        }
        throw new IllegalArgumentException(String.format("unpaired surrogate U+%04X at index %d: the string has no " +
            "UTF-8 encoding", (int)high, i));
    }

    @Override
    public String identity()
    {
        return IDENTITY;
    }

    @Override
    public String toString()
    {
        return "Codecs.utf8()";
    }
}
