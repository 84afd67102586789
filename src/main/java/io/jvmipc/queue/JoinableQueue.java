package io.jvmipc.queue;

import io.jvmipc.codec.Codec;
import io.jvmipc.file.CorruptFileException;
import io.jvmipc.file.ObjectKind;
import io.jvmipc.file.ProcessTableDescriptor;
import io.jvmipc.file.SharedDirectory;
import io.jvmipc.file.SharedFile;
import io.jvmipc.file.SharedFile.OpenMode;
import io.jvmipc.file.SharedObjectBuilder;
import io.jvmipc.wait.Signal;
import io.jvmipc.wait.WaitLoop;
import io.jvmipc.wait.WaitStrategy;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * A queue whose consumers report each message done, so that producers can wait until all the work is finished:
 * Python's {@code multiprocessing.JoinableQueue}. It is a {@link SharedQueue} (file {@code name + ".items"})
 * plus a shared count of unfinished tasks (file {@code name}): {@link #put(Object)} adds one, {@link #taskDone()}
 * subtracts one, and {@link #join()} waits until it is zero.
 * <p>
 * <b>Waiting</b>: {@code put}, {@code take} and their timed forms block as {@link SharedQueue}'s do;
 * {@link #join()} spins briefly and then sleeps on a futex until the count reaches zero, honouring interrupts
 * within one sleep slice (50 ms by default). {@link #taskDone()} enters the kernel only when someone is in
 * {@code join()} and the count reaches zero.
 * <p>
 * <b>Crashes</b>: each process counts, in its process-table entry, the messages it took and has not marked done
 * and the puts it is still in. If it dies, a {@code join()}er notices within {@link SharedFile#PROBE_INTERVAL_NANOS}
 * of its death while waiting (it probes every attached process at that cadence), or the next process to take its
 * entry does, and subtracts those from the unfinished count: a dead consumer's unfinished messages are lost (as
 * the queue's crash model allows) and {@code join()} does not wait for them. Windows of a few instructions remain,
 * each leaving the count one too high, never too low, so {@code join()} never returns while a task is unfinished
 * (it then waits until its timeout, or until a {@code taskDone()} from another process makes up for it): a
 * consumer killed between the queue handing it a message and counting it as taken, or inside
 * {@link #taskDone()} after it stopped counting the message as taken and before the unfinished count went down
 * (its task stays unfinished: the call never returned). A producer killed between its two counter updates at the
 * start of {@code put}, or right after its message was queued, leaves the count one too low (a later
 * {@code taskDone()} then throws). {@link #taskDone()} is meant to be called by the process that took the message;
 * a {@code taskDone()} from another process is counted correctly while everyone lives, but if the taker then dies,
 * its message is subtracted a second time (the count is never taken below zero).
 * <p>
 * <b>Timeouts</b> of zero or less mean "do not wait" (one attempt), as in {@code java.util.concurrent}. A file
 * truncated or replaced under a live process makes every method throw {@link io.jvmipc.file.SharedObjectException}
 * naming the file; {@link #close()} still completes.
 * <p>
 * <b>Lifecycle</b>: {@link #close()} detaches both files; any later call throws {@link IllegalStateException}
 * naming the file. Thread-safe.
 *
 * @param <T> the type of message.
 */
public final class JoinableQueue<T> implements AutoCloseable
{
    private static final VarHandle LONG = JAVA_LONG.varHandle();
    /** One attempt of join() for {@link WaitLoop}: non-capturing, so no call allocates. */
    private static final WaitLoop.Attempt<JoinableQueue<?>> ZERO = JoinableQueue::zeroAttempt;

    private final SharedFile file;
    private final SharedQueue<T> queue;
    private final MemorySegment segment;
    private final long unfinishedOffset;
    private final long takenOffset;
    private final long puttingOffset;
    private final Signal signal;
    private final WaitStrategy waitStrategy;

    private JoinableQueue(final SharedFile file, final SharedQueue<T> queue, final Signal signal,
        final WaitStrategy waitStrategy)
    {
        this.file = file;
        this.queue = queue;
        this.segment = file.segment();
        this.unfinishedOffset = file.bodyOffset() + JoinableQueueDescriptor.UNFINISHED_OFFSET;
        this.takenOffset = ProcessTableDescriptor.kindWordOffset(file.entry(), JoinableQueueDescriptor.TAKEN_WORD);
        this.puttingOffset = ProcessTableDescriptor.kindWordOffset(file.entry(),
            JoinableQueueDescriptor.PUTTING_WORD);
        this.signal = signal;
        this.waitStrategy = waitStrategy;
    }

    /**
     * Starts building the joinable queue named {@code name}.
     *
     * @param name  the object's name; its messages live in a queue named {@code name + ".items"}.
     * @param codec turns messages into bytes and back; every process must use an equivalent one.
     * @param <T>   the type of message.
     * @return a builder.
     * @throws IllegalArgumentException if the name is not a valid object name.
     */
    public static <T> Builder<T> builder(final String name, final Codec<T> codec)
    {
        return new Builder<>(name, codec);
    }

    /**
     * Adds a message, waiting while the queue is full, and counts one unfinished task. Python's {@code put}.
     *
     * @param message the message.
     * @throws InterruptedException  if interrupted while waiting (nothing is added or counted).
     * @throws IllegalStateException if closed.
     * @throws io.jvmipc.MessageTooLargeException if it encodes to more than the maximum message size.
     */
    public void put(final T message) throws InterruptedException
    {
        try
        {
            beginPut();
            boolean added = false;
            try
            {
                queue.put(message);
                added = true;
            }
            finally
            {
                endPut(added);
            }
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    /**
     * Adds a message if there is room now, counting one unfinished task. Python's {@code put_nowait}.
     *
     * @param message the message.
     * @return {@code true} if added, {@code false} if the queue was full (nothing counted).
     * @throws IllegalStateException if closed.
     * @throws io.jvmipc.MessageTooLargeException if it encodes to more than the maximum message size.
     */
    public boolean offer(final T message)
    {
        try
        {
            beginPut();
            boolean added = false;
            try
            {
                added = queue.offer(message);
                return added;
            }
            finally
            {
                endPut(added);
            }
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    /**
     * Adds a message, waiting up to the timeout for room, counting one unfinished task. Python's
     * {@code put(obj, True, timeout)}.
     *
     * @param message the message.
     * @param timeout how long to wait at most; zero or less means not at all (one attempt).
     * @param unit    the timeout's unit.
     * @return {@code true} if added, {@code false} if the queue stayed full (nothing counted).
     * @throws InterruptedException  if interrupted while waiting (nothing is added or counted).
     * @throws IllegalStateException if closed.
     */
    public boolean offer(final T message, final long timeout, final TimeUnit unit) throws InterruptedException
    {
        Objects.requireNonNull(unit, "unit");
        try
        {
            beginPut();
            boolean added = false;
            try
            {
                added = queue.offer(message, timeout, unit);
                return added;
            }
            finally
            {
                endPut(added);
            }
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    /**
     * Takes the next message, waiting while the queue is empty. The caller must call {@link #taskDone()} once
     * it has processed it. Python's {@code get}.
     *
     * @return the message.
     * @throws InterruptedException  if interrupted while waiting.
     * @throws IllegalStateException if closed.
     */
    public T take() throws InterruptedException
    {
        file.ensureOpen();
        final T message = queue.take();
        try
        {
            return taken(message);
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    /**
     * Takes the next message if there is one now. Python's {@code get_nowait}.
     *
     * @return the message, or {@code null} if empty.
     * @throws IllegalStateException if closed.
     */
    public T poll()
    {
        file.ensureOpen();
        final T message = queue.poll();
        try
        {
            return taken(message);
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    /**
     * Takes the next message, waiting up to the timeout. Python's {@code get(True, timeout)}.
     *
     * @param timeout how long to wait at most; zero or less means not at all (one attempt).
     * @param unit    the timeout's unit.
     * @return the message, or {@code null} if the queue stayed empty.
     * @throws InterruptedException  if interrupted while waiting.
     * @throws IllegalStateException if closed.
     */
    public T poll(final long timeout, final TimeUnit unit) throws InterruptedException
    {
        file.ensureOpen();
        final T message = queue.poll(timeout, unit);
        try
        {
            return taken(message);
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    /**
     * Marks one taken message as processed; when no unfinished task is left, wakes every {@link #join()}er, in
     * any process. Python's {@code task_done()}. Never blocks.
     *
     * @throws IllegalStateException if called more times than messages were put (Python's {@code ValueError}),
     *                               or if closed.
     */
    public void taskDone()
    {
        file.ensureOpen();
        try
        {
            finishTask(releaseTaken());
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    /**
     * The first step of {@link #taskDone()}: stops counting one message as taken by this process, unless it took
     * none (a {@code taskDone()} for another process's take). Before the unfinished count, so that a death
     * between the two steps leaves that count one too high (join() keeps waiting for this task), never one too
     * low: the recovery subtracts only what is still counted as taken, which this task no longer is.
     *
     * @return {@code true} if a message of this process's was uncounted (to restore if the second step refuses).
     * @throws IllegalStateException if no task is unfinished (nothing is changed).
     */
    boolean releaseTaken()
    {
        // volatile: refuse before changing anything
        if ((long)LONG.getVolatile(segment, unfinishedOffset) <= 0)
        {
            throw new IllegalStateException(file.path() + ": taskDone() called more times than messages were put");
        }
        while (true)
        {
            // volatile: this process's taken count (other threads of this process change it too)
            final long taken = (long)LONG.getVolatile(segment, takenOffset);
            if (taken <= 0)
            {
                return false;
            }
            // volatile CAS: one fewer taken by this process, never below zero
            if (LONG.compareAndSet(segment, takenOffset, taken, taken - 1))
            {
                return true;
            }
        }
    }

    /**
     * The second step of {@link #taskDone()}: one unfinished task fewer, and the wake-up of joiners at zero.
     *
     * @param released what {@link #releaseTaken()} returned.
     * @throws IllegalStateException if no task is unfinished (the taken count is restored).
     */
    void finishTask(final boolean released)
    {
        while (true)
        {
            // volatile: the current count, for the CAS below
            final long unfinished = (long)LONG.getVolatile(segment, unfinishedOffset);
            if (unfinished <= 0)
            {
                if (released)
                {
                    // volatile add: the message is this process's again, as it was before this taskDone()
                    LONG.getAndAdd(segment, takenOffset, 1L);
                }
                throw new IllegalStateException(file.path() + ": taskDone() called more times than messages were put");
            }
            // volatile CAS: one task fewer; publishes this thread's work to a joiner that sees the new count
            if (LONG.compareAndSet(segment, unfinishedOffset, unfinished, unfinished - 1))
            {
                if (unfinished == 1)
                {
                    signal.signalAll();
                }
                return;
            }
        }
    }

    /**
     * Waits until every message put has been marked done, without a time limit. Python's {@code join()}.
     *
     * @throws InterruptedException  if interrupted (noticed within one sleep slice).
     * @throws IllegalStateException if closed.
     */
    public void join() throws InterruptedException
    {
        awaitZero(Long.MAX_VALUE);
    }

    /**
     * Waits until every message put has been marked done, or the timeout elapses.
     *
     * @param timeout how long to wait at most; zero or less only checks (and probes for dead processes when due).
     * @param unit    the timeout's unit.
     * @return {@code true} if no unfinished task is left, {@code false} if the timeout elapsed first.
     * @throws InterruptedException  if interrupted (noticed within one sleep slice).
     * @throws IllegalStateException if closed.
     */
    public boolean join(final long timeout, final TimeUnit unit) throws InterruptedException
    {
        return awaitZero(WaitStrategy.timeoutNanos(timeout, unit));
    }

    /**
     * The number of messages put and not yet marked done.
     *
     * @return the unfinished-task count.
     * @throws IllegalStateException if closed.
     */
    public long unfinishedTasks()
    {
        file.ensureOpen();
        try
        {
            // volatile: the current count
            return (long)LONG.getVolatile(segment, unfinishedOffset);
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    /**
     * The number of messages in the queue now (not yet taken).
     *
     * @return the size.
     * @throws IllegalStateException if closed.
     */
    public int size()
    {
        file.ensureOpen();
        return queue.size();
    }

    /**
     * The task-count file.
     *
     * @return its path.
     */
    public Path path()
    {
        return file.path();
    }

    /**
     * Removes both files' names; attached processes keep using them.
     *
     * @throws IllegalStateException if closed, or another live process is attached (then nothing is removed).
     */
    public void unlink()
    {
        file.ensureOpen();
        queue.unlink();
        try
        {
            file.unlink();
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    /**
     * Detaches this process from both files. Idempotent; the queue and its count stay for other processes.
     * Messages this process took and has not marked done are given up as if it had died.
     */
    @Override
    public void close()
    {
        try
        {
            queue.close();
        }
        finally
        {
            file.close();
        }
    }

    @Override
    public String toString()
    {
        return "JoinableQueue " + file.path() + (file.isClosed() ? " (closed)" : " (" + unfinishedTasks() +
            " unfinished)");
    }

    /** The task-count file (for tests: its process table). */
    SharedFile file()
    {
        return file;
    }

    private void beginPut()
    {
        file.ensureOpen();
        // volatile add: this process is in a put, so its death gives the count back (see class comment)
        LONG.getAndAdd(segment, puttingOffset, 1L);
        // volatile add: counted before the message can be taken, so a taskDone never runs ahead of its put
        LONG.getAndAdd(segment, unfinishedOffset, 1L);
    }

    private void endPut(final boolean added)
    {
        if (!added)
        {
            // volatile add: the message was not added, so neither is its task
            LONG.getAndAdd(segment, unfinishedOffset, -1L);
        }
        // volatile add: this put is over
        LONG.getAndAdd(segment, puttingOffset, -1L);
        if (!added && unfinishedTasks() == 0)
        {
            signal.signalAll();
        }
    }

    private T taken(final T message)
    {
        if (message != null)
        {
            // volatile add: this process now owes a taskDone for it
            LONG.getAndAdd(segment, takenOffset, 1L);
        }
        return message;
    }

    private boolean awaitZero(final long timeoutNanos) throws InterruptedException
    {
        try
        {
            return !WaitLoop.isWait(WaitLoop.await(file, signal, waitStrategy, this, ZERO, timeoutNanos, true));
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    /**
     * One attempt of join(): done at zero; otherwise any attached process may be a dead consumer whose tasks
     * the count still holds, so the wait loop probes them all when due.
     */
    private long zeroAttempt()
    {
        // acquire: pairs with the last taskDone's CAS, so the consumers' work is visible
        return (long)LONG.getAcquire(segment, unfinishedOffset) <= 0 ? 1 : WaitLoop.waitForAny();
    }

    /**
     * Dead-owner recovery: gives back the dead process's unfinished work (its join registrations were dropped by
     * the file already).
     */
    private static void recoverDead(final MemorySegment segment, final long bodyOffset, final int dead)
    {
        // volatile: takes the dead process's counts
        final long owed = (long)LONG.getAndSet(segment,
            ProcessTableDescriptor.kindWordOffset(dead, JoinableQueueDescriptor.TAKEN_WORD), 0L) +
            (long)LONG.getAndSet(segment,
                ProcessTableDescriptor.kindWordOffset(dead, JoinableQueueDescriptor.PUTTING_WORD), 0L);
        if (owed <= 0)
        {
            return;
        }
        final long unfinishedOffset = bodyOffset + JoinableQueueDescriptor.UNFINISHED_OFFSET;
        while (true)
        {
            // volatile: the current count, for the CAS below
            final long unfinished = (long)LONG.getVolatile(segment, unfinishedOffset);
            final long next = Math.max(0, unfinished - owed);
            // volatile CAS: gives back the dead process's share, never below zero
            if (LONG.compareAndSet(segment, unfinishedOffset, unfinished, next))
            {
                if (next == 0)
                {
                    new Signal(segment, bodyOffset + JoinableQueueDescriptor.SIGNAL_OFFSET, -1).signalAll();
                }
                return;
            }
        }
    }

    /**
     * Builds a {@link JoinableQueue}.
     *
     * @param <T> the type of message.
     */
    public static final class Builder<T> extends SharedObjectBuilder<Builder<T>>
    {
        private final SharedQueueBuilder<T> queueBuilder;
        private WaitStrategy waitStrategy = WaitStrategy.blocking();

        private Builder(final String name, final Codec<T> codec)
        {
            super(name);
            this.queueBuilder = SharedQueue.builder(
                SharedDirectory.requireValidName(name + JoinableQueueDescriptor.QUEUE_SUFFIX), codec);
        }

        /**
         * Where both files live (default: {@link SharedDirectory#defaultDirectory()}).
         *
         * @param directory the directory.
         * @return this builder.
         * @throws NullPointerException if {@code directory} is null.
         */
        @Override
        public Builder<T> directory(final SharedDirectory directory)
        {
            super.directory(directory);
            queueBuilder.directory(directory);
            return this;
        }

        /**
         * How many messages the queue holds; see {@link SharedQueueBuilder#capacity(int)}.
         *
         * @param capacity the capacity.
         * @return this builder.
         * @throws IllegalArgumentException if out of range.
         */
        public Builder<T> capacity(final int capacity)
        {
            queueBuilder.capacity(capacity);
            return this;
        }

        /**
         * The largest message in bytes; see {@link SharedQueueBuilder#maxMessageSize(int)}.
         *
         * @param maxMessageSize the largest message.
         * @return this builder.
         * @throws IllegalArgumentException if out of range.
         */
        public Builder<T> maxMessageSize(final int maxMessageSize)
        {
            queueBuilder.maxMessageSize(maxMessageSize);
            return this;
        }

        /**
         * How many processes may be attached at once; used only when creating.
         *
         * @param capacity 1 to {@link ProcessTableDescriptor#MAX_CAPACITY}.
         * @return this builder.
         * @throws IllegalArgumentException if out of range.
         */
        @Override
        public Builder<T> processTableCapacity(final int capacity)
        {
            super.processTableCapacity(capacity);
            queueBuilder.processTableCapacity(capacity);
            return this;
        }

        /**
         * How this process's threads wait, in the queue and in {@code join()}.
         *
         * @param waitStrategy the strategy.
         * @return this builder.
         */
        public Builder<T> waitStrategy(final WaitStrategy waitStrategy)
        {
            this.waitStrategy = Objects.requireNonNull(waitStrategy, "waitStrategy");
            queueBuilder.waitStrategy(waitStrategy);
            return this;
        }

        /**
         * Creates both files; fails if the name exists.
         *
         * @return the attached queue.
         * @throws io.jvmipc.file.SharedObjectExistsException if an object of either name exists.
         */
        public JoinableQueue<T> create()
        {
            return open(OpenMode.CREATE);
        }

        /**
         * Attaches to an existing joinable queue.
         *
         * @return the attached queue.
         * @throws io.jvmipc.file.NoSuchSharedObjectException if there is none.
         * @throws io.jvmipc.file.WrongKindException          if a file holds another kind of object.
         * @throws io.jvmipc.file.SharedObjectException       if a file is foreign, truncated or corrupt.
         */
        public JoinableQueue<T> open()
        {
            return open(OpenMode.OPEN);
        }

        /**
         * Attaches to the joinable queue, creating what does not exist; race-free between processes.
         *
         * @return the attached queue.
         * @throws io.jvmipc.file.WrongKindException    if a file holds another kind of object.
         * @throws io.jvmipc.file.SharedObjectException if a file is foreign, truncated or corrupt.
         */
        public JoinableQueue<T> openOrCreate()
        {
            return open(OpenMode.OPEN_OR_CREATE);
        }

        private JoinableQueue<T> open(final OpenMode mode)
        {
            final Path path = path();
            final SharedFile.Spec spec = mode == OpenMode.OPEN ? null : new SharedFile.Spec(
                ObjectKind.JOINABLE_QUEUE, JoinableQueueDescriptor.VERSION, new long[0],
                JoinableQueueDescriptor.LENGTH, processTableCapacity(), null);
            final SharedFile file = SharedFile.map(path, ObjectKind.JOINABLE_QUEUE, JoinableQueueDescriptor.VERSION,
                mode, spec);
            try
            {
                if (file.bodyLength() < JoinableQueueDescriptor.LENGTH)
                {
                    throw new CorruptFileException(path, "joinable-queue body of " + file.bodyLength() +
                        " bytes, expected " + JoinableQueueDescriptor.LENGTH);
                }
                final MemorySegment segment = file.segment();
                final long bodyOffset = file.bodyOffset();
                // registered before attaching: the recovery of a dead entry then drops its registrations
                final Signal signal = Signal.of(file, JoinableQueueDescriptor.SIGNAL_NUMBER,
                    bodyOffset + JoinableQueueDescriptor.SIGNAL_OFFSET);
                file.attach(dead -> recoverDead(segment, bodyOffset, dead));
                final SharedQueue<T> queue = switch (mode)
                {
                    case CREATE -> queueBuilder.create();
                    case OPEN -> queueBuilder.open();
                    case OPEN_OR_CREATE -> queueBuilder.openOrCreate();
                };
                return new JoinableQueue<>(file, queue, signal, waitStrategy);
            }
            catch (final RuntimeException e)
            {
                file.close();
                throw e;
            }
        }
    }
}
