package io.jvmipc.value;

import io.jvmipc.file.ProcessTableDescriptor;
import io.jvmipc.file.SharedDirectory;

import java.nio.file.Path;

/**
 * What every value and array builder shares: the object's name, its directory and its process-table size.
 *
 * @param <B> the concrete builder, returned by the setters for chaining.
 */
abstract class ValueBuilder<B extends ValueBuilder<B>>
{
    final String name;
    SharedDirectory directory;
    int processTableCapacity = ProcessTableDescriptor.DEFAULT_CAPACITY;

    ValueBuilder(final String name)
    {
        this.name = SharedDirectory.requireValidName(name);
    }

    /**
     * The directory that holds the object's file; {@link SharedDirectory#defaultDirectory()} if not set.
     *
     * @param directory the directory.
     * @return this builder.
     * @throws NullPointerException if {@code directory} is null.
     */
    public B directory(final SharedDirectory directory)
    {
        if (directory == null)
        {
            throw new NullPointerException("directory");
        }
        this.directory = directory;
        return self();
    }

    /**
     * How many processes may be attached at once; used only when this call creates the object.
     *
     * @param capacity 1 to {@link ProcessTableDescriptor#MAX_CAPACITY}; default
     *                 {@link ProcessTableDescriptor#DEFAULT_CAPACITY}.
     * @return this builder.
     * @throws IllegalArgumentException if out of range.
     */
    public B processTableCapacity(final int capacity)
    {
        if (capacity < 1 || capacity > ProcessTableDescriptor.MAX_CAPACITY)
        {
            throw new IllegalArgumentException("process table capacity " + capacity + " outside 1.." +
                ProcessTableDescriptor.MAX_CAPACITY);
        }
        this.processTableCapacity = capacity;
        return self();
    }

    abstract B self();

    Path path()
    {
        return (directory == null ? SharedDirectory.defaultDirectory() : directory).resolve(name);
    }
}
