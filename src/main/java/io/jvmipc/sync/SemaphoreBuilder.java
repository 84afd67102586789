package io.jvmipc.sync;

import io.jvmipc.file.ObjectKind;
import io.jvmipc.file.SharedFile;
import io.jvmipc.file.SharedObjectException;

import java.util.function.Function;

/**
 * Creates or attaches a {@link SharedSemaphore} or a {@link SharedBoundedSemaphore}: the two differ only in
 * the kind stored in the file (so one is never attached as the other) and in how {@code release} treats the
 * initial value.
 *
 * @param <S> the semaphore class built.
 */
public final class SemaphoreBuilder<S extends AutoCloseable> extends SyncBuilder<SemaphoreBuilder<S>>
{
    private final int permits;
    private final ObjectKind kind;
    private final Function<SemaphoreCore, S> handle;

    SemaphoreBuilder(final String name, final int permits, final ObjectKind kind,
        final Function<SemaphoreCore, S> handle)
    {
        super(name);
        if (permits < 0)
        {
            throw new IllegalArgumentException("negative initial permits: " + permits);
        }
        this.permits = permits;
        this.kind = kind;
        this.handle = handle;
    }

    /**
     * Attaches to the semaphore if it exists, else creates it with the initial permits. Race-free.
     *
     * @return a handle.
     * @throws io.jvmipc.file.IncompatibleParametersException if it exists with other initial permits.
     * @throws SharedObjectException                          if the file is not a usable semaphore of this kind.
     */
    public S openOrCreate()
    {
        return build(SharedFile.OpenMode.OPEN_OR_CREATE);
    }

    /**
     * Creates the semaphore with the initial permits.
     *
     * @return a handle.
     * @throws io.jvmipc.file.SharedObjectExistsException if the name exists.
     */
    public S create()
    {
        return build(SharedFile.OpenMode.CREATE);
    }

    /**
     * Attaches to an existing semaphore.
     *
     * @return a handle.
     * @throws io.jvmipc.file.NoSuchSharedObjectException     if there is none.
     * @throws io.jvmipc.file.IncompatibleParametersException if it has other initial permits.
     * @throws SharedObjectException                          if the file is not a usable semaphore of this kind.
     */
    public S open()
    {
        return build(SharedFile.OpenMode.OPEN);
    }

    private S build(final SharedFile.OpenMode mode)
    {
        return handle.apply(new SemaphoreCore(this, kind, permits, mode));
    }
}
