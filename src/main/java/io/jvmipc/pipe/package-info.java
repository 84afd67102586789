/**
 * Pipes between JVM processes: Python's {@code multiprocessing.Pipe(duplex)} and {@code Connection}, over a
 * shared-memory file, the library's fastest path.
 * <p>
 * <b>Layout.</b> One file of kind {@code PIPE} per pipe ({@link io.jvmipc.pipe.PipeDescriptor}): one block per
 * end (holder's process-table entry, state OPEN/CLOSED/DIED, flags) and one single-producer single-consumer ring
 * of variable-length records per direction ({@link io.jvmipc.pipe.RingDescriptor}). Producer and consumer
 * positions and the two signals of a ring each sit on their own 128-byte block.
 * <p>
 * <b>Hot path.</b> A send claims space against a cached copy of the consumer's head (the head's cache line is
 * read only when the cache shows too little room), writes header and payload with plain stores and publishes
 * with one release store of the tail: no fence and no allocation per message ({@link io.jvmipc.pipe.RingWriter}).
 * A receive reads the tail with acquire only when everything below its cached copy is consumed, copies the
 * payload, and publishes its head with a release store ({@link io.jvmipc.pipe.RingReader}). Every message is
 * visible to the reader as soon as its send returns.
 * <p>
 * <b>Wake-ups without a fence per message.</b> A waker (sender after a publish, receiver after consuming) reads
 * the sleeper signal's waiter count and enters the kernel only if it is non-zero. A sleeper registers (a full
 * fence), then calls {@code membarrier(MEMBARRIER_CMD_GLOBAL_EXPEDITED)} ({@link io.jvmipc.pipe.RemoteBarrier}),
 * which makes the waker's thread execute a barrier, and only then re-checks the ring: either the waker sees the
 * registration, or the re-check sees the message. No wake-up is lost and the streaming path has no fence.
 * Where {@code membarrier} is refused (either side's process, recorded in its end's flags), wakers fall back to
 * {@link io.jvmipc.wait.Signal#signalAll()} (a fence per message). The per-message cost of the waker side is then
 * one read of a line that is written only when someone goes to sleep.
 * <p>
 * <b>Ends and peers.</b> An end is claimed by one attachment at a time ({@link io.jvmipc.pipe.EndClaim}); a
 * second claim while the holder lives throws; a closed end stays closed; an end whose holder's process died may
 * be taken over by a new attacher. "Peer dead" means the process-table entry holding the other end has lost its
 * kernel lock; this is checked (a system call) only while an end would otherwise block, every
 * {@value io.jvmipc.pipe.Connection#LIVENESS_INTERVAL_MILLIS} ms, so detection takes at most that plus one
 * futex sleep slice. When detected, the end is marked DIED and its waiter registrations are removed.
 * <p>
 * <b>Large messages.</b> Records carry at most a quarter of the ring; longer messages (up to the pipe's maximum,
 * 64 MiB by default, 1 GiB at most) are sent as a first record holding the total length followed by continuation
 * records, written as space frees up, so sender and receiver never deadlock on a message larger than the ring.
 * <p>
 * <b>Waiting on many.</b> {@link io.jvmipc.pipe.Connection#wait(java.util.Collection, long,
 * java.util.concurrent.TimeUnit)} registers on every connection's data signal and sleeps on all their futex words
 * with {@code futex_waitv} ({@link io.jvmipc.wait.FutexWaitv}); without it, it sleeps 1 ms at a time on the first
 * and re-polls all ({@link io.jvmipc.pipe.ConnectionWaiter}).
 * <p>
 * <b>Measuring.</b> {@code io.jvmipc.pipe.PipeThroughputMain} in the test sources streams and ping-pongs 32 and
 * 256-byte messages between this JVM and a child JVM, beside an OS pipe, in one run.
 */
package io.jvmipc.pipe;
