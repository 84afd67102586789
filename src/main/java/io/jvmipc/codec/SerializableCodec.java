package io.jvmipc.codec;

import io.jvmipc.MessageTooLargeException;

import java.io.IOException;
import java.io.NotSerializableException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.lang.foreign.MemorySegment;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;


/**
 * Java serialisation behind an allow-list; see {@link Codecs#serializable(Class[])}.
 *
 * @param <T> the type of values.
 */
final class SerializableCodec<T> implements Codec<T>
{
    /** The deepest object graph encoded or decoded (the value itself is at depth 1). */
    static final int MAX_DEPTH = 64;
    /** The identity's name and version; the sorted allow-list follows in brackets. */
    static final String IDENTITY_PREFIX = "jvmipc.serializable/1";

    /** The JDK's serial form of its immutable collections, a package-private class. */
    static final String IMMUTABLE_COLLECTIONS_FORM = "java.util.CollSer";

    /** The classes {@link #IMMUTABLE_COLLECTIONS_FORM} resolves to, taken from instances (they are private). */
    private static final List<Class<?>> IMMUTABLE_COLLECTIONS = List.of(List.of().getClass(), List.of(1).getClass(),
        List.of(1, 2, 3).getClass(), Stream.of(1, null).toList().getClass(), Set.of().getClass(),
        Set.of(1).getClass(), Set.of(1, 2, 3).getClass(), Map.of().getClass(), Map.of(1, 1).getClass(),
        Map.of(1, 1, 2, 2).getClass());

    private static final StackWalker STACK = StackWalker.getInstance();

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
        if (sorted.contains(IMMUTABLE_COLLECTIONS_FORM))
        {
            // the receiver's filter checks the class a proxy's readResolve returns, too
            allowed.addAll(IMMUTABLE_COLLECTIONS);
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
        final SegmentOutputStream out = new SegmentOutputStream();
        out.target(destination, offset, maxLength);
        try (CheckingOutputStream objects = new CheckingOutputStream(out))
        {
            objects.writeObject(value);
            if (objects.deferred != null)
            {
                throw new Refusal(objects.deferred);
            }
        }
        catch (final Refusal e)
        {
            throw new CodecException(description + ": cannot send a " + value.getClass().getName() + ": " +
                e.getMessage() + " (the receiver would refuse it)", null);
        }
        catch (final NotSerializableException e)
        {
            throw new IllegalArgumentException(description + ": cannot serialise " + e.getMessage(), e);
        }
        catch (final IOException e)
        {
            throw new IllegalArgumentException(description + ": cannot serialise a " + value.getClass().getName(), e);
        }
        if (out.count() > maxLength)
        {
            throw new MessageTooLargeException("the destination of " + description, out.count(), maxLength);
        }
        return (int)out.count();
    }

    @Override
    @SuppressWarnings("unchecked")
    public T decode(final MemorySegment source, final long offset, final int length)
    {
        final Filter filter = new Filter(length);
        try (ObjectInputStream in = new ObjectInputStream(new SegmentInputStream(source, offset, length)))
        {
            in.setObjectInputFilter(filter);
            return (T)in.readObject();
        }
        catch (final IOException | ClassNotFoundException | RuntimeException e)
        {
            final String reason = filter.rejection != null ? filter.rejection : e.toString();
            throw new CodecException(description + ": cannot decode a " + length + "-byte message: " + reason, e);
        }
    }

    /**
     * Whether a class may be in a stream: it is allowed, or it is an array whose element class (of the innermost
     * dimension) is primitive, allowed, {@code Object} or an interface. An array instantiates no class but
     * itself and every element is checked on its own, so arrays of {@code Object} (which {@code ArrayList},
     * {@code ArrayDeque} and the immutable collections' serial form check for) and of interfaces
     * ({@code Map.Entry[]}, which {@code HashMap} and {@code HashSet} check for) admit nothing more.
     */
    private boolean allows(final Class<?> type)
    {
        if (!type.isArray())
        {
            return allowed.contains(type);
        }
        Class<?> element = type;
        while (element.isArray())
        {
            element = element.getComponentType();
        }
        return element.isPrimitive() || element == Object.class || element.isInterface() ||
            allowed.contains(element);
    }

    /** Why {@code type} is refused, with a hint for the serial form of {@code List.of} and its kin. */
    private static String notAllowed(final Class<?> type)
    {
        final String hint = IMMUTABLE_COLLECTIONS_FORM.equals(type.getName()) ? " (the serial form of List.of, " +
            "Set.of, Map.of and Stream.toList: allow it with Class.forName(\"" + IMMUTABLE_COLLECTIONS_FORM +
            "\"))" : "";
        return "class " + type.getName() + hint + " is not in the allow-list";
    }

    /**
     * The receiver's check: the allow-list and the limits, remembering why it refused so that the exception can
     * say it. One per decode.
     */
    private final class Filter implements ObjectInputFilter
    {
        private final int length;
        private String rejection;

        Filter(final int length)
        {
            this.length = length;
        }

        @Override
        public Status checkInput(final FilterInfo info)
        {
            // a back-reference or a Class value may sit one level below the deepest object a sender writes
            if (info.depth() > MAX_DEPTH + 1)
            {
                return reject("nested deeper than " + MAX_DEPTH);
            }
            if (info.arrayLength() > length)
            {
                return reject("an array of " + info.arrayLength() + " elements in a " + length + "-byte message");
            }
            if (info.streamBytes() > length)
            {
                return reject("read " + info.streamBytes() + " bytes of a " + length + "-byte message");
            }
            final Class<?> type = info.serialClass();
            if (type == null || allows(type))
            {
                return Status.ALLOWED;
            }
            return reject(notAllowed(type));
        }

        private Status reject(final String reason)
        {
            if (rejection == null)
            {
                rejection = reason;
            }
            return Status.REJECTED;
        }
    }

    /**
     * The sender's check, before the message is published: every class whose descriptor the stream carries is
     * checked against the receiver's allow-list ({@link #annotateClass}, called once per class, superclasses and
     * array classes included, as the receiver's filter is), and every object written against the depth limit
     * ({@link #replaceObject}, called for every object but back-references, nulls and {@code Class} values, after
     * {@code writeReplace}). A refusal is an unchecked {@link Refusal}: an {@code IOException} would make
     * {@code ObjectOutputStream} serialise the exception itself into the stream.
     * <p>
     * The depth is not exposed by {@code ObjectOutputStream}: it is the number of its {@code writeObject0} frames
     * on the stack (one per nested object, the value itself at depth 1). Walking the stack for every object would
     * cost more than writing it, so the walk is amortised: an object written {@code j} objects after one at depth
     * {@code d} is at most at depth {@code d + j}, so the next walk is due only when that could pass the limit.
     * Should a JDK rename the frame, no depth is measured and the receiver's filter still refuses a graph too
     * deep (the codec's depth test then fails). The receiver's other limits (no array longer, and no stream
     * longer, than the message has bytes) cannot be passed by a stream a sender writes: every element takes at
     * least one byte.
     */
    private final class CheckingOutputStream extends ObjectOutputStream
    {
        private int objectsUntilWalk = MAX_DEPTH + 1;
        private String deferred;

        CheckingOutputStream(final OutputStream out) throws IOException
        {
            super(out);
            enableReplaceObject(true);
        }

        @Override
        protected void annotateClass(final Class<?> type)
        {
            if (!allows(type))
            {
                refuse(notAllowed(type), Throwable.class.isAssignableFrom(type));
            }
        }

        @Override
        protected void annotateProxyClass(final Class<?> type)
        {
            refuse("proxy " + type.getName() + " cannot be in the allow-list", false);
        }

        /**
         * Throws, unless a refused exception class has been met: {@code ObjectOutputStream} writes the
         * {@code IOException} that ends a failed {@code writeObject} (a field that is not serialisable) into
         * the stream, and a refusal then would replace it. So once a {@code Throwable} is refused the rest of
         * the stream passes, and the first refusal is thrown by {@link #encode} if {@code writeObject} returns.
         */
        private void refuse(final String reason, final boolean throwable)
        {
            if (deferred == null)
            {
                if (!throwable)
                {
                    throw new Refusal(reason);
                }
                deferred = reason;
            }
        }

        @Override
        protected Object replaceObject(final Object value)
        {
            if (--objectsUntilWalk <= 0)
            {
                final int depth = STACK.walk(frames -> (int)frames.filter(SerializableCodec::isWriteFrame).count());
                if (depth > MAX_DEPTH)
                {
                    throw new Refusal("the object graph is nested deeper than " + MAX_DEPTH + " (a " +
                        value.getClass().getName() + " at depth " + depth + ")");
                }
                objectsUntilWalk = MAX_DEPTH - depth + 1;
            }
            return value;
        }
    }

    private static boolean isWriteFrame(final StackWalker.StackFrame frame)
    {
        return "writeObject0".equals(frame.getMethodName()) &&
            "java.io.ObjectOutputStream".equals(frame.getClassName());
    }

    /** A value the receiver's filter would refuse; carries the reason, no stack trace. */
    private static final class Refusal extends RuntimeException
    {
        private static final long serialVersionUID = 1L;

        Refusal(final String reason)
        {
            super(reason, null, false, false);
        }
    }

    @Override
    public String toString()
    {
        return description;
    }

}
