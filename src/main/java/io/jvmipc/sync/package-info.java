/**
 * Synchronisation primitives shared by processes, as in Python's {@code multiprocessing}: {@link
 * io.jvmipc.sync.SharedLock} ({@code Lock}), {@link io.jvmipc.sync.SharedReentrantLock} ({@code RLock}),
 * {@link io.jvmipc.sync.SharedSemaphore} ({@code Semaphore}), {@link io.jvmipc.sync.SharedBoundedSemaphore}
 * ({@code BoundedSemaphore}), {@link io.jvmipc.sync.SharedCondition} ({@code Condition}),
 * {@link io.jvmipc.sync.SharedEvent} ({@code Event}) and {@link io.jvmipc.sync.SharedBarrier} ({@code Barrier}).
 * Each is one file, created or attached by name through its builder; method names follow
 * {@code java.util.concurrent}.
 * <p>
 * <b>Timeouts</b>: every blocking call has an untimed and a timed form. As in {@code java.util.concurrent}, a
 * timeout of zero or less means "try once, do not wait" (a barrier's {@code await} then arrives and, unless it
 * completes the generation, breaks the barrier; a barrier builder's default timeout of zero or less means the
 * same for {@code await()}). A {@code null} unit throws {@link NullPointerException}. Interrupts are honoured
 * within one futex sleep slice (50 ms with the default strategy); the uninterruptible forms restore the interrupt
 * flag.
 * <p>
 * <b>Waiting</b>: every blocking call waits through {@link io.jvmipc.wait.WaitLoop}: a non-blocking attempt
 * that either succeeds or names who is in its way (the lock's holder; for semaphore permits and barrier parties,
 * any attached process; nobody for an unset event or an unsignalled condition), and a sleep on the object's
 * signal in between.
 * <p>
 * <b>Detection bound</b> (the process table's byte locks make the liveness check immune to PID reuse; a live
 * process is never taken for dead): a dead holder is found within
 * {@link io.jvmipc.file.SharedFile#PROBE_INTERVAL_NANOS} (10 ms) of the first attempt after its death, whatever
 * the timeout (zero, 1 ms or none) and however a caller retries, because the probe cadence is kept per object
 * and per suspect, shared by every thread and call of the process, and a due probe is made on the first attempt
 * of a call, while it sleeps and at its deadline; a sleeping waiter wakes at that cadence while a suspect is in
 * its way. Add the recovery itself and the scheduling of the survivor.
 * <ul>
 *   <li>Locks: a lock whose holder died, or closed its handle while holding it, is handed to the next acquirer
 *       with an {@link io.jvmipc.sync.OwnerDiedException} (it holds the lock when it sees it). The owner-died
 *       state lasts until {@code markConsistent()}.</li>
 *   <li>Semaphores: each process's net holding (acquired minus released, may be negative) is kept in its
 *       process-table entry; a dead or closing process's positive holding is given back (for a bounded
 *       semaphore, never above the bound). The order of an acquire's or release's two stores makes a crash
 *       between them lose at most what that call moved, never create a permit.</li>
 *   <li>Barriers: a party that arrived and died breaks its generation: waiters find it at the probe cadence,
 *       and the last arriver checks every party counted in the generation before it completes it, so the
 *       generation never completes with a dead party, however fast the others arrive. A party that dies before
 *       arriving, or after its generation completed, is not detected: use a timeout.</li>
 *   <li>Conditions and events: nobody signals for a dead partner and nobody is to blame; a timed wait returns
 *       at its deadline. Re-taking a lock whose holder died throws {@link io.jvmipc.sync.OwnerDiedException}.</li>
 * </ul>
 * <p>
 * <b>Crash rules</b>: a process may be killed at any instruction, including in the middle of another process's
 * recovery. Every recovery step is restartable by the next survivor (the semaphore's, which moves an amount
 * between two words, records the half-done move in the count word itself; see {@code SemaphoreCore}). Every
 * word that says "owned by entry E" (the lock word's owner, a reentrant lock's owner thread, per-entry holdings,
 * registrations and arrival tags in E's process-table entry) is cleared by the recovery of E, which runs before
 * E can be reused by a new process (the entry reads as free only after its recovery, and attaching to a dead
 * entry recovers it first), and changes by one CAS of the whole word; so no newcomer on E inherits what E's dead
 * process held. Waiter registrations of a dead process are released by the file for every signal the object
 * binds with {@link io.jvmipc.wait.Signal#of}.
 * <p>
 * <b>Faults</b>: if another program truncates an object's file under a live handle, every public method throws
 * {@link io.jvmipc.file.SharedObjectException} naming the file instead of the JVM's {@link InternalError}, and
 * {@code close()} still completes. One limit that no catch can remove: in code the JIT has compiled, HotSpot may
 * raise the {@code InternalError} of a faulting access only at the next safepoint poll, which can come after the
 * library method has returned (then the caller sees the raw error). The JVM itself must not crash either: an
 * interpreted compare-and-set on a page the truncation removed is a native call without a fault guard (SIGBUS
 * kills the JVM), while plain and volatile reads, and getAndAdd/getAndSet (a volatile read and a weak CAS
 * underneath), raise the {@code InternalError}. So every compare-and-set in this package follows a read of the
 * same word (the CAS loops read the word they CAS from; a CAS after user code, such as a barrier's action, reads
 * the word again first). Checked by {@code SyncFaultTest} in {@code -Xint} and default-flag JVMs.
 * <p>
 * <b>Opening</b>: every primitive opens through {@link io.jvmipc.file.SharedFile#open}: the binder checks the
 * parameters, binds the signals and names the recovery, which works on the file alone, never on a half-built
 * handle; the file is attached, and closed on any failure, at one point. Handles that need their own
 * process-table entry (lock tags, semaphore holdings, barrier arrival tags, condition registrations) read it
 * after the attach.
 */
package io.jvmipc.sync;
