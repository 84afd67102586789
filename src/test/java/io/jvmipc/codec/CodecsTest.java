package io.jvmipc.codec;

import io.jvmipc.MessageTooLargeException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CodecsTest
{
    private static final byte FILL = (byte)0x5A;
    private static final int OFFSET = 3;

    record Point(int x, int y, String label) implements Serializable
    {
    }

    record Line(Point from, Point to, long[] weights) implements Serializable
    {
    }

    record Nest(Nest inner) implements Serializable
    {
    }

    enum Colour
    {
        RED, GREEN
    }

    private final MemorySegment segment = Arena.ofAuto().allocate(4096);

    private <T> T roundTrip(final Codec<T> codec, final T value)
    {
        segment.fill(FILL);
        final int length = codec.encode(value, segment, OFFSET, 4096 - OFFSET);
        final int expected = codec.encodedLength(value);
        if (expected >= 0)
        {
            assertEquals(expected, length, "encodedLength must equal what encode wrote");
        }
        assertEquals(FILL, segment.get(JAVA_BYTE, OFFSET - 1), "wrote before the offset");
        assertEquals(FILL, segment.get(JAVA_BYTE, OFFSET + length), "wrote past its length");
        return codec.decode(segment, OFFSET, length);
    }

    private byte[] written(final int length)
    {
        return segment.asSlice(OFFSET, length).toArray(JAVA_BYTE);
    }

    private void put(final byte[] bytes)
    {
        MemorySegment.copy(bytes, 0, segment, JAVA_BYTE, OFFSET, bytes.length);
    }

    @Test
    void shouldRoundTripByteArrays()
    {
        final byte[] value = {0, 1, -1, 127, -128, 42};
        assertArrayEquals(value, roundTrip(Codecs.bytes(), value));
        assertArrayEquals(new byte[0], roundTrip(Codecs.bytes(), new byte[0]));
        assertEquals(6, Codecs.bytes().encodedLength(value));
    }

    @Test
    void shouldCopyBytesOutOfTheSegment()
    {
        final byte[] value = {1, 2, 3};
        final int length = Codecs.bytes().encode(value, segment, OFFSET, 3);
        final byte[] decoded = Codecs.bytes().decode(segment, OFFSET, length);
        segment.set(JAVA_BYTE, OFFSET, (byte)99);
        assertArrayEquals(value, decoded, "decoded array must not alias shared memory");
    }

    @Test
    void shouldEncodeBytesThatExactlyFitAndRefuseOneMore()
    {
        segment.fill(FILL);
        assertEquals(8, Codecs.bytes().encode(new byte[8], segment, OFFSET, 8));
        segment.fill(FILL);
        final MessageTooLargeException e = assertThrows(MessageTooLargeException.class,
            () -> Codecs.bytes().encode(new byte[9], segment, OFFSET, 8));
        assertEquals(9, e.length());
        assertEquals(8, e.maxLength());
        assertTrue(e.getMessage().contains("9") && e.getMessage().contains("8"), e.getMessage());
        assertEquals(FILL, segment.get(JAVA_BYTE, OFFSET), "nothing written when it does not fit");
    }

    @Test
    void shouldRoundTripUtf8IncludingNonAsciiAndSurrogatePairs()
    {
        for (final String value : List.of("", "hello", "é", "ü€", "日本語", "😀", "a😀b€c\u0000d", "\uFFFF\u0800\u07FF"))
        {
            assertEquals(value, roundTrip(Codecs.utf8(), value));
            final int length = Codecs.utf8().encodedLength(value);
            assertArrayEquals(value.getBytes(StandardCharsets.UTF_8), written(length), value);
        }
    }

    @Test
    void shouldEncodeUtf8ThatExactlyFitsAndRefuseOneByteOver()
    {
        final String value = "aé€😀";
        final int length = value.getBytes(StandardCharsets.UTF_8).length;
        assertEquals(10, length);
        assertEquals(length, Codecs.utf8().encodedLength(value));
        assertEquals(length, Codecs.utf8().encode(value, segment, OFFSET, length));
        final MessageTooLargeException e = assertThrows(MessageTooLargeException.class,
            () -> Codecs.utf8().encode(value, segment, OFFSET, length - 1));
        assertEquals(length, e.length());
        assertEquals(length - 1, e.maxLength());
        final String ascii = "x".repeat(100);
        assertEquals(100, Codecs.utf8().encode(ascii, segment, OFFSET, 100));
        assertThrows(MessageTooLargeException.class, () -> Codecs.utf8().encode(ascii, segment, OFFSET, 99));
    }

    @Test
    void shouldRefuseUnpairedSurrogates()
    {
        assertThrows(IllegalArgumentException.class, () -> Codecs.utf8().encode("a\uD83Db", segment, 0, 100));
        assertThrows(IllegalArgumentException.class, () -> Codecs.utf8().encode("\uDE00", segment, 0, 100));
        assertThrows(IllegalArgumentException.class, () -> Codecs.utf8().encode("end\uD83D", segment, 0, 100));
    }

    @Test
    void shouldRefuseInvalidUtf8OnDecode()
    {
        final byte[][] invalid = {
            {(byte)0xFF},
            {(byte)0xC3},                                   // truncated two-byte sequence
            {(byte)0xC0, (byte)0x80},                       // overlong NUL
            {(byte)0xED, (byte)0xA0, (byte)0x80},           // an encoded surrogate
            {'o', 'k', (byte)0x80},                         // stray continuation byte
            {(byte)0xF4, (byte)0x90, (byte)0x80, (byte)0x80}, // above U+10FFFF
        };
        for (final byte[] bytes : invalid)
        {
            put(bytes);
            assertThrows(CodecException.class, () -> Codecs.utf8().decode(segment, OFFSET, bytes.length),
                Arrays.toString(bytes));
        }
    }

    @Test
    void shouldRoundTripPrimitivesLittleEndian()
    {
        assertEquals(Long.MIN_VALUE, roundTrip(Codecs.ofLong(), Long.MIN_VALUE));
        assertEquals(-2L, roundTrip(Codecs.ofLong(), -2L));
        assertEquals(Integer.MAX_VALUE, roundTrip(Codecs.ofInt(), Integer.MAX_VALUE));
        Codecs.ofInt().encode(0x01020304, segment, OFFSET, 4);
        assertArrayEquals(new byte[] {4, 3, 2, 1}, written(4));
        assertThrows(MessageTooLargeException.class, () -> Codecs.ofLong().encode(1L, segment, 0, 7));
        assertThrows(MessageTooLargeException.class, () -> Codecs.ofInt().encode(1, segment, 0, 3));
        assertThrows(CodecException.class, () -> Codecs.ofLong().decode(segment, 0, 4));
        assertThrows(CodecException.class, () -> Codecs.ofInt().decode(segment, 0, 8));
    }

    @Test
    void shouldRoundTripAllowedSerializableGraphs()
    {
        final Codec<Object> codec = Codecs.serializable(Point.class, Line.class, Colour.class);
        final Point a = new Point(1, -2, "é😀");
        final Line line = new Line(a, new Point(3, 4, null), new long[] {5, 6});
        final Line decoded = (Line)roundTrip(codec, line);
        assertEquals(line.from(), decoded.from());
        assertEquals(line.to(), decoded.to());
        assertArrayEquals(line.weights(), decoded.weights());
        assertEquals(Colour.GREEN, roundTrip(codec, Colour.GREEN));
        assertEquals("plain string", roundTrip(codec, "plain string"));
        assertEquals(42, roundTrip(codec, 42));
        assertArrayEquals(new Point[] {a, null}, (Object[])roundTrip(codec, new Point[] {a, null}));
    }

    @Test
    void shouldRejectClassesNotAllowedOnDecode()
    {
        final Codec<Object> codec = Codecs.serializable(Point.class);
        final ArrayList<String> list = new ArrayList<>(List.of("a"));
        segment.fill(FILL);
        final int length = codec.encode(list, segment, OFFSET, 1000);
        final CodecException e = assertThrows(CodecException.class, () -> codec.decode(segment, OFFSET, length));
        assertInstanceOf(InvalidClassException.class, e.getCause(), "refused by the filter, not by accident");
        assertTrue(e.getMessage().contains("REJECTED"), e.getMessage());
        // a listed class nested in a not-listed one, and the reverse
        final int lineLength = Codecs.<Object>serializable(Point.class, Line.class)
            .encode(new Line(new Point(1, 1, "a"), new Point(2, 2, "b"), new long[0]), segment, OFFSET, 1000);
        assertInstanceOf(InvalidClassException.class,
            assertThrows(CodecException.class, () -> codec.decode(segment, OFFSET, lineLength)).getCause());
        final int arrayLength = codec.encode(new Object[] {new Point(1, 1, "a")}, segment, OFFSET, 1000);
        assertInstanceOf(InvalidClassException.class,
            assertThrows(CodecException.class, () -> codec.decode(segment, OFFSET, arrayLength),
                "Object[] is not allowed although its element is").getCause());
    }

    @Test
    void shouldRejectGraphsNestedTooDeep()
    {
        final Codec<Object> codec = Codecs.serializable(Nest.class);
        Nest shallow = null;
        for (int i = 0; i < 10; i++)
        {
            shallow = new Nest(shallow);
        }
        assertEquals(shallow, roundTrip(codec, shallow));
        Nest deep = null;
        for (int i = 0; i < SerializableCodec.MAX_DEPTH + 10; i++)
        {
            deep = new Nest(deep);
        }
        final int length = codec.encode(deep, segment, OFFSET, 4000);
        assertInstanceOf(InvalidClassException.class,
            assertThrows(CodecException.class, () -> codec.decode(segment, OFFSET, length)).getCause());
    }

    @Test
    void shouldRejectAForgedHugeArrayLengthWithoutAllocatingIt() throws IOException
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes))
        {
            out.writeObject(new long[2]);
        }
        final byte[] stream = bytes.toByteArray();
        // the array's length is the last int before the 16 bytes of elements: forge it to 1 << 30
        final int lengthAt = stream.length - 16 - 4;
        assertEquals(2, stream[lengthAt + 3]);
        stream[lengthAt] = 0x40;
        stream[lengthAt + 3] = 0;
        put(stream);
        assertInstanceOf(InvalidClassException.class, assertThrows(CodecException.class,
            () -> Codecs.serializable(Point.class).decode(segment, OFFSET, stream.length)).getCause());
    }

    @Test
    void shouldThrowCodecExceptionForGarbage()
    {
        final byte[] garbage = "definitely not a serialisation stream".getBytes(StandardCharsets.US_ASCII);
        put(garbage);
        assertThrows(CodecException.class,
            () -> Codecs.serializable(Point.class).decode(segment, OFFSET, garbage.length));
        final Codec<Object> codec = Codecs.serializable(Point.class);
        final int length = codec.encode(new Point(1, 2, "x"), segment, OFFSET, 1000);
        assertThrows(CodecException.class, () -> codec.decode(segment, OFFSET, length - 1), "truncated stream");
        assertThrows(CodecException.class, () -> codec.decode(segment, OFFSET, 0), "empty message");
    }

    @Test
    void shouldRefuseSerializableValuesThatDoNotFit()
    {
        final Codec<Object> codec = Codecs.serializable(Point.class);
        final Point value = new Point(1, 2, "label");
        final int length = codec.encode(value, segment, OFFSET, 1000);
        assertEquals(length, codec.encode(value, segment, OFFSET, length), "exactly fits");
        assertEquals(value, codec.decode(segment, OFFSET, length));
        final MessageTooLargeException e = assertThrows(MessageTooLargeException.class,
            () -> codec.encode(value, segment, OFFSET, length - 1));
        assertEquals(length, e.length());
        assertEquals(length - 1, e.maxLength());
    }

    @Test
    void shouldRefuseValuesThatAreNotSerializable()
    {
        final Codec<Object> codec = Codecs.serializable(Point.class);
        assertThrows(IllegalArgumentException.class, () -> codec.encode(new Object(), segment, 0, 1000));
    }

    @Test
    void shouldDeclareStableIdentitiesWithAFixedHash()
    {
        assertEquals("jvmipc.bytes/1", Codecs.bytes().identity());
        assertEquals("jvmipc.utf8/1", Codecs.utf8().identity());
        assertEquals("jvmipc.long-le/1", Codecs.ofLong().identity());
        assertEquals("jvmipc.int-le/1", Codecs.ofInt().identity());
        assertEquals("jvmipc.serializable/1[io.jvmipc.codec.CodecsTest$Line,io.jvmipc.codec.CodecsTest$Point]",
            Codecs.serializable(Point.class, Line.class, Point.class).identity());
        assertEquals(Codecs.serializable(Point.class, Line.class).identity(),
            Codecs.serializable(Line.class, Point.class).identity());
        // FNV-1a 64 test vectors: the hash is stored in files and may never change
        assertEquals(0xCBF2_9CE4_8422_2325L, Codecs.identityHash(withIdentity("")));
        assertEquals(0xAF63_DC4C_8601_EC8CL, Codecs.identityHash(withIdentity("a")));
        assertEquals(0x8594_4171_F739_67E8L, Codecs.identityHash(withIdentity("foobar")));
        assertTrue(Codecs.describeIdentity(Codecs.identityHash(Codecs.utf8())).contains("Codecs.utf8()"));
        assertThrows(NullPointerException.class, () -> Codecs.identityHash(withIdentity(null)));
    }

    private static Codec<byte[]> withIdentity(final String identity)
    {
        return new Codec<>()
        {
            @Override
            public int encode(final byte[] value, final MemorySegment destination, final long offset,
                final int maxLength)
            {
                return Codecs.bytes().encode(value, destination, offset, maxLength);
            }

            @Override
            public byte[] decode(final MemorySegment source, final long offset, final int length)
            {
                return Codecs.bytes().decode(source, offset, length);
            }

            @Override
            public String identity()
            {
                return identity;
            }
        };
    }
}
