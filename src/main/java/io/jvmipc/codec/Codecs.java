package io.jvmipc.codec;

import java.nio.charset.StandardCharsets;
import java.util.Map;

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
 * Their {@linkplain Codec#identity() identities}: {@code jvmipc.bytes/1}, {@code jvmipc.utf8/1},
 * {@code jvmipc.long-le/1}, {@code jvmipc.int-le/1}, and for the serialisation codec
 * {@code jvmipc.serializable/1[}<i>the listed classes' names, sorted, comma-separated</i>{@code ]}, so that a
 * queue created with one allow-list cannot be opened with another.
 * <p>
 * Python's {@code multiprocessing} pickles every object it sends; these codecs are its counterpart, with Java
 * serialisation only when asked for, behind an allow-list.
 */
public final class Codecs
{
    /** FNV-1a's 64-bit offset basis and prime: the hash is stored in files, so it is fixed forever. */
    private static final long FNV_OFFSET_BASIS = 0xCBF2_9CE4_8422_2325L;
    private static final long FNV_PRIME = 0x0000_0100_0000_01B3L;

    private static final Map<Long, Codec<?>> BUILT_IN = Map.of(
        identityHash(ByteArrayCodec.INSTANCE), ByteArrayCodec.INSTANCE,
        identityHash(Utf8Codec.INSTANCE), Utf8Codec.INSTANCE,
        identityHash(LongCodec.INSTANCE), LongCodec.INSTANCE,
        identityHash(IntCodec.INSTANCE), IntCodec.INSTANCE);

    private Codecs()
    {
    }

    /**
     * The 64-bit hash of a codec's {@linkplain Codec#identity() identity} that queues and pipes store when they
     * are created (FNV-1a over the identity's UTF-8 bytes; the same in every process and release).
     *
     * @param codec the codec.
     * @return the hash of {@code codec.identity()}.
     * @throws NullPointerException if {@code codec} or its identity is {@code null}.
     */
    public static long identityHash(final Codec<?> codec)
    {
        final String identity = codec.identity();
        if (identity == null)
        {
            throw new NullPointerException(codec.getClass().getName() + ".identity() returned null");
        }
        long hash = FNV_OFFSET_BASIS;
        for (final byte b : identity.getBytes(StandardCharsets.UTF_8))
        {
            hash = (hash ^ (b & 0xFF)) * FNV_PRIME;
        }
        return hash;
    }

    /**
     * Names a codec for a message: its {@code toString()}, identity and identity hash.
     *
     * @param codec the codec.
     * @return for example {@code "Codecs.utf8() (identity jvmipc.utf8/1, hash 0x...)"}.
     */
    public static String describe(final Codec<?> codec)
    {
        return String.format("%s (identity %s, hash 0x%016x)", codec, codec.identity(), identityHash(codec));
    }

    /**
     * Names the codec whose identity hashes to {@code hash}, as read from a file: {@link #describe(Codec)} of
     * the library's codec of that identity if there is one, else only the hash (a hash cannot be reversed).
     *
     * @param hash an identity hash.
     * @return a description for a message.
     */
    public static String describeIdentity(final long hash)
    {
        final Codec<?> codec = BUILT_IN.get(hash);
        return codec != null ? describe(codec) : String.format("a codec of identity hash 0x%016x (not one of " +
            "the library's)", hash);
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
     * Java serialisation behind an allow-list, checked by the receiver's {@link java.io.ObjectInputFilter} and
     * first by the sender, so that a value the receiver would refuse is refused at {@code encode}, before
     * anything is sent. The allow-list admits only:
     * <ul>
     *   <li>the classes listed (exactly those, not their subclasses), and their serialisable superclasses;</li>
     *   <li>{@code String}, the boxed primitives ({@code Boolean}, {@code Byte}, {@code Character},
     *       {@code Short}, {@code Integer}, {@code Long}, {@code Float}, {@code Double}), {@code Number} (their
     *       superclass) and {@code Enum} (the superclass of every enum, which still has to be listed);</li>
     *   <li>arrays, of any dimension, of primitives, of any class above, of {@code Object} or of an interface
     *       (an array instantiates nothing but itself, and each element is checked on its own).</li>
     * </ul>
     * Collections must be listed: {@code java.util.ArrayList.class}, {@code HashMap.class}... (their internal
     * {@code Object[]} or {@code Map.Entry[]} arrays are admitted by the array rule). {@code List.of},
     * {@code Set.of}, {@code Map.of}, their {@code copyOf} and {@code Stream.toList()} travel as
     * {@code java.util.CollSer}, a package-private class: list it as {@code Class.forName("java.util.CollSer")}
     * (that admits the immutable classes it resolves to, and its elements are checked as any others). A class of
     * your own that travels as a proxy ({@code writeReplace} / {@code readResolve}) needs both listed: the
     * receiver checks the proxy and what it resolves to, and the sender, which writes only the proxy, cannot
     * see the latter. Limits: object graphs nested at most
     * {@value SerializableCodec#MAX_DEPTH} deep (the value itself is at depth 1), and no array longer than the
     * message has bytes (so a forged length cannot make the decoder allocate a huge array).
     * <p>
     * Encoding throws {@link CodecException} naming the class (or the depth) for a value the receiver would
     * refuse, {@link io.jvmipc.MessageTooLargeException} (naming both sizes) if the stream does not fit, and
     * {@link IllegalArgumentException} if the value is not serialisable. Decoding throws {@link CodecException}
     * naming the refused class or limit, before an instance of a refused class is created. The decoded value is
     * cast to {@code T} unchecked: list only classes that are {@code T}s.
     *
     * @param allowed the classes that may be sent and decoded.
     * @param <T>     the type of values.
     * @return the codec.
     */
    public static <T> Codec<T> serializable(final Class<?>... allowed)
    {
        return new SerializableCodec<>(allowed);
    }
}
