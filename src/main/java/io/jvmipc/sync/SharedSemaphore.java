package io.jvmipc.sync;

import io.jvmipc.file.ObjectKind;
import io.jvmipc.file.SharedDirectory;

/**
 * A counting semaphore shared by the processes that attach to it by name: Python's
 * {@code multiprocessing.Semaphore}. Any thread of any process may {@link #release()} a permit, whether or not
 * it acquired one, and the count may grow past its initial value (see {@link SharedBoundedSemaphore} for a
 * semaphore that refuses that).
 * <p>
 * <b>Waiting</b>: blocked threads spin briefly, then sleep on a futex; every blocking call has an untimed and a
 * timed form; as in {@code java.util.concurrent}, a timeout of zero or less means "try once, do not wait".
 * Interruptible calls honour an interrupt within one futex sleep slice (50 ms by default).
 * <p>
 * <b>Process death</b>: each process's net holding (permits it acquired minus permits it released, which may
 * be negative) is kept in its process-table entry. When a process dies, or closes its handle, its holding is
 * given back <em>if positive</em>; a negative holding is simply forgotten. An acquire attempt that finds no
 * permit probes every attached process at most once per {@link io.jvmipc.file.SharedFile#PROBE_INTERVAL_NANOS}
 * (10 ms; a cadence shared by all threads and calls of this process), on its first attempt, while it sleeps and
 * at its deadline, so a dead holder's permits come back within that interval of the first attempt after its
 * death, whatever the timeout and however a caller retries; a process attaching to a dead process's entry
 * recovers it too. The recovery itself loses and doubles nothing, even if the recovering process dies in the
 * middle of it: the next survivor finishes it. Consequence of "anyone may release": a
 * permit acquired by process A and released by process B is counted as held by A; if A then dies, it is given
 * back a second time (the count grows by one). A process killed in the few instructions between taking a
 * permit and recording it (or between forgetting one and returning it) loses that permit; a crash never
 * creates one.
 * <p>
 * One handle is one attachment; threads of one process should share a handle. Thread-safe.
 */
public final class SharedSemaphore extends SemaphoreHandle
{
    private SharedSemaphore(final SemaphoreCore core)
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
    public static SemaphoreBuilder<SharedSemaphore> builder(final String name, final int permits)
    {
        return new SemaphoreBuilder<>(name, permits, ObjectKind.SEMAPHORE, SharedSemaphore::new);
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
    public static SemaphoreBuilder<SharedSemaphore> anonymous(final int permits)
    {
        return builder(SharedDirectory.newAnonymousName(), permits);
    }

    /**
     * Returns a permit and wakes waiters; never blocks. Any process may release, acquired or not. Mirrors
     * Python's {@code sem.release()}.
     *
     * @throws IllegalStateException if the count would overflow a long, or this handle is closed.
     */
    public void release()
    {
        core.release(1);
    }
}
