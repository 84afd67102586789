/**
 * Waiting across processes: the one wait loop every blocking call goes through ({@link io.jvmipc.wait.WaitLoop}),
 * the signals threads sleep on ({@link io.jvmipc.wait.Signal}), and how to wait in between
 * ({@link io.jvmipc.wait.WaitStrategy}: spin, yield, futex).
 * <p>
 * <b>Layout.</b> A signal is a block in an object's body ({@link io.jvmipc.wait.SignalDescriptor}): a sequence
 * word that sleepers wait on with {@code futex} and a shared waiter count. Each registration is also counted in
 * the registering process's entry of the process table (its waiting count for that signal number, 0 to 7).
 * <p>
 * <b>Ordering.</b> A waiter registers (an atomic add, a full fence), reads the sequence, re-checks its condition,
 * and sleeps only while the sequence is unchanged; a waker changes the condition, fences, and reads the waiter
 * count, bumping the sequence and entering the kernel only when it is non-zero. Either the waiter's re-check sees
 * the change or the waker sees the waiter, so no wake-up is lost, and nobody enters the kernel when nobody
 * sleeps. Registering adds to the shared count before the process's own, deregistering subtracts from the
 * process's own first: a death in between leaves the shared count too high (a wasted system call), never too low
 * (a skipped sleeper).
 * <p>
 * <b>Crash rules.</b> Signals are registered with their file ({@link io.jvmipc.wait.Signal#of}) before it is
 * attached; the file's recovery of a dead or closed entry then removes that entry's registrations from every
 * registered signal before the kind's own recovery runs. The wait loop probes the suspect an attempt names
 * ({@link io.jvmipc.wait.WaitLoop#waitFor(int)}, or any entry) whenever the file's per-entry cadence says it is
 * due ({@link io.jvmipc.file.SharedFile#probeDue(int)}, every
 * {@link io.jvmipc.file.SharedFile#PROBE_INTERVAL_NANOS} at most, shared by all threads and calls of the
 * process): on the first attempt, while waiting, and at the deadline; and a sleeper with a suspect sleeps no
 * longer than until the suspect's next probe, since a dead process never signals. A dead holder, peer or slot
 * owner is therefore found within one probe interval (plus the recovery) of the first attempt after its death,
 * whatever the timeout and however the caller loops.
 * <p>
 * <b>Timeouts</b> follow {@code java.util.concurrent}: a timeout of zero or less means "do not wait" (one
 * attempt, with a probe if one is due), never an error; {@code Long.MAX_VALUE} nanoseconds means no deadline; a
 * {@code null} unit is a {@link java.lang.NullPointerException}. An interruptible wait throws
 * {@link java.lang.InterruptedException}; an uninterruptible one keeps the interrupt and restores the flag.
 */
package io.jvmipc.wait;
