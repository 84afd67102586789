/**
 * Queues shared by processes: {@link io.jvmipc.queue.SharedQueue} (Python's {@code multiprocessing.Queue}) and
 * {@link io.jvmipc.queue.JoinableQueue} (its {@code JoinableQueue}).
 * <p>
 * <b>Layout.</b> A queue's file is the common header and process table ({@link io.jvmipc.file.SharedFile})
 * followed by the body that {@link io.jvmipc.queue.QueueDescriptor} draws: a tail hint and a head hint, each on
 * its own cache-line pair, the not-empty and not-full signals, then {@code capacity} slots of
 * {@code slotLength} bytes (a multiple of 64). A slot is a state word (position, state FREE / WRITING / READY /
 * READING / LEASED, owner's process-table entry), a message length and the message bytes. A joinable queue adds a second
 * file ({@link io.jvmipc.queue.JoinableQueueDescriptor}): the signal that {@code join()} sleeps on, plus one
 * kind word per process-table entry (messages taken and not done); the unfinished tasks are the queue's held
 * slots plus those words.
 * <p>
 * <b>Memory ordering.</b> The slot's state word decides everything; the hints only say where to start looking,
 * and a stale hint costs a scan, never an outcome. A producer claims position {@code p} by one CAS of the state
 * word (FREE(p) to WRITING(p, owner)), writes the length and bytes with plain stores and publishes with a
 * release store of READY(p, owner). A consumer reads the word with a volatile load (acquire: the length and bytes are
 * then visible), takes it by one CAS to READING(p, owner), reads, and frees it for the next lap with a release
 * store of FREE(p + capacity), which orders its reads before a producer may reuse the slot. A leased take CASes to
 * LEASED(p, owner) instead; the holder's ack CASes it to FREE(p + capacity), its release (or the recovery of a
 * dead holder) back to READY(p). A take passes slots being written or leased to take later messages, except a
 * later message of a writer whose older slot it passed (the commit's READY word names its writer), so each
 * producer's order is kept; the head hint never passes a WRITING or LEASED slot, so that a message committed late
 * or made READY again is the first one a scan from the hint finds (see {@code QueueRing}). A reader that does
 * not own the slot (a peek, or a consumer checking a length against its buffer) reads the length or bytes with
 * acquire ordering and then re-reads the state word: the read counts only if the word is unchanged (a seqlock;
 * positions never repeat within 2^45, so an unchanged word is the same message). Waiters register on the signal
 * before re-checking; the queue's signals are fence-free ({@link io.jvmipc.wait.Signal#ofFenceFreeWakers}): a
 * waker reads the waiter count with no fence per message, a sleeper issues {@code membarrier} after registering
 * instead, and every sleep is bounded so that a wake-up lost to a reordering the Java memory model allows costs a
 * delay, never a hang. Every non-plain access says why at the access.
 * <p>
 * <b>Crash rules.</b> Any process may die at any instruction. The owner of a WRITING, READING or LEASED slot is written
 * by the same CAS that claims it, so every stuck slot names its owner; the owner's entry is recovered only after
 * the kernel has dropped its entry lock (the process is gone, so the entry cannot have been reused yet), and the
 * recovery frees each such slot with one CAS, so a recoverer that dies half-way leaves the rest for the next one.
 * A message whose {@code put} returned is delivered exactly once unless its consumer dies before its
 * {@code take} returns (that one message is lost); a message taken under a {@link io.jvmipc.queue.Lease} is
 * redelivered instead when its holder dies before its ack (at-least-once); a dead producer's unpublished slot is skipped as a gap; a
 * dead consumer's slot is freed for producers. A slot whose length word is outside the queue's limits is
 * reported as {@link io.jvmipc.file.CorruptFileException} naming the file and position, never decoded, and then
 * skipped. Every change of a joinable queue's unfinished tasks is one atomic change of one word (a slot's state,
 * or one entry's owed count, which a take raises while its slot is still held), so no death between two steps
 * can leave them too high or too low.
 * <p>
 * <b>Detection bound.</b> Every wait goes through {@link io.jvmipc.wait.WaitLoop}, and so does every
 * non-blocking call ({@code offer()}, {@code poll()}, {@code offerBytes}, {@code pollBytes}, {@code tryClaim}):
 * an attempt that finds a slot owned by another entry in its way names that entry, and the entry is probed
 * whenever the file's per-entry cadence says it is due (at most once per
 * {@link io.jvmipc.file.SharedFile#PROBE_INTERVAL_NANOS} per entry, shared by every thread and call of the
 * process). So a dead slot owner is found within {@code PROBE_INTERVAL_NANOS} (10 ms) of the first attempt after
 * its death that finds its slot in the way, plus the recovery itself, whatever the timeout (zero, 1 ms or none)
 * and however the caller alternates calls. {@code join()} probes every attached process at the same cadence.
 */
package io.jvmipc.queue;
