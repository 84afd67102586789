package io.jvmipc.queue;

import io.jvmipc.wait.SignalDescriptor;

/**
 * Layout of the task-count file of a {@link JoinableQueue} ({@link io.jvmipc.file.ObjectKind#JOINABLE_QUEUE});
 * the messages themselves live in a companion {@link SharedQueue}. All little-endian.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |        Unfinished tasks (long): put, not yet task-done        |    0
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                 Reserved (zero) up to 128                   ...|   8
 *  +---------------------------------------------------------------+
 *  |         Signal (join() sleeps here; see SignalDescriptor)   ...|  128
 *  +---------------------------------------------------------------+
 * </pre>
 * Per process, two kind words of its process-table entry: {@link #TAKEN_WORD} counts messages this process
 * took and has not yet marked done, {@link #PUTTING_WORD} counts puts this process has counted but not yet
 * finished. When the process dies, both are subtracted from the unfinished count, so {@code join()} does not
 * wait for work that died with it.
 */
public final class JoinableQueueDescriptor
{
    /** The layout version of the task-count body. */
    public static final int VERSION = 1;
    /** Offset of the unfinished-task count. */
    public static final int UNFINISHED_OFFSET = 0;
    /** Offset of the signal that join() waits on, on its own cache-line pair. */
    public static final int SIGNAL_OFFSET = UNFINISHED_OFFSET + 128;
    /** Signal number of {@link #SIGNAL_OFFSET} for per-process waiter counts. */
    public static final int SIGNAL_NUMBER = 0;
    /** Bytes of body. */
    public static final int LENGTH = SIGNAL_OFFSET + SignalDescriptor.LENGTH;
    /** Kind word: messages taken by this process and not yet marked done by it. */
    public static final int TAKEN_WORD = 0;
    /** Kind word: puts this process has counted and not yet completed. */
    public static final int PUTTING_WORD = 1;
    /** Suffix of the companion queue's name. */
    public static final String QUEUE_SUFFIX = ".items";

    private JoinableQueueDescriptor()
    {
    }
}
