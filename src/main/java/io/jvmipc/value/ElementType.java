package io.jvmipc.value;

/**
 * The type of a shared value or of an array's elements, stored as kind parameter 0 of the file so that an
 * {@code int} value is never attached as a {@code long} one. Codes are part of the file format: never renumber.
 */
enum ElementType
{
    /** A 32-bit signed integer. */
    INT(1, Integer.BYTES, "int"),
    /** A 64-bit signed integer. */
    LONG(2, Long.BYTES, "long"),
    /** A 64-bit IEEE 754 floating-point number, stored as its raw bits. */
    DOUBLE(3, Long.BYTES, "double"),
    /** A boolean, stored as a 32-bit 0 or 1. */
    BOOLEAN(4, Integer.BYTES, "boolean");

    private final int code;
    private final int size;
    private final String javaName;

    ElementType(final int code, final int size, final String javaName)
    {
        this.code = code;
        this.size = size;
        this.javaName = javaName;
    }

    int code()
    {
        return code;
    }

    int size()
    {
        return size;
    }

    static String nameOfCode(final long code)
    {
        for (final ElementType type : values())
        {
            if (type.code == code)
            {
                return type.javaName;
            }
        }
        return "unknown element type " + code;
    }

    @Override
    public String toString()
    {
        return javaName;
    }
}
