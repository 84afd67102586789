/**
 * Synchronisation primitives shared by processes, as in Python's {@code multiprocessing}: {@link
 * io.jvmipc.sync.SharedLock} ({@code Lock}), {@link io.jvmipc.sync.SharedReentrantLock} ({@code RLock}),
 * {@link io.jvmipc.sync.SharedSemaphore} ({@code Semaphore}), {@link io.jvmipc.sync.SharedBoundedSemaphore}
 * ({@code BoundedSemaphore}) and {@link io.jvmipc.sync.SharedCondition} ({@code Condition}). Each is one file,
 * created or attached by name through its builder; method names follow {@code java.util.concurrent}.
 * <p>
 * <b>Timeouts</b>: every blocking call has an untimed and a timed form. As in {@code java.util.concurrent}, a
 * timeout of zero means "try once, do not wait"; a negative one is refused with
 * {@link IllegalArgumentException} (bad input), except for {@code Condition.awaitNanos}, whose contract takes it. Interrupts are honoured within one
 * futex sleep slice (50 ms with the default strategy); the uninterruptible forms restore the interrupt flag.
 * <p>
 * <b>Death of another process</b> (the process table's byte locks make the check immune to PID reuse; a live
 * process is never taken for dead):
 * <ul>
 *   <li>Locks: a lock whose holder died, or closed its handle while holding it, is handed to the next acquirer
 *       with an {@link io.jvmipc.sync.OwnerDiedException} (it holds the lock when it sees it). A blocked
 *       acquirer checks the holder's liveness every 10 ms, so the death is noticed within about 60 ms (check
 *       interval plus one 50 ms futex slice); a try-once call checks once. The owner-died state lasts until
 *       {@code markConsistent()}.</li>
 *   <li>Semaphores: each process's net holding (acquired minus released, may be negative) is kept in its
 *       process-table entry; a dead or closing process's positive holding is given back (for a bounded
 *       semaphore, never above the bound). Blocked acquirers look for dead holders every 10 ms. The order of
 *       the two stores makes a crash lose at most one permit per dying thread, never create one.</li>
 *   <li>Conditions: nobody signals for a dead partner; a timed wait returns at its deadline, and re-taking a
 *       lock whose holder died throws {@link io.jvmipc.sync.OwnerDiedException}.</li>
 * </ul>
 */
package io.jvmipc.sync;
