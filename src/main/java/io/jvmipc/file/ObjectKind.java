package io.jvmipc.file;

/**
 * What a shared file holds; stored in its header and checked on attach, so that a queue is never attached as
 * a lock. Codes are part of the file format: never renumber one.
 */
public enum ObjectKind
{
    /** {@code io.jvmipc.queue.SharedQueue}. */
    QUEUE(1),
    /** A pipe: two one-way byte rings. */
    PIPE(2),
    /** A shared scalar value. */
    VALUE(3),
    /** A shared array of scalars. */
    ARRAY(4),
    /** Raw shared memory. */
    SHARED_MEMORY(5),
    /** A lock any process may release. */
    LOCK(6),
    /** A reentrant lock owned by a process and thread. */
    REENTRANT_LOCK(7),
    /** A counting semaphore. */
    SEMAPHORE(8),
    /** A semaphore that refuses releases past its initial count. */
    BOUNDED_SEMAPHORE(9),
    /** A settable event flag. */
    EVENT(10),
    /** A condition variable bound to a lock. */
    CONDITION(11),
    /** A cyclic barrier. */
    BARRIER(12),
    /** A queue with a count of unfinished tasks. */
    JOINABLE_QUEUE(13),
    /** A region of named counters ({@code io.jvmipc.counters.SharedCounters}). */
    COUNTERS(14);

    private final int code;

    ObjectKind(final int code)
    {
        this.code = code;
    }

    /**
     * The code stored in the header.
     *
     * @return the code.
     */
    public int code()
    {
        return code;
    }

    /**
     * The kind with a given code.
     *
     * @param code the code read from a header.
     * @return the kind, or {@code null} if no kind has that code.
     */
    public static ObjectKind ofCode(final int code)
    {
        for (final ObjectKind kind : values())
        {
            if (kind.code == code)
            {
                return kind;
            }
        }
        return null;
    }
}
