package io.jvmipc.codec;

/**
 * The CBOR (RFC 8949) an object codec writes and reads: one data item per message, nothing after it.
 * <table>
 *   <caption>Java values and their CBOR</caption>
 *   <tr><th>Java (sent)</th><th>CBOR</th><th>Java (decoded)</th><th>Python ({@code cbor2})</th></tr>
 *   <tr><td>{@code null}</td><td>null (undefined is read as null)</td><td>{@code null}</td><td>{@code None}</td></tr>
 *   <tr><td>{@code Boolean}</td><td>true / false</td><td>{@code Boolean}</td><td>{@code bool}</td></tr>
 *   <tr><td>{@code Integer}, {@code Short}, {@code Byte}</td><td>integer, shortest form</td>
 *       <td>{@code Integer}</td><td>{@code int}</td></tr>
 *   <tr><td>{@code Long}</td><td>integer, always the 8-byte form</td><td>{@code Long}</td><td>{@code int}</td></tr>
 *   <tr><td>{@code BigInteger}</td><td>tag 2 / 3 bignum</td><td>{@code BigInteger}</td><td>{@code int}</td></tr>
 *   <tr><td>{@code Float} / {@code Double}</td><td>float32 / float64</td><td>{@code Float} / {@code Double}</td>
 *       <td>{@code float}</td></tr>
 *   <tr><td>{@code BigDecimal}</td><td>tag 4 decimal fraction</td><td>{@code BigDecimal}</td>
 *       <td>{@code Decimal}</td></tr>
 *   <tr><td>{@code String}</td><td>text string</td><td>{@code String}</td><td>{@code str}</td></tr>
 *   <tr><td>{@code byte[]}</td><td>byte string</td><td>{@code byte[]}</td><td>{@code bytes}</td></tr>
 *   <tr><td>{@code short[]}, {@code char[]}, {@code int[]}, {@code long[]}, {@code float[]},
 *       {@code double[]}</td><td>RFC 8746 typed arrays, little-endian: tags 77, 69 (uint16), 78, 79, 85, 86
 *       over a byte string</td><td>the same array type</td><td>{@code CBORTag} over {@code bytes}
 *       ({@code array.array} / {@code numpy.frombuffer} read it)</td></tr>
 *   <tr><td>{@code boolean[]}</td><td>tag 27 {@code ["boolean[]", true, false, ...]}</td><td>{@code boolean[]}</td>
 *       <td>{@code CBORTag(27, [...])}</td></tr>
 *   <tr><td>any {@code List}</td><td>array</td><td>{@code ArrayList}</td><td>{@code list}</td></tr>
 *   <tr><td>any {@code Set}</td><td>tag 258 (set) over an array</td><td>{@code LinkedHashSet}</td>
 *       <td>{@code set}</td></tr>
 *   <tr><td>any {@code Map} with {@code String}, {@code Integer} or {@code Long} keys</td><td>map (integer keys
 *       as integers)</td><td>{@code LinkedHashMap}</td><td>{@code dict}</td></tr>
 *   <tr><td>a registered record</td><td>tag 27 (generic object) {@code [name, component...]}</td>
 *       <td>the record</td><td>{@code CBORTag(27, [...])}</td></tr>
 *   <tr><td>a registered enum's constant</td><td>tag 27 {@code [name, constant name]}</td><td>the constant</td>
 *       <td>{@code CBORTag(27, [...])}</td></tr>
 * </table>
 * A Python tuple arrives as an {@code ArrayList}. Map keys decode as {@code String}, or for integer keys as
 * {@code Long} when written in the 8-byte form or outside {@code int}, else {@code Integer}.
 */
final class ObjectFormat
{
    /** RFC 8746 typed arrays, little-endian. */
    static final int TAG_UINT16_LE = 69;
    static final int TAG_SINT16_LE = 77;
    static final int TAG_SINT32_LE = 78;
    static final int TAG_SINT64_LE = 79;
    static final int TAG_FLOAT32_LE = 85;
    static final int TAG_FLOAT64_LE = 86;
    /** Generic object (type name, then constructor arguments): records, enum constants, {@code boolean[]}. */
    static final int TAG_OBJECT = 27;
    /** Finite set over an array. */
    static final int TAG_SET = 258;

    /** The type name of a {@code boolean[]} under {@link #TAG_OBJECT}: no Java class has this name. */
    static final String BOOLEAN_ARRAY = "boolean[]";

    /**
     * The deepest nesting of arrays, sets, maps, records and enum constants sent or decoded (the value itself, if
     * one of those, is at depth 1): deeper values are refused by the sender and the receiver alike.
     */
    static final int MAX_DEPTH = 256;

    private ObjectFormat()
    {
    }
}
