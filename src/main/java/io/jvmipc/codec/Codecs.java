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
 *   <tr><td>{@link #objects(Class[])}</td><td>plain data (what Python pickles: numbers, strings, lists, sets,
 *       maps...), listed records and enums, nested</td><td>CBOR (RFC 8949), which Python reads with
 *       {@code cbor2}</td><td>nothing per message but Jackson's small per-call objects / the values</td></tr>
 *   <tr><td>{@link #serializable(Class[])}</td><td>allow-listed {@code Serializable} classes</td>
 *       <td>Java serialisation stream</td><td>streams / the object graph</td></tr>
 * </table>
 * Their {@linkplain Codec#identity() identities}: {@code jvmipc.bytes/1}, {@code jvmipc.utf8/1},
 * {@code jvmipc.long-le/1}, {@code jvmipc.int-le/1}; for the object codec {@code jvmipc.cbor-objects/1[}<i>the
 * listed classes' names, sorted, comma-separated, each record's followed by its component names in
 * parentheses</i>{@code ]}; and for the serialisation codec
 * {@code jvmipc.serializable/1[}<i>the listed classes' names, sorted, comma-separated</i>{@code ]}, so that a
 * queue created with one allow-list cannot be opened with another.
 * <p>
 * Python's {@code multiprocessing} pickles every object it sends; {@link #objects(Class[])} is the counterpart for
 * plain data, records and enums, and Java serialisation is there only when asked for, behind an allow-list.
 */
public final class Codecs
{
    /** FNV-1a's 64-bit offset basis and prime: the hash is stored in files, so it is fixed forever. */
    private static final long FNV_OFFSET_BASIS = 0xCBF2_9CE4_8422_2325L;
    private static final long FNV_PRIME = 0x0000_0100_0000_01B3L;

    /** The class whose presence tells that the object codec's optional dependency is on the class path. */
    private static final String JACKSON_CBOR = "com.fasterxml.jackson.dataformat.cbor.CBORFactory";

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
     * Plain data, records and enums, as CBOR (RFC 8949): what a Python {@code multiprocessing} user sends, and what
     * Python itself reads and writes with {@code cbor2}. Safe by construction: the decoder creates only the
     * library's own containers, boxes, strings and arrays, and the records and enum constants listed here (by
     * their canonical constructor and {@code Enum.valueOf} semantics, never by reflection on a name it read); a
     * message naming any other type is a {@link CodecException} naming it. The sender refuses what its receiver
     * would refuse, with the same list on both sides (the list is part of the codec's identity, so a queue
     * created with one list cannot be opened with another).
     * <p>
     * What goes, and what it decodes as:
     * <ul>
     *   <li>{@code null}, {@code Boolean}, {@code String};</li>
     *   <li>{@code Integer}, {@code Short} and {@code Byte} (decoded as {@code Integer}), {@code Long} (always
     *       written in the 8-byte form, so decoded as {@code Long}), {@code BigInteger}, {@code Float},
     *       {@code Double}, {@code BigDecimal}; an integer from another writer decodes as {@code Integer} if it
     *       fits in one (and is not in the 8-byte form), else {@code Long}, else {@code BigInteger};</li>
     *   <li>{@code byte[]}, and {@code short[]}, {@code char[]}, {@code int[]}, {@code long[]}, {@code float[]},
     *       {@code double[]}, {@code boolean[]} (as the same array types);</li>
     *   <li>any {@code List} (including {@code List.of}, {@code Arrays.asList}, sublists), decoded as a mutable
     *       {@code ArrayList}; any {@code Set}, decoded as a mutable {@code LinkedHashSet} in the sender's
     *       iteration order; any {@code Map} whose keys are {@code String}, {@code Integer} or {@code Long},
     *       decoded as a mutable {@code LinkedHashMap} in the sender's iteration order. Elements and values may
     *       be {@code null} and of any supported type;</li>
     *   <li>the records and enums listed here, exactly those classes (an enum constant with a body is its enum's).
     *       A record travels as its components, in order, and is rebuilt with its canonical constructor (whose
     *       checks run; an exception there is a {@code CodecException}); a component's number is widened as Java
     *       widens primitives (an {@code Integer} from Python fills a {@code long} component, a {@code Double} a
     *       {@code float} one), and the element types of generic components ({@code List<Long>}) are not
     *       checked.</li>
     * </ul>
     * Anything else (another class, an {@code Object[]}, a {@code Queue}, a map key of another class, nesting
     * deeper than {@value ObjectFormat#MAX_DEPTH} lists, sets, maps, records or enum constants, a list that
     * contains itself) is refused by {@code encode} with a {@link CodecException} naming the class or the depth,
     * before anything is published (bytes may have been written into the claimed, unpublished space). A value
     * whose encoding does not fit throws {@link io.jvmipc.MessageTooLargeException} naming its full length.
     * Decoding throws {@code CodecException} for bytes that are not one such value (a truncated or trailing byte,
     * an unknown CBOR tag, a type name not listed here, an enum constant the receiver's enum lacks, a record
     * with the wrong number or types of components), naming what it found.
     * <p>
     * The CBOR: integers, floats, strings, byte strings, arrays and maps as themselves; {@code Set} as tag 258;
     * primitive arrays as RFC 8746 typed arrays (little-endian: tags 77, 69, 78, 79, 85, 86) except
     * {@code boolean[]}; records as tag 27 (generic object) over {@code [class name, components...]}, enum
     * constants as tag 27 over {@code [class name, constant name]}, {@code boolean[]} as tag 27 over
     * {@code ["boolean[]", values...]}. A Python peer sends {@code cbor2.dumps(value)} and reads
     * {@code cbor2.loads(message)} (tuples arrive as lists; a record or enum constant is a {@code CBORTag(27, ...)}).
     * <p>
     * Needs Jackson's CBOR format ({@code com.fasterxml.jackson.dataformat:jackson-dataformat-cbor} 2.23, with
     * {@code jackson-core}; not {@code jackson-databind}) on the class path: the library declares it optional, so
     * an application that uses this codec declares it. The codec is thread-safe; it keeps one Jackson generator
     * per thread that encodes.
     *
     * @param allowed the records and enums that may be sent and decoded; none for plain data only.
     * @param <T>     the type of values (the decoded value is cast to it unchecked).
     * @return the codec.
     * @throws IllegalArgumentException if a class listed is neither a record nor an enum, or a record's canonical
     *                                  constructor or accessors cannot be reached.
     * @throws IllegalStateException    if Jackson's CBOR format (or a recent enough {@code jackson-core}) is not on
     *                                  the class path.
     */
    public static <T> Codec<T> objects(final Class<?>... allowed)
    {
        final ObjectTypes types = new ObjectTypes(allowed);
        try
        {
            Class.forName(JACKSON_CBOR, false, Codecs.class.getClassLoader());
            return new ObjectCodec<>(types);
        }
        catch (final ClassNotFoundException | LinkageError e)
        {
            throw new IllegalStateException("Codecs.objects(...) needs Jackson's CBOR format on the class path: " +
                "com.fasterxml.jackson.dataformat:jackson-dataformat-cbor:2.23.0 with jackson-core 2.23.0 (jvmipc " +
                "declares them optional; add them to the application's dependencies): " + e, e);
        }
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
