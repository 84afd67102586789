package io.jvmipc.file;

import java.nio.file.Path;

/**
 * What every shared object's builder takes: the object's name, the directory that holds its file and the
 * size of its process table, plus the path resolution and the mapping call the concrete builders share.
 * Setters return the concrete builder type so calls chain. A builder is not thread-safe and holds no
 * resources: nothing is mapped until the concrete builder's {@code create()}, {@code open()} or
 * {@code openOrCreate()}.
 *
 * @param <B> the concrete builder, returned by the setters for chaining.
 */
public abstract class SharedObjectBuilder<B extends SharedObjectBuilder<B>>
{
    private final String name;
    private SharedDirectory directory;
    private int processTableCapacity = ProcessTableDescriptor.DEFAULT_CAPACITY;

    /**
     * Starts a builder for the object called {@code name}.
     *
     * @param name the object's name, checked with {@link SharedDirectory#requireValidName(String)}.
     * @throws IllegalArgumentException if the name is not a valid object name.
     * @throws NullPointerException     if {@code name} is null.
     */
    protected SharedObjectBuilder(final String name)
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
     * How many processes may be attached at once; used only when this call creates the object (an existing
     * object keeps the capacity it was created with).
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

    /**
     * The object's validated name.
     *
     * @return the name given to the constructor.
     */
    protected final String name()
    {
        return name;
    }

    /**
     * The process-table capacity to create the object with.
     *
     * @return the value set with {@link #processTableCapacity(int)}, else
     *         {@link ProcessTableDescriptor#DEFAULT_CAPACITY}.
     */
    protected final int processTableCapacity()
    {
        return processTableCapacity;
    }

    /**
     * The directory the object's file lives in.
     *
     * @return the directory set with {@link #directory(SharedDirectory)}, else
     *         {@link SharedDirectory#defaultDirectory()} (created on first use).
     */
    protected final SharedDirectory sharedDirectory()
    {
        return directory == null ? SharedDirectory.defaultDirectory() : directory;
    }

    /**
     * The path of the object's file: the name resolved in {@link #sharedDirectory()}.
     *
     * @return the file's path.
     */
    protected final Path path()
    {
        return sharedDirectory().resolve(name);
    }

    /**
     * Maps the object's file at {@link #path()} with {@link SharedFile#map}, using {@code spec}'s kind and
     * kind version; the caller validates the kind-specific parameters and attaches.
     *
     * @param spec the layout to create with (its kind and version are also what an existing file must hold).
     * @param mode whether to create, open or do either.
     * @return the mapped file, not yet attached.
     * @throws SharedObjectException if the file cannot be created or is not a usable object of that kind.
     */
    protected final SharedFile mapFile(final SharedFile.Spec spec, final SharedFile.OpenMode mode)
    {
        return SharedFile.map(path(), spec.kind(), spec.kindVersion(), mode, spec);
    }

    /**
     * Opens the object's file at {@link #path()} in one step with
     * {@link SharedFile#open(Path, ObjectKind, int, SharedFile.OpenMode, SharedFile.Spec, SharedFile.Binder)}:
     * maps and validates it, lets {@code binder} build the handle, attaches with the handle's recovery, and closes
     * the file if any step fails.
     *
     * @param spec   the layout to create with (its kind and version are also what an existing file must hold).
     * @param mode   whether to create, open or do either.
     * @param binder builds the handle on the mapped file.
     * @param <T>    the handle's type.
     * @return the attached handle.
     * @throws SharedObjectException if the file cannot be created or is not a usable object of that kind.
     */
    protected final <T> T openFile(final SharedFile.Spec spec, final SharedFile.OpenMode mode,
        final SharedFile.Binder<T> binder)
    {
        return SharedFile.open(path(), spec.kind(), spec.kindVersion(), mode, spec, binder);
    }

    /**
     * This builder as its concrete type, for the setters' return values.
     *
     * @return {@code this}.
     */
    @SuppressWarnings("unchecked")
    protected final B self()
    {
        return (B)this;
    }
}
