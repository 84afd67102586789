/**
 * Shared values and arrays: Python's {@code multiprocessing.Value}, {@code RawValue}, {@code Array} and
 * {@code RawArray}, lock-free. {@link io.jvmipc.value.SharedInt}, {@link io.jvmipc.value.SharedLong},
 * {@link io.jvmipc.value.SharedDouble} and {@link io.jvmipc.value.SharedBoolean} each hold one value on its own
 * 128-byte block; {@link io.jvmipc.value.SharedIntArray}, {@link io.jvmipc.value.SharedLongArray} and
 * {@link io.jvmipc.value.SharedDoubleArray} hold packed elements. Every read-modify-write is a single atomic
 * instruction on the shared mapping, so counters need no lock. The element type is stored in the file and
 * checked on attach: an {@code int} value is never attached as a {@code long} one, nor a value as an array.
 */
package io.jvmipc.value;
