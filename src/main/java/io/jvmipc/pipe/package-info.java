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
 * with one release store of the record's check word, then stores the tail: no fence and no allocation per
 * message ({@link io.jvmipc.pipe.RingWriter}). A receive polls the check word at its head with acquire (a word
 * that matches the head's position and the header beside it, so a word left from an earlier lap never does), so
 * a waiting receiver watches only the cache line its next message arrives in; records start on cache lines, and
 * a message of up to 48 bytes arrives in one line transfer. It copies the payload and publishes its head with a
 * release store ({@link io.jvmipc.pipe.RingReader}). Every message is visible to the reader as soon as its send
 * returns.
 * <p>
 * <b>Wake-ups.</b> A waker (sender after a publish, receiver after consuming) reads the sleeper signal's waiter
 * count, and enters the kernel only if it is non-zero and its last wake has been used
 * ({@link io.jvmipc.wait.Doorbell}). A sleeper registers (a full fence), bumps the signal's sequence, issues
 * {@code membarrier} ({@link io.jvmipc.wait.RemoteBarrier}) in place of the waker's store-load fence, and only
 * then re-checks the ring: either the waker sees the registration, or the re-check sees the message. Where
 * membarrier is not available the waker takes a full fence instead. The Java memory model does not promise the
 * fence-free waker's program order (a JIT may hoist its load above the release store), so every futex sleep is
 * bounded ({@link io.jvmipc.wait.Signal#LOST_WAKE_BOUND_NANOS}): such a lost wake-up costs a delay, never a
 * hang (see the doorbell's class comment). The per-message cost of the waker side is one read of a line that is
 * written only when someone goes to sleep.
 * <p>
 * <b>Ends and peers.</b> An end is claimed by one attachment at a time ({@link io.jvmipc.pipe.EndClaim}); a
 * second claim while the holder lives throws; a closed end stays closed; an end whose holder's process died may
 * be taken over by a new attacher. The end's claim word holds state, holder entry and the entry's generation and
 * changes only by one CAS of the whole word, so a reused process-table entry is never taken for the dead holder:
 * exactly one of several racing takeovers wins, a live end is never marked dead, and a dead end can be taken
 * over after both ends' processes died and their entries went to new processes.
 * <p>
 * <b>Crash rules and the detection bound.</b> "Peer dead" means the process-table entry holding the other end
 * has lost its kernel lock. Every call that cannot proceed because of the peer ({@code recv}, {@code send} into
 * a full ring, {@code poll(timeout)} with any timeout including zero, {@code Connection.wait}) names the peer's
 * entry to the library's one wait loop ({@link io.jvmipc.wait.WaitLoop}), which probes it at most once per
 * {@link io.jvmipc.file.SharedFile#PROBE_INTERVAL_NANOS} (10 ms) per entry, shared by every call and thread of
 * the process, on the first attempt, while waiting and at the deadline. So a dead sender is reported (EOF, or
 * readiness by {@code poll}/{@code wait}) within 10 ms of the first such call after its death, plus the recovery
 * and scheduling delay, whatever the timeout and however the caller loops; {@code poll()} without a timeout
 * makes no system call and so no probe. The recovery of a dead entry (run by the file, restartable) removes its
 * waiter registrations, marks any end it held DIED by a CAS that expects its own generation, and wakes every
 * sleeper. A sender killed between publishing a record and storing the tail leaves that record beyond the tail;
 * the process taking its end over steps over every published record first, so nothing published is overwritten
 * or skipped. A message whose send returned is delivered unless the receiving process dies while receiving it (a
 * receiver taking over the dead one's end then receives it again); a large message whose sender died part-way
 * is discarded.
 * <p>
 * <b>Bad input.</b> Nothing read from the ring is trusted: a record is used only if its check word matches; a
 * record below the tail that does not match, an impossible tail, and a record whose length or info word exceeds
 * the pipe's capacity, fragment size or maximum message length are each a
 * {@link io.jvmipc.file.CorruptFileException} naming the file and the position; a receiver never allocates more
 * than the maximum message length. A file truncated under a live process makes every method throw a
 * {@link io.jvmipc.file.SharedObjectException} naming the file; {@code close()} always completes.
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
