/**
 * Counter regions: many named 64-bit counters in one shared file ({@link io.jvmipc.counters.SharedCounters}),
 * found or allocated by label, updated through allocation-free handles ({@link io.jvmipc.counters.SharedCounter}),
 * seen as a {@code ConcurrentMap<String, Long>} ({@link io.jvmipc.counters.SharedCounters#asMap()}) and read
 * without attaching by {@link io.jvmipc.counters.CountersReader}. Modelled on Aeron's counters.
 * <p>
 * <b>Layout</b> ({@code CountersDescriptor}): after the common header and process table, the body holds an
 * allocation lock word and its signal (each on its own cache-line pair), then one metadata entry per counter
 * (state word, sequence, owner word, type id, label length, UTF-8 label; a multiple of 64 bytes), then the values,
 * each on its own 128-byte cache-line pair or packed 8 bytes apart, as chosen at creation.
 * <p>
 * <b>Ordering.</b> A slot is claimed with one CAS of its state word to ALLOCATING(entry, generation), filled with
 * plain stores, and published with one release store of ALLOCATED(sequence); every reader acquires the state
 * before reading label, type or owner, and re-reads it afterwards, so what it reports belongs to one allocation.
 * Values are read and written with volatile (or, where the name says, acquire/release) accesses. A handle reads
 * the value before re-checking the state and checks the state before writing, so a handle of a freed counter
 * never reports another counter's value. Free is one CAS from ALLOCATED(sequence) to FREED_PENDING(time).
 * <p>
 * <b>Crash rules.</b> Every word that names a process (the allocation lock, an ALLOCATING state, an owned
 * counter's owner) holds the process-table entry and its generation, and changes by one CAS of the whole word.
 * The recovery of a dead or detached entry, run by a survivor while it holds that entry, returns the entry's
 * ALLOCATING slots to FREE, moves its owned counters to FREED_PENDING, and last clears its allocation lock; each
 * step is a CAS from the word read, so a recoverer that dies half-way leaves work the next survivor redoes.
 * Shared counters and all values survive any death. A freed slot is not reused before the region's reuse delay
 * (wall-clock milliseconds, stored in the slot: comparable across processes).
 * <p>
 * <b>Faults.</b> A file truncated under a live handle makes every public method throw
 * {@link io.jvmipc.file.SharedObjectException} naming the file, including a recovery of a dead process that
 * reaches the removed pages; every compare-and-set follows a read of its word, since an interpreted CAS on a
 * removed page would crash the JVM where a read raises an {@code InternalError}. In JIT-compiled code the error
 * may be raised only at the next safepoint poll, after the method returned (a JVM limit).
 */
package io.jvmipc.counters;
