package io.jvmipc.codec;

import io.jvmipc.MessageTooLargeException;
import io.jvmipc.file.SharedDirectory;
import io.jvmipc.pipe.Pipe;
import io.jvmipc.queue.SharedQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
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

    record Holder(Object value) implements Serializable
    {
    }

    /** A serialisable class that the tests do not list. */
    static final class Unlisted implements Serializable
    {
        private static final long serialVersionUID = 1L;
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
    void shouldNameTheRefusedClassWhenDecoding() throws IOException
    {
        final Codec<Object> codec = Codecs.serializable(Point.class);
        final byte[] list = plainlySerialised(new ArrayList<>(List.of("a")));
        put(list);
        final CodecException e = assertThrows(CodecException.class, () -> codec.decode(segment, OFFSET, list.length));
        assertInstanceOf(InvalidClassException.class, e.getCause(), "refused by the filter, not by accident");
        assertTrue(e.getMessage().contains("class java.util.ArrayList is not in the allow-list"), e.getMessage());
        // a listed class nested in a not-listed one, and the reverse
        final byte[] line = plainlySerialised(new Line(new Point(1, 1, "a"), new Point(2, 2, "b"), new long[0]));
        put(line);
        final CodecException nested = assertThrows(CodecException.class,
            () -> codec.decode(segment, OFFSET, line.length));
        assertTrue(nested.getMessage().contains(Line.class.getName()), nested.getMessage());
        final byte[] array = plainlySerialised(new Object[] {new Point(1, 1, "a"), new Line(null, null, null)});
        put(array);
        final CodecException element = assertThrows(CodecException.class,
            () -> codec.decode(segment, OFFSET, array.length), "an Object[] is checked element by element");
        assertTrue(element.getMessage().contains(Line.class.getName()), element.getMessage());
    }

    @Test
    void shouldRefuseWhenEncodingWhatTheReceiverWouldRefuseNamingTheClass()
    {
        final Codec<Object> codec = Codecs.serializable(Point.class);
        final CodecException list = assertThrows(CodecException.class,
            () -> codec.encode(new ArrayList<>(List.of("a")), segment, OFFSET, 1000));
        assertTrue(list.getMessage().contains("class java.util.ArrayList is not in the allow-list"),
            list.getMessage());
        final CodecException nested = assertThrows(CodecException.class,
            () -> codec.encode(new Object[] {new Point(0, 0, "p"), new Unlisted()}, segment, OFFSET, 1000),
            "an element of an Object[] is checked");
        assertTrue(nested.getMessage().contains(Unlisted.class.getName()), nested.getMessage());
        final CodecException inList = assertThrows(CodecException.class, () -> Codecs.serializable(ArrayList.class)
            .encode(new ArrayList<>(List.of(new Point(1, 2, "p"))), segment, OFFSET, 1000));
        assertTrue(inList.getMessage().contains(Point.class.getName()), inList.getMessage());
        final CodecException type = assertThrows(CodecException.class,
            () -> codec.encode(new Object[] {Line.class}, segment, OFFSET, 1000), "a Class value's class is checked");
        assertTrue(type.getMessage().contains(Line.class.getName()), type.getMessage());
        final CodecException immutable = assertThrows(CodecException.class,
            () -> codec.encode(List.of(new Point(1, 2, "p")), segment, OFFSET, 1000));
        assertTrue(immutable.getMessage().contains("Class.forName(\"java.util.CollSer\")"), immutable.getMessage());
    }

    @Test
    void shouldCarryArrayListsAndHashMapsOfAllowedElements()
    {
        final Codec<Object> codec = Codecs.serializable(ArrayList.class, HashMap.class, Point.class);
        final ArrayList<Point> points = new ArrayList<>();
        for (int i = 0; i < 3; i++)
        {
            points.add(new Point(i, -i, "p" + i));
        }
        assertEquals(points, roundTrip(codec, points));
        assertEquals(new ArrayList<>(), roundTrip(codec, new ArrayList<>()));
        final HashMap<String, Point> map = new HashMap<>(Map.of("a", new Point(1, 1, "a"), "b", new Point(2, 2, "b")));
        assertEquals(map, roundTrip(codec, map));
        final ArrayList<Object> mixed = new ArrayList<>(List.of(1, "two", 3L, new Object[] {points}));
        final ArrayList<?> decoded = (ArrayList<?>)roundTrip(codec, mixed);
        assertEquals(mixed.subList(0, 3), decoded.subList(0, 3));
        assertEquals(points, ((Object[])decoded.get(3))[0]);
    }

    @Test
    void shouldCarryImmutableCollectionsWhenTheirSerialFormIsListed() throws ClassNotFoundException
    {
        final Codec<Object> codec = Codecs.serializable(Class.forName("java.util.CollSer"), Point.class);
        final Point p = new Point(1, 2, "p");
        assertEquals(List.of(), roundTrip(codec, List.of()));
        assertEquals(List.of(p), roundTrip(codec, List.of(p)));
        assertEquals(List.of(p, p, p), roundTrip(codec, List.of(p, p, p)));
        assertEquals(Set.of("a", "b", "c"), roundTrip(codec, Set.of("a", "b", "c")));
        assertEquals(Map.of("k", p), roundTrip(codec, Map.of("k", p)));
        assertEquals(Arrays.asList(p, null), roundTrip(codec, Stream.of(p, null).toList()));
    }

    @Test
    void shouldRefuseGraphsNestedTooDeepAtBothEnds() throws IOException
    {
        final Codec<Object> codec = Codecs.serializable(Nest.class, ArrayList.class);
        final Nest deepest = nest(SerializableCodec.MAX_DEPTH);
        assertEquals(deepest, roundTrip(codec, deepest), "exactly at the limit");
        final CodecException sent = assertThrows(CodecException.class,
            () -> codec.encode(nest(SerializableCodec.MAX_DEPTH + 1), segment, OFFSET, 4000));
        assertTrue(sent.getMessage().contains("nested deeper than " + SerializableCodec.MAX_DEPTH), sent.getMessage());
        // the same through classes that write their fields themselves
        ArrayList<Object> lists = new ArrayList<>();
        for (int i = 1; i < SerializableCodec.MAX_DEPTH + 5; i++)
        {
            lists = new ArrayList<>(List.of(lists));
        }
        final ArrayList<Object> deepLists = lists;
        assertThrows(CodecException.class, () -> codec.encode(deepLists, segment, OFFSET, 4000));
        // a wide graph is not deep: 5,000 objects at depth 2
        final ArrayList<Nest> wide = new ArrayList<>();
        for (int i = 0; i < 5000; i++)
        {
            wide.add(new Nest(null));
        }
        final MemorySegment large = Arena.ofAuto().allocate(1 << 20);
        final int wideLength = codec.encode(wide, large, 0, 1 << 20);
        assertEquals(wide, codec.decode(large, 0, wideLength));
        // what a sender without the check would write is refused by the receiver, naming the limit
        final byte[] deep = plainlySerialised(nest(SerializableCodec.MAX_DEPTH + 10));
        put(deep);
        final CodecException received = assertThrows(CodecException.class,
            () -> codec.decode(segment, OFFSET, deep.length));
        assertInstanceOf(InvalidClassException.class, received.getCause());
        assertTrue(received.getMessage().contains("nested deeper than"), received.getMessage());
    }

    @Test
    void shouldSendNothingThroughAQueueOrPipeWhenTheValueIsRefused(@TempDir final Path tempDir) throws Exception
    {
        final Codec<Object> codec = Codecs.serializable(Point.class);
        final SharedDirectory dir = SharedDirectory.of(tempDir);
        try (SharedQueue<Object> queue = SharedQueue.builder("q", codec).directory(dir).create())
        {
            final CodecException e = assertThrows(CodecException.class, () -> queue.offer(new ArrayList<>()));
            assertTrue(e.getMessage().contains("java.util.ArrayList"), e.getMessage());
            assertTrue(queue.offer(new Point(1, 2, "after")));
            assertEquals(new Point(1, 2, "after"), queue.poll(), "the refused value left nothing to receive");
            assertNull(queue.poll());
        }
        try (Pipe<Object> pipe = Pipe.builder("p", codec).directory(dir).open())
        {
            final CodecException e = assertThrows(CodecException.class, () -> pipe.a().send(new ArrayList<>()));
            assertTrue(e.getMessage().contains("java.util.ArrayList"), e.getMessage());
            pipe.a().send(new Point(3, 4, "after"));
            assertEquals(new Point(3, 4, "after"), pipe.b().recv(), "the refused value left nothing to receive");
            assertFalse(pipe.b().poll());
        }
    }

    private static Nest nest(final int depth)
    {
        Nest nest = null;
        for (int i = 0; i < depth; i++)
        {
            nest = new Nest(nest);
        }
        return nest;
    }

    private static byte[] plainlySerialised(final Object value) throws IOException
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes))
        {
            out.writeObject(value);
        }
        return bytes.toByteArray();
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
        final Codec<Object> codec = Codecs.serializable(Point.class, Holder.class);
        assertThrows(IllegalArgumentException.class, () -> codec.encode(new Object(), segment, 0, 1000));
        final IllegalArgumentException field = assertThrows(IllegalArgumentException.class,
            () -> codec.encode(new Holder(new Object()), segment, 0, 1000));
        assertTrue(field.getMessage().contains("java.lang.Object"), field.getMessage());
        final CodecException exception = assertThrows(CodecException.class,
            () -> codec.encode(new Holder(new IllegalStateException("x")), segment, 0, 4000));
        assertTrue(exception.getMessage().contains("class java.lang.IllegalStateException is not in the allow-list"),
            exception.getMessage());
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
