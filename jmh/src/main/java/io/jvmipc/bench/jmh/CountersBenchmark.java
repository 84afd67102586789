package io.jvmipc.bench.jmh;

import io.jvmipc.counters.SharedCounter;
import io.jvmipc.counters.SharedCounters;
import io.jvmipc.value.SharedLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A counter of a {@link SharedCounters} region beside its baselines measured in the same run: increments
 * uncontended (region counter, padded and packed; {@link SharedLong}; {@link AtomicLong}) and by two threads on
 * one counter ({@code contended} groups), and a lookup by label: the cached handle's read against
 * {@link SharedCounters#find(String)} of a label in the middle of a region of {@link #LABELS} counters (a scan:
 * what a first lookup costs).
 */
@State(Scope.Group)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class CountersBenchmark
{
    /** Counters allocated in each region before measuring. */
    public static final int LABELS = 1000;

    private Path dir;
    private SharedCounters padded;
    private SharedCounters packed;
    private SharedLong sharedLong;
    private final AtomicLong atomicLong = new AtomicLong();
    private SharedCounter paddedCounter;
    private SharedCounter packedCounter;
    private String middleLabel;

    /** Creates both regions with {@link #LABELS} counters each, and the baseline {@link SharedLong}. */
    @Setup(Level.Trial)
    public void setUp()
    {
        dir = BenchFiles.newDirectory();
        padded = SharedCounters.builder("jmh-counters").directory(BenchFiles.shared(dir)).capacity(LABELS).create();
        packed = SharedCounters.builder("jmh-counters-packed").directory(BenchFiles.shared(dir)).capacity(LABELS)
            .packed(true).create();
        for (int i = 0; i < LABELS; i++)
        {
            padded.counter("label-" + i);
            packed.counter("label-" + i);
        }
        middleLabel = "label-" + LABELS / 2;
        paddedCounter = padded.counter(middleLabel);
        packedCounter = packed.counter(middleLabel);
        sharedLong = SharedLong.builder("jmh-long").directory(BenchFiles.shared(dir)).create();
    }

    /** Closes and removes everything. */
    @TearDown(Level.Trial)
    public void tearDown()
    {
        padded.close();
        packed.close();
        sharedLong.close();
        BenchFiles.delete(dir);
    }

    /**
     * One thread incrementing a region counter (padded layout) through its cached handle.
     *
     * @return the new value.
     */
    @Benchmark
    @Group("incrementCounter")
    @GroupThreads(1)
    public long incrementCounter()
    {
        return paddedCounter.incrementAndGet();
    }

    /**
     * One thread incrementing a region counter (packed layout) through its cached handle.
     *
     * @return the new value.
     */
    @Benchmark
    @Group("incrementPackedCounter")
    @GroupThreads(1)
    public long incrementPackedCounter()
    {
        return packedCounter.incrementAndGet();
    }

    /**
     * Baseline: one thread incrementing a {@link SharedLong}.
     *
     * @return the new value.
     */
    @Benchmark
    @Group("incrementSharedLong")
    @GroupThreads(1)
    public long incrementSharedLong()
    {
        return sharedLong.incrementAndGet();
    }

    /**
     * Baseline: one thread incrementing an {@link AtomicLong} on the heap.
     *
     * @return the new value.
     */
    @Benchmark
    @Group("incrementAtomicLong")
    @GroupThreads(1)
    public long incrementAtomicLong()
    {
        return atomicLong.incrementAndGet();
    }

    /**
     * Two threads incrementing one region counter.
     *
     * @return the new value.
     */
    @Benchmark
    @Group("contendedCounter")
    @GroupThreads(2)
    public long incrementCounterContended()
    {
        return paddedCounter.incrementAndGet();
    }

    /**
     * Baseline: two threads incrementing one {@link SharedLong}.
     *
     * @return the new value.
     */
    @Benchmark
    @Group("contendedSharedLong")
    @GroupThreads(2)
    public long incrementSharedLongContended()
    {
        return sharedLong.incrementAndGet();
    }

    /**
     * Lookup with a cached handle: a read through it.
     *
     * @return the value.
     */
    @Benchmark
    @Group("lookupCached")
    @GroupThreads(1)
    public long lookupCached()
    {
        return paddedCounter.get();
    }

    /**
     * First lookup: finding the label's counter in the region (a scan of half the region), then a read.
     *
     * @return the value.
     */
    @Benchmark
    @Group("lookupByLabel")
    @GroupThreads(1)
    public long lookupByLabel()
    {
        return padded.find(middleLabel).get();
    }
}
