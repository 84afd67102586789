package io.jvmipc.codec;

import java.lang.foreign.MemorySegment;

/**
 * Turns values into bytes written straight into shared memory, and back. Queues and pipes encode into the
 * slot or ring space they have claimed, so a codec for bytes or buffers copies once and allocates nothing.
 * <p>
 * Implementations must be thread-safe and stateless (or use only thread-confined scratch space).
 * <p>
 * A codec has an {@linkplain #identity() identity}: a queue or pipe records it when created and refuses to be
 * opened with a codec of another identity, so that a process cannot decode another encoding's bytes.
 *
 * @param <T> the type of value.
 */
public interface Codec<T>
{
    /**
     * Writes {@code value} at {@code offset} of {@code destination}, using at most {@code maxLength} bytes.
     *
     * @param value       the value, never {@code null}.
     * @param destination the shared memory to write into.
     * @param offset      where to start.
     * @param maxLength   the most bytes the message may take.
     * @return the number of bytes written.
     * @throws io.jvmipc.MessageTooLargeException if the encoded value needs more than {@code maxLength} bytes;
     *                                            nothing the caller published is affected.
     * @throws CodecException                    if the codec refuses the value (for example a class the
     *                                            receiver's allow-list would refuse).
     * @throws IllegalArgumentException           if the value cannot be encoded.
     */
    int encode(T value, MemorySegment destination, long offset, int maxLength);

    /**
     * Reads a value of {@code length} bytes at {@code offset} of {@code source}. The bytes are valid only during
     * this call: a codec must copy what it keeps.
     *
     * @param source the shared memory holding the message.
     * @param offset where it starts.
     * @param length its length in bytes.
     * @return the value.
     * @throws CodecException if the bytes are not a valid encoding.
     */
    T decode(MemorySegment source, long offset, int length);

    /**
     * The exact number of bytes {@code value} encodes to, if known cheaply, else -1. Transports with
     * variable-length records use it to reserve exactly that much space.
     *
     * @param value the value.
     * @return its encoded length, or -1 if unknown before encoding.
     */
    default int encodedLength(final T value)
    {
        return -1;
    }

    /**
     * The codec's stable identity: the name of its encoding and the encoding's version, by convention written
     * {@code name/version} ({@code "jvmipc.utf8/1"}). A {@link io.jvmipc.queue.SharedQueue} or
     * {@link io.jvmipc.pipe.Pipe} stores its 64-bit hash ({@link Codecs#identityHash(Codec)}) when it is created;
     * opening it with a codec of another identity throws {@link io.jvmipc.file.IncompatibleParametersException}
     * naming both. The byte paths of a queue or pipe ({@code offerBytes}, {@code sendBytes}...) do not decode and
     * are not checked against it.
     * <p>
     * Two codecs with one identity must write and read the same bytes: change the version whenever the encoding
     * changes. The library's codecs declare {@code jvmipc.*} identities (see {@link Codecs}); do not use that
     * prefix.
     * <p>
     * The default is the implementing class's binary name, {@code getClass().getName()}. It changes when the class
     * is renamed or moved, and for an anonymous class ({@code Outer$1}) when another anonymous class is added
     * before it in the source: override this method with a constant to keep existing queues readable across
     * such changes, or to let two classes that read the same bytes share a queue.
     *
     * @return the identity; never {@code null}.
     */
    default String identity()
    {
        return getClass().getName();
    }
}
