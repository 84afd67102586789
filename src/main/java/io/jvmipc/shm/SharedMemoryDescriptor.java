package io.jvmipc.shm;

/**
 * Layout of a raw shared-memory segment's body ({@link io.jvmipc.file.ObjectKind#SHARED_MEMORY}): the user's
 * bytes, nothing else. The body starts on a page boundary of the file, so the segment is 4096-byte aligned.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |               User bytes (size bytes, zero when created)    ...|  0
 *  +---------------------------------------------------------------+
 * </pre>
 * Kind parameter {@link #SIZE_PARAMETER} holds the size asked for at creation; the body is exactly that long.
 */
final class SharedMemoryDescriptor
{
    /** The layout version of a shared-memory body. */
    static final int VERSION = 1;
    /** The kind parameter that holds the size in bytes. */
    static final int SIZE_PARAMETER = 0;
    /** Offset of the first user byte in the body. */
    static final int DATA_OFFSET = 0;

    private SharedMemoryDescriptor()
    {
    }
}
