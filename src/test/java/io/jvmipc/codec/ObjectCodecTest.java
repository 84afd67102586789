package io.jvmipc.codec;

import io.jvmipc.MessageTooLargeException;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The object codec: every supported type through shared memory, the allow-list on both sides, bad input. */
class ObjectCodecTest
{
    /** A record of the tests. */
    record Point(int x, long y, String label)
    {
    }

    /** A record holding collections, records and enums. */
    record Shape(String name, List<Point> points, Map<String, Color> colours, double[] weights, Set<Integer> tags)
    {
        @Override
        public boolean equals(final Object o)
        {
            return o instanceof Shape s && name.equals(s.name) && points.equals(s.points) &&
                colours.equals(s.colours) && Arrays.equals(weights, s.weights) && tags.equals(s.tags);
        }

        @Override
        public int hashCode()
        {
            return name.hashCode();
        }
    }

    /** A record whose constructor checks its component. */
    record Positive(int value)
    {
        Positive
        {
            if (value <= 0)
            {
                throw new IllegalArgumentException("not positive: " + value);
            }
        }
    }

    /** An enum of the tests, one constant with a body. */
    enum Color
    {
        RED,
        GREEN
        {
            @Override
            public String toString()
            {
                return "green";
            }
        }
    }

    /** Not a record or enum. */
    static final class Plain
    {
    }

    private final Codec<Object> plain = Codecs.objects();
    private final Codec<Object> codec = Codecs.objects(Point.class, Shape.class, Positive.class, Color.class);
    private final MemorySegment segment = Arena.ofAuto().allocate(1 << 16);

    private Object roundTrip(final Codec<Object> c, final Object value)
    {
        final int length = c.encode(value, segment, 16, 1 << 15);
        return c.decode(segment, 16, length);
    }

    private byte[] encode(final Codec<Object> c, final Object value)
    {
        final int length = c.encode(value, segment, 0, 1 << 15);
        return segment.asSlice(0, length).toArray(JAVA_BYTE);
    }

    private Object decode(final Codec<Object> c, final String hex)
    {
        final byte[] bytes = HexFormat.of().parseHex(hex);
        MemorySegment.copy(bytes, 0, segment, JAVA_BYTE, 8, bytes.length);
        return c.decode(segment, 8, bytes.length);
    }

    /** A CBOR text string of fewer than 256 UTF-8 bytes, in hex. */
    private static String text(final String s)
    {
        final byte[] utf8 = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        final String header = utf8.length < 24 ? String.format("%02x", 0x60 + utf8.length) :
            String.format("78%02x", utf8.length);
        return header + HexFormat.of().formatHex(utf8);
    }

    @Test
    void shouldRoundTripScalarsKeepingTheirJavaTypes()
    {
        assertEquals(true, roundTrip(plain, true));
        assertEquals(false, roundTrip(plain, false));
        assertEquals(42, roundTrip(plain, 42));
        assertEquals(Integer.MIN_VALUE, roundTrip(plain, Integer.MIN_VALUE));
        assertEquals(7L, roundTrip(plain, 7L));
        assertEquals(Long.MIN_VALUE, roundTrip(plain, Long.MIN_VALUE));
        assertEquals(Long.MAX_VALUE, roundTrip(plain, Long.MAX_VALUE));
        assertEquals(3, roundTrip(plain, (short)3));
        assertEquals(-4, roundTrip(plain, (byte)-4));
        assertEquals(1.5f, roundTrip(plain, 1.5f));
        assertEquals(Math.PI, roundTrip(plain, Math.PI));
        assertEquals(Double.NaN, roundTrip(plain, Double.NaN));
        assertEquals(new BigInteger("123456789012345678901234567890"), roundTrip(plain,
            new BigInteger("123456789012345678901234567890")));
        assertEquals(new BigInteger("-98765432109876543210"), roundTrip(plain, new BigInteger("-98765432109876543210")));
        assertEquals(new BigDecimal("-12.3450"), roundTrip(plain, new BigDecimal("-12.3450")));
        assertEquals("", roundTrip(plain, ""));
        assertEquals("héllo, мир, 😀", roundTrip(plain, "héllo, мир, 😀"));
    }

    @Test
    void shouldRoundTripByteAndPrimitiveArrays()
    {
        assertArrayEquals(new byte[] {1, -2, 3}, (byte[])roundTrip(plain, new byte[] {1, -2, 3}));
        assertArrayEquals(new int[] {1, -2, Integer.MAX_VALUE}, (int[])roundTrip(plain,
            new int[] {1, -2, Integer.MAX_VALUE}));
        assertArrayEquals(new long[] {Long.MIN_VALUE, 0, 5}, (long[])roundTrip(plain, new long[] {Long.MIN_VALUE, 0, 5}));
        assertArrayEquals(new double[] {1.25, -0.0}, (double[])roundTrip(plain, new double[] {1.25, -0.0}));
        assertArrayEquals(new float[] {1.25f, 3}, (float[])roundTrip(plain, new float[] {1.25f, 3}));
        assertArrayEquals(new short[] {-1, 300}, (short[])roundTrip(plain, new short[] {-1, 300}));
        assertArrayEquals(new char[] {'a', 'é', '\uffff'}, (char[])roundTrip(plain, new char[] {'a', 'é', '\uffff'}));
        assertArrayEquals(new boolean[] {true, false, true}, (boolean[])roundTrip(plain,
            new boolean[] {true, false, true}));
        assertArrayEquals(new int[0], (int[])roundTrip(plain, new int[0]));
        assertArrayEquals(new boolean[0], (boolean[])roundTrip(plain, new boolean[0]));
    }

    @Test
    void shouldDecodeAnyListSetAndMapAsMutableOrderedCollections()
    {
        final Object list = roundTrip(plain, List.of(1, 2, 3, 4));
        assertEquals(List.of(1, 2, 3, 4), list);
        assertInstanceOf(ArrayList.class, list);
        ((List<?>)list).clear();

        assertEquals(Arrays.asList(1, null, "x"), roundTrip(plain, Arrays.asList(1, null, "x")));
        assertEquals(List.of(2, 3), roundTrip(plain, new ArrayList<>(List.of(1, 2, 3)).subList(1, 3)));

        final Object set = roundTrip(plain, new TreeSet<>(Set.of("b", "a", "c")));
        assertEquals(Set.of("a", "b", "c"), set);
        assertInstanceOf(LinkedHashSet.class, set);
        assertEquals(List.of("a", "b", "c"), new ArrayList<>((Set<?>)set));

        final Map<Object, Object> mixed = new TreeMap<>(Map.of("b", 2, "a", List.of()));
        final Object map = roundTrip(plain, mixed);
        assertEquals(mixed, map);
        assertInstanceOf(LinkedHashMap.class, map);
        assertEquals(List.of("a", "b"), new ArrayList<>(((Map<?, ?>)map).keySet()));

        final Map<Object, Object> integerKeys = new HashMap<>();
        integerKeys.put(1, "one");
        integerKeys.put(-70_000, null);
        integerKeys.put(5L, "five as a long");
        integerKeys.put(Long.MAX_VALUE, "big");
        integerKeys.put("7", "a string that looks like a number");
        integerKeys.put("-", "a string that starts like a number");
        assertEquals(integerKeys, roundTrip(plain, integerKeys));
        assertEquals(Map.of(), roundTrip(plain, Map.of()));
        assertEquals(List.of(), roundTrip(plain, List.of()));
        assertEquals(Set.of(), roundTrip(plain, Set.of()));
    }

    @Test
    void shouldRoundTripNestedRecordsAndEnums()
    {
        assertEquals(new Point(1, 2L, "p"), roundTrip(codec, new Point(1, 2L, "p")));
        assertEquals(new Point(1, 2L, null), roundTrip(codec, new Point(1, 2L, null)));
        assertSame(Color.RED, roundTrip(codec, Color.RED));
        assertSame(Color.GREEN, roundTrip(codec, Color.GREEN));
        final Shape shape = new Shape("square", List.of(new Point(0, 0, "a"), new Point(1, Long.MAX_VALUE, "b")),
            Map.of("edge", Color.RED, "fill", Color.GREEN), new double[] {0.5, 2}, Set.of(3, 1));
        final Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("shape", shape);
        nested.put("list", List.of(List.of(Color.GREEN, 1L), Set.of(new Point(5, 6, "c"))));
        nested.put("none", null);
        assertEquals(nested, roundTrip(codec, nested));
    }

    @Test
    void shouldWriteStandardCborThatPythonReads()
    {
        // what cbor2.dumps([1, 2, 3, 4]) and cbor2.dumps({"a": 1, "b": [2, 3]}) give (RFC 8949 appendix A)
        assertEquals("8401020304", HexFormat.of().formatHex(encode(plain, List.of(1, 2, 3, 4))));
        final Map<String, Object> map = new LinkedHashMap<>();
        map.put("a", 1);
        map.put("b", List.of(2, 3));
        assertEquals("a26161016162820203", HexFormat.of().formatHex(encode(plain, map)));
        assertEquals("d9010281f5", HexFormat.of().formatHex(encode(plain, Set.of(true))));
        // cbor2.dumps(CBORTag(27, [name, "RED"]))
        assertEquals("d81b82" + text(Color.class.getName()) + text("RED"),
            HexFormat.of().formatHex(encode(codec, Color.RED)));
    }

    @Test
    void shouldDecodeTheStandardExamplesOfRfc8949()
    {
        assertEquals(List.of(1, 2, 3, 4), decode(plain, "8401020304"));
        assertEquals(1_000_000_000_000L, decode(plain, "1b000000e8d4a51000"));
        assertEquals(-1000, decode(plain, "3903e7"));
        assertEquals(4_294_967_295L, decode(plain, "1affffffff"));
        assertEquals(new BigInteger("18446744073709551616"), decode(plain, "c249010000000000000000"));
        assertEquals(1.1, decode(plain, "fb3ff199999999999a"));
        assertEquals(1.0f, decode(plain, "f93c00"));
        assertNull(decode(plain, "f7"));
        assertEquals(Map.of(1, 2, 3, 4), decode(plain, "a201020304"));
        assertEquals(Map.of("a", 1, "b", List.of(2, 3)), decode(plain, "a26161016162820203"));
        assertEquals("streaming", decode(plain, "7f657374726561646d696e67ff"));
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5}, (byte[])decode(plain, "5f42010243030405ff"));
        assertEquals(List.of(1, List.of(2, 3), List.of(4, 5)), decode(plain, "9f018202039f0405ffff"));
        assertEquals(Map.of("a", 1, "b", List.of(2, 3)), decode(plain, "bf61610161629f0203ffff"));
        assertEquals(new BigDecimal("273.15"), decode(plain, "c48221196ab3"));
    }

    @Test
    void shouldFillRecordComponentsWithThePythonNumbersThatStandForThem()
    {
        // 27([name, 1, 2, "p"]) as Python writes it: y, a long component, arrives as a small int
        final String header = "d81b84" + text(Point.class.getName());
        assertEquals(new Point(1, 2L, "p"), decode(codec, header + "01" + "02" + "6170"));
        final CodecException wrong = assertThrows(CodecException.class, () -> decode(codec, header + "01" + "6170" +
            "6170"));
        assertTrue(wrong.getMessage().contains("component y"), wrong.getMessage());
        final CodecException missing = assertThrows(CodecException.class, () ->
            decode(codec, "d81b83" + header.substring(6) + "0102"));
        assertTrue(missing.getMessage().contains("2 of its 3 components"), missing.getMessage());
    }

    @Test
    void shouldRefuseAtTheSenderWhatTheReceiverWouldRefuseNamingTheClass()
    {
        final CodecException record = assertThrows(CodecException.class, () ->
            plain.encode(List.of(1, Map.of("p", new Point(1, 2, "x"))), segment, 0, 1 << 15));
        assertTrue(record.getMessage().contains(Point.class.getName()), record.getMessage());
        assertTrue(record.getMessage().contains("allow-list"), record.getMessage());

        final CodecException enumConstant = assertThrows(CodecException.class, () ->
            Codecs.objects(Point.class).encode(Color.GREEN, segment, 0, 1 << 15));
        assertTrue(enumConstant.getMessage().contains(Color.class.getName()), enumConstant.getMessage());

        for (final Object refused : List.of(new Plain(), new Object[] {1}, new ArrayDeque<>(List.of(1)), 'c',
            Thread.currentThread(), Map.of(1.5, "float key"), Map.of(List.of(1), "list key")))
        {
            final CodecException e = assertThrows(CodecException.class, () ->
                plain.encode(List.of(refused), segment, 0, 1 << 15), refused.getClass().getName());
            final String named = refused instanceof Map<?, ?> m ? m.keySet().iterator().next().getClass().getName() :
                refused.getClass().getName();
            assertTrue(e.getMessage().contains(named), e.getMessage());
        }

        final Map<String, Object> withNullKey = new HashMap<>();
        withNullKey.put(null, 1);
        assertTrue(assertThrows(CodecException.class, () -> plain.encode(withNullKey, segment, 0, 1 << 15))
            .getMessage().contains("null key"));
    }

    @Test
    void shouldRefuseValuesNestedTooDeepOnBothSides()
    {
        Object deepest = 1;
        for (int i = 0; i < ObjectFormat.MAX_DEPTH; i++)
        {
            deepest = List.of(deepest);
        }
        assertEquals(deepest, roundTrip(plain, deepest));
        final Object tooDeep = List.of(deepest);
        final CodecException sent = assertThrows(CodecException.class, () -> plain.encode(tooDeep, segment, 0,
            1 << 15));
        assertTrue(sent.getMessage().contains("deeper than " + ObjectFormat.MAX_DEPTH), sent.getMessage());

        final List<Object> cycle = new ArrayList<>();
        cycle.add(cycle);
        assertThrows(CodecException.class, () -> plain.encode(cycle, segment, 0, 1 << 15));

        // the same nesting forged by another writer
        final CodecException received = assertThrows(CodecException.class, () ->
            decode(plain, "81".repeat(ObjectFormat.MAX_DEPTH + 1) + "01"));
        assertTrue(received.getMessage().contains("deeper than " + ObjectFormat.MAX_DEPTH), received.getMessage());
        // and a codec still works on the same thread after a refusal
        assertEquals(List.of(1, 2, 3, 4), roundTrip(plain, List.of(1, 2, 3, 4)));
    }

    @Test
    void shouldRefuseAnUnknownTypeTagAtTheReceiverNamingIt()
    {
        final byte[] bytes = encode(codec, List.of("before", new Point(1, 2, "x")));
        MemorySegment.copy(bytes, 0, segment, JAVA_BYTE, 100, bytes.length);
        final Codec<Object> receiver = Codecs.objects(Color.class);
        final CodecException e = assertThrows(CodecException.class, () -> receiver.decode(segment, 100, bytes.length));
        assertTrue(e.getMessage().contains("type tag '" + Point.class.getName() + "'"), e.getMessage());
        assertTrue(e.getMessage().contains(Color.class.getName()), e.getMessage());

        final CodecException constant = assertThrows(CodecException.class, () ->
            decode(codec, "d81b82" + text(Color.class.getName()) + text("BLUE")));
        assertTrue(constant.getMessage().contains("no constant 'BLUE'"), constant.getMessage());

        final CodecException tag = assertThrows(CodecException.class, () -> decode(plain, "c11a514b67b0"));
        assertTrue(tag.getMessage().contains("tag 1"), tag.getMessage());
    }

    @Test
    void shouldRunTheRecordsConstructorChecksOnDecode()
    {
        final String hex = "d81b82" + text(Positive.class.getName()) + "20";
        final CodecException e = assertThrows(CodecException.class, () -> decode(codec, hex));
        assertTrue(e.getMessage().contains("not positive: -1"), e.getMessage());
    }

    @Test
    void shouldRefuseMalformedBytesWithoutAllocatingWhatTheyClaim()
    {
        for (final String hex : List.of("", "84010203", "8401020304ff", "5a7fffffff00", "7a7ffffff0",
            "9b7fffffffffffffff", "bb7fffffffffffffff", "a1f93c0001", "d84e43010203", "ff", "1c"))
        {
            assertThrows(CodecException.class, () -> decode(plain, hex), hex);
        }
    }

    @Test
    void shouldReportTheFullLengthOfAValueThatDoesNotFit()
    {
        final List<String> big = List.of("x".repeat(1000), "y".repeat(1000));
        final int length = plain.encode(big, segment, 0, 1 << 15);
        final MessageTooLargeException e = assertThrows(MessageTooLargeException.class, () ->
            plain.encode(big, segment, 0, 100));
        assertEquals(length, e.length());
        assertEquals(big, roundTrip(plain, big));
    }

    @Test
    void shouldNameTheAllowListInItsIdentity()
    {
        assertEquals("jvmipc.cbor-objects/1[]", plain.identity());
        assertEquals("jvmipc.cbor-objects/1[" + Color.class.getName() + "," + Point.class.getName() + "(x,y,label)]",
            Codecs.objects(Point.class, Color.class).identity());
        assertEquals(Codecs.objects(Point.class, Color.class).identity(),
            Codecs.objects(Color.class, Point.class).identity());
        assertNotEquals(Codecs.identityHash(plain), Codecs.identityHash(Codecs.objects(Color.class)));
        assertEquals("Codecs.objects(" + Point.class.getName() + ")", Codecs.objects(Point.class).toString());
    }

    @Test
    void shouldAllowOnlyRecordsAndEnums()
    {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
            Codecs.objects(Plain.class));
        assertTrue(e.getMessage().contains(Plain.class.getName()), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Codecs.objects(ArrayList.class));
    }
}
