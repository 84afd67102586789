package io.jvmipc.value;

/**
 * Layout of a shared value's body ({@link io.jvmipc.file.ObjectKind#VALUE}): one block of {@link #LENGTH}
 * bytes, so the value shares its pair of cache lines with nothing else. All fields little-endian.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |   Value: int, boolean (int 0/1), long or double (raw bits)    |  0
 *  |   (the high word is unused for int and boolean)               |
 *  +---------------------------------------------------------------+
 *  |                 Reserved (zero) up to 128                   ...|  8
 *  +---------------------------------------------------------------+
 * </pre>
 * Kind parameter {@link #ELEMENT_TYPE_PARAMETER} holds the element type code (1 int, 2 long, 3 double,
 * 4 boolean).
 */
public final class ValueDescriptor
{
    /** The layout version of a value's body. */
    public static final int VERSION = 1;
    /** The kind parameter that holds the element type code. */
    public static final int ELEMENT_TYPE_PARAMETER = 0;
    /** Offset of the value in the body. */
    public static final int VALUE_OFFSET = 0;
    /** Bytes of body: a cache-line pair. */
    public static final int LENGTH = 128;

    private ValueDescriptor()
    {
    }

    /**
     * The Java name of an element type code as stored in kind parameter {@link #ELEMENT_TYPE_PARAMETER} of a
     * value or an array.
     *
     * @param code the code.
     * @return {@code "int"}, {@code "long"}, {@code "double"} or {@code "boolean"}, or a phrase naming an unknown
     *         code.
     */
    public static String elementTypeName(final long code)
    {
        return ElementType.nameOfCode(code);
    }
}
