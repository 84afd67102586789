package io.jvmipc.codec;

/**
 * The codecs that come with the library. Each is thread-safe and stateless.
 * <table>
 *   <caption>What each codec writes</caption>
 *   <tr><th>codec</th><th>value</th><th>bytes</th><th>allocates on encode / decode</th></tr>
 *   <tr><td>{@link #bytes()}</td><td>{@code byte[]}</td><td>the array's bytes</td><td>nothing / the array</td></tr>
 *   <tr><td>{@link #utf8()}</td><td>{@code String}</td><td>its UTF-8 encoding, no length prefix</td>
 *       <td>nothing / the string</td></tr>
 *   <tr><td>{@link #ofLong()}</td><td>{@code Long}</td><td>8, little-endian</td><td>nothing / the box</td></tr>
 *   <tr><td>{@link #ofInt()}</td><td>{@code Integer}</td><td>4, little-endian</td><td>nothing / the box</td></tr>
 *   <tr><td>{@link #serializable(Class[])}</td><td>allow-listed {@code Serializable} classes</td>
 *       <td>Java serialisation stream</td><td>streams / the object graph</td></tr>
 * </table>
 * Python's {@code multiprocessing} pickles every object it sends; these codecs are its counterpart, with Java
 * serialisation only when asked for, behind an allow-list.
 */
public final class Codecs
{
    private Codecs()
    {
    }

    /**
     * Byte arrays, copied into and out of shared memory as they are. {@link Codec#encodedLength(Object)} is
     * the array's length.
     *
     * @return the codec.
     */
    public static Codec<byte[]> bytes()
    {
        return ByteArrayCodec.INSTANCE;
    }

    /**
     * Strings as UTF-8, encoded straight into shared memory with no intermediate array. Encoding throws
     * {@link io.jvmipc.MessageTooLargeException} (naming both sizes) if the encoding does not fit, and
     * {@link IllegalArgumentException} for a string holding an unpaired surrogate (which has no UTF-8 form);
     * decoding throws {@link CodecException} for malformed UTF-8 (including overlong forms and encoded
     * surrogates). {@link Codec#encodedLength(Object)} is exact (one pass over the string).
     *
     * @return the codec.
     */
    public static Codec<String> utf8()
    {
        return Utf8Codec.INSTANCE;
    }

    /**
     * A {@code long} as 8 little-endian bytes. Decoding any other length throws {@link CodecException}.
     *
     * @return the codec.
     */
    public static Codec<Long> ofLong()
    {
        return LongCodec.INSTANCE;
    }

    /**
     * An {@code int} as 4 little-endian bytes. Decoding any other length throws {@link CodecException}.
     *
     * @return the codec.
     */
    public static Codec<Integer> ofInt()
    {
        return IntCodec.INSTANCE;
    }

    /**
     * Java serialisation, decoded behind an {@link java.io.ObjectInputFilter} that admits only:
     * <ul>
     *   <li>the classes listed (exactly those, not their subclasses), and their serialisable superclasses;</li>
     *   <li>{@code String}, the boxed primitives ({@code Boolean}, {@code Byte}, {@code Character},
     *       {@code Short}, {@code Integer}, {@code Long}, {@code Float}, {@code Double}), {@code Number} (their
     *       superclass) and {@code Enum} (the superclass of every enum, which still has to be listed);</li>
     *   <li>arrays, of any dimension, of primitives or of any class above.</li>
     * </ul>
     * Anything else, collections such as {@code java.util.ArrayList} included (list them if you need them),
     * makes decoding throw {@link CodecException} before an instance of it is created. Limits: object graphs
     * nested at most {@value SerializableCodec#MAX_DEPTH} deep, and no array longer than the message has bytes
     * (so a forged length cannot make the decoder allocate a huge array). Encoding throws
     * {@link io.jvmipc.MessageTooLargeException} (naming both sizes) if the stream does not fit, and
     * {@link IllegalArgumentException} if the value is not serialisable. The decoded value is cast to
     * {@code T} unchecked: list only classes that are {@code T}s.
     *
     * @param allowed the classes that may be decoded.
     * @param <T>     the type of values.
     * @return the codec.
     */
    public static <T> Codec<T> serializable(final Class<?>... allowed)
    {
        return new SerializableCodec<>(allowed);
    }
}
