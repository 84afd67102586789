package io.jvmipc.sync;

import java.nio.file.Path;

/**
 * Thrown to the thread that has just acquired a lock whose previous holder died (was killed, or closed its
 * handle) while holding it: the caller <b>holds the lock</b> when it sees this exception, like a POSIX robust
 * mutex returning {@code EOWNERDEAD}. The state the lock guards may be half-updated. The caller repairs it and
 * calls {@code markConsistent()} before unlocking; if it unlocks without doing so, the next acquirer is told
 * again (the lock stays in the owner-died state until someone marks it consistent).
 * <p>
 * Unchecked, because {@link java.util.concurrent.locks.Lock#lock()} cannot throw a checked exception; it cannot
 * be missed, since the acquiring call does not return normally. Idiom:
 * <pre>{@code
 * try {
 *     lock.lock();
 * } catch (OwnerDiedException e) {
 *     repairGuardedState();
 *     lock.markConsistent();
 * }
 * try { ... } finally { lock.unlock(); }
 * }</pre>
 * Python's {@code multiprocessing.Lock} has no counterpart: a Python lock whose holder dies stays locked forever.
 */
public class OwnerDiedException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /** The lock's file. */
    private final transient Path path;

    /**
     * An exception about the lock at {@code path}.
     *
     * @param path    the lock's file.
     * @param message what happened.
     */
    public OwnerDiedException(final Path path, final String message)
    {
        super(path + ": " + message);
        this.path = path;
    }

    /**
     * The lock's file.
     *
     * @return the path.
     */
    public Path path()
    {
        return path;
    }
}
