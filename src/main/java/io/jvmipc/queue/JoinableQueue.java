package io.jvmipc.queue;

import io.jvmipc.codec.Codec;
import io.jvmipc.file.CorruptFileException;
import io.jvmipc.file.ObjectKind;
import io.jvmipc.file.ProcessTableDescriptor;
import io.jvmipc.file.SharedDirectory;
import io.jvmipc.file.SharedFile;
import io.jvmipc.file.SharedFile.OpenMode;
import io.jvmipc.file.SharedHandle;
import io.jvmipc.file.SharedObjectBuilder;
import io.jvmipc.wait.Signal;
import io.jvmipc.wait.WaitLoop;
import io.jvmipc.wait.WaitStrategy;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * A queue whose consumers report each message done, so that producers can wait until all the work is finished:
 * Python's {@code multiprocessing.JoinableQueue}. It is a {@link SharedQueue} (file {@code name + ".items"})
 * plus, per process, a count of the messages it took and has not marked done (file {@code name}). The unfinished
 * tasks are the messages in the queue's slots (being written, waiting, or being taken) plus those counts:
 * {@link #put(Object)} adds one by putting the message, {@link #taskDone()} subtracts one, and {@link #join()}
 * waits until there are none.
 * <p>
 * <b>Waiting</b>: {@code put}, {@code take} and their timed forms block as {@link SharedQueue}'s do;
 * {@link #join()} spins briefly and then sleeps on a futex until no task is unfinished, honouring interrupts
 * within one sleep slice (50 ms by default). {@link #taskDone()} enters the kernel only when someone is in
 * {@code join()} and its process's count reaches zero. {@link #join()} and {@link #unfinishedTasks()} count the
 * queue's slots and every process-table entry: O(queue capacity + process-table capacity) per look; a
 * {@code join()} looks again at every wake-up and at least every {@link SharedFile#PROBE_INTERVAL_NANOS} while
 * a task is unfinished.
 * <p>
 * <b>Crashes</b>: every step that changes the unfinished tasks is one atomic change of one word, so no death
 * between two steps can leave them wrong. A put is counted by its slot from the producer's claim on: a producer
 * that dies before publishing leaves a slot that the queue's recovery frees, and its task is gone with it; one
 * that dies after publishing leaves its message, still counted, in the queue. A take counts the message as owed
 * by the taker (one add to its process-table word) while the slot is still held by the taker, and then frees the
 * slot: a consumer that dies before that add loses the message with its slot (the queue's recovery frees it),
 * one that dies after it loses the message with its count (this file's recovery zeroes it, in one CAS, so a
 * recoverer that dies half-way leaves nothing half done). {@link #taskDone()} is one CAS on one process's count.
 * A dead producer's or consumer's slot, and a dead consumer's count, are found by a {@code join()}er within
 * {@link SharedFile#PROBE_INTERVAL_NANOS} (it probes the owners of held slots and every attached process at
 * that cadence), or by the next process in the queue's way or taking the entry. A count left on an entry that no
 * process is attached as (a corrupt word: no live process would mark it done) is zeroed the same way. {@code join()} reads the slots
 * and then the counts, not all at one instant: it returns only when every task that was unfinished when it
 * started looking has been marked done (or lost with a dead process), as Python's does; a task put while it
 * looks may or may not be waited for.
 * <p>
 * <b>Single roles</b>: {@link Builder#singleProducer()} and {@link Builder#singleConsumer()} make the message
 * queue one of {@link SharedQueue}'s single-role queues. A single consumer's take leaves the slot READY until it
 * has counted and read the message, so a single consumer killed inside a take leaves the message, and its task,
 * to the next consumer (the above is for queues of any consumers); a single producer's put is counted from its
 * publication, not its claim.
 * <p>
 * <b>Leases</b>: {@link #takeLease()}, {@link #pollLease(long, TimeUnit)} and {@link #pollLease()} take a message
 * under a {@link Lease}: it stays in its slot, counted as unfinished there, until {@link Lease#ack()}, which is
 * the task's {@code taskDone()} (the slot is freed; do not call {@link #taskDone()} for it as well). A lease that
 * is released, closed without an ack, or whose holder dies puts the message back in the queue, still unfinished,
 * for another consumer: no task is lost with a consumer, at the price of at-least-once delivery (a holder killed
 * after its work but before its {@code ack} returned has that task done again).
 * <p>
 * A {@link #taskDone()} is meant to be called by the process that took the message. Called by a process that
 * has no message left to mark done, it marks done a message that another process took (one CAS on that
 * process's count), so the task is not counted twice if that process dies; it is refused if no process has
 * taken a message that is not done yet (Python refuses only when nothing at all is unfinished: here a task whose
 * message is still in the queue cannot be marked done before it is taken).
 * <p>
 * <b>Timeouts</b> of zero or less mean "do not wait" (one attempt), as in {@code java.util.concurrent}. A file
 * truncated or replaced under a live process makes every method throw {@link io.jvmipc.file.SharedObjectException}
 * naming the file (the count file is read first, so the message stays where it was); {@link #close()} still
 * completes. Known limit of the JVM: in JIT-compiled code HotSpot raises the fault's {@link InternalError} at the
 * next safepoint poll, which may come after a method returned, where no catch of the library can convert it.
 * <p>
 * <b>Lifecycle</b>: {@link #close()} detaches both files; any later call throws {@link IllegalStateException}
 * naming the file. Messages this process took and has not marked done are given up as if it had died.
 * Thread-safe.
 *
 * @param <T> the type of message.
 */
public final class JoinableQueue<T> implements AutoCloseable
{
    private static final VarHandle LONG = JAVA_LONG.varHandle();
    /** One attempt of join() for {@link WaitLoop}: non-capturing, so no call allocates. */
    private static final WaitLoop.Attempt<JoinableQueue<?>> ZERO = JoinableQueue::zeroAttempt;

    /** Test seam: runs in a take while the slot is held, before the message is counted as owed. */
    static Runnable beforeTakeCounted;
    /** Test seam: runs in a take after the message is counted as owed, before its slot is freed. */
    static Runnable afterTakeCounted;
    /** Test seam: runs in {@link #taskDone()} after the count went down, before joiners are woken. */
    static Runnable afterTaskDoneCounted;
    /** Test seam: runs in a put after the message is in the queue, before the put returns. */
    static Runnable afterPutQueued;

    private final SharedFile file;
    private final SharedQueue<T> queue;
    private final MemorySegment segment;
    private final Signal signal;
    private final WaitStrategy waitStrategy;
    /** After a lease's ack freed its slot: wake the joiners to count again; created once. */
    private final Runnable leaseDone = this::wakeJoiners;
    /** Counts this process's takes while their slots are still held; created once. */
    private final SharedQueue.TakeCounter counter = new SharedQueue.TakeCounter()
    {
        @Override
        public void taken()
        {
            runSeam(beforeTakeCounted);
            addOwed(1L);
            runSeam(afterTakeCounted);
        }

        @Override
        public void untaken()
        {
            // the message was not delivered, so it is not owed
            addOwed(-1L);
        }
    };

    private JoinableQueue(final SharedFile file, final SharedQueue<T> queue, final Signal signal,
        final WaitStrategy waitStrategy)
    {
        this.file = file;
        this.queue = queue;
        this.segment = file.segment();
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
     * Starts building an anonymous object of this kind, Python's unnamed one: it gets a fresh name
     * ({@link SharedDirectory#newAnonymousName()}) and is marked anonymous, and its file is removed when the last
     * attached process closes it (or, if every process died, by the next open of its name or a cleanup). Create
     * it with the builder's {@code create()} (an anonymous builder names one object) and pass its
     * {@code handle()} to the processes that share it.
     *
     * @param codec turns messages into bytes and back; every process must use an equivalent one.
     * @param <T>   the type of message.
     * @return a builder.
     */
    public static <T> Builder<T> anonymous(final Codec<T> codec)
    {
        return builder(SharedDirectory.newAnonymousName(), codec);
    }

    /**
     * Attaches to the joinable queue a handle names ({@link #handle()} in another process).
     *
     * @param handle the queue's handle.
     * @param codec  turns messages into bytes and back; equivalent to the creator's.
     * @param <T>    the type of message.
     * @return the attached queue.
     * @throws io.jvmipc.file.WrongKindException          if the handle names another kind of object.
     * @throws io.jvmipc.file.NoSuchSharedObjectException if the queue is gone.
     */
    public static <T> JoinableQueue<T> open(final SharedHandle handle, final Codec<T> codec)
    {
        return builder(handle.requireKind(ObjectKind.JOINABLE_QUEUE).name(), codec)
            .directory(handle.sharedDirectory()).open();
    }

    /**
     * Adds a message, waiting while the queue is full; it is an unfinished task from then on. Python's
     * {@code put}.
     *
     * @param message the message.
     * @throws InterruptedException  if interrupted while waiting (nothing is added).
     * @throws IllegalStateException if closed.
     * @throws io.jvmipc.MessageTooLargeException if it encodes to more than the maximum message size.
     */
    public void put(final T message) throws InterruptedException
    {
        try
        {
            checkCountFile();
            queue.put(message);
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
        runSeam(afterPutQueued);
    }

    /**
     * Adds a message if there is room now; it is an unfinished task from then on. Python's {@code put_nowait}.
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
            checkCountFile();
            return queue.offer(message);
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    /**
     * Adds a message, waiting up to the timeout for room; it is an unfinished task from then on. Python's
     * {@code put(obj, True, timeout)}.
     *
     * @param message the message.
     * @param timeout how long to wait at most; zero or less means not at all (one attempt).
     * @param unit    the timeout's unit.
     * @return {@code true} if added, {@code false} if the queue stayed full (nothing counted).
     * @throws InterruptedException  if interrupted while waiting (nothing is added).
     * @throws IllegalStateException if closed.
     */
    public boolean offer(final T message, final long timeout, final TimeUnit unit) throws InterruptedException
    {
        Objects.requireNonNull(unit, "unit");
        try
        {
            checkCountFile();
            return queue.offer(message, timeout, unit);
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
        return takeCounted(Long.MAX_VALUE);
    }

    /**
     * Takes the next message if there is one now. Python's {@code get_nowait}.
     *
     * @return the message, or {@code null} if empty.
     * @throws IllegalStateException if closed.
     */
    public T poll()
    {
        try
        {
            return takeCounted(0);
        }
        catch (final InterruptedException e)
        {
            // a take that does not wait is never interrupted
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
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
        return takeCounted(WaitStrategy.timeoutNanos(timeout, unit));
    }

    /**
     * Takes the next message under a {@link Lease}, waiting while the queue is empty; its
     * {@link Lease#ack()} marks the task done (see the class comment). As {@link SharedQueue#takeLease()}.
     *
     * @return the lease.
     * @throws InterruptedException  if interrupted while waiting.
     * @throws IllegalStateException if closed, or this process holds the most leases it may.
     */
    public Lease<T> takeLease() throws InterruptedException
    {
        return lease(Long.MAX_VALUE);
    }

    /**
     * Takes the next message under a {@link Lease}, waiting up to the timeout; see {@link #takeLease()}.
     *
     * @param timeout how long to wait at most; zero or less means not at all (one attempt).
     * @param unit    the timeout's unit.
     * @return the lease, or {@code null} if the queue stayed empty.
     * @throws InterruptedException  if interrupted while waiting.
     * @throws IllegalStateException if closed, or this process holds the most leases it may.
     */
    public Lease<T> pollLease(final long timeout, final TimeUnit unit) throws InterruptedException
    {
        return lease(Math.max(0, WaitStrategy.timeoutNanos(timeout, unit)));
    }

    /**
     * Takes the next message under a {@link Lease} if there is one now; see {@link #takeLease()}.
     *
     * @return the lease, or {@code null} if empty.
     * @throws IllegalStateException if closed, or this process holds the most leases it may.
     */
    public Lease<T> pollLease()
    {
        try
        {
            return lease(0);
        }
        catch (final InterruptedException e)
        {
            // a take that does not wait is never interrupted
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Marks one taken message as processed; when this process has none left to mark done, wakes every
     * {@link #join()}er, in any process, to look again. Python's {@code task_done()}. Never blocks. One CAS:
     * on this process's count if it took a message not yet marked done, else on the count of another process
     * that did (see the class comment).
     *
     * @throws IllegalStateException if no process has a taken message left to mark done (Python's
     *                               {@code ValueError}), or if closed.
     */
    public void taskDone()
    {
        file.ensureOpen();
        try
        {
            checkCountFile();
            final int self = file.entry();
            long left = markDone(self);
            for (int other = 0; other < file.processTableCapacity() && left < 0; other++)
            {
                left = other == self ? -1 : markDone(other);
            }
            if (left < 0)
            {
                throw new IllegalStateException(file.path() +
                    ": taskDone() called more times than messages were put and taken");
            }
            runSeam(afterTaskDoneCounted);
            if (left == 0)
            {
                // the unfinished tasks can reach zero only when some process's owed count does (or a slot is
                // freed by a recovery or an aborted claim, which a joiner sees at its next probe)
                signal.signalAll();
            }
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    /** One task fewer owed by {@code entry}, if it owes any: one CAS, never below zero; -1 if it owed none. */
    private long markDone(final int entry)
    {
        final long offset = owedOffset(entry);
        while (true)
        {
            // volatile: the current count, for the CAS below (and read first: a fault on a truncated file is
            // raised here, where an interpreted CAS would crash the JVM)
            final long owed = (long)LONG.getVolatile(segment, offset);
            if (owed <= 0)
            {
                return -1;
            }
            // volatile CAS: one task done; publishes this thread's work to a joiner that reads the new count
            if (LONG.compareAndSet(segment, offset, owed, owed - 1))
            {
                return owed - 1;
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
     * The number of messages put and not yet marked done: those in the queue's slots plus those taken and not
     * marked done, counted slot by slot and process by process (an estimate while others use the queue). As
     * {@link #join()} does, it probes, when due, the owners of held slots and the other entries whose counts are
     * positive, so a dead process's tasks (and a count on an entry nobody is attached as) are not counted.
     *
     * @return the unfinished-task count.
     * @throws IllegalStateException if closed.
     */
    public long unfinishedTasks()
    {
        file.ensureOpen();
        try
        {
            return unfinished();
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
     * Whether its message queue was created for one producer at a time ({@link Builder#singleProducer()}).
     *
     * @return true if so.
     */
    public boolean isSingleProducer()
    {
        return queue.isSingleProducer();
    }

    /**
     * Whether its message queue was created for one consumer at a time ({@link Builder#singleConsumer()}).
     *
     * @return true if so.
     */
    public boolean isSingleConsumer()
    {
        return queue.isSingleConsumer();
    }

    /**
     * A handle naming this object, to pass to another process (it is serializable, so a {@code JvmProcess} target
     * may capture it), which opens the object with it; see {@link SharedHandle}.
     *
     * @return the handle.
     */
    public SharedHandle handle()
    {
        return file.handle();
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
     * @throws IllegalStateException if another live process is attached (then nothing is removed).
     */
    public void unlink()
    {
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

    /** The companion queue (for tests). */
    SharedQueue<T> queue()
    {
        return queue;
    }

    /** Adds to this process's owed count; a fault names the count file (not the queue's, whose take runs this). */
    private void addOwed(final long delta)
    {
        final long offset = owedOffset(file.entry());
        try
        {
            // volatile read first: on a truncated file the fault is raised by a plain read (see QueueRing, "Faults")
            LONG.getVolatile(segment, offset);
            // volatile add: owed by this process from a take on (while its slot still counts it too)
            LONG.getAndAdd(segment, offset, delta);
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    private static long owedOffset(final int entry)
    {
        return ProcessTableDescriptor.kindWordOffset(entry, JoinableQueueDescriptor.OWED_WORD);
    }

    private static void runSeam(final Runnable seam)
    {
        if (seam != null)
        {
            seam.run();
        }
    }

    /**
     * Open, and the count file still readable: read before the queue is touched, so that a truncated count file
     * is reported before a message is put or taken (a take could not count it). The caller catches the
     * {@link InternalError} of a fault: the interpreter can raise it only on this method's return.
     */
    private void checkCountFile()
    {
        file.ensureOpen();
        // a read of the signal, at the end of the file: any truncation that removes a page of the file removes it
        signal.waiters();
    }

    private Lease<T> lease(final long timeoutNanos) throws InterruptedException
    {
        try
        {
            checkCountFile();
            return queue.lease(timeoutNanos, leaseDone);
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    /** A lease's ack freed its slot, so the unfinished tasks may have reached zero. */
    private void wakeJoiners()
    {
        try
        {
            signal.signalAll();
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    private T takeCounted(final long timeoutNanos) throws InterruptedException
    {
        try
        {
            checkCountFile();
            return queue.takeCounted(timeoutNanos, counter);
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    /**
     * The slots that hold a message, then every entry's owed count: a message is counted in its slot until the
     * slot is freed, and as owed from before that until it is marked done, so one that neither read saw had been
     * marked done (or lost with a dead process) by the time its entry was read.
     */
    private long unfinished()
    {
        long unfinished = queue.heldMessages();
        for (int entry = 0; entry < file.processTableCapacity(); entry++)
        {
            // volatile: each process's count, read after the slots (see above)
            long owed = (long)LONG.getVolatile(segment, owedOffset(entry));
            // another entry's count, probed when due, as the queue probes the owners of held slots: a dead owner's
            // is zeroed by its recovery, and so is one left on an entry nobody is attached as (a corrupt word, which
            // no live process would ever mark done)
            if (owed > 0 && entry != file.entry() && file.probeDue(entry) && file.recoverIfDead(entry))
            {
                owed = (long)LONG.getVolatile(segment, owedOffset(entry));
            }
            unfinished += Math.max(0, owed);
        }
        return unfinished;
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
     * One attempt of join(): done when nothing is unfinished; otherwise any attached process may be a dead
     * consumer whose owed tasks are still counted, so the wait loop probes them all when due (the owners of held
     * slots are probed by the count itself).
     */
    private long zeroAttempt()
    {
        return unfinished() <= 0 ? 1 : WaitLoop.waitForAny();
    }

    /**
     * Dead-owner recovery: the dead process's owed tasks are lost with it (its join registrations were dropped by
     * the file already). One CAS of one word, so a recoverer that dies leaves it done or not done, never half.
     */
    private void recoverDead(final int dead)
    {
        final long offset = owedOffset(dead);
        // volatile read first: a fault on a truncated file is raised here, where an interpreted CAS would crash
        final long owed = (long)LONG.getVolatile(segment, offset);
        // volatile CAS: only the recoverer holding the dead entry's lock changes the word now
        if (owed != 0 && LONG.compareAndSet(segment, offset, owed, 0L))
        {
            signal.wakeAll();
        }
    }

    /** Unlinks a queue this process created and closed again, if nobody else holds it; never throws. */
    private static void removeQuietly(final SharedQueue<?> queue)
    {
        try
        {
            queue.unlink();
        }
        catch (final RuntimeException ignored)
        {
            // attached by another process meanwhile: it is theirs now
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
            // the message queue's name appends a suffix: refused here, naming the caller's name, if it cannot
            super(SharedDirectory.requireValidName(name, JoinableQueueDescriptor.QUEUE_SUFFIX, "message queue"));
            this.queueBuilder = SharedQueue.builder(name + JoinableQueueDescriptor.QUEUE_SUFFIX, codec);
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
         * How many leases this process may hold at once; see {@link SharedQueueBuilder#maxLeasesPerProcess(int)}.
         *
         * @param maxLeases the bound.
         * @return this builder.
         * @throws IllegalArgumentException if out of range.
         */
        public Builder<T> maxLeasesPerProcess(final int maxLeases)
        {
            queueBuilder.maxLeasesPerProcess(maxLeases);
            return this;
        }

        /**
         * A message queue for one producer at a time: see {@link SharedQueueBuilder#singleProducer()} (the role,
         * its holder and hand-over are the queue's). Its producer leaves a slot FREE while it writes and publishes
         * it with one store, so a put still being written is not counted yet: a {@code join()} running meanwhile
         * may return before it, as it may for any put that has not returned. Every process opening the queue must
         * agree; {@link #open()} without the mode takes the file's.
         *
         * @return this builder.
         */
        public Builder<T> singleProducer()
        {
            queueBuilder.singleProducer();
            return this;
        }

        /**
         * A message queue for one consumer at a time: see {@link SharedQueueBuilder#singleConsumer()}. Its take
         * leaves the slot READY while it counts the message as owed and reads it, and frees it after: a consumer
         * killed in that window leaves the message in the queue (its owed count is zeroed by the recovery of its
         * entry), so the next consumer takes it and the task is counted once, where a queue of any consumers loses
         * that message and its task. {@code join()} may count such a message twice for that window, in its slot and
         * as owed, which only makes it wait until the take is over. Every process opening the queue must agree;
         * {@link #open()} without the mode takes the file's.
         *
         * @return this builder.
         */
        public Builder<T> singleConsumer()
        {
            queueBuilder.singleConsumer();
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
            // the count file's name is taken (or checked) first, then the queue is opened in the binder
            final AtomicReference<SharedQueue<T>> opened = new AtomicReference<>();
            try
            {
                return SharedFile.open(path, ObjectKind.JOINABLE_QUEUE, JoinableQueueDescriptor.VERSION, mode, spec,
                    file ->
                {
                    if (file.bodyLength() < JoinableQueueDescriptor.LENGTH)
                    {
                        throw new CorruptFileException(path, "joinable-queue body of " + file.bodyLength() +
                            " bytes, expected " + JoinableQueueDescriptor.LENGTH);
                    }
                    // registered before attaching: the recovery of a dead entry then drops its registrations
                    final Signal signal = Signal.of(file, JoinableQueueDescriptor.SIGNAL_NUMBER,
                        file.bodyOffset() + JoinableQueueDescriptor.SIGNAL_OFFSET);
                    final SharedQueue<T> queue = switch (mode)
                    {
                        case CREATE -> queueBuilder.create();
                        case OPEN -> queueBuilder.open();
                        case OPEN_OR_CREATE -> queueBuilder.openOrCreate();
                    };
                    opened.set(queue);
                    final JoinableQueue<T> handle = new JoinableQueue<>(file, queue, signal, waitStrategy);
                    // idempotent: zeroing the count of an entry nobody is attached as gives back nothing twice
                    return new SharedFile.Bound<>(handle, SharedFile.DeadOwnerRecovery.idempotent(handle::recoverDead));
                });
            }
            catch (final RuntimeException | Error e)
            {
                final SharedQueue<T> queue = opened.get();
                if (queue != null)
                {
                    queue.close();
                    if (mode == OpenMode.CREATE)
                    {
                        // a failed create leaves no file: the queue this call created goes too, unless another
                        // process attached to it meanwhile
                        removeQuietly(queue);
                    }
                }
                throw e;
            }
        }
    }
}
