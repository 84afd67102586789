/**
 * Shared values and arrays: Python's {@code multiprocessing.Value}, {@code RawValue}, {@code Array} and
 * {@code RawArray}, lock-free. {@link io.jvmipc.value.SharedInt}, {@link io.jvmipc.value.SharedLong},
 * {@link io.jvmipc.value.SharedDouble} and {@link io.jvmipc.value.SharedBoolean} each hold one value on its own
 * 128-byte block; {@link io.jvmipc.value.SharedIntArray}, {@link io.jvmipc.value.SharedLongArray} and
 * {@link io.jvmipc.value.SharedDoubleArray} hold packed elements. Every read-modify-write is a single atomic
 * instruction on the shared mapping, so counters need no lock. The element type is stored in the file and
 * checked on attach: an {@code int} value is never attached as a {@code long} one, nor a value as an array.
 * <p>
 * <b>Crashes.</b> Values and arrays keep no per-process state: a process killed at any instruction leaves each
 * value or element as of its last completed atomic operation, and holds nothing another process must recover.
 * <p>
 * <b>Faults.</b> A file truncated or replaced by another program under a live process cannot be read or written.
 * Every public method catches the JVM's {@code InternalError} for such a fault and throws
 * {@link io.jvmipc.file.SharedObjectException} naming the file and its sizes; {@code close()} always completes.
 * This holds where the JVM raises the fault at the access, which it does for code it interprets. Limits of the
 * JVM (HotSpot, JDK 25) that the library cannot remove: in JIT-compiled code the fault is raised asynchronously,
 * at the next safepoint poll, which can come after the method has returned (with an undefined result), so the
 * raw {@code InternalError} may then surface in the caller; a compiled load that the JIT folded into another
 * instruction can crash the JVM; and an interpreted compare-and-set on a missing page crashes it (the
 * {@code compareAndSet} methods load the word first, so that the load faults instead). Do not let other programs
 * truncate the files.
 */
package io.jvmipc.value;
