package io.jvmipc.codec;

import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.cbor.CBORParser;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.function.IntFunction;

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
import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * Reads one {@link ObjectFormat} value through Jackson's streaming parser. It creates only the library's own
 * containers ({@code ArrayList}, {@code LinkedHashSet}, {@code LinkedHashMap}), boxes, strings, arrays, and the
 * records and enum constants the receiver registered; anything else is a {@link Malformed} naming it.
 */
final class ObjectReader
{
    private static final ValueLayout.OfShort SHORT_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfChar CHAR_LE = ValueLayout.JAVA_CHAR_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt INT_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LONG_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat FLOAT_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble DOUBLE_LE =
        ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** CBOR's additional information 27: an argument in the 8 bytes that follow. */
    private static final int EIGHT_BYTE_ARGUMENT = 27;

    private final CBORParser in;
    private final ObjectTypes types;
    private final MemorySegment source;
    private final long offset;

    /** A message the receiver refuses; carries the reason, no stack trace. */
    static final class Malformed extends RuntimeException
    {
        private static final long serialVersionUID = 1L;

        Malformed(final String reason)
        {
            super(reason, null, false, false);
        }
    }

    /**
     * A reader of the message at {@code offset} of {@code source}, which {@code in} parses; the reader looks at a
     * map key's first byte there to tell an integer key from a string (the parser reports both as names).
     */
    ObjectReader(final CBORParser in, final ObjectTypes types, final MemorySegment source, final long offset)
    {
        this.in = in;
        this.types = types;
        this.source = source;
        this.offset = offset;
    }

    /** The message's one value; anything after it is refused. */
    Object readMessage() throws IOException
    {
        final JsonToken first = in.nextToken();
        if (first == null)
        {
            throw new Malformed("the message holds no value");
        }
        final Object value = read(first, 0);
        if (in.nextToken() != null)
        {
            throw new Malformed("bytes follow the value, at byte " + in.currentTokenLocation().getByteOffset());
        }
        return value;
    }

    /** The value starting with {@code token}, nested inside {@code depth} containers. */
    private Object read(final JsonToken token, final int depth) throws IOException
    {
        final int tag = in.getCurrentTag();
        if (tag != -1 && in.getCurrentTags().size() > 1)
        {
            throw new Malformed("a value with " + in.getCurrentTags().size() + " tags at byte " + position());
        }
        return switch (token)
        {
            case START_ARRAY -> switch (tag)
            {
                case -1 -> readElements(new ArrayList<>(), depth + 1);
                case TAG_SET -> readElements(new LinkedHashSet<>(), depth + 1);
                case TAG_OBJECT -> readObject(depth + 1);
                default -> throw unsupportedTag(tag, "an array");
            };
            case START_OBJECT ->
            {
                untagged(tag, "a map");
                yield readMap(depth + 1);
            }
            case VALUE_STRING ->
            {
                untagged(tag, "a text string");
                yield in.getText();
            }
            case VALUE_NUMBER_INT ->
            {
                untagged(tag, "an integer");
                yield switch (in.getNumberType())
                {
                    case INT -> in.getIntValue();
                    case LONG -> in.getLongValue();
                    default -> in.getBigIntegerValue();
                };
            }
            case VALUE_NUMBER_FLOAT ->
            {
                untagged(tag, "a number");
                yield switch (in.getNumberType())
                {
                    case FLOAT -> in.getFloatValue();
                    case BIG_DECIMAL -> in.getDecimalValue();
                    default -> in.getDoubleValue();
                };
            }
            case VALUE_TRUE, VALUE_FALSE ->
            {
                untagged(tag, "a boolean");
                yield token == JsonToken.VALUE_TRUE;
            }
            case VALUE_NULL ->
            {
                untagged(tag, "null");
                yield null;
            }
            case VALUE_EMBEDDED_OBJECT -> readBytes(tag);
            default -> throw new Malformed("unexpected " + token + " at byte " + position());
        };
    }

    private long position()
    {
        return in.currentTokenLocation().getByteOffset();
    }

    private void untagged(final int tag, final String what)
    {
        if (tag != -1)
        {
            throw unsupportedTag(tag, what);
        }
    }

    private Malformed unsupportedTag(final int tag, final String what)
    {
        return new Malformed("unsupported CBOR tag " + tag + " on " + what + " at byte " + position());
    }

    private void checkDepth(final int depth)
    {
        if (depth > MAX_DEPTH)
        {
            throw new Malformed("the value is nested deeper than " + MAX_DEPTH + " (at byte " + position() + ")");
        }
    }

    private <C extends Collection<Object>> C readElements(final C elements, final int depth) throws IOException
    {
        checkDepth(depth);
        JsonToken token;
        while ((token = in.nextToken()) != JsonToken.END_ARRAY)
        {
            elements.add(read(token, depth));
        }
        return elements;
    }

    private Map<Object, Object> readMap(final int depth) throws IOException
    {
        checkDepth(depth);
        final Map<Object, Object> map = new LinkedHashMap<>();
        while (in.nextToken() == JsonToken.FIELD_NAME)
        {
            final Object key = key(in.currentName());
            map.put(key, read(in.nextToken(), depth));
        }
        return map;
    }

    /**
     * A map key: the parser gives integer keys as their decimal text, so a name that could be one is told apart
     * from a string by the major type of its first byte in the message.
     */
    private Object key(final String name)
    {
        if (name.isEmpty() || !(Character.isDigit(name.charAt(0)) || name.charAt(0) == '-'))
        {
            return name;
        }
        final long at = position();
        final int initial = source.get(JAVA_BYTE, offset + at) & 0xFF;
        final int major = initial >>> 5;
        if (major == 3)
        {
            return name;
        }
        if (major != 0 && major != 1)
        {
            throw new Malformed("a map key of CBOR major type " + major + " at byte " + at +
                " (keys must be strings or integers)");
        }
        final long value;
        try
        {
            value = Long.parseLong(name);
        }
        catch (final NumberFormatException e)
        {
            throw new Malformed("a map key " + name + " outside the range of long at byte " + at);
        }
        if ((initial & 0x1F) == EIGHT_BYTE_ARGUMENT || value != (int)value)
        {
            return value;
        }
        return (int)value;
    }

    private Object readBytes(final int tag) throws IOException
    {
        final Object embedded = in.getEmbeddedObject();
        if (!(embedded instanceof byte[] bytes))
        {
            throw new Malformed("unsupported CBOR value (" + (embedded == null ? "null" :
                embedded.getClass().getSimpleName()) + ") at byte " + position());
        }
        return switch (tag)
        {
            case -1 -> bytes;
            case TAG_SINT32_LE -> typedArray(bytes, INT_LE, tag, int[]::new);
            case TAG_SINT64_LE -> typedArray(bytes, LONG_LE, tag, long[]::new);
            case TAG_FLOAT64_LE -> typedArray(bytes, DOUBLE_LE, tag, double[]::new);
            case TAG_FLOAT32_LE -> typedArray(bytes, FLOAT_LE, tag, float[]::new);
            case TAG_SINT16_LE -> typedArray(bytes, SHORT_LE, tag, short[]::new);
            case TAG_UINT16_LE -> typedArray(bytes, CHAR_LE, tag, char[]::new);
            default -> throw unsupportedTag(tag, "a byte string");
        };
    }

    private Object typedArray(final byte[] bytes, final ValueLayout layout, final int tag,
        final IntFunction<Object> create)
    {
        final int size = (int)layout.byteSize();
        if (bytes.length % size != 0)
        {
            throw new Malformed("a typed array (tag " + tag + ") of " + bytes.length + " bytes, not a multiple of " +
                size + ", at byte " + position());
        }
        final Object array = create.apply(bytes.length / size);
        MemorySegment.copy(MemorySegment.ofArray(bytes), layout, 0, array, 0, bytes.length / size);
        return array;
    }

    /** Tag 27: {@code [name, ...]}, a registered record or enum constant, or a {@code boolean[]}. */
    private Object readObject(final int depth) throws IOException
    {
        checkDepth(depth);
        if (in.nextToken() != JsonToken.VALUE_STRING || in.getCurrentTag() != -1)
        {
            throw new Malformed("a generic object (tag 27) without a type name at byte " + position());
        }
        final String name = in.getText();
        if (BOOLEAN_ARRAY.equals(name))
        {
            return readBooleans();
        }
        final ObjectTypes.Type type = types.ofName(name);
        return switch (type)
        {
            case null -> throw new Malformed("type tag '" + name + "' is not in the allow-list " + types.names());
            case ObjectTypes.EnumType e -> readConstant(e);
            case ObjectTypes.RecordType r -> readRecord(r, depth);
        };
    }

    private boolean[] readBooleans() throws IOException
    {
        boolean[] values = new boolean[16];
        int count = 0;
        JsonToken token;
        while ((token = in.nextToken()) != JsonToken.END_ARRAY)
        {
            if (token != JsonToken.VALUE_TRUE && token != JsonToken.VALUE_FALSE || in.getCurrentTag() != -1)
            {
                throw new Malformed("a boolean[] holding " + token + " at byte " + position());
            }
            if (count == values.length)
            {
                values = Arrays.copyOf(values, 2 * count);
            }
            values[count++] = token == JsonToken.VALUE_TRUE;
        }
        return Arrays.copyOf(values, count);
    }

    private Enum<?> readConstant(final ObjectTypes.EnumType type) throws IOException
    {
        if (in.nextToken() != JsonToken.VALUE_STRING || in.getCurrentTag() != -1)
        {
            throw new Malformed("enum " + type.name + " without a constant name at byte " + position());
        }
        final String constant = in.getText();
        final Enum<?> value = type.constants.get(constant);
        if (value == null)
        {
            throw new Malformed("enum " + type.name + " has no constant '" + constant + "'");
        }
        if (in.nextToken() != JsonToken.END_ARRAY)
        {
            throw new Malformed("enum " + type.name + " followed by more than its constant at byte " + position());
        }
        return value;
    }

    private Object readRecord(final ObjectTypes.RecordType type, final int depth) throws IOException
    {
        final int count = type.componentTypes.length;
        final Object[] components = new Object[count];
        JsonToken token;
        int i = 0;
        while ((token = in.nextToken()) != JsonToken.END_ARRAY)
        {
            if (i == count)
            {
                throw new Malformed("record " + type.name + " with more than its " + count + " components");
            }
            components[i] = coerce(type, i, read(token, depth));
            i++;
        }
        if (i != count)
        {
            throw new Malformed("record " + type.name + " with " + i + " of its " + count + " components");
        }
        try
        {
            return type.constructor.invokeExact(components);
        }
        catch (final Throwable e)
        {
            throw new Malformed("the constructor of record " + type.name + " refused the components: " + e);
        }
    }

    /**
     * A decoded component as its record component's type: numbers are widened as Java widens primitives (and a
     * {@code Double} narrowed to a {@code float} component, since Python's floats are doubles; an {@code Integer}
     * to a {@code short} or {@code byte} component if in range); anything else must already be of the type.
     */
    private static Object coerce(final ObjectTypes.RecordType record, final int i, final Object value)
    {
        final Class<?> type = record.componentTypes[i];
        if (value == null)
        {
            if (type.isPrimitive())
            {
                throw new Malformed("component " + record.componentNames[i] + " of record " + record.name +
                    " is a " + type + ", not null");
            }
            return null;
        }
        final Object converted = switch (value)
        {
            case Integer n when type == long.class || type == Long.class -> n.longValue();
            case Integer n when type == double.class || type == Double.class -> n.doubleValue();
            case Integer n when type == float.class || type == Float.class -> n.floatValue();
            case Integer n when (type == short.class || type == Short.class) && n == n.shortValue() -> n.shortValue();
            case Integer n when (type == byte.class || type == Byte.class) && n == n.byteValue() -> n.byteValue();
            case Long n when type == double.class || type == Double.class -> n.doubleValue();
            case Long n when type == float.class || type == Float.class -> n.floatValue();
            case Float n when type == double.class || type == Double.class -> n.doubleValue();
            case Double n when type == float.class || type == Float.class -> n.floatValue();
            default -> value;
        };
        if (!box(type).isInstance(converted))
        {
            throw new Malformed("component " + record.componentNames[i] + " of record " + record.name + " is a " +
                type.getName() + ", not a " + value.getClass().getName());
        }
        return converted;
    }

    private static Class<?> box(final Class<?> type)
    {
        if (!type.isPrimitive())
        {
            return type;
        }
        return switch (type.getName())
        {
            case "int" -> Integer.class;
            case "long" -> Long.class;
            case "double" -> Double.class;
            case "float" -> Float.class;
            case "boolean" -> Boolean.class;
            case "short" -> Short.class;
            case "byte" -> Byte.class;
            default -> Character.class;
        };
    }
}
