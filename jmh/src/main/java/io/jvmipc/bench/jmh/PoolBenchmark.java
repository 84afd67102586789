package io.jvmipc.bench.jmh;

import io.jvmipc.process.JvmPool;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

/**
 * Trivial tasks per second through a {@link JvmPool} of 3 worker JVMs beside
 * {@code Executors.newFixedThreadPool(3)} in this JVM, in the same run: each operation is one task
 * ({@code x + 1} on an {@code Integer}); an invocation submits {@value #BATCH} of them and waits for all. The
 * pool's figure is the cost of its machinery per task (serialised function, CBOR argument and result, two queue
 * hops and the parent's bookkeeping), which is what a pool adds to a task's own work; {@code prefetch} 1 is the
 * default (a worker waits for its next task after each one), 8 hides that round trip; {@code jvmPoolChunked} sends
 * the elements in chunks of {@value #CHUNK} ({@code map(function, elements, chunksize)}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xmx256m"})
public class PoolBenchmark
{
    /** Tasks per invocation. */
    public static final int BATCH = 1000;

    /** Elements per task of {@link #jvmPoolChunked()}. */
    public static final int CHUNK = 50;

    /** The tasks a worker may hold at once. */
    @Param({"1", "8"})
    public int prefetch;

    private final List<Integer> arguments = IntStream.range(0, BATCH).boxed().toList();
    private Path dir;
    private JvmPool pool;
    private ExecutorService executor;

    /** The trivial task. */
    static Integer increment(final Integer x)
    {
        return x + 1;
    }

    /** Starts the pool of 3 worker JVMs and the thread pool of 3 threads. */
    @Setup(Level.Trial)
    public void setUp()
    {
        dir = BenchFiles.newDirectory();
        pool = JvmPool.builder().workers(3).prefetch(prefetch).directory(BenchFiles.shared(dir))
            .jvmOptions("-Xmx64m").build();
        executor = Executors.newFixedThreadPool(3);
    }

    /** Ends both pools and removes the files. */
    @TearDown(Level.Trial)
    public void tearDown()
    {
        pool.close();
        executor.close();
        BenchFiles.delete(dir);
    }

    /**
     * {@value #BATCH} tasks through the pool of worker JVMs.
     *
     * @return the last result.
     * @throws InterruptedException never in practice.
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int jvmPool() throws InterruptedException
    {
        final List<CompletableFuture<Integer>> futures = pool.submitAll(PoolBenchmark::increment, arguments);
        int last = 0;
        for (final CompletableFuture<Integer> future : futures)
        {
            last = future.join();
        }
        return last;
    }

    /**
     * The same {@value #BATCH} elements through the pool's {@code map} in chunks of {@value #CHUNK}: one task and one
     * result list per chunk.
     *
     * @return the last result.
     * @throws InterruptedException never in practice.
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int jvmPoolChunked() throws InterruptedException
    {
        final List<Integer> results = pool.map(PoolBenchmark::increment, arguments, CHUNK);
        return results.getLast();
    }

    /**
     * Baseline: {@value #BATCH} tasks through {@code Executors.newFixedThreadPool(3)}.
     *
     * @return the last result.
     * @throws InterruptedException   never in practice.
     * @throws ExecutionException     never in practice.
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int threadPool() throws InterruptedException, ExecutionException
    {
        final List<Future<Integer>> futures = new ArrayList<>(BATCH);
        for (final Integer argument : arguments)
        {
            futures.add(executor.submit(() -> increment(argument)));
        }
        int last = 0;
        for (final Future<Integer> future : futures)
        {
            last = future.get();
        }
        return last;
    }
}
