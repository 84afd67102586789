package io.jvmipc.process;

import io.jvmipc.codec.Codec;
import io.jvmipc.codec.Codecs;
import io.jvmipc.file.SharedDirectory;
import io.jvmipc.queue.SharedQueue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The parent's side of a {@link JvmPool}: its workers, the tasks not yet completed, the dispatch of tasks to idle
 * workers and the reading of their replies. All state is guarded by one lock; futures are completed outside it
 * (their dependent actions may call back into the pool). Three kinds of thread change it: callers (submit,
 * shutdown, terminate), the reader thread (replies from the results queue) and the worker start threads. A
 * worker's exit ({@link JvmProcess#onExit()}) is announced to the reader through the results queue itself, behind
 * every reply the worker published before it died: the reader then knows whether the worker had said READY and
 * which tasks it answered before it handles the death (the ring's consumers take in the order slots were claimed).
 * <p>
 * Dispatch gives the oldest pending task to the live worker holding the fewest (at most {@code prefetch}) tasks.
 * A worker runs its inbox in order and replies in order, so when it dies, the oldest task it held is the one it
 * may have been running: that task is charged an attempt; the others it held never started and are requeued
 * free, ahead of the pending tasks.
 * <p>
 * A worker given {@code maxTasksPerWorker} tasks gets no more: once it has answered them all it is sent STOP, and
 * its replacement is started at once, so the pool keeps its size while the spent worker exits.
 */
final class PoolCore
{
    private static final AtomicInteger POOLS = new AtomicInteger();

    /** How long a reply or a STOP may wait for room (the reader drains the results; an inbox has room for one). */
    private static final long STOP_OFFER_SECONDS = 10;

    /** How often a wait for the workers' exits on the reader thread looks at them. */
    private static final long READER_WAIT_MILLIS = 10;

    private enum State
    {
        RUNNING, SHUTDOWN, TERMINATED
    }

    /** A submitted task, until its future is completed. */
    static final class Task
    {
        final long id;
        final int index;
        final byte[] message;
        final CompletableFuture<Object> future = new CompletableFuture<>();
        /** Guarded by the pool's lock. */
        int attempts;
        /** The pids of the workers that died while it may have been running; guarded by the pool's lock. */
        final List<Long> killers = new ArrayList<>(1);

        Task(final long id, final int index, final byte[] message)
        {
            this.id = id;
            this.index = index;
            this.message = message;
        }
    }

    /** A worker JVM and its inbox; guarded by the pool's lock. */
    private static final class Worker
    {
        final int id;
        final SharedQueue<byte[]> inbox;
        /** The tasks sent to it and not replied to, in the order sent. */
        final LinkedHashMap<Long, Task> outstanding = new LinkedHashMap<>();
        /** Null while it is being started. */
        JvmProcess process;
        boolean ready;
        boolean stopped;
        /** Sent STOP because it was given its {@code maxTasksPerWorker} tasks; no longer counted in the pool's size. */
        boolean retired;
        boolean gone;
        /** The tasks given to it, each counted once per dispatch. */
        long dispatched;

        Worker(final int id, final SharedQueue<byte[]> inbox)
        {
            this.id = id;
            this.inbox = inbox;
        }

        long pid()
        {
            return process == null ? -1 : process.pid();
        }
    }

    private final String name;
    private final SharedDirectory directory;
    private final int size;
    private final int prefetch;
    private final int maxTaskAttempts;
    /** {@link Long#MAX_VALUE} when unlimited. */
    private final long maxTasksPerWorker;
    private final int maxMessageSize;
    private final List<String> jvmOptions;
    private final SerializableRunnable initializer;
    private final SerializableSupplier<? extends Codec<?>> codecSupplier;
    private final Codec<Object> codec;
    private final SharedQueue<byte[]> results;
    private final Thread reader;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Map<Long, Task> unfinished = new HashMap<>();
    private final ArrayDeque<Task> pending = new ArrayDeque<>();
    private final Map<Integer, Worker> workers = new LinkedHashMap<>();
    private long nextTask;
    private int nextWorker;
    private State state = State.RUNNING;
    /** True until the first workers are ready (or one failed). */
    private boolean building = true;
    /** Why the pool can start no worker, or null. */
    private RuntimeException broken;
    /** The workers in a row that died before their initializer returned. */
    private int failedStarts;
    /** The last initializer exception a worker reported. */
    private RemoteTaskException initializerFailure;
    private int replacements;
    private int retirements;
    private boolean cleaned;
    /** True once the reader thread stopped reading (a results queue that failed): deaths are handled directly. */
    private boolean readerEnded;

    PoolCore(final SharedDirectory directory, final int size, final int prefetch, final int maxTaskAttempts,
        final int maxTasksPerWorker, final int maxMessageSize, final List<String> jvmOptions,
        final SerializableRunnable initializer, final SerializableSupplier<? extends Codec<?>> codecSupplier)
    {
        this.name = "pool-" + ProcessHandle.current().pid() + "-" + POOLS.incrementAndGet() + "-" +
            Long.toHexString(System.nanoTime());
        this.directory = directory;
        this.size = size;
        this.prefetch = prefetch;
        this.maxTaskAttempts = maxTaskAttempts;
        this.maxTasksPerWorker = maxTasksPerWorker == 0 ? Long.MAX_VALUE : maxTasksPerWorker;
        this.maxMessageSize = maxMessageSize;
        this.jvmOptions = List.copyOf(jvmOptions);
        this.initializer = initializer;
        this.codecSupplier = codecSupplier;
        this.codec = PoolWorker.codec(codecSupplier);
        // refused here, before any file or JVM exists, if the initializer or the codec cannot be sent
        workerBuilder(new PoolWorker.Settings(directory.path().toString(), name + "-w0", name + "-results", 0,
            initializer, codecSupplier)).command();
        // anonymous queues: their files go with the last process that closes them, and a pool whose parent and
        // workers were all killed leaves files that the directory's cleanup proves unused
        this.results = SharedQueue.anonymous(Codecs.bytes()).directory(directory)
            .capacity(Math.max(16, size * (prefetch + 2))).maxMessageSize(maxMessageSize)
            // every worker attaches, and a dying worker's replacement may attach before its entry is recovered
            .processTableCapacity(2 * size + 8).create();
        this.reader = Thread.ofPlatform().daemon().name(name + "-results").unstarted(this::readReplies);
        reader.start();
        lock.lock();
        try
        {
            for (int i = 0; i < size && broken == null; i++)
            {
                startWorker();
            }
            while (broken == null && readyWorkers() < size)
            {
                changed.awaitUninterruptibly();
            }
            building = false;
        }
        finally
        {
            lock.unlock();
        }
        if (broken != null)
        {
            terminate();
            throw broken;
        }
    }

    String name()
    {
        return name;
    }

    Codec<Object> codec()
    {
        return codec;
    }

    int size()
    {
        return size;
    }

    int maxMessageSize()
    {
        return maxMessageSize;
    }

    /** Queues tasks (their messages made by the caller) and dispatches what idle workers can take. */
    List<CompletableFuture<Object>> submit(final List<byte[]> messages, final boolean indexed)
    {
        final List<CompletableFuture<Object>> futures = new ArrayList<>(messages.size());
        lock.lock();
        try
        {
            if (state != State.RUNNING)
            {
                throw new IllegalStateException(this + " is " + (state == State.SHUTDOWN ? "shut down" :
                    "terminated") + ": it takes no more tasks");
            }
            if (broken != null)
            {
                throw new IllegalStateException(this + " cannot run tasks: " + broken.getMessage(), broken);
            }
            for (int i = 0; i < messages.size(); i++)
            {
                final Task task = new Task(nextTask++, indexed ? i : -1, messages.get(i));
                PoolMessages.setTaskId(task.message, task.id);
                unfinished.put(task.id, task);
                pending.addLast(task);
                futures.add(task.future);
            }
            dispatch();
        }
        finally
        {
            lock.unlock();
        }
        return futures;
    }

    /** No more tasks; the workers stop once every task is done. */
    void shutdown()
    {
        lock.lock();
        try
        {
            if (state == State.RUNNING)
            {
                state = State.SHUTDOWN;
            }
            stopIdleWorkers();
            changed.signalAll();
        }
        finally
        {
            lock.unlock();
        }
    }

    boolean isShutdown()
    {
        lock.lock();
        try
        {
            return state != State.RUNNING;
        }
        finally
        {
            lock.unlock();
        }
    }

    /** Waits for every worker to have exited, then removes the pool's files; false if the timeout passed. */
    boolean join(final long timeoutNanos) throws InterruptedException
    {
        lock.lock();
        try
        {
            if (state == State.RUNNING)
            {
                throw new IllegalStateException(this + " is still running: call shutdown() or terminate() first");
            }
            if (Thread.currentThread() == reader && holdsTasks())
            {
                throw new IllegalStateException(this + " cannot be joined from a dependent action of one of its " +
                    "futures while tasks are not done: that thread reads their results (use an ...Async action)");
            }
        }
        finally
        {
            lock.unlock();
        }
        if (!awaitWorkersGone(timeoutNanos, true))
        {
            return false;
        }
        cleanUp();
        return true;
    }

    /**
     * Waits until every worker is gone. On the reader thread (a future's dependent action), which cannot read the
     * deaths announced in the results queue while it waits here, deaths are handled directly from then on, and
     * the workers' exits are looked at every {@value #READER_WAIT_MILLIS} ms.
     */
    private boolean awaitWorkersGone(final long timeoutNanos, final boolean interruptible)
        throws InterruptedException
    {
        final boolean onReader = Thread.currentThread() == reader;
        final long deadline = System.nanoTime() + Math.max(0, Math.min(timeoutNanos, Long.MAX_VALUE / 2));
        boolean interrupted = false;
        try
        {
            while (true)
            {
                final List<Worker> exited = new ArrayList<>();
                lock.lock();
                try
                {
                    if (workers.isEmpty())
                    {
                        return true;
                    }
                    final long left = timeoutNanos == Long.MAX_VALUE ? Long.MAX_VALUE : deadline - System.nanoTime();
                    if (left <= 0)
                    {
                        return false;
                    }
                    if (onReader)
                    {
                        readerEnded = true;
                        for (final Worker worker : workers.values())
                        {
                            if (worker.process != null && !worker.process.isAlive())
                            {
                                exited.add(worker);
                            }
                        }
                    }
                    if (exited.isEmpty())
                    {
                        try
                        {
                            changed.awaitNanos(onReader ? Math.min(left,
                                TimeUnit.MILLISECONDS.toNanos(READER_WAIT_MILLIS)) : left);
                        }
                        catch (final InterruptedException e)
                        {
                            if (interruptible)
                            {
                                throw e;
                            }
                            interrupted = true;
                        }
                    }
                }
                finally
                {
                    lock.unlock();
                }
                exited.forEach(worker -> gone(worker, null));
            }
        }
        finally
        {
            if (interrupted)
            {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Kills every worker, fails every unfinished task, waits for the workers to be gone, removes the files. */
    void terminate()
    {
        final List<Task> failed;
        final List<JvmProcess> running = new ArrayList<>();
        lock.lock();
        try
        {
            state = State.TERMINATED;
            failed = new ArrayList<>(unfinished.values());
            unfinished.clear();
            pending.clear();
            for (final Worker worker : workers.values())
            {
                if (worker.process != null)
                {
                    running.add(worker.process);
                }
            }
        }
        finally
        {
            lock.unlock();
        }
        for (final Task task : failed)
        {
            task.future.completeExceptionally(new CancellationException("task " + task.id + " was not done when " +
                this + " was terminated"));
        }
        for (final JvmProcess process : running)
        {
            process.kill();
        }
        try
        {
            awaitWorkersGone(Long.MAX_VALUE, false);
        }
        catch (final InterruptedException e)
        {
            // not interruptible: kept as the flag
            Thread.currentThread().interrupt();
        }
        cleanUp();
    }

    /** The pids of the workers started and not yet gone. */
    List<Long> workerPids()
    {
        lock.lock();
        try
        {
            final List<Long> pids = new ArrayList<>();
            for (final Worker worker : workers.values())
            {
                if (worker.process != null)
                {
                    pids.add(worker.pid());
                }
            }
            return pids;
        }
        finally
        {
            lock.unlock();
        }
    }

    int replacements()
    {
        lock.lock();
        try
        {
            return replacements;
        }
        finally
        {
            lock.unlock();
        }
    }

    int retirements()
    {
        lock.lock();
        try
        {
            return retirements;
        }
        finally
        {
            lock.unlock();
        }
    }

    @Override
    public String toString()
    {
        return "JvmPool{" + name + ", " + size + " workers}";
    }

    // ---------------------------------------------------------------------------------------------------------
    // Workers
    // ---------------------------------------------------------------------------------------------------------

    /** Creates a worker's inbox and starts its JVM from another thread; under the lock. */
    private void startWorker()
    {
        final int id = nextWorker++;
        final SharedQueue<byte[]> inbox;
        try
        {
            inbox = SharedQueue.anonymous(Codecs.bytes()).directory(directory).capacity(prefetch + 1)
                .maxMessageSize(maxMessageSize).create();
        }
        catch (final RuntimeException e)
        {
            breakPool(new IllegalStateException(this + " cannot create the inbox of a worker: " + e, e));
            return;
        }
        final Worker worker = new Worker(id, inbox);
        workers.put(id, worker);
        final JvmProcess.Builder builder = workerBuilder(new PoolWorker.Settings(directory.path().toString(),
            inbox.name(), results.name(), id, initializer, codecSupplier));
        Thread.ofPlatform().daemon().name(name + "-start-" + id).start(() -> launch(worker, builder));
    }

    private JvmProcess.Builder workerBuilder(final PoolWorker.Settings settings)
    {
        return JvmProcess.builder(target(settings)).name("JvmPoolWorker-" + settings.worker()).daemon(true)
            .jvmArgs(jvmOptions.toArray(new String[0]));
    }

    /** A worker's target; static, so that the lambda captures the settings only. */
    private static SerializableRunnable target(final PoolWorker.Settings settings)
    {
        return () -> PoolWorker.run(settings);
    }

    private void launch(final Worker worker, final JvmProcess.Builder builder)
    {
        JvmProcess process = null;
        RuntimeException failure = null;
        try
        {
            process = builder.start();
        }
        catch (final RuntimeException e)
        {
            failure = e;
        }
        if (process == null)
        {
            gone(worker, failure);
            return;
        }
        final boolean terminated;
        lock.lock();
        try
        {
            worker.process = process;
            terminated = state == State.TERMINATED;
        }
        finally
        {
            lock.unlock();
        }
        if (terminated)
        {
            process.kill();
        }
        process.onExit().thenRun(() -> announceGone(worker));
    }

    /** Puts a worker's death in the results queue, behind its last replies; handles it here if nobody reads. */
    private void announceGone(final Worker worker)
    {
        lock.lock();
        final boolean unread;
        try
        {
            unread = readerEnded;
        }
        finally
        {
            lock.unlock();
        }
        if (!unread)
        {
            try
            {
                results.put(PoolMessages.gone(worker.id));
                return;
            }
            catch (final InterruptedException e)
            {
                Thread.currentThread().interrupt();
            }
            catch (final RuntimeException e)
            {
                // the results queue failed: the reader has ended or will, so the death is handled here
            }
        }
        gone(worker, null);
    }

    /** A worker's JVM exited, or could not be started ({@code failure}). */
    private void gone(final Worker worker, final RuntimeException failure)
    {
        final List<Runnable> completions = new ArrayList<>();
        lock.lock();
        try
        {
            if (worker.gone)
            {
                return;
            }
            worker.gone = true;
            workers.remove(worker.id);
            removeInbox(worker);
            if (state != State.TERMINATED)
            {
                recover(worker, failure, completions);
            }
            changed.signalAll();
        }
        finally
        {
            lock.unlock();
        }
        if (worker.process != null)
        {
            worker.process.close();
        }
        completions.forEach(Runnable::run);
    }

    /** Requeues or fails what a gone worker held and starts its replacement; under the lock. */
    private void recover(final Worker worker, final RuntimeException failure, final List<Runnable> completions)
    {
        if (!worker.ready && !worker.stopped)
        {
            failedStarts++;
            if (building || failedStarts >= maxTaskAttempts)
            {
                final String exit = worker.process == null ? "" : " (exit value " + worker.process.exitValue() + ")";
                final String what = failure != null ? "a worker JVM could not be started: " + failure.getMessage() :
                    "worker pid " + worker.pid() + " exited" + exit + " before its initializer returned" +
                    (failedStarts > 1 ? ", the " + failedStarts + "th in a row" : "");
                final ChildStartException broke = new ChildStartException(this + ": " + what,
                    failure != null ? failure : initializerFailure);
                breakPool(broke);
                failAll(broke, completions);
                return;
            }
        }
        boolean first = true;
        final List<Task> requeued = new ArrayList<>();
        for (final Task task : worker.outstanding.values())
        {
            final boolean running = first && worker.ready;
            first = false;
            if (task.future.isDone())
            {
                continue;
            }
            if (running)
            {
                task.attempts++;
                task.killers.add(worker.pid());
                if (task.attempts >= maxTaskAttempts)
                {
                    unfinished.remove(task.id);
                    final WorkerDiedException died = new WorkerDiedException(describe(task) + " was running in " +
                        "a worker JVM that died each of the " + task.attempts + " times it was given to one " +
                        "(maxTaskAttempts " + maxTaskAttempts + "), pids " + task.killers + "; " + this +
                        " gave up on it", task.id, task.index, task.killers);
                    completions.add(() -> task.future.completeExceptionally(died));
                    continue;
                }
            }
            requeued.add(task);
        }
        for (int i = requeued.size() - 1; i >= 0; i--)
        {
            pending.addFirst(requeued.get(i));
        }
        if (needsWorker())
        {
            replacements++;
            startWorker();
        }
        dispatch();
        stopIdleWorkers();
    }

    /** Whether the pool has fewer workers than its size that can take tasks, and tasks or time to run them. */
    private boolean needsWorker()
    {
        int serving = 0;
        for (final Worker worker : workers.values())
        {
            serving += worker.retired ? 0 : 1;
        }
        return broken == null && serving < size && (state == State.RUNNING || !unfinished.isEmpty());
    }

    /**
     * Sends STOP to each worker that was given its {@code maxTasksPerWorker} tasks and answered them all, and
     * starts its replacement; under the lock.
     */
    private void retireSpentWorkers()
    {
        if (maxTasksPerWorker == Long.MAX_VALUE)
        {
            return;
        }
        final List<Worker> spent = new ArrayList<>();
        for (final Worker worker : workers.values())
        {
            if (!worker.stopped && worker.dispatched >= maxTasksPerWorker && worker.outstanding.isEmpty())
            {
                spent.add(worker);
            }
        }
        for (final Worker worker : spent)
        {
            if (send(worker, PoolMessages.stop()))
            {
                worker.stopped = true;
                worker.retired = true;
                retirements++;
                if (needsWorker())
                {
                    startWorker();
                }
            }
        }
    }

    private static String describe(final Task task)
    {
        return "task " + task.id + (task.index < 0 ? "" : " (element " + task.index + " of its collection)");
    }

    private void breakPool(final RuntimeException why)
    {
        if (broken == null)
        {
            broken = why;
        }
        changed.signalAll();
    }

    private void failAll(final RuntimeException why, final List<Runnable> completions)
    {
        for (final Task task : unfinished.values())
        {
            completions.add(() -> task.future.completeExceptionally(why));
        }
        unfinished.clear();
        pending.clear();
        stopIdleWorkers();
    }

    private void removeInbox(final Worker worker)
    {
        try
        {
            worker.inbox.unlink();
        }
        catch (final RuntimeException e)
        {
            // the worker is gone; a name that cannot be removed now stays for the directory's cleanup
        }
        worker.inbox.close();
    }

    /** Whether a task is pending or held by a worker, so that joining needs the reader thread; under the lock. */
    private boolean holdsTasks()
    {
        for (final Task task : pending)
        {
            if (!task.future.isDone())
            {
                return true;
            }
        }
        for (final Worker worker : workers.values())
        {
            if (!worker.outstanding.isEmpty())
            {
                return true;
            }
        }
        return false;
    }

    private int readyWorkers()
    {
        int ready = 0;
        for (final Worker worker : workers.values())
        {
            ready += worker.ready ? 1 : 0;
        }
        return ready;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Dispatch, under the lock
    // ---------------------------------------------------------------------------------------------------------

    /** Sends the oldest pending tasks to the workers with room, fewest held first. */
    private void dispatch()
    {
        while (!pending.isEmpty())
        {
            final Task task = pending.peekFirst();
            if (task.future.isDone())
            {
                pending.pollFirst();
                unfinished.remove(task.id);
                continue;
            }
            Worker idlest = null;
            for (final Worker worker : workers.values())
            {
                if (!worker.stopped && worker.outstanding.size() < prefetch &&
                    worker.dispatched < maxTasksPerWorker &&
                    (idlest == null || worker.outstanding.size() < idlest.outstanding.size()))
                {
                    idlest = worker;
                }
            }
            if (idlest == null || !send(idlest, task.message))
            {
                return;
            }
            pending.pollFirst();
            idlest.outstanding.put(task.id, task);
            idlest.dispatched++;
        }
    }

    /** Sends STOP to each worker that holds nothing, once the pool is shut down and nothing is pending. */
    private void stopIdleWorkers()
    {
        if (state != State.SHUTDOWN)
        {
            return;
        }
        while (!pending.isEmpty() && pending.peekFirst().future.isDone())
        {
            unfinished.remove(pending.pollFirst().id);
        }
        if (!pending.isEmpty())
        {
            return;
        }
        for (final Worker worker : workers.values())
        {
            if (!worker.stopped && worker.outstanding.isEmpty() && send(worker, PoolMessages.stop()))
            {
                worker.stopped = true;
            }
        }
    }

    /**
     * Offers a message to a worker's inbox, which has room for everything the pool sends it (prefetch tasks, one
     * STOP). A worker whose inbox fails (its file truncated under it) is killed: its tasks are then requeued.
     */
    private boolean send(final Worker worker, final byte[] message)
    {
        try
        {
            return worker.inbox.offer(message);
        }
        catch (final RuntimeException e)
        {
            worker.stopped = true;
            if (worker.process != null)
            {
                worker.process.kill();
            }
            return false;
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Replies, on the reader thread
    // ---------------------------------------------------------------------------------------------------------

    private void readReplies()
    {
        while (true)
        {
            final byte[] reply;
            try
            {
                reply = results.take();
            }
            catch (final InterruptedException e)
            {
                continue;
            }
            catch (final RuntimeException e)
            {
                if (results.isClosed())
                {
                    return;
                }
                final List<Runnable> completions = new ArrayList<>();
                final List<Worker> exited = new ArrayList<>();
                lock.lock();
                try
                {
                    final IllegalStateException why = new IllegalStateException(this + " cannot read the " +
                        "results of its workers: " + e, e);
                    breakPool(why);
                    failAll(why, completions);
                    readerEnded = true;
                    // a death announced before the flag was set may never be read: handle it now
                    for (final Worker worker : workers.values())
                    {
                        if (worker.process != null && !worker.process.isAlive())
                        {
                            exited.add(worker);
                        }
                    }
                }
                finally
                {
                    lock.unlock();
                }
                completions.forEach(Runnable::run);
                exited.forEach(worker -> gone(worker, null));
                return;
            }
            switch (reply[0])
            {
                case PoolMessages.SHUTDOWN -> {
                    return;
                }
                case PoolMessages.READY -> ready(PoolMessages.replyWorker(reply));
                case PoolMessages.GONE -> announced(PoolMessages.replyWorker(reply));
                case PoolMessages.RESULT, PoolMessages.ERROR -> replied(reply);
                default -> {
                    // not a message of this library's pool: nothing to complete
                }
            }
        }
    }

    private void announced(final int workerId)
    {
        final Worker worker;
        lock.lock();
        try
        {
            worker = workers.get(workerId);
        }
        finally
        {
            lock.unlock();
        }
        if (worker != null)
        {
            gone(worker, null);
        }
    }

    private void ready(final int workerId)
    {
        lock.lock();
        try
        {
            final Worker worker = workers.get(workerId);
            if (worker != null)
            {
                worker.ready = true;
                failedStarts = 0;
                changed.signalAll();
            }
        }
        finally
        {
            lock.unlock();
        }
    }

    private void replied(final byte[] reply)
    {
        final int workerId = PoolMessages.replyWorker(reply);
        final long taskId = PoolMessages.replyTaskId(reply);
        final Task task;
        final long pid;
        lock.lock();
        try
        {
            final Worker worker = workers.get(workerId);
            pid = worker == null ? -1 : worker.pid();
            if (taskId == PoolMessages.INITIALIZER)
            {
                initializerFailure = PoolMessages.readError(reply, PoolMessages.REPLY_PAYLOAD_OFFSET,
                    "the initializer of worker pid " + pid);
                return;
            }
            if (worker != null)
            {
                worker.outstanding.remove(taskId);
            }
            // a task replied to twice (re-dispatched after its first worker died having sent it) completes once
            task = unfinished.remove(taskId);
            retireSpentWorkers();
            dispatch();
            stopIdleWorkers();
        }
        finally
        {
            lock.unlock();
        }
        if (task == null)
        {
            return;
        }
        if (reply[0] == PoolMessages.ERROR)
        {
            task.future.completeExceptionally(PoolMessages.readError(reply, PoolMessages.REPLY_PAYLOAD_OFFSET,
                describe(task) + " in worker pid " + pid));
            return;
        }
        final Object value;
        try
        {
            value = PoolMessages.decode(codec, reply, PoolMessages.REPLY_PAYLOAD_OFFSET);
        }
        catch (final RuntimeException e)
        {
            task.future.completeExceptionally(e);
            return;
        }
        task.future.complete(value);
    }

    /** Stops the reader and removes the results queue, once every worker is gone. Idempotent. */
    private void cleanUp()
    {
        lock.lock();
        try
        {
            if (cleaned)
            {
                return;
            }
            cleaned = true;
        }
        finally
        {
            lock.unlock();
        }
        boolean interrupted = false;
        try
        {
            // from a dependent action on the reader thread itself, closing the queue below ends its loop
            while (reader.isAlive() && Thread.currentThread() != reader)
            {
                try
                {
                    if (results.offer(PoolMessages.shutdown(), STOP_OFFER_SECONDS, TimeUnit.SECONDS))
                    {
                        reader.join();
                    }
                }
                catch (final InterruptedException e)
                {
                    interrupted = true;
                }
            }
        }
        finally
        {
            try
            {
                results.unlink();
            }
            catch (final RuntimeException e)
            {
                // nobody else is attached (every worker is gone); a failure leaves the name to the cleanup command
            }
            results.close();
            if (interrupted)
            {
                Thread.currentThread().interrupt();
            }
        }
    }
}
