package io.jvmipc.codec;

import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteOrder;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.jvmipc.codec.ObjectFormat.BOOLEAN_ARRAY;
import static io.jvmipc.codec.ObjectFormat.MAX_DEPTH;
import static io.jvmipc.codec.ObjectFormat.TAG_FLOAT32_LE;
import static io.jvmipc.codec.ObjectFormat.TAG_FLOAT64_LE;
import static io.jvmipc.codec.ObjectFormat.TAG_OBJECT;
import static io.jvmipc.codec.ObjectFormat.TAG_SET;
import static io.jvmipc.codec.ObjectFormat.TAG_SINT16_LE;
import static io.jvmipc.codec.ObjectFormat.TAG_SINT32_LE;
import static io.jvmipc.codec.ObjectFormat.TAG_SINT64_LE;
import static io.jvmipc.codec.ObjectFormat.TAG_UINT16_LE;

/**
 * Writes a value as {@link ObjectFormat} CBOR through Jackson's streaming generator, refusing (with a
 * {@link Refusal}) whatever the receiver could not create: a class that is not supported or not registered, a map
 * key that is not a string or an integer, or nesting past {@link ObjectFormat#MAX_DEPTH}.
 */
final class ObjectWriter
{
    private static final ValueLayout.OfShort SHORT_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfChar CHAR_LE = ValueLayout.JAVA_CHAR_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt INT_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LONG_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat FLOAT_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble DOUBLE_LE =
        ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private ObjectWriter()
    {
    }

    /** A value the receiver would refuse; carries the reason, no stack trace. */
    static final class Refusal extends RuntimeException
    {
        private static final long serialVersionUID = 1L;

        Refusal(final String reason)
        {
            super(reason, null, false, false);
        }
    }

    /**
     * Writes {@code value}, nested inside {@code depth} containers.
     *
     * @throws Refusal     if the receiver would refuse it.
     * @throws IOException if Jackson fails.
     */
    static void write(final CBORGenerator out, final ObjectTypes types, final Object value, final int depth)
        throws IOException
    {
        switch (value)
        {
            case null -> out.writeNull();
            case String s -> out.writeString(s);
            case Integer i -> out.writeNumber(i.intValue());
            case Long l -> writeLong(out, l);
            case Double d -> out.writeNumber(d.doubleValue());
            case Boolean b -> out.writeBoolean(b);
            case Float f -> out.writeNumber(f.floatValue());
            case Short s -> out.writeNumber(s.intValue());
            case Byte b -> out.writeNumber(b.intValue());
            case BigInteger b -> out.writeNumber(b);
            case BigDecimal b -> out.writeNumber(b);
            case byte[] bytes -> out.writeBinary(bytes);
            case List<?> list -> writeElements(out, types, list, list, depth + 1);
            case Set<?> set ->
            {
                out.writeTag(TAG_SET);
                writeElements(out, types, set, set, depth + 1);
            }
            case Map<?, ?> map -> writeMap(out, types, map, depth + 1);
            case int[] a -> writeTypedArray(out, TAG_SINT32_LE, a, INT_LE, a.length);
            case long[] a -> writeTypedArray(out, TAG_SINT64_LE, a, LONG_LE, a.length);
            case double[] a -> writeTypedArray(out, TAG_FLOAT64_LE, a, DOUBLE_LE, a.length);
            case float[] a -> writeTypedArray(out, TAG_FLOAT32_LE, a, FLOAT_LE, a.length);
            case short[] a -> writeTypedArray(out, TAG_SINT16_LE, a, SHORT_LE, a.length);
            case char[] a -> writeTypedArray(out, TAG_UINT16_LE, a, CHAR_LE, a.length);
            case boolean[] a -> writeBooleans(out, a, depth + 1);
            default -> writeRegistered(out, types, value, depth + 1);
        }
    }

    /** A {@code Long} always takes the 8-byte form, so that the receiver decodes a {@code Long}, not an {@code Integer}. */
    private static void writeLong(final CBORGenerator out, final long value) throws IOException
    {
        out.disable(CBORGenerator.Feature.WRITE_MINIMAL_INTS);
        try
        {
            out.writeNumber(value);
        }
        finally
        {
            out.enable(CBORGenerator.Feature.WRITE_MINIMAL_INTS);
        }
    }

    private static void checkDepth(final Object value, final int depth)
    {
        if (depth > MAX_DEPTH)
        {
            throw new Refusal("the value is nested deeper than " + MAX_DEPTH + " (a " + value.getClass().getName() +
                " at depth " + depth + ")");
        }
    }

    private static void writeElements(final CBORGenerator out, final ObjectTypes types, final Object container,
        final Collection<?> elements, final int depth) throws IOException
    {
        checkDepth(container, depth);
        out.writeStartArray(container, elements.size());
        for (final Object element : elements)
        {
            write(out, types, element, depth);
        }
        out.writeEndArray();
    }

    private static void writeMap(final CBORGenerator out, final ObjectTypes types, final Map<?, ?> map,
        final int depth) throws IOException
    {
        checkDepth(map, depth);
        out.writeStartObject(map, map.size());
        for (final Map.Entry<?, ?> entry : map.entrySet())
        {
            switch (entry.getKey())
            {
                case String s -> out.writeFieldName(s);
                case Integer i -> out.writeFieldId(i);
                case Long l ->
                {
                    out.disable(CBORGenerator.Feature.WRITE_MINIMAL_INTS);
                    try
                    {
                        out.writeFieldId(l);
                    }
                    finally
                    {
                        out.enable(CBORGenerator.Feature.WRITE_MINIMAL_INTS);
                    }
                }
                case null -> throw new Refusal("a " + map.getClass().getName() + " has a null key (map keys must " +
                    "be String, Integer or Long)");
                default -> throw new Refusal("a " + map.getClass().getName() + " has a key of class " +
                    entry.getKey().getClass().getName() + " (map keys must be String, Integer or Long)");
            }
            write(out, types, entry.getValue(), depth);
        }
        out.writeEndObject();
    }

    /** An RFC 8746 typed array: the tag, then the elements' little-endian bytes as one byte string. */
    private static void writeTypedArray(final CBORGenerator out, final int tag, final Object array,
        final ValueLayout layout, final int length) throws IOException
    {
        final byte[] bytes = new byte[Math.multiplyExact(length, (int)layout.byteSize())];
        MemorySegment.copy(array, 0, MemorySegment.ofArray(bytes), layout, 0, length);
        out.writeTag(tag);
        out.writeBinary(bytes);
    }

    private static void writeBooleans(final CBORGenerator out, final boolean[] array, final int depth)
        throws IOException
    {
        checkDepth(array, depth);
        out.writeTag(TAG_OBJECT);
        out.writeStartArray(array, array.length + 1);
        out.writeString(BOOLEAN_ARRAY);
        for (final boolean b : array)
        {
            out.writeBoolean(b);
        }
        out.writeEndArray();
    }

    private static void writeRegistered(final CBORGenerator out, final ObjectTypes types, final Object value,
        final int depth) throws IOException
    {
        final ObjectTypes.Type type = types.ofClass(value.getClass());
        switch (type)
        {
            case null -> throw new Refusal(notAllowed(value.getClass()));
            case ObjectTypes.EnumType e ->
            {
                checkDepth(value, depth);
                out.writeTag(TAG_OBJECT);
                out.writeStartArray(value, 2);
                out.writeString(e.name);
                out.writeString(((Enum<?>)value).name());
                out.writeEndArray();
            }
            case ObjectTypes.RecordType r ->
            {
                checkDepth(value, depth);
                out.writeTag(TAG_OBJECT);
                out.writeStartArray(value, r.accessors.length + 1);
                out.writeString(r.name);
                for (int i = 0; i < r.accessors.length; i++)
                {
                    write(out, types, component(r, i, value), depth);
                }
                out.writeEndArray();
            }
        }
    }

    private static Object component(final ObjectTypes.RecordType type, final int i, final Object record)
    {
        try
        {
            return type.accessors[i].invokeExact(record);
        }
        catch (final RuntimeException | Error e)
        {
            throw e;
        }
        catch (final Throwable e)
        {
            throw new IllegalArgumentException("the accessor of " + type.name + "." + type.componentNames[i] +
                " threw", e);
        }
    }

    private static String notAllowed(final Class<?> type)
    {
        if (type.isRecord() || type.isEnum() || Enum.class.isAssignableFrom(type))
        {
            return "class " + type.getName() + " is not in the allow-list (list it: Codecs.objects(" +
                type.getSimpleName() + ".class, ...))";
        }
        if (type.isArray())
        {
            return "class " + type.getName() + " is not supported (arrays of primitives and byte[] are; send a List)";
        }
        if (Collection.class.isAssignableFrom(type))
        {
            return "class " + type.getName() + " is not supported (a List, a Set or a Map is; copy it into one)";
        }
        return "class " + type.getName() + " is not supported (null, Boolean, Integer, Long, Short, Byte, Float, " +
            "Double, BigInteger, BigDecimal, String, primitive arrays, List, Set, Map and the listed records and " +
            "enums are)";
    }
}
