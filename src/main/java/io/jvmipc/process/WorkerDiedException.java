package io.jvmipc.process;

import java.util.Arrays;
import java.util.List;

/**
 * A {@link JvmPool} task was running in a worker JVM that died (killed, crashed, exited) each of the
 * {@link JvmPool.Builder#maxTaskAttempts(int) maxTaskAttempts} times it was given to one: the pool gives up on
 * it rather than kill more workers, and completes its future with this exception. It names the task
 * ({@link #taskNumber()}, and its {@link #index()} in the collection of a {@code map}) and the workers' pids.
 */
public final class WorkerDiedException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /** The task's number in its pool, in submission order. */
    private final long taskNumber;
    /** The task's index in the collection of a {@code map}, or -1. */
    private final int index;
    /** The pids of the workers that died running it. */
    private final long[] workerPids;

    /**
     * A task whose workers died.
     *
     * @param message    what happened.
     * @param taskNumber the task's number in its pool (0 for the first task submitted).
     * @param index      its index in the collection it was mapped over, or -1 for a task submitted alone.
     * @param workerPids the pids of the workers that died running it, in order.
     */
    public WorkerDiedException(final String message, final long taskNumber, final int index,
        final List<Long> workerPids)
    {
        super(message);
        this.taskNumber = taskNumber;
        this.index = index;
        this.workerPids = workerPids.stream().mapToLong(Long::longValue).toArray();
    }

    /**
     * The task's number in its pool: 0 for the first task submitted, counting every element of a {@code map}.
     *
     * @return the number.
     */
    public long taskNumber()
    {
        return taskNumber;
    }

    /**
     * The task's index in the collection of the {@code map} (or {@code imap}, {@code starmap}) that made it.
     *
     * @return the index, or -1 for a task given to {@code submit}.
     */
    public int index()
    {
        return index;
    }

    /**
     * The pids of the worker JVMs that died while running the task, in order.
     *
     * @return the pids.
     */
    public List<Long> workerPids()
    {
        return Arrays.stream(workerPids).boxed().toList();
    }
}
