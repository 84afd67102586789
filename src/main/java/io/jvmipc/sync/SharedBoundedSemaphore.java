package io.jvmipc.sync;

import io.jvmipc.file.ObjectKind;
import io.jvmipc.file.SharedDirectory;

/**
 * A bounded counting semaphore shared by the processes that attach to it by name: Python's
 * {@code multiprocessing.BoundedSemaphore}. Like {@link SharedSemaphore}, except that a release that would
 * raise the available permits above the initial value throws (Python raises {@code ValueError}). Any process
 * may release a permit it did not acquire, within that bound.
 * <p>
 * <b>Waiting</b>: blocked threads spin briefly, then sleep on a futex; every blocking call has an untimed and a
 * timed form; as in {@code java.util.concurrent}, a timeout of zero or less means "try once, do not wait".
 * Interruptible calls honour an interrupt within one futex sleep slice (50 ms by default).
 * <p>
 * <b>Process death</b>: each process's net holding (acquired minus released through it; may be negative) is
 * kept in its process-table entry. When a process dies, or closes its handle, its positive holding is given
 * back, <em>but never above the bound</em>: recovery adds {@code min(holding, initial - available)}. So the
 * count never exceeds the initial value, even when permits changed hands between processes (a permit acquired
 * by A and released by B is not returned twice when A dies, if that would pass the bound). Dead holders are
 * found as for {@link SharedSemaphore}: within {@link io.jvmipc.file.SharedFile#PROBE_INTERVAL_NANOS} of the first
 * acquire attempt after the death, whatever the timeout; a recovery cut short by its recoverer's death is
 * finished by the next survivor, exactly once. A process killed in
 * the few instructions between taking a permit and recording it (or between forgetting one and returning it)
 * loses that permit; a crash never creates one.
 * <p>
 * One handle is one attachment; threads of one process should share a handle. Thread-safe.
 */
public final class SharedBoundedSemaphore extends SemaphoreHandle
{
    private SharedBoundedSemaphore(final SemaphoreCore core)
    {
        super(core);
    }

    /**
     * Starts building a semaphore handle.
     *
     * @param name    the semaphore's name in its directory.
     * @param permits the initial number of permits (Python's {@code value}); every process must pass the same.
     * @return a builder.
     * @throws IllegalArgumentException if the name is invalid or {@code permits} is negative.
     */
    public static SemaphoreBuilder<SharedBoundedSemaphore> builder(final String name, final int permits)
    {
        return new SemaphoreBuilder<>(name, permits, ObjectKind.BOUNDED_SEMAPHORE, SharedBoundedSemaphore::new);
    }

    /**
     * Starts building an anonymous object of this kind, Python's unnamed one: it gets a fresh name
     * ({@link SharedDirectory#newAnonymousName()}) and is marked anonymous, and its file is removed when the last
     * attached process closes it (or, if every process died, by the next open of its name or a cleanup). Create
     * it with the builder's {@code create()} (an anonymous builder names one object) and pass its
     * {@code handle()} to the processes that share it.
     *
     * @param permits the initial number of permits (Python's {@code value}); every process must pass the same.
     * @return a builder.
     */
    public static SemaphoreBuilder<SharedBoundedSemaphore> anonymous(final int permits)
    {
        return builder(SharedDirectory.newAnonymousName(), permits);
    }

    /**
     * Returns a permit and wakes waiters; never blocks. Any process may release, acquired or not, up to the
     * bound. Mirrors Python's {@code sem.release()}.
     *
     * @throws IllegalStateException if the available permits would exceed the initial value (nothing is
     *                               released; Python raises {@code ValueError}), or this handle is closed.
     */
    public void release()
    {
        core.release(1);
    }
}
