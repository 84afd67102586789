/**
 * Raw named shared memory: Python's {@code multiprocessing.shared_memory.SharedMemory}, exposed as a
 * {@link java.lang.foreign.MemorySegment}. See {@link io.jvmipc.shm.SharedMemory} for the close, unlink and
 * {@code track} rules.
 */
package io.jvmipc.shm;
