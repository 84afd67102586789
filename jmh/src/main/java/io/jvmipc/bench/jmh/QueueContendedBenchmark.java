package io.jvmipc.bench.jmh;

import io.jvmipc.codec.Codecs;
import io.jvmipc.queue.SharedQueue;
import io.jvmipc.wait.WaitStrategy;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Contended throughput of one shared queue between threads of one process (the same code path as between
 * processes): one producer and one consumer ({@code spsc}), and two of each ({@code mpmc}). Producers
 * {@code offerBytes}, consumers {@code pollBytes}, neither waits; the auxiliary counters count the messages
 * that moved, apart from the attempts that found the queue full or empty. On 2 CPUs the 2x2 group
 * oversubscribes the machine, which is part of what it shows.
 */
@State(Scope.Group)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class QueueContendedBenchmark
{
    /** Message size in bytes. */
    @Param({"32"})
    public int size;

    private Path dir;
    private SharedQueue<byte[]> queue;

    /** Creates the queue in a fresh directory under /dev/shm. */
    @Setup(Level.Trial)
    public void setUp()
    {
        dir = BenchFiles.newDirectory();
        queue = SharedQueue.builder("jmh-contended", Codecs.bytes())
            .directory(BenchFiles.shared(dir))
            .capacity(4096)
            .maxMessageSize(size)
            .waitStrategy(WaitStrategy.busySpin())
            .create();
    }

    /** Closes and removes the queue. */
    @TearDown(Level.Trial)
    public void tearDown()
    {
        queue.close();
        BenchFiles.delete(dir);
    }

    /** Per-thread buffer and counters. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Counters
    {
        /** Messages offered successfully. */
        public long offered;
        /** Messages polled. */
        public long polled;
        /** Attempts that found the queue full or empty. */
        public long missed;
        byte[] buffer;

        /**
         * Allocates the message buffer.
         *
         * @param benchmark the group state, for the message size.
         */
        @Setup(Level.Trial)
        public void setUp(final QueueContendedBenchmark benchmark)
        {
            buffer = new byte[benchmark.size];
        }
    }

    /**
     * Producer of the 1x1 group.
     *
     * @param counters this thread's counters.
     */
    @Benchmark
    @Group("spsc")
    @GroupThreads(1)
    public void spscOffer(final Counters counters)
    {
        offer(counters);
    }

    /**
     * Consumer of the 1x1 group.
     *
     * @param counters this thread's counters.
     */
    @Benchmark
    @Group("spsc")
    @GroupThreads(1)
    public void spscPoll(final Counters counters)
    {
        poll(counters);
    }

    /**
     * Producers of the 2x2 group.
     *
     * @param counters this thread's counters.
     */
    @Benchmark
    @Group("mpmc")
    @GroupThreads(2)
    public void mpmcOffer(final Counters counters)
    {
        offer(counters);
    }

    /**
     * Consumers of the 2x2 group.
     *
     * @param counters this thread's counters.
     */
    @Benchmark
    @Group("mpmc")
    @GroupThreads(2)
    public void mpmcPoll(final Counters counters)
    {
        poll(counters);
    }

    private void offer(final Counters counters)
    {
        if (queue.offerBytes(counters.buffer, 0, size))
        {
            counters.offered++;
        }
        else
        {
            counters.missed++;
        }
    }

    private void poll(final Counters counters)
    {
        if (queue.pollBytes(counters.buffer, 0) >= 0)
        {
            counters.polled++;
        }
        else
        {
            counters.missed++;
        }
    }
}
