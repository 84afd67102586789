package io.jvmipc.file;

/**
 * Layout of the header at the start of every shared object's file. All fields little-endian.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                       Magic ("JVMIPC" 0x1A 0x0A)              |  0
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                        Layout Version                         |  8
 *  +---------------------------------------------------------------+
 *  |                       Object Kind Code                        | 12
 *  +---------------------------------------------------------------+
 *  |          Ready Word (written last, with release)              | 16
 *  +---------------------------------------------------------------+
 *  |                        Header Length                          | 20
 *  +---------------------------------------------------------------+
 *  |                         File Length                           | 24
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                  Creation Time (epoch millis)                 | 32
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                          Creator PID                          | 40
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                    Process Table Offset                       | 48
 *  +---------------------------------------------------------------+
 *  |                   Process Table Capacity                      | 52
 *  +---------------------------------------------------------------+
 *  |                          Body Offset                          | 56
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                          Body Length                          | 64
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |   Header Checksum (CRC32C of bytes 0..255, ready word and     | 72
 *  |   checksum taken as zero)                                     |
 *  +---------------------------------------------------------------+
 *  |                     Kind Layout Version                       | 76
 *  +---------------------------------------------------------------+
 *  |               Kind Parameters: 8 longs, meaning per kind     ...| 80
 *  +---------------------------------------------------------------+
 *  |                  Slow-Path Counters Offset                    | 144
 *  +---------------------------------------------------------------+
 *  |                  Slow-Path Counters Count                     | 148
 *  +---------------------------------------------------------------+
 *  |                           Flags                               | 152
 *  +---------------------------------------------------------------+
 *  |                  Reserved (zero) up to 256                   ...| 156
 *  +---------------------------------------------------------------+
 * </pre>
 * The process table follows at {@link #LENGTH}; then, from the next 128-byte boundary, the slow-path counter block
 * (one 64-bit counter per {@link SlowPath}, the only part of the file outside the body that changes after
 * creation besides the process table); the body starts at the page boundary after it.
 * <p>
 * The int at {@link #FLAGS_OFFSET} (152) is a flags word written at creation, inside the
 * checksummed header: bit 0 ({@link #FLAG_ANONYMOUS}) marks an anonymous object, one whose name the library chose
 * ({@link SharedDirectory#newAnonymousName()}) and whose file is removed when its last attached process closes.
 * <p>
 * Byte {@link #NAME_LOCK_OFFSET} of the file also carries an open-file-description lock, the <i>name lock</i>:
 * held shared by every opener from the moment it has checked that the name still refers to this file until it
 * holds its process-table entry, and exclusively by {@code SharedFile.unlink()} while it checks that nobody is
 * attached and removes the name. So the name is never removed under a process that is attaching.
 */
public final class HeaderDescriptor
{
    /** "JVMIPC", 0x1A, 0x0A read as a little-endian long. */
    public static final long MAGIC = 0x0A1A_4350_494D_564AL;
    /** The layout version this library writes and reads. */
    public static final int LAYOUT_VERSION = 2;
    /** The value of the ready word once the object is initialised ("REDY"). */
    public static final int READY = 0x5944_4552;

    /** Offset of the magic number. */
    public static final int MAGIC_OFFSET = 0;
    /** Offset of the layout version. */
    public static final int LAYOUT_VERSION_OFFSET = MAGIC_OFFSET + Long.BYTES;
    /** Offset of the {@link ObjectKind} code. */
    public static final int KIND_OFFSET = LAYOUT_VERSION_OFFSET + Integer.BYTES;
    /** Offset of the ready word. */
    public static final int READY_OFFSET = KIND_OFFSET + Integer.BYTES;
    /** Offset of the header length. */
    public static final int HEADER_LENGTH_OFFSET = READY_OFFSET + Integer.BYTES;
    /** Offset of the total file length. */
    public static final int FILE_LENGTH_OFFSET = HEADER_LENGTH_OFFSET + Integer.BYTES;
    /** Offset of the creation time in epoch milliseconds. */
    public static final int CREATION_TIME_OFFSET = FILE_LENGTH_OFFSET + Long.BYTES;
    /** Offset of the creator's PID. */
    public static final int CREATOR_PID_OFFSET = CREATION_TIME_OFFSET + Long.BYTES;
    /** Offset of the process table's offset. */
    public static final int PROCESS_TABLE_OFFSET_OFFSET = CREATOR_PID_OFFSET + Long.BYTES;
    /** Offset of the process table's capacity. */
    public static final int PROCESS_TABLE_CAPACITY_OFFSET = PROCESS_TABLE_OFFSET_OFFSET + Integer.BYTES;
    /** Offset of the body's offset. */
    public static final int BODY_OFFSET_OFFSET = PROCESS_TABLE_CAPACITY_OFFSET + Integer.BYTES;
    /** Offset of the body's length. */
    public static final int BODY_LENGTH_OFFSET = BODY_OFFSET_OFFSET + Long.BYTES;
    /** Offset of the header checksum. */
    public static final int CHECKSUM_OFFSET = BODY_LENGTH_OFFSET + Long.BYTES;
    /** Offset of the kind's own layout version. */
    public static final int KIND_VERSION_OFFSET = CHECKSUM_OFFSET + Integer.BYTES;
    /** Offset of the first of {@link #PARAMETER_COUNT} kind parameters. */
    public static final int PARAMETERS_OFFSET = KIND_VERSION_OFFSET + Integer.BYTES;
    /** How many kind parameters the header holds. */
    public static final int PARAMETER_COUNT = 8;
    /** Offset of the slow-path counter block's offset in the file (an int). */
    public static final int COUNTERS_OFFSET = PARAMETERS_OFFSET + PARAMETER_COUNT * Long.BYTES;
    /** Offset of the number of counters in the slow-path counter block (an int). */
    public static final int COUNTER_COUNT_OFFSET = COUNTERS_OFFSET + Integer.BYTES;
    /** The slow-path counter block starts at a multiple of this (a cache line pair, as the table entries). */
    public static final int COUNTERS_ALIGNMENT = 128;
    /** The most counters a valid file's block may hold. */
    public static final int MAX_COUNTERS = 64;
    /** Offset of the flags word (an int in the reserved range, zero in files of no flags). */
    public static final int FLAGS_OFFSET = 152;
    /** Flag bit: the object is anonymous (its file goes with its last attached process). */
    public static final int FLAG_ANONYMOUS = 1;
    /** The byte whose open-file-description lock is the name lock (see the class comment). */
    public static final int NAME_LOCK_OFFSET = MAGIC_OFFSET;
    /** Length of the header; the process table starts here. */
    public static final int LENGTH = 256;
    /** The body starts at a multiple of this. */
    public static final int BODY_ALIGNMENT = 4096;

    static
    {
        if (COUNTER_COUNT_OFFSET + Integer.BYTES > LENGTH)
        {
            throw new ExceptionInInitializerError("header fields overflow the header");
        }
    }

    private HeaderDescriptor()
    {
    }

    /**
     * Offset of kind parameter {@code index}.
     *
     * @param index 0 to {@link #PARAMETER_COUNT} - 1.
     * @return its offset.
     */
    public static int parameterOffset(final int index)
    {
        return PARAMETERS_OFFSET + index * Long.BYTES;
    }

    /**
     * Where the slow-path counter block starts for a process table of {@code capacity} entries.
     *
     * @param capacity the process table's capacity.
     * @return the block's offset.
     */
    public static long countersOffset(final int capacity)
    {
        final long end = LENGTH + (long)capacity * ProcessTableDescriptor.ENTRY_LENGTH;
        return (end + COUNTERS_ALIGNMENT - 1) & -COUNTERS_ALIGNMENT;
    }

    /**
     * Offset in the file of slow-path counter {@code index} for a block at {@code countersOffset}.
     *
     * @param countersOffset the block's offset, as recorded at {@link #COUNTERS_OFFSET}.
     * @param index          the counter, a {@link SlowPath#ordinal()}.
     * @return the counter's offset.
     */
    public static long counterOffset(final int countersOffset, final int index)
    {
        return countersOffset + (long)index * Long.BYTES;
    }

    /**
     * Where the body starts for a process table of {@code capacity} entries and this library's
     * {@link SlowPath#COUNT} counters.
     *
     * @param capacity the process table's capacity.
     * @return the body's offset.
     */
    public static long bodyOffset(final int capacity)
    {
        return bodyOffset(capacity, SlowPath.COUNT);
    }

    /**
     * Where the body starts for a process table of {@code capacity} entries and a counter block of
     * {@code counters} counters: the page boundary at or after the block's end.
     *
     * @param capacity the process table's capacity.
     * @param counters the counter block's count.
     * @return the body's offset.
     */
    public static long bodyOffset(final int capacity, final int counters)
    {
        final long end = countersOffset(capacity) + (long)counters * Long.BYTES;
        return (end + BODY_ALIGNMENT - 1) & -BODY_ALIGNMENT;
    }
}
