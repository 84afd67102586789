package io.jvmipc.sync;

import io.jvmipc.file.ProcessTableDescriptor;
import io.jvmipc.file.SharedFile;
import io.jvmipc.file.SharedObjectBuilder;
import io.jvmipc.wait.WaitStrategy;

/**
 * What the lock, semaphore and condition builders share on top of {@link SharedObjectBuilder}: the wait
 * strategy, and the package-visible fields and mapping call that {@link LockCore}, {@link SemaphoreCore} and
 * {@link SharedCondition} read when they build.
 *
 * @param <B> the concrete builder, returned by the setters.
 */
abstract class SyncBuilder<B extends SyncBuilder<B>> extends SharedObjectBuilder<B>
{
    WaitStrategy waitStrategy = WaitStrategy.blocking();
    /** Mirror of {@link #processTableCapacity()} kept for the cores, which read it as a field. */
    int processTableCapacity = ProcessTableDescriptor.DEFAULT_CAPACITY;

    SyncBuilder(final String name)
    {
        super(name);
    }

    /**
     * How blocked threads wait: {@link WaitStrategy#blocking()} (spin, then futex; the default) or
     * {@link WaitStrategy#busySpin()}.
     *
     * @param waitStrategy the strategy.
     * @return this builder.
     * @throws NullPointerException if {@code waitStrategy} is null.
     */
    public B waitStrategy(final WaitStrategy waitStrategy)
    {
        if (waitStrategy == null)
        {
            throw new NullPointerException("waitStrategy");
        }
        this.waitStrategy = waitStrategy;
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
    @Override
    public B processTableCapacity(final int capacity)
    {
        super.processTableCapacity(capacity);
        this.processTableCapacity = capacity;
        return self();
    }

    /**
     * Opens through the one open path ({@link SharedFile#open}): maps, lets {@code binder} validate, bind the
     * signals and name the recovery, attaches, and closes the file if any step fails (package access for the
     * cores).
     */
    <T> T open(final SharedFile.Spec spec, final SharedFile.OpenMode mode, final SharedFile.Binder<T> binder)
    {
        return openFile(spec, mode, binder);
    }
}
