/**
 * The file layer under every shared object: one memory-mapped file per object, its header, its process table,
 * and the rules by which processes create, open, attach to, recover and remove it.
 * <p>
 * <b>Layout.</b> A file is a 256-byte header ({@link io.jvmipc.file.HeaderDescriptor}: magic, layout version,
 * kind and kind version, sizes, creator, checksum, eight kind parameters, and a ready word written last), then the
 * process table ({@link io.jvmipc.file.ProcessTableDescriptor}: one 128-byte entry per attachable process, with
 * its state, PID, generation, per-signal waiting counts and eight kind words), then the slow-path counters
 * ({@link io.jvmipc.file.SlowPath}: one 64-bit counter per slow path, added to atomically only where that slow path
 * runs), then the kind's body from a page boundary. Every block of the file is reserved at creation ({@code fallocate}): a full file system refuses the
 * object at once ({@link io.jvmipc.file.InsufficientSpaceException}); no object is a sparse file that faults
 * later.
 * <p>
 * <b>Creating and opening.</b> {@link io.jvmipc.file.SharedFile#open} is the one open path: it maps and validates
 * the file, lets the primitive build its handle, attaches, and closes the file if any step fails. A creator builds
 * the whole file under a temporary name, publishes it with a release store of the ready word, and hard-links it to
 * the object's name, which fails if the name exists: the name only ever refers to a complete file, and of many
 * processes creating one name at once one wins and the others open its object. An opener trusts nothing before
 * the header validation has checked it (magic, versions, ready word read with acquire, kind,
 * checksum, every size against the real length) and refuses with a specific
 * {@link io.jvmipc.file.SharedObjectException} that names the file. The directory is checked too
 * ({@link io.jvmipc.file.SharedDirectory}: this user's, mode 0700, writable), whoever chose it.
 * <p>
 * <b>Ordering.</b> Header and body are written with plain stores before the ready word's release store; a
 * process-table entry's fields before its state's release store to ATTACHED; a recovery's effects before the
 * entry's release store to FREE. Readers pair each with an acquire load.
 * <p>
 * <b>Crash rules.</b> Liveness is never guessed from PIDs or heartbeats: an entry is owned by whoever holds the
 * open-file-description lock on its byte, which the kernel drops when the process dies, however it dies, so a
 * successful try-lock proves the owner gone and a live process is never taken for dead. Each process probes a
 * given entry at most once per {@link io.jvmipc.file.SharedFile#PROBE_INTERVAL_NANOS} (10 ms), over all its
 * threads and calls ({@link io.jvmipc.file.SharedFile#probeDue(int)}), so a dead process in the way is found
 * within one interval of the first attempt after its death, whatever the callers' timeouts. The recovery of a
 * dead (or closed) entry runs while holding the entry's lock: first the removal of its registrations on every
 * signal registered with the file ({@code Signal.of}), then the kind's own recovery, then the entry is marked
 * free. It is restartable: the entry reads as attached until the end, so a recoverer that dies half-way leaves
 * the whole recovery to the next survivor, and every step is safe to run again after a partial run. Every word
 * that names an owner by entry must carry the entry's generation ({@link io.jvmipc.file.SharedFile#generation})
 * or be cleared by recovery before the entry can be reused, and change by one CAS of the whole word.
 * <p>
 * <b>Removing.</b> {@link io.jvmipc.file.SharedFile#unlink()} removes the name only when no other live process
 * is attached or attaching: openers hold the file's name lock shared from re-checking the name until they hold
 * their entry, and unlink checks and removes under it exclusively. Unlink also works once this process closed
 * its attachment (by name, only if the name still holds the same file: same inode and header checksum), and
 * {@link io.jvmipc.file.SharedDirectory#unlink(String)} removes an object and its side files from any process.
 * <p>
 * <b>Anonymous objects.</b> A name of the form {@link io.jvmipc.file.SharedDirectory#newAnonymousName()} makes
 * the creator mark the header anonymous ({@link io.jvmipc.file.HeaderDescriptor#FLAG_ANONYMOUS}). Closing an
 * attachment of such an object takes the name lock exclusively and removes the name if no other entry's lock is
 * held, then drops its own entry lock and the name lock together: of two last attachments closing at once, the
 * second sees the first gone; an attacher either holds the name lock (and is attached before the closer
 * looks) or finds the name gone. A killed process holds no lock, so the last survivor's close removes the file
 * without recovering anything. If every process died, the next open of the name (which then creates a new
 * object, or finds none), {@link io.jvmipc.file.SharedDirectory#removeUnusedAnonymous()} and
 * {@code jvmipc clean} remove it. A file is also left if a JVM exits without closing its attachments.
 * <p>
 * <b>Failed creates.</b> If building the handle or attaching fails after this call linked a new object's name,
 * the name is removed again (unless another process attached meanwhile), so a failed create leaves no file.
 * <p>
 * <b>Faults.</b> A file truncated by another program makes accesses to the lost pages fault; every public entry
 * point of the library turns the JVM's {@link java.lang.InternalError} into the file's
 * {@link io.jvmipc.file.SharedFile#faulted(InternalError)} exception, and {@code close()} always completes.
 */
package io.jvmipc.file;
