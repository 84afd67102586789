/**
 * Raw named shared memory: Python's {@code multiprocessing.shared_memory.SharedMemory}, exposed as a
 * {@link java.lang.foreign.MemorySegment}. See {@link io.jvmipc.shm.SharedMemory} for the close, unlink and
 * {@code track} rules. The library's own methods (size, unlink, close) never let a raw {@code InternalError}
 * out of a file truncated under a live handle; the caller's own accesses to the segment do, and
 * {@link io.jvmipc.shm.SharedMemory#faulted(InternalError)} names the file for them.
 */
package io.jvmipc.shm;
