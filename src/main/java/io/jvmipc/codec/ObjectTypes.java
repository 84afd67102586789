package io.jvmipc.codec;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.InaccessibleObjectException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The records and enums an object codec may send and create, each under its registered name (the class's binary
 * name), and the codec's identity built from them. Knows nothing of CBOR; see {@link Codecs#objects(Class[])}.
 */
final class ObjectTypes
{
    /** The identity's name and version; the sorted allow-list follows in brackets. */
    static final String IDENTITY_PREFIX = "jvmipc.cbor-objects/1";

    private final Map<Class<?>, Type> byClass = new HashMap<>();
    private final Map<String, Type> byName = new HashMap<>();
    private final String description;
    private final String identity;

    /** A registered record or enum. */
    abstract static sealed class Type permits RecordType, EnumType
    {
        final String name;

        Type(final String name)
        {
            this.name = name;
        }
    }

    /** A registered record: its components' names, types and accessors, and its canonical constructor. */
    static final class RecordType extends Type
    {
        final String[] componentNames;
        final Class<?>[] componentTypes;
        final MethodHandle[] accessors;
        /** The canonical constructor, spread: {@code (Object[]) -> Object}. */
        final MethodHandle constructor;

        RecordType(final Class<?> type)
        {
            super(type.getName());
            final RecordComponent[] components = type.getRecordComponents();
            componentNames = new String[components.length];
            componentTypes = new Class<?>[components.length];
            accessors = new MethodHandle[components.length];
            try
            {
                final MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(type, MethodHandles.lookup());
                for (int i = 0; i < components.length; i++)
                {
                    componentNames[i] = components[i].getName();
                    componentTypes[i] = components[i].getType();
                    accessors[i] = lookup.unreflect(components[i].getAccessor())
                        .asType(MethodType.methodType(Object.class, Object.class));
                }
                constructor = lookup.findConstructor(type, MethodType.methodType(void.class, componentTypes))
                    .asSpreader(Object[].class, components.length)
                    .asType(MethodType.methodType(Object.class, Object[].class));
            }
            catch (final IllegalAccessException | NoSuchMethodException | InaccessibleObjectException e)
            {
                throw new IllegalArgumentException("record " + type.getName() + " cannot be registered with an " +
                    "object codec: its canonical constructor or accessors are not accessible (" + e.getMessage() +
                    "); open its package to io.jvmipc", e);
            }
        }
    }

    /** A registered enum: its constants by name. */
    static final class EnumType extends Type
    {
        final Map<String, Enum<?>> constants = new HashMap<>();

        EnumType(final Class<?> type)
        {
            super(type.getName());
            for (final Object constant : type.getEnumConstants())
            {
                final Enum<?> e = (Enum<?>)constant;
                constants.put(e.name(), e);
            }
        }
    }

    ObjectTypes(final Class<?>... classes)
    {
        final List<String> listed = new ArrayList<>();
        final TreeSet<String> sorted = new TreeSet<>();
        for (final Class<?> type : classes)
        {
            if (type == null)
            {
                throw new NullPointerException("a class of the allow-list is null");
            }
            final Type registered;
            final String entry;
            if (type.isRecord())
            {
                final RecordType record = new RecordType(type);
                registered = record;
                entry = record.name + "(" + String.join(",", record.componentNames) + ")";
            }
            else if (type.isEnum())
            {
                registered = new EnumType(type);
                entry = type.getName();
            }
            else
            {
                throw new IllegalArgumentException("an object codec allows only records and enums (lists, sets, " +
                    "maps, strings, numbers and primitive arrays need no listing): " + type.getName() + " is neither");
            }
            if (byName.putIfAbsent(registered.name, registered) == null)
            {
                byClass.put(type, registered);
                listed.add(type.getName());
                sorted.add(entry);
            }
        }
        description = "Codecs.objects(" + String.join(", ", listed) + ")";
        identity = IDENTITY_PREFIX + "[" + String.join(",", sorted) + "]";
    }

    /**
     * The registered type of a value's class, or {@code null}; an enum constant with a body is looked up by its
     * enum class.
     */
    Type ofClass(final Class<?> type)
    {
        final Type found = byClass.get(type);
        if (found == null && Enum.class.isAssignableFrom(type) && !type.isEnum())
        {
            return byClass.get(type.getSuperclass());
        }
        return found;
    }

    /** The registered type of a name read from a message, or {@code null}. */
    Type ofName(final String name)
    {
        return byName.get(name);
    }

    /** The registered names, sorted, for messages. */
    String names()
    {
        return new TreeSet<>(byName.keySet()).toString();
    }

    String description()
    {
        return description;
    }

    String identity()
    {
        return identity;
    }
}
