package io.jvmipc.codec;

import io.jvmipc.MessageTooLargeException;

import java.io.IOException;
import java.io.InputStream;
import java.io.NotSerializableException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.lang.foreign.MemorySegment;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * Java serialisation behind an allow-list; see {@link Codecs#serializable(Class[])}.
 *
 * @param <T> the type of values.
 */
final class SerializableCodec<T> implements Codec<T>
{
    /** The deepest object graph decoded. */
    static final int MAX_DEPTH = 64;
    /** The identity's name and version; the sorted allow-list follows in brackets. */
    static final String IDENTITY_PREFIX = "jvmipc.serializable/1";

    private static final List<Class<?>> ALWAYS_ALLOWED = List.of(String.class, Boolean.class, Byte.class,
        Character.class, Short.class, Integer.class, Long.class, Float.class, Double.class, Number.class, Enum.class);

    private final Set<Class<?>> allowed = new HashSet<>();
    private final String description;
    private final String identity;

    SerializableCodec(final Class<?>... classes)
    {
        allowed.addAll(ALWAYS_ALLOWED);
        final StringBuilder names = new StringBuilder();
        final Set<String> sorted = new TreeSet<>();
        for (final Class<?> type : classes)
        {
            names.append(names.isEmpty() ? "" : ", ").append(type.getName());
            sorted.add(type.getName());
            for (Class<?> c = type; c != null && Serializable.class.isAssignableFrom(c); c = c.getSuperclass())
            {
                allowed.add(c);
            }
        }
        description = "Codecs.serializable(" + names + ")";
        identity = IDENTITY_PREFIX + "[" + String.join(",", sorted) + "]";
    }

    @Override
    public String identity()
    {
        return identity;
    }

    @Override
    public int encode(final T value, final MemorySegment destination, final long offset, final int maxLength)
    {
        final SegmentOutputStream out = new SegmentOutputStream(destination, offset, maxLength);
        try (ObjectOutputStream objects = new ObjectOutputStream(out))
        {
            objects.writeObject(value);
        }
        catch (final NotSerializableException e)
        {
            throw new IllegalArgumentException(description + ": cannot serialise " + e.getMessage(), e);
        }
        catch (final IOException e)
        {
            throw new IllegalArgumentException(description + ": cannot serialise a " + value.getClass().getName(), e);
        }
        if (out.count > maxLength)
        {
            throw new MessageTooLargeException("the destination of " + description, out.count, maxLength);
        }
        return (int)out.count;
    }

    @Override
    @SuppressWarnings("unchecked")
    public T decode(final MemorySegment source, final long offset, final int length)
    {
        try (ObjectInputStream in = new ObjectInputStream(new SegmentInputStream(source, offset, length)))
        {
            in.setObjectInputFilter(info -> check(info, length));
            return (T)in.readObject();
        }
        catch (final IOException | ClassNotFoundException | RuntimeException e)
        {
            throw new CodecException(description + ": cannot decode a " + length + "-byte message: " + e, e);
        }
    }

    private ObjectInputFilter.Status check(final ObjectInputFilter.FilterInfo info, final int length)
    {
        if (info.depth() > MAX_DEPTH || info.arrayLength() > length || info.streamBytes() > length)
        {
            return ObjectInputFilter.Status.REJECTED;
        }
        final Class<?> type = info.serialClass();
        if (type == null)
        {
            return ObjectInputFilter.Status.ALLOWED;
        }
        Class<?> element = type;
        while (element.isArray())
        {
            element = element.getComponentType();
        }
        return element.isPrimitive() || allowed.contains(element) ? ObjectInputFilter.Status.ALLOWED :
            ObjectInputFilter.Status.REJECTED;
    }

    @Override
    public String toString()
    {
        return description;
    }

    /** Writes into a segment up to a limit, and counts (without writing) what goes past it. */
    private static final class SegmentOutputStream extends OutputStream
    {
        private final MemorySegment destination;
        private final long offset;
        private final long limit;
        private long count;

        SegmentOutputStream(final MemorySegment destination, final long offset, final int limit)
        {
            this.destination = destination;
            this.offset = offset;
            this.limit = Math.max(0, limit);
        }

        @Override
        public void write(final int b)
        {
            if (count < limit)
            {
                destination.set(JAVA_BYTE, offset + count, (byte)b);
            }
            count++;
        }

        @Override
        public void write(final byte[] bytes, final int from, final int length)
        {
            final long fits = Math.min(length, limit - count);
            if (fits > 0)
            {
                MemorySegment.copy(bytes, from, destination, JAVA_BYTE, offset + count, (int)fits);
            }
            count += length;
        }
    }

    /** Reads a segment's bytes. */
    private static final class SegmentInputStream extends InputStream
    {
        private final MemorySegment source;
        private final long end;
        private long position;

        SegmentInputStream(final MemorySegment source, final long offset, final int length)
        {
            this.source = source;
            this.position = offset;
            this.end = offset + length;
        }

        @Override
        public int read()
        {
            return position < end ? source.get(JAVA_BYTE, position++) & 0xFF : -1;
        }

        @Override
        public int read(final byte[] bytes, final int from, final int length)
        {
            if (length == 0)
            {
                return 0;
            }
            if (position >= end)
            {
                return -1;
            }
            final int n = (int)Math.min(length, end - position);
            MemorySegment.copy(source, JAVA_BYTE, position, bytes, from, n);
            position += n;
            return n;
        }

        @Override
        public int available()
        {
            return (int)(end - position);
        }
    }
}
