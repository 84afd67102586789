package io.jvmipc.file;

/**
 * Layout of one entry of an object's process table, which starts at {@link HeaderDescriptor#LENGTH}. Entry
 * {@code i} is owned by the process that holds an open-file-description lock on byte
 * {@code lockOffset(i)} of the file; the kernel drops that lock when the process dies, however it dies, so a
 * successful try-lock proves that the previous owner is gone (PID reuse cannot fool it).
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |            State (FREE, ATTACHED), written with release       |  0
 *  +---------------------------------------------------------------+
 *  |                           Reserved                            |  4
 *  +---------------------------------------------------------------+
 *  |                              PID                              |  8
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |          Generation (bumped by every attach to this entry)    | 16
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                   Attach Time (epoch millis)                  | 24
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |     Waiting counts: 8 ints, registrations on signal 0..7     ...| 32
 *  +---------------------------------------------------------------+
 *  |     Kind words: 8 longs a primitive keeps per process        ...| 64
 *  +---------------------------------------------------------------+
 * </pre>
 */
public final class ProcessTableDescriptor
{
    /** Entry state: never used, or left cleanly. */
    public static final int FREE = 0;
    /** Entry state: a process attached; if its lock is free, the process died without detaching. */
    public static final int ATTACHED = 1;

    /** Offset of the state in an entry. */
    public static final int STATE_OFFSET = 0;
    /** Offset of the PID in an entry. */
    public static final int PID_OFFSET = 8;
    /** Offset of the generation in an entry. */
    public static final int GENERATION_OFFSET = 16;
    /** Offset of the attach time in an entry. */
    public static final int ATTACH_TIME_OFFSET = 24;
    /** Offset of the first waiting count in an entry. */
    public static final int WAITING_OFFSET = 32;
    /** How many signals an object may have per-process waiting counts for. */
    public static final int SIGNAL_COUNT = 8;
    /** Offset of the first kind word in an entry. */
    public static final int KIND_WORDS_OFFSET = WAITING_OFFSET + SIGNAL_COUNT * Integer.BYTES;
    /** How many kind words an entry holds. */
    public static final int KIND_WORD_COUNT = 8;
    /** Length of an entry. */
    public static final int ENTRY_LENGTH = KIND_WORDS_OFFSET + KIND_WORD_COUNT * Long.BYTES;
    /** The most entries a table may have (owners are stored in 16 bits elsewhere). */
    public static final int MAX_CAPACITY = 4096;
    /** The number of entries when the creator does not say. */
    public static final int DEFAULT_CAPACITY = 64;

    private ProcessTableDescriptor()
    {
    }

    /**
     * Offset in the file of entry {@code index}.
     *
     * @param index the entry.
     * @return its offset.
     */
    public static long entryOffset(final int index)
    {
        return HeaderDescriptor.LENGTH + (long)index * ENTRY_LENGTH;
    }

    /**
     * The byte of the file whose lock marks ownership of entry {@code index}.
     *
     * @param index the entry.
     * @return the byte's offset.
     */
    public static long lockOffset(final int index)
    {
        return entryOffset(index);
    }

    /**
     * Offset in the file of entry {@code index}'s waiting count for signal {@code signal}.
     *
     * @param index  the entry.
     * @param signal the signal's number within its object, 0 to {@link #SIGNAL_COUNT} - 1.
     * @return the count's offset.
     */
    public static long waitingOffset(final int index, final int signal)
    {
        return entryOffset(index) + WAITING_OFFSET + (long)signal * Integer.BYTES;
    }

    /**
     * Offset in the file of entry {@code index}'s kind word {@code word}.
     *
     * @param index the entry.
     * @param word  0 to {@link #KIND_WORD_COUNT} - 1.
     * @return the word's offset.
     */
    public static long kindWordOffset(final int index, final int word)
    {
        return entryOffset(index) + KIND_WORDS_OFFSET + (long)word * Long.BYTES;
    }
}
