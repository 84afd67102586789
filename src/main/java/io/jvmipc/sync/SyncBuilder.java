package io.jvmipc.sync;

import io.jvmipc.file.ProcessTableDescriptor;
import io.jvmipc.file.SharedDirectory;
import io.jvmipc.file.SharedFile;
import io.jvmipc.wait.WaitStrategy;

import java.nio.file.Path;
import java.util.Objects;

/**
 * What every synchronisation primitive's builder takes: name, directory, wait strategy, process-table size.
 *
 * @param <B> the concrete builder, returned by the setters.
 */
abstract class SyncBuilder<B extends SyncBuilder<B>>
{
    final String name;
    SharedDirectory directory;
    WaitStrategy waitStrategy = WaitStrategy.blocking();
    int processTableCapacity = ProcessTableDescriptor.DEFAULT_CAPACITY;

    SyncBuilder(final String name)
    {
        this.name = SharedDirectory.requireValidName(name);
    }

    /**
     * The directory holding the object's file; {@link SharedDirectory#defaultDirectory()} if not set.
     *
     * @param directory the directory.
     * @return this builder.
     */
    public B directory(final SharedDirectory directory)
    {
        this.directory = Objects.requireNonNull(directory, "directory");
        return self();
    }

    /**
     * How blocked threads wait: {@link WaitStrategy#blocking()} (spin, then futex; the default) or
     * {@link WaitStrategy#busySpin()}.
     *
     * @param waitStrategy the strategy.
     * @return this builder.
     */
    public B waitStrategy(final WaitStrategy waitStrategy)
    {
        this.waitStrategy = Objects.requireNonNull(waitStrategy, "waitStrategy");
        return self();
    }

    /**
     * How many processes may be attached at once (used only when this call creates the object).
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

    Path path()
    {
        return (directory == null ? SharedDirectory.defaultDirectory() : directory).resolve(name);
    }

    @SuppressWarnings("unchecked")
    private B self()
    {
        return (B)this;
    }

    /** Maps with {@code mode}; the caller validates parameters and attaches. */
    SharedFile map(final SharedFile.Spec spec, final SharedFile.OpenMode mode)
    {
        return SharedFile.map(path(), spec.kind(), spec.kindVersion(), mode, spec);
    }
}
