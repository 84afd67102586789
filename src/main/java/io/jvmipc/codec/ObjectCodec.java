package io.jvmipc.codec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import com.fasterxml.jackson.dataformat.cbor.CBORParser;
import io.jvmipc.MessageTooLargeException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;

import static io.jvmipc.codec.ObjectFormat.MAX_DEPTH;

/**
 * Plain data, records and enums as CBOR, through Jackson's streaming generator and parser; see
 * {@link Codecs#objects(Class[])} and {@link ObjectFormat}. The only classes of the library, with
 * {@link ObjectWriter} and {@link ObjectReader}, that need Jackson: they are loaded only when an object codec is
 * made.
 * <p>
 * Encoding writes through a generator kept per thread (its output buffer is reused, so a message costs no
 * intermediate array) into a stream that points at the destination for the call; decoding parses from a stream
 * over the message's bytes with a parser per call (its buffers come from Jackson's per-thread pool).
 *
 * @param <T> the type of values.
 */
final class ObjectCodec<T> implements Codec<T>
{
    /**
     * The receiver's parser enforces the codec's own limits only ({@link ObjectFormat#MAX_DEPTH}, which the
     * reader checks first; and the message's length, which bounds every string, name and number): Jackson's
     * default caps on lengths would refuse messages a sender can write.
     */
    private static final CBORFactory FACTORY = CBORFactory.builder()
        .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
        .streamReadConstraints(StreamReadConstraints.builder()
            .maxNestingDepth(MAX_DEPTH + 1)
            .maxStringLength(Integer.MAX_VALUE)
            .maxNameLength(Integer.MAX_VALUE)
            .maxNumberLength(Integer.MAX_VALUE)
            .build())
        .streamWriteConstraints(StreamWriteConstraints.builder().maxNestingDepth(MAX_DEPTH + 1).build())
        .build();

    /** A thread's generator is replaced after this many bytes, so that Jackson's int byte count never wraps. */
    private static final long RETIRE_AFTER_BYTES = 1L << 30;

    private static final ThreadLocal<Encoder> ENCODER = ThreadLocal.withInitial(Encoder::new);

    private final ObjectTypes types;

    ObjectCodec(final ObjectTypes types)
    {
        this.types = types;
    }

    @Override
    public int encode(final T value, final MemorySegment destination, final long offset, final int maxLength)
    {
        Encoder encoder = ENCODER.get();
        final boolean shared = !encoder.busy;
        if (!shared)
        {
            // a record accessor encoding with an object codec on this thread, inside this encode
            encoder = new Encoder();
        }
        encoder.busy = true;
        encoder.out.target(destination, offset, maxLength);
        boolean clean = false;
        try
        {
            ObjectWriter.write(encoder.generator, types, value, 0);
            encoder.generator.flush();
            clean = true;
        }
        catch (final ObjectWriter.Refusal e)
        {
            throw new CodecException(types.description() + ": cannot send a " + value.getClass().getName() + ": " +
                e.getMessage() + " (the receiver would refuse it)", null);
        }
        catch (final IOException e)
        {
            throw new IllegalArgumentException(types.description() + ": cannot encode a " +
                value.getClass().getName() + ": " + e.getMessage(), e);
        }
        finally
        {
            encoder.busy = false;
            final long lifetime = encoder.out.release();
            if (shared && (!clean || lifetime > RETIRE_AFTER_BYTES))
            {
                // a failed write leaves the generator inside the value: the next message starts a new one
                ENCODER.remove();
            }
        }
        final long written = encoder.out.count();
        if (written > maxLength)
        {
            throw new MessageTooLargeException("the destination of " + types.description(), written, maxLength);
        }
        return (int)written;
    }

    @Override
    @SuppressWarnings("unchecked")
    public T decode(final MemorySegment source, final long offset, final int length)
    {
        try (CBORParser parser = FACTORY.createParser(new SegmentInputStream(source, offset, length)))
        {
            return (T)new ObjectReader(parser, types, source, offset).readMessage();
        }
        catch (final ObjectReader.Malformed e)
        {
            throw new CodecException(types.description() + ": cannot decode a " + length + "-byte message: " +
                e.getMessage(), null);
        }
        catch (final IOException | RuntimeException e)
        {
            throw new CodecException(types.description() + ": cannot decode a " + length + "-byte message: " +
                e.getMessage(), e);
        }
    }

    @Override
    public String identity()
    {
        return types.identity();
    }

    @Override
    public String toString()
    {
        return types.description();
    }

    /** A thread's generator and the stream under it. */
    private static final class Encoder
    {
        final SegmentOutputStream out = new SegmentOutputStream();
        final CBORGenerator generator;
        boolean busy;

        Encoder()
        {
            try
            {
                generator = FACTORY.createGenerator(out);
            }
            catch (final IOException e)
            {
                throw new UncheckedIOException(e);
            }
        }
    }

}
