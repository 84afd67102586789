package io.jvmipc.codec;

import java.lang.foreign.MemorySegment;

/**
 * Turns values into bytes written straight into shared memory, and back. Queues and pipes encode into the
 * slot or ring space they have claimed, so a codec for bytes or buffers copies once and allocates nothing.
 * <p>
 * Implementations must be thread-safe and stateless (or use only thread-confined scratch space).
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
}
