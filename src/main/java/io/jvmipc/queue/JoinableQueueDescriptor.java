package io.jvmipc.queue;

import io.jvmipc.wait.SignalDescriptor;

/**
 * Layout of the task-count file of a {@link JoinableQueue} ({@link io.jvmipc.file.ObjectKind#JOINABLE_QUEUE});
 * the messages themselves live in a companion {@link SharedQueue}. All little-endian.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                 Reserved (zero) up to 128                   ...|   0
 *  +---------------------------------------------------------------+
 *  |         Signal (join() sleeps here; see SignalDescriptor)   ...|  128
 *  +---------------------------------------------------------------+
 * </pre>
 * Per process, one kind word of its process-table entry: {@link #OWED_WORD} counts the messages this process
 * took and has not yet marked done. The unfinished tasks are the companion queue's held slots plus every
 * entry's owed count; when a process dies, its owed count is zeroed (its messages are lost), so {@code join()}
 * does not wait for work that died with it. Version 2: version 1 kept a shared unfinished count at offset 0
 * and two kind words per entry.
 */
public final class JoinableQueueDescriptor
{
    /** The layout version of the task-count body. */
    public static final int VERSION = 2;
    /** Offset of the signal that join() waits on, on its own cache-line pair. */
    public static final int SIGNAL_OFFSET = 128;
    /** Signal number of {@link #SIGNAL_OFFSET} for per-process waiter counts. */
    public static final int SIGNAL_NUMBER = 0;
    /** Bytes of body. */
    public static final int LENGTH = SIGNAL_OFFSET + SignalDescriptor.LENGTH;
    /** Kind word: messages taken by this process and not yet marked done. */
    public static final int OWED_WORD = 0;
    /** Suffix of the companion queue's name. */
    public static final String QUEUE_SUFFIX = ".items";

    private JoinableQueueDescriptor()
    {
    }
}
