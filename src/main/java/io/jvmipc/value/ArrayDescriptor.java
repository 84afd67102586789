package io.jvmipc.value;

/**
 * Layout of a shared array's body ({@link io.jvmipc.file.ObjectKind#ARRAY}): the elements, packed, from
 * offset 0. The body starts on a page boundary, so every element is naturally aligned. All little-endian.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |          Element 0 (4 bytes for int, 8 for long/double)       |  0
 *  +---------------------------------------------------------------+
 *  |          Element 1                                            |  size
 *  +---------------------------------------------------------------+
 *  |          ...  Element length - 1                           ...|
 *  +---------------------------------------------------------------+
 *  |          Zero padding up to a multiple of 128                ...|
 *  +---------------------------------------------------------------+
 * </pre>
 * Kind parameter {@link #ELEMENT_TYPE_PARAMETER} holds the element type code, {@link #LENGTH_PARAMETER} the
 * number of elements. Elements are packed like Python's {@code Array}: neighbours share cache lines, so
 * processes hammering adjacent elements slow each other down (false sharing) but stay correct.
 */
public final class ArrayDescriptor
{
    /** The layout version of an array's body. */
    public static final int VERSION = 1;
    /** The kind parameter that holds the element type code. */
    public static final int ELEMENT_TYPE_PARAMETER = 0;
    /** The kind parameter that holds the number of elements. */
    public static final int LENGTH_PARAMETER = 1;
    /** Offset of element 0 in the body. */
    public static final int ELEMENTS_OFFSET = 0;
    /** The body's length is rounded up to a multiple of this. */
    public static final int ALIGNMENT = 128;

    private ArrayDescriptor()
    {
    }

    /**
     * Offset in the body of element {@code index}.
     *
     * @param type  the element type.
     * @param index the element.
     * @return its offset.
     */
    static long elementOffset(final ElementType type, final int index)
    {
        return ELEMENTS_OFFSET + (long)index * type.size();
    }

    /**
     * The body length for {@code length} elements.
     *
     * @param type   the element type.
     * @param length the number of elements.
     * @return the body length in bytes.
     */
    static long bodyLength(final ElementType type, final int length)
    {
        final long bytes = ELEMENTS_OFFSET + (long)length * type.size();
        return (bytes + ALIGNMENT - 1) & -ALIGNMENT;
    }
}
