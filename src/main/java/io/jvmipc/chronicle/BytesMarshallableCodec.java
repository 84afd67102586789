package io.jvmipc.chronicle;

import io.jvmipc.MessageTooLargeException;
import io.jvmipc.codec.Codec;
import io.jvmipc.codec.CodecException;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.BytesMarshallable;
import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.bytes.PointerBytesStore;

import java.lang.foreign.MemorySegment;
import java.nio.BufferOverflowException;
import java.nio.BufferUnderflowException;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A {@link Codec} for Chronicle Bytes {@link BytesMarshallable} objects: {@code writeMarshallable} writes straight
 * into the queue slot or pipe space, and {@code readMarshallable} reads straight from it, through a Chronicle
 * {@link PointerBytesStore} over the slot's address ({@link BytesStore#wrap(long, long)}), with no intermediate
 * copy. Bounded: the Chronicle {@code Bytes} over the slot has its write limit set to the space given (Chronicle's
 * view of a wrapped address has none of its own), so a value that does not fit throws
 * {@link MessageTooLargeException} and never writes past that space, whether it writes sequentially or at absolute
 * offsets.
 * <p>
 * <b>JVM flags</b>: Chronicle Bytes on JDK 25 works with a hand-written {@code readMarshallable} /
 * {@code writeMarshallable} and no flag (printing warnings); its reflective default marshalling needs
 * {@code --add-opens=java.base/java.lang.reflect=ALL-UNNAMED}. These five silence it entirely:
 * {@code --add-exports=java.base/jdk.internal.ref=ALL-UNNAMED --add-exports=java.base/sun.nio.ch=ALL-UNNAMED
 * --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --enable-native-access=ALL-UNNAMED
 * --sun-misc-unsafe-memory-access=allow}; it fails outright if {@code sun.misc.Unsafe} memory access is denied.
 * {@code -Dchronicle.analytics.disable=true} turns off its analytics. The rest of the library needs none of this.
 * <p>
 * <b>Identity</b>: {@code jvmipc.chronicle-bytes/1[}<i>the class's name</i>{@code ]}, or with a version of the
 * user's encoding {@code jvmipc.chronicle-bytes/1[}<i>name</i>{@code ;}<i>version</i>{@code ]}
 * ({@link #of(Class, Supplier, String)}): bump the version whenever {@code writeMarshallable} changes, so that a
 * queue written with the old layout is not opened with the new one.
 * <p>
 * <b>Decoding</b> calls {@code factory} for a fresh object per message and copies nothing else: the object must
 * keep no reference to the {@code BytesIn} it was read from. The codec is thread-safe and stateless as long as the
 * factory is; each call wraps the slot in a new small Chronicle view (two small objects per message).
 *
 * @param <T> the message type.
 */
// shows Chronicle Bytes types: the module requires it static, not transitive (an application using this adapter
// requires it itself)
@SuppressWarnings("exports")
public final class BytesMarshallableCodec<T extends BytesMarshallable> implements Codec<T>
{
    /** The name and version of this codec's framing (none: the value's own bytes), the prefix of every identity. */
    public static final String IDENTITY_PREFIX = "jvmipc.chronicle-bytes/1";

    private final Class<T> type;
    private final Supplier<? extends T> factory;
    private final String identity;

    private BytesMarshallableCodec(final Class<T> type, final Supplier<? extends T> factory, final String identity)
    {
        this.type = type;
        this.factory = factory;
        this.identity = identity;
    }

    /**
     * A codec for {@code type}, decoding into objects made by {@code factory}.
     *
     * @param type    the message class (its name is part of the identity).
     * @param factory makes an empty object for each decoded message.
     * @param <T>     the message type.
     * @return the codec, identity {@code jvmipc.chronicle-bytes/1[}<i>type's name</i>{@code ]}.
     */
    public static <T extends BytesMarshallable> BytesMarshallableCodec<T> of(final Class<T> type,
        final Supplier<? extends T> factory)
    {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(factory, "factory");
        return new BytesMarshallableCodec<>(type, factory, IDENTITY_PREFIX + "[" + type.getName() + "]");
    }

    /**
     * A codec for {@code type} whose identity also carries the version of the type's own encoding.
     *
     * @param type    the message class (its name is part of the identity).
     * @param factory makes an empty object for each decoded message.
     * @param version the version of {@code type}'s {@code writeMarshallable} layout, non-empty, without
     *                {@code ]}.
     * @param <T>     the message type.
     * @return the codec, identity {@code jvmipc.chronicle-bytes/1[}<i>name</i>{@code ;}<i>version</i>{@code ]}.
     * @throws IllegalArgumentException if {@code version} is empty or contains {@code ]}.
     */
    public static <T extends BytesMarshallable> BytesMarshallableCodec<T> of(final Class<T> type,
        final Supplier<? extends T> factory, final String version)
    {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(factory, "factory");
        Objects.requireNonNull(version, "version");
        if (version.isEmpty() || version.indexOf(']') >= 0)
        {
            throw new IllegalArgumentException("version must be non-empty and without ']': \"" + version + "\"");
        }
        return new BytesMarshallableCodec<>(type, factory, IDENTITY_PREFIX + "[" + type.getName() + ";" + version +
            "]");
    }

    @Override
    public int encode(final T value, final MemorySegment destination, final long offset, final int maxLength)
    {
        Objects.requireNonNull(value, "value");
        if (!type.isInstance(value))
        {
            throw new IllegalArgumentException("not a " + type.getName() + ": " + value.getClass().getName());
        }
        Objects.checkFromIndexSize(offset, maxLength, destination.byteSize());
        final PointerBytesStore store = BytesStore.wrap(destination.address() + offset, maxLength);
        final Bytes<?> bytes = store.bytesForWrite();
        try
        {
            // the view's write limit is unbounded (checked: it wrote past the wrapped size into the next slot); bound it
            bytes.writeLimit(maxLength);
            value.writeMarshallable(bytes);
            return Math.toIntExact(bytes.writePosition());
        }
        catch (final BufferOverflowException e)
        {
            final MessageTooLargeException tooLarge =
                new MessageTooLargeException("the destination of " + this, -1, maxLength);
            tooLarge.initCause(e);
            throw tooLarge;
        }
        finally
        {
            release(store, bytes);
        }
    }

    @Override
    public T decode(final MemorySegment source, final long offset, final int length)
    {
        Objects.checkFromIndexSize(offset, length, source.byteSize());
        final T value = Objects.requireNonNull(factory.get(), "the factory of " + this + " returned null");
        final PointerBytesStore store = BytesStore.wrap(source.address() + offset, length);
        final Bytes<?> bytes = store.bytesForRead();
        try
        {
            value.readMarshallable(bytes);
            return value;
        }
        catch (final BufferUnderflowException | IllegalStateException e)
        {
            throw new CodecException("a " + length + "-byte message is not a valid " + type.getName() + " (" + this +
                "): " + e, e);
        }
        catch (final RuntimeException e)
        {
            if (e instanceof CodecException)
            {
                throw e;
            }
            throw new CodecException("reading a " + length + "-byte " + type.getName() + " (" + this + ") failed: " +
                e, e);
        }
        finally
        {
            release(store, bytes);
        }
    }

    /** Gives back Chronicle's reservations of the view (the slot's memory is the queue's: nothing is freed). */
    private static void release(final PointerBytesStore store, final Bytes<?> bytes)
    {
        bytes.releaseLast();
        if (store.refCount() > 0)
        {
            store.releaseLast();
        }
    }

    @Override
    public String identity()
    {
        return identity;
    }

    @Override
    public String toString()
    {
        return "BytesMarshallableCodec[" + type.getName() + "]";
    }
}
