package io.jvmipc.process;

import io.jvmipc.MessageTooLargeException;
import io.jvmipc.codec.Codec;
import io.jvmipc.codec.CodecException;
import io.jvmipc.file.SharedDirectory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A pool of worker JVMs that run tasks: Python's {@code multiprocessing.Pool} for JVMs. The workers are child
 * JVMs started with this JVM's class path and options ({@link JvmProcess}), as
 * {@linkplain JvmProcess.Builder#daemon(boolean) daemons}: they end when this JVM dies. Their output goes to this
 * JVM's stdout and stderr.
 * <pre>{@code
 * try (JvmPool pool = JvmPool.builder().workers(3).build())
 * {
 *     List<Integer> squares = pool.map(Tasks::square, List.of(1, 2, 3, 4));   // [1, 4, 9, 16]
 *     CompletableFuture<String> hello = pool.submit(() -> "hello from " + JvmProcess.current().name());
 * }
 * }</pre>
 * <b>Tasks</b> are static method references or serializable lambdas ({@link SerializableCallable},
 * {@link SerializableFunction}, {@link SerializableBiFunction}); a lambda's captured values are its arguments.
 * The function travels through Java serialisation, and the worker reads it back through a filter that admits
 * only the classes the parent's stream named (as {@link JvmProcess#start(SerializableRunnable)} does; the pool's
 * files are the user's own, mode 0600). The arguments of {@code map}-style calls and every result travel through
 * the pool's codec: {@link io.jvmipc.codec.Codecs#objects(Class[])} by default (plain data: numbers, strings,
 * lists, sets, maps, arrays; {@link Builder#codec(SerializableSupplier)} for records, enums or another codec). A
 * worker deserialises a function once for consecutive tasks that carry the same one (the elements of a
 * {@code map}), so a function that changes what it captured sees its own changes.
 * <p>
 * <b>Results</b>: each task's {@link CompletableFuture} completes with the result, or exceptionally with a
 * {@link RemoteTaskException} carrying the remote exception's class name, message and stack trace (or the
 * codec's exception if the result cannot be sent). Dependent actions of these futures without an executor run in
 * the pool's reader thread: keep them short, or use the {@code ...Async} variants.
 * <p>
 * <b>Distribution</b>: the parent sends each worker at most {@link Builder#prefetch(int) prefetch} tasks
 * (default 1) that it has not answered yet, always the oldest pending task to the worker holding the fewest, so
 * an idle worker gets work as soon as another is busy, and no worker holds more than its share while others
 * idle. Each worker has its own inbox queue; all reply on one results queue.
 * <p>
 * <b>Crashes</b>: a worker that dies (killed with {@code kill -9}, crashed, exited) is seen by this JVM at once
 * (the JDK's wait for its child's exit). The task it was running is given to another worker, the tasks it held
 * but had not started are requeued first, and a replacement worker is started. A task in whose run
 * {@link Builder#maxTaskAttempts(int) maxTaskAttempts} workers died (default 3) is not given out again: its future
 * fails with {@link WorkerDiedException}, naming the task and the workers' pids. Execution is at-least-once: a task
 * whose worker died after running it, before its result arrived, runs again; its future completes exactly once,
 * with the first result (later duplicates are ignored). The pool's queues are anonymous objects: their files go
 * with the last process that closes them, so {@link #close()}, {@link #join()} and {@link #terminate()} leave no
 * file; if this JVM is killed, its workers die with it, and the files left behind are marked anonymous and unused,
 * so the next cleanup of the directory ({@code SharedDirectory.removeUnusedAnonymous()}, {@code jvmipc clean})
 * removes them. Never
 * hangs on a dead worker; a task that never returns holds its worker as in Python.
 * <p>
 * <b>Why this design</b> (per-worker inboxes and parent supervision, rather than one shared queue with leases):
 * the parent knows exactly which task each worker holds, so it can charge a death to the task that was running
 * and stop retrying it, enforce the prefetch bound, and see a death at once from the exit of its own child, where
 * a lease is only given back once a taker probes the dead holder.
 * <p>
 * <b>Idle</b>: workers and the parent's reader sleep on futexes; an idle pool uses no CPU.
 * <p>
 * Thread-safe.
 *
 * <table class="striped">
 * <caption>Python {@code multiprocessing.Pool} and this class</caption>
 * <tr><th>Python</th><th>jvmipc</th></tr>
 * <tr><td>{@code Pool(processes, initializer, initargs, maxtasksperchild)}</td>
 *     <td>{@code JvmPool.builder().workers(n).initializer(() -> init(args)).maxTasksPerWorker(m).build()}</td></tr>
 * <tr><td>{@code apply_async(f, args)}</td><td>{@link #submit(SerializableCallable)}: {@code submit(() -> f(a, b))}</td></tr>
 * <tr><td>{@code apply(f, args)}</td><td>{@code submit(() -> f(a, b)).get()}</td></tr>
 * <tr><td>{@code map(f, iterable)}</td><td>{@link #map(SerializableFunction, Collection)}</td></tr>
 * <tr><td>{@code map}, {@code imap}, {@code imap_unordered} with {@code chunksize}</td>
 *     <td>{@link #map(SerializableFunction, Collection, int)}, {@link #imap(SerializableFunction, Collection, int)},
 *     {@link #imapUnordered(SerializableFunction, Collection, int)}</td></tr>
 * <tr><td>{@code map_async(f, iterable)}</td><td>{@link #mapAsync(SerializableFunction, Collection)}</td></tr>
 * <tr><td>{@code imap(f, iterable)}, {@code imap_unordered}</td>
 *     <td>{@link #imap(SerializableFunction, Collection)}, {@link #imapUnordered(SerializableFunction, Collection)}</td></tr>
 * <tr><td>{@code starmap(f, [(a, b), ...])}</td><td>{@link #starmap(SerializableBiFunction, Collection)}</td></tr>
 * <tr><td>{@code close()}, {@code join()}, {@code terminate()}</td>
 *     <td>{@link #shutdown()}, {@link #join()}, {@link #terminate()}</td></tr>
 * <tr><td>{@code with Pool() as p:} (terminates)</td><td>try-with-resources (shuts down and joins: tasks finish)</td></tr>
 * </table>
 */
public final class JvmPool implements AutoCloseable
{
    private final PoolCore core;

    private JvmPool(final PoolCore core)
    {
        this.core = core;
    }

    /**
     * Starts configuring a pool.
     *
     * @return a builder.
     */
    public static Builder builder()
    {
        return new Builder();
    }

    /**
     * Runs {@code task} in a worker. Python's {@code apply_async(f, args)} is {@code submit(() -> f(a, b))}. Does
     * not block.
     *
     * @param task what to run, with its captured values.
     * @param <R>  the type of result.
     * @return the task's future: its result, or {@link RemoteTaskException}, {@link WorkerDiedException}, or a
     *         {@link java.util.concurrent.CancellationException} if the pool is terminated first.
     * @throws NullPointerException     if {@code task} is null.
     * @throws IllegalArgumentException if the task cannot be serialised (naming the class), or is larger than
     *                                  {@link Builder#maxMessageSize(int)} ({@link MessageTooLargeException}).
     *                                  A result the codec refuses fails the future with a
     *                                  {@link RemoteTaskException} of the {@link io.jvmipc.codec.CodecException}.
     * @throws IllegalStateException    if the pool was shut down or terminated, or can start no worker.
     */
    public <R> CompletableFuture<R> submit(final SerializableCallable<R> task)
    {
        Objects.requireNonNull(task, "task");
        final byte[] block = PoolMessages.functionBlock(PoolMessages.CALL, task);
        return cast(core.submit(List.of(checked(PoolMessages.task(block, new byte[0]))), false).getFirst());
    }

    /**
     * Runs {@code function(argument)} in a worker; the argument travels through the pool's codec. Does not block.
     *
     * @param function what to run.
     * @param argument its argument (may be null).
     * @param <T>      the type of argument.
     * @param <R>      the type of result.
     * @return the task's future, as {@link #submit(SerializableCallable)}.
     * @throws NullPointerException     if {@code function} is null.
     * @throws IllegalArgumentException if the function cannot be serialised or the task is too large.
     * @throws io.jvmipc.codec.CodecException if the codec refuses the argument (naming its class).
     * @throws IllegalStateException    if the pool was shut down or terminated, or can start no worker.
     */
    public <T, R> CompletableFuture<R> submit(final SerializableFunction<? super T, ? extends R> function,
        final T argument)
    {
        Objects.requireNonNull(function, "function");
        final byte[] block = PoolMessages.functionBlock(PoolMessages.APPLY, function);
        return cast(core.submit(List.of(checked(PoolMessages.task(block, encode(argument)))), false).getFirst());
    }

    /**
     * Runs {@code function} over every element in workers, one task per element; does not block. Python's
     * {@code map_async}. The tasks are all queued at once (the collection is read now).
     *
     * @param function  what to run.
     * @param arguments the elements (may contain null).
     * @param <T>       the type of element.
     * @param <R>       the type of result.
     * @return one future per element, in the collection's order.
     * @throws NullPointerException     if {@code function} or {@code arguments} is null.
     * @throws IllegalArgumentException as {@link #submit(SerializableFunction, Object)}; no task is queued then.
     * @throws io.jvmipc.codec.CodecException if the codec refuses an argument; no task is queued then.
     * @throws IllegalStateException    if the pool was shut down or terminated, or can start no worker.
     */
    public <T, R> List<CompletableFuture<R>> submitAll(final SerializableFunction<? super T, ? extends R> function,
        final Collection<? extends T> arguments)
    {
        Objects.requireNonNull(function, "function");
        Objects.requireNonNull(arguments, "arguments");
        final byte[] block = PoolMessages.functionBlock(PoolMessages.APPLY, function);
        final List<byte[]> messages = new ArrayList<>(arguments.size());
        for (final T argument : arguments)
        {
            messages.add(checked(PoolMessages.task(block, encode(argument))));
        }
        return castAll(core.submit(messages, true));
    }

    /**
     * {@code function} over every element, as one future of the list of results. Python's {@code map_async}.
     *
     * @param function  what to run.
     * @param arguments the elements.
     * @param <T>       the type of element.
     * @param <R>       the type of result.
     * @return the results in order, or the first failure (in the collection's order) once it is known.
     * @throws NullPointerException     if {@code function} or {@code arguments} is null.
     * @throws IllegalArgumentException as {@link #submitAll(SerializableFunction, Collection)}.
     * @throws IllegalStateException    if the pool was shut down or terminated, or can start no worker.
     */
    public <T, R> CompletableFuture<List<R>> mapAsync(final SerializableFunction<? super T, ? extends R> function,
        final Collection<? extends T> arguments)
    {
        final List<CompletableFuture<R>> futures = this.<T, R>submitAll(function, arguments);
        return CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0]))
            .thenApply(ignored -> futures.stream().map(CompletableFuture::join).toList());
    }

    /**
     * Runs {@code function} over every element in workers and waits for the results: Python's
     * {@code pool.map(f, iterable)}, one task per element ({@link #map(SerializableFunction, Collection, int)}
     * sends them in chunks).
     *
     * @param function  what to run.
     * @param arguments the elements (may contain null).
     * @param <T>       the type of element.
     * @param <R>       the type of result.
     * @return the results, in the collection's order (an unmodifiable list, which may contain null).
     * @throws RemoteTaskException      the exception of the first element (in order) whose task threw.
     * @throws WorkerDiedException      if the first failing element's task killed its workers.
     * @throws java.util.concurrent.CancellationException if the pool was terminated first.
     * @throws InterruptedException     if interrupted while waiting (the tasks go on).
     * @throws NullPointerException     if {@code function} or {@code arguments} is null.
     * @throws IllegalArgumentException as {@link #submitAll(SerializableFunction, Collection)}.
     * @throws IllegalStateException    if the pool was shut down or terminated, or can start no worker.
     */
    public <T, R> List<R> map(final SerializableFunction<? super T, ? extends R> function,
        final Collection<? extends T> arguments) throws InterruptedException
    {
        return awaitAll(this.<T, R>submitAll(function, arguments));
    }

    /**
     * {@link #map(SerializableFunction, Collection)} with the elements sent in chunks: Python's
     * {@code pool.map(f, iterable, chunksize)}. Each task takes up to {@code chunksize} consecutive elements as
     * one list and returns their results as one list, so short functions pay one round trip to a worker per
     * chunk instead of per element. A chunk and its results travel through the pool's codec as lists (the default
     * codec takes them; a codec of single values does not), and each must fit
     * {@linkplain Builder#maxMessageSize(int) maxMessageSize}. A worker that dies mid-chunk charges the whole
     * chunk an attempt, and the chunk runs again from its first element. A failure is that of the first failing
     * element in order; a {@link WorkerDiedException}'s {@code index()} is then the chunk's (its first element is
     * {@code index() * chunksize}).
     *
     * @param function  what to run.
     * @param arguments the elements (may contain null).
     * @param chunksize the most elements per task, at least 1 (1 is {@link #map(SerializableFunction, Collection)}).
     * @param <T>       the type of element.
     * @param <R>       the type of result.
     * @return the results, in the collection's order (an unmodifiable list, which may contain null).
     * @throws RemoteTaskException      the exception of the first element (in order) whose function threw.
     * @throws WorkerDiedException      if the first failing chunk killed its workers.
     * @throws java.util.concurrent.CancellationException if the pool was terminated first.
     * @throws InterruptedException     if interrupted while waiting (the tasks go on).
     * @throws NullPointerException     if {@code function} or {@code arguments} is null.
     * @throws IllegalArgumentException if {@code chunksize} is less than 1, or as
     *                                  {@link #submitAll(SerializableFunction, Collection)}.
     * @throws io.jvmipc.MessageTooLargeException if a chunk does not fit; no task is queued then.
     * @throws IllegalStateException    if the pool was shut down or terminated, or can start no worker.
     */
    public <T, R> List<R> map(final SerializableFunction<? super T, ? extends R> function,
        final Collection<? extends T> arguments, final int chunksize) throws InterruptedException
    {
        if (chunksize == 1)
        {
            return map(function, arguments);
        }
        final List<List<R>> results = awaitAll(this.<T, R>submitChunks(function, chunks(arguments, chunksize)));
        final List<R> flat = new ArrayList<>(arguments.size());
        results.forEach(flat::addAll);
        return Collections.unmodifiableList(flat);
    }

    /**
     * {@link #imap(SerializableFunction, Collection)} with the elements sent in chunks, as
     * {@link #map(SerializableFunction, Collection, int)} sends them: Python's {@code imap(f, iterable, chunksize)}.
     * The results come in the collection's order, a chunk's as soon as it and the chunks before it are done. A
     * failing chunk throws its first failing element's exception from the {@code next()} that reaches the chunk;
     * the chunk's other results are gone with it, and the iteration goes on with the next chunk.
     *
     * @param function  what to run.
     * @param arguments the elements.
     * @param chunksize the most elements per task, at least 1.
     * @param <T>       the type of element.
     * @param <R>       the type of result.
     * @return an iterator over the results.
     * @throws NullPointerException     if {@code function} or {@code arguments} is null.
     * @throws IllegalArgumentException if {@code chunksize} is less than 1, or as
     *                                  {@link #submitAll(SerializableFunction, Collection)}.
     * @throws IllegalStateException    if the pool was shut down or terminated, or can start no worker.
     */
    public <T, R> Iterator<R> imap(final SerializableFunction<? super T, ? extends R> function,
        final Collection<? extends T> arguments, final int chunksize)
    {
        if (chunksize == 1)
        {
            return imap(function, arguments);
        }
        return flattened(inOrder(this.<T, R>submitChunks(function, chunks(arguments, chunksize))));
    }

    /** The elements in lists of up to {@code chunksize}, after checking the arguments. */
    private static <T> List<List<T>> chunks(final Collection<? extends T> arguments, final int chunksize)
    {
        Objects.requireNonNull(arguments, "arguments");
        if (chunksize < 1)
        {
            throw new IllegalArgumentException("chunksize " + chunksize + " is less than 1: a task takes at least " +
                "one element");
        }
        // sized by what is left, not by chunksize: a chunksize of Integer.MAX_VALUE means "one chunk"
        final int size = arguments.size();
        final List<List<T>> chunks = new ArrayList<>(size / chunksize + 1);
        List<T> chunk = null;
        int left = size;
        for (final T argument : arguments)
        {
            if (chunk == null || chunk.size() == chunksize)
            {
                chunk = new ArrayList<>(Math.min(chunksize, left));
                chunks.add(chunk);
            }
            chunk.add(argument);
            left--;
        }
        return chunks;
    }

    /** One task per chunk, each applying {@code function} to its elements in order. */
    private <T, R> List<CompletableFuture<List<R>>> submitChunks(
        final SerializableFunction<? super T, ? extends R> function, final List<List<T>> chunks)
    {
        Objects.requireNonNull(function, "function");
        final SerializableFunction<List<T>, List<R>> each = elements -> applyEach(function, elements);
        try
        {
            return this.<List<T>, List<R>>submitAll(each, chunks);
        }
        catch (final CodecException e)
        {
            throw new CodecException("a chunk of " + this + " travels as a java.util.List through the pool's codec, " +
                "which refused it (use chunksize 1, or a codec of lists such as the default): " + e.getMessage(), e);
        }
    }

    /** A chunk's task, in the worker: the function over each element, in order. */
    private static <T, R> List<R> applyEach(final SerializableFunction<? super T, ? extends R> function,
        final List<T> elements)
    {
        final List<R> results = new ArrayList<>(elements.size());
        for (final T element : elements)
        {
            results.add(function.apply(element));
        }
        return results;
    }

    /**
     * Runs {@code function(a, b)} for every pair {@code [a, b]} of arguments and waits for the results: Python's
     * {@code starmap(f, [(a, b), ...])}. A longer tuple goes as one list argument of {@code map}.
     *
     * @param function      what to run.
     * @param argumentPairs lists of exactly two arguments each.
     * @param <A>           the type of the first argument.
     * @param <B>           the type of the second argument.
     * @param <R>           the type of result.
     * @return the results, in the collection's order.
     * @throws IllegalArgumentException if an element is not a list of two, or as {@link #map}.
     * @throws InterruptedException     if interrupted while waiting (the tasks go on).
     * @throws NullPointerException     if {@code function}, {@code argumentPairs} or one of its elements is null.
     * @throws IllegalStateException    if the pool was shut down or terminated, or can start no worker.
     */
    public <A, B, R> List<R> starmap(final SerializableBiFunction<? super A, ? super B, ? extends R> function,
        final Collection<? extends List<?>> argumentPairs) throws InterruptedException
    {
        Objects.requireNonNull(function, "function");
        Objects.requireNonNull(argumentPairs, "argumentPairs");
        final byte[] block = PoolMessages.functionBlock(PoolMessages.APPLY_TWO, function);
        final List<byte[]> messages = new ArrayList<>(argumentPairs.size());
        for (final List<?> pair : argumentPairs)
        {
            if (Objects.requireNonNull(pair, "an argument pair").size() != 2)
            {
                throw new IllegalArgumentException("starmap takes lists of two arguments, not " + pair.size() +
                    ": " + pair);
            }
            messages.add(checked(PoolMessages.task(block, encode(Arrays.asList(pair.get(0), pair.get(1))))));
        }
        return awaitAll(castAll(core.submit(messages, true)));
    }

    /**
     * Runs {@code function} over every element in workers and returns the results in the collection's order, each
     * as soon as it and those before it are done: Python's {@code imap}. Every task is queued now.
     * {@code next()} waits for the next result (not interruptibly) and throws that element's exception, as
     * {@link #map} does; the iteration can go on after it.
     *
     * @param function  what to run.
     * @param arguments the elements.
     * @param <T>       the type of element.
     * @param <R>       the type of result.
     * @return an iterator over the results.
     * @throws NullPointerException     if {@code function} or {@code arguments} is null.
     * @throws IllegalArgumentException as {@link #submitAll(SerializableFunction, Collection)}.
     * @throws IllegalStateException    if the pool was shut down or terminated, or can start no worker.
     */
    public <T, R> Iterator<R> imap(final SerializableFunction<? super T, ? extends R> function,
        final Collection<? extends T> arguments)
    {
        return inOrder(this.<T, R>submitAll(function, arguments));
    }

    /** The futures' values in order; {@code next()} waits for the next one and throws its failure. */
    private static <X> Iterator<X> inOrder(final List<CompletableFuture<X>> list)
    {
        final Iterator<CompletableFuture<X>> futures = list.iterator();
        return new Iterator<>()
        {
            @Override
            public boolean hasNext()
            {
                return futures.hasNext();
            }

            @Override
            public X next()
            {
                return joined(futures.next());
            }
        };
    }

    /**
     * Runs {@code function} over every element in workers and returns the results in the order they complete:
     * Python's {@code imap_unordered}. As {@link #imap}, otherwise.
     *
     * @param function  what to run.
     * @param arguments the elements.
     * @param <T>       the type of element.
     * @param <R>       the type of result.
     * @return an iterator over the results, first completed first.
     * @throws NullPointerException     if {@code function} or {@code arguments} is null.
     * @throws IllegalArgumentException as {@link #submitAll(SerializableFunction, Collection)}.
     * @throws IllegalStateException    if the pool was shut down or terminated, or can start no worker.
     */
    public <T, R> Iterator<R> imapUnordered(final SerializableFunction<? super T, ? extends R> function,
        final Collection<? extends T> arguments)
    {
        return inCompletionOrder(this.<T, R>submitAll(function, arguments));
    }

    /**
     * {@link #imapUnordered(SerializableFunction, Collection)} with the elements sent in chunks, as
     * {@link #map(SerializableFunction, Collection, int)} sends them: Python's
     * {@code imap_unordered(f, iterable, chunksize)}. The chunks come in the order they complete, each chunk's results
     * in the collection's order. A failing chunk throws its first failing element's exception from the
     * {@code next()} that reaches it; its other results are gone with it, and the iteration goes on.
     *
     * @param function  what to run.
     * @param arguments the elements.
     * @param chunksize the most elements per task, at least 1.
     * @param <T>       the type of element.
     * @param <R>       the type of result.
     * @return an iterator over the results, first completed chunk first.
     * @throws NullPointerException     if {@code function} or {@code arguments} is null.
     * @throws IllegalArgumentException if {@code chunksize} is less than 1, or as
     *                                  {@link #submitAll(SerializableFunction, Collection)}.
     * @throws IllegalStateException    if the pool was shut down or terminated, or can start no worker.
     */
    public <T, R> Iterator<R> imapUnordered(final SerializableFunction<? super T, ? extends R> function,
        final Collection<? extends T> arguments, final int chunksize)
    {
        if (chunksize == 1)
        {
            return imapUnordered(function, arguments);
        }
        return flattened(inCompletionOrder(this.<T, R>submitChunks(function, chunks(arguments, chunksize))));
    }

    /** The futures' values in the order they complete; {@code next()} waits, not interruptibly. */
    private static <X> Iterator<X> inCompletionOrder(final List<CompletableFuture<X>> futures)
    {
        final BlockingQueue<CompletableFuture<X>> completed = new LinkedBlockingQueue<>();
        for (final CompletableFuture<X> future : futures)
        {
            future.whenComplete((value, error) -> completed.add(future));
        }
        return new Iterator<>()
        {
            private int left = futures.size();

            @Override
            public boolean hasNext()
            {
                return left > 0;
            }

            @Override
            public X next()
            {
                if (left == 0)
                {
                    throw new NoSuchElementException();
                }
                left--;
                boolean interrupted = false;
                try
                {
                    while (true)
                    {
                        try
                        {
                            return joined(completed.take());
                        }
                        catch (final InterruptedException e)
                        {
                            interrupted = true;
                        }
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
        };
    }

    /**
     * The elements of each list in turn. A {@code next()} of {@code lists} that throws (a failed chunk) throws here
     * and leaves nothing of that list: the next call goes on with the next list. Every list has an element.
     */
    private static <R> Iterator<R> flattened(final Iterator<List<R>> lists)
    {
        return new Iterator<>()
        {
            private Iterator<R> current = Collections.emptyIterator();

            @Override
            public boolean hasNext()
            {
                return current.hasNext() || lists.hasNext();
            }

            @Override
            public R next()
            {
                if (!current.hasNext())
                {
                    current = lists.next().iterator();
                }
                return current.next();
            }
        };
    }

    /**
     * Takes no more tasks; the workers end once every task submitted is done (re-dispatched tasks of workers that
     * die meanwhile included). Python's {@code pool.close()}. Does not block; idempotent.
     */
    public void shutdown()
    {
        core.shutdown();
    }

    /**
     * Whether {@link #shutdown()} or {@link #terminate()} was called.
     *
     * @return {@code true} once the pool takes no more tasks.
     */
    public boolean isShutdown()
    {
        return core.isShutdown();
    }

    /**
     * Waits until every worker has ended, then removes the pool's files. Python's {@code pool.join()}.
     *
     * @throws IllegalStateException if the pool is still running (neither shut down nor terminated), as in Python.
     * @throws InterruptedException  if interrupted while waiting.
     */
    public void join() throws InterruptedException
    {
        core.join(Long.MAX_VALUE);
    }

    /**
     * Waits at most {@code timeout} until every worker has ended, then removes the pool's files.
     *
     * @param timeout how long to wait; zero or less checks once.
     * @param unit    its unit.
     * @return {@code true} if every worker ended (and the files are gone), {@code false} if the timeout passed.
     * @throws IllegalStateException if the pool is still running (neither shut down nor terminated).
     * @throws InterruptedException  if interrupted while waiting.
     * @throws NullPointerException  if {@code unit} is null.
     */
    public boolean join(final long timeout, final TimeUnit unit) throws InterruptedException
    {
        return core.join(unit.toNanos(timeout));
    }

    /**
     * Kills every worker ({@code SIGKILL}), fails every task not yet done with a
     * {@link java.util.concurrent.CancellationException}, waits for the workers to be gone and removes the pool's
     * files. Python's {@code pool.terminate()}. Idempotent; it waits (not interruptibly) for workers still
     * starting.
     */
    public void terminate()
    {
        core.terminate();
    }

    /**
     * {@link #shutdown()}, then {@link #join()}: every task submitted completes, then the workers end and the
     * files are removed (as {@link java.util.concurrent.ExecutorService#close()}). If the thread is interrupted
     * while waiting, the pool is {@linkplain #terminate() terminated} and the interrupt flag kept.
     */
    @Override
    public void close()
    {
        shutdown();
        try
        {
            core.join(Long.MAX_VALUE);
        }
        catch (final InterruptedException e)
        {
            terminate();
            Thread.currentThread().interrupt();
        }
    }

    /**
     * How many workers the pool keeps running.
     *
     * @return the number of workers.
     */
    public int workers()
    {
        return core.size();
    }

    /**
     * The pids of the worker JVMs running now (started, not yet seen ended), in the order they were started.
     *
     * @return a snapshot of the pids.
     */
    public List<Long> workerPids()
    {
        return core.workerPids();
    }

    /**
     * How many workers were started to replace workers that died.
     *
     * @return the count.
     */
    public int replacedWorkers()
    {
        return core.replacements();
    }

    /**
     * How many workers were stopped, and replaced, because they had run their
     * {@linkplain Builder#maxTasksPerWorker(int) maxTasksPerWorker} tasks.
     *
     * @return the count.
     */
    public int retiredWorkers()
    {
        return core.retirements();
    }

    /**
     * The pool's name, {@code pool-<pid>-<n>-<hex>}, used in its threads' names and its messages.
     *
     * @return the name.
     */
    public String name()
    {
        return core.name();
    }

    @Override
    public String toString()
    {
        return core.toString();
    }

    private byte[] encode(final Object argument)
    {
        return PoolMessages.encode(core.codec(), argument, core.maxMessageSize());
    }

    private byte[] checked(final byte[] task)
    {
        if (task.length > core.maxMessageSize())
        {
            throw new MessageTooLargeException("a task of " + core, task.length, core.maxMessageSize());
        }
        return task;
    }

    @SuppressWarnings("unchecked")
    private static <R> CompletableFuture<R> cast(final CompletableFuture<Object> future)
    {
        return (CompletableFuture<R>)(CompletableFuture<?>)future;
    }

    private static <R> List<CompletableFuture<R>> castAll(final List<CompletableFuture<Object>> futures)
    {
        final List<CompletableFuture<R>> cast = new ArrayList<>(futures.size());
        for (final CompletableFuture<Object> future : futures)
        {
            cast.add(cast(future));
        }
        return cast;
    }

    private static <R> List<R> awaitAll(final List<CompletableFuture<R>> futures) throws InterruptedException
    {
        final List<R> values = new ArrayList<>(futures.size());
        for (final CompletableFuture<R> future : futures)
        {
            try
            {
                values.add(future.get());
            }
            catch (final ExecutionException e)
            {
                throw rethrown(e.getCause());
            }
        }
        return Collections.unmodifiableList(values);
    }

    private static <R> R joined(final CompletableFuture<R> future)
    {
        try
        {
            return future.join();
        }
        catch (final CompletionException e)
        {
            throw rethrown(e.getCause());
        }
    }

    /** A task's failure as the caller's exception: itself when unchecked, wrapped otherwise. */
    private static RuntimeException rethrown(final Throwable failure)
    {
        if (failure instanceof final RuntimeException runtime)
        {
            return runtime;
        }
        if (failure instanceof final Error error)
        {
            throw error;
        }
        return new CompletionException(failure);
    }

    /**
     * Configures and starts a {@link JvmPool}. Not thread-safe.
     */
    public static final class Builder
    {
        /** The most workers a pool may have (each is a JVM; the results queue has room for twice as many). */
        public static final int MAX_WORKERS = 1024;

        private int workers = Math.min(MAX_WORKERS, Runtime.getRuntime().availableProcessors());
        private SerializableRunnable initializer;
        private SharedDirectory directory;
        private SerializableSupplier<? extends Codec<?>> codec;
        private final List<String> jvmOptions = new ArrayList<>();
        private int prefetch = 1;
        private int maxTaskAttempts = 3;
        private int maxTasksPerWorker;
        private int maxMessageSize = 256 * 1024;

        private Builder()
        {
        }

        /**
         * How many worker JVMs the pool runs (default: this JVM's available processors). Python's
         * {@code Pool(processes)}.
         *
         * @param workers 1 to {@value #MAX_WORKERS}.
         * @return this builder.
         * @throws IllegalArgumentException if {@code workers} is outside that range.
         */
        public Builder workers(final int workers)
        {
            if (workers < 1 || workers > MAX_WORKERS)
            {
                throw new IllegalArgumentException("workers " + workers + " outside 1.." + MAX_WORKERS +
                    ": a pool needs at least one worker");
            }
            this.workers = workers;
            return this;
        }

        /**
         * What each worker runs once, before its first task (Python's {@code initializer} with its
         * {@code initargs} captured). A worker whose initializer throws ends: when the pool starts, that is
         * {@link ChildStartException} from {@link #build()}, with the remote exception as its cause; later (for a
         * replacement) the pool stops starting workers after {@link #maxTaskAttempts(int)} such failures in a
         * row, and fails its tasks with that exception.
         *
         * @param initializer the initializer, with its captured values.
         * @return this builder.
         * @throws NullPointerException if {@code initializer} is null.
         */
        public Builder initializer(final SerializableRunnable initializer)
        {
            this.initializer = Objects.requireNonNull(initializer, "initializer");
            return this;
        }

        /**
         * Where the pool's queues live (default {@link SharedDirectory#defaultDirectory()}).
         *
         * @param directory the directory.
         * @return this builder.
         * @throws NullPointerException if {@code directory} is null.
         */
        public Builder directory(final SharedDirectory directory)
        {
            this.directory = Objects.requireNonNull(directory, "directory");
            return this;
        }

        /**
         * The codec of the arguments and results, made in this JVM and in each worker by {@code codec}
         * (default {@code Codecs.objects()}: plain data). For records and enums:
         * {@code codec(() -> Codecs.objects(Point.class))}.
         *
         * @param codec makes the codec; serialisable, so that every worker makes the same one.
         * @return this builder.
         * @throws NullPointerException if {@code codec} is null.
         */
        public Builder codec(final SerializableSupplier<? extends Codec<?>> codec)
        {
            this.codec = Objects.requireNonNull(codec, "codec");
            return this;
        }

        /**
         * JVM options for the workers, after the options they inherit from this JVM
         * ({@link JvmProcess#inheritedJvmArguments()}), such as {@code -Xmx256m}.
         *
         * @param options the options.
         * @return this builder.
         */
        public Builder jvmOptions(final String... options)
        {
            jvmOptions.addAll(Arrays.asList(options));
            return this;
        }

        /**
         * The most tasks a worker holds at once, running or waiting in its inbox (default 1: a worker gets its
         * next task when it returns the last one). More hides the round trip for short tasks, at the cost of
         * idle workers while a busy one holds tasks.
         *
         * @param prefetch at least 1.
         * @return this builder.
         * @throws IllegalArgumentException if {@code prefetch} is less than 1.
         */
        public Builder prefetch(final int prefetch)
        {
            if (prefetch < 1)
            {
                throw new IllegalArgumentException("prefetch " + prefetch + ": a worker must hold at least one task");
            }
            this.prefetch = prefetch;
            return this;
        }

        /**
         * How many times a task is given to a worker that then dies before the task is failed with
         * {@link WorkerDiedException} (default 3); also how many workers in a row may die before their initializer
         * returns before the pool stops starting workers.
         *
         * @param attempts at least 1.
         * @return this builder.
         * @throws IllegalArgumentException if {@code attempts} is less than 1.
         */
        public Builder maxTaskAttempts(final int attempts)
        {
            if (attempts < 1)
            {
                throw new IllegalArgumentException("maxTaskAttempts " + attempts + " is less than 1");
            }
            this.maxTaskAttempts = attempts;
            return this;
        }

        /**
         * How many tasks a worker runs before it is replaced by a fresh JVM (Python's {@code maxtasksperchild};
         * default: unlimited), to give back what a task leaks or caches. A worker given that many tasks gets no
         * more; once it has answered them it is sent STOP and exits, and its replacement is started at that moment
         * (before its initializer has run, the pool has one worker fewer taking tasks). A task given to a worker
         * that died is counted again for the next one.
         *
         * @param tasks at least 1.
         * @return this builder.
         * @throws IllegalArgumentException if {@code tasks} is less than 1.
         */
        public Builder maxTasksPerWorker(final int tasks)
        {
            if (tasks < 1)
            {
                throw new IllegalArgumentException("maxTasksPerWorker " + tasks + " is less than 1: a worker " +
                    "must run at least one task");
            }
            this.maxTasksPerWorker = tasks;
            return this;
        }

        /**
         * The largest task (its serialised function and encoded argument) and result, in bytes (default 256 KiB,
         * at least 1 KiB): the size of a slot of the pool's queues.
         *
         * @param bytes the size.
         * @return this builder.
         * @throws IllegalArgumentException if below 1 KiB or above 64 MiB.
         */
        public Builder maxMessageSize(final int bytes)
        {
            if (bytes < 1024 || bytes > 64 << 20)
            {
                throw new IllegalArgumentException("maxMessageSize " + bytes + " outside 1 KiB..64 MiB");
            }
            this.maxMessageSize = bytes;
            return this;
        }

        /**
         * Starts the pool: creates its queues and starts the workers, and returns once every worker has run its
         * initializer.
         *
         * @return the running pool.
         * @throws IllegalArgumentException if the initializer or the codec supplier cannot be serialised.
         * @throws ChildStartException      if a worker could not start or its initializer threw (the pool then
         *                                  ends its workers and removes its files).
         * @throws IllegalStateException    if the codec cannot be made (the object codec without Jackson).
         */
        public JvmPool build()
        {
            return new JvmPool(new PoolCore(directory != null ? directory : SharedDirectory.defaultDirectory(),
                workers, prefetch, maxTaskAttempts, maxTasksPerWorker, maxMessageSize, jvmOptions, initializer, codec));
        }
    }
}
