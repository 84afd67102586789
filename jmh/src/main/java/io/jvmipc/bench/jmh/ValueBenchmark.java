package io.jvmipc.bench.jmh;

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

/**
 * Shared counter increments ({@link SharedLong#incrementAndGet()}, an atomic add on the mapping): one thread
 * alone, and two threads hammering the same counter ({@code contended} group), plus an acquire read.
 */
@State(Scope.Group)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class ValueBenchmark
{
    private Path dir;
    private SharedLong counter;

    /** Creates the counter in a fresh directory under /dev/shm. */
    @Setup(Level.Trial)
    public void setUp()
    {
        dir = BenchFiles.newDirectory();
        counter = SharedLong.builder("jmh-counter").directory(BenchFiles.shared(dir)).create();
    }

    /** Closes and removes the counter. */
    @TearDown(Level.Trial)
    public void tearDown()
    {
        counter.close();
        BenchFiles.delete(dir);
    }

    /**
     * One thread incrementing.
     *
     * @return the new value.
     */
    @Benchmark
    @Group("uncontended")
    @GroupThreads(1)
    public long increment()
    {
        return counter.incrementAndGet();
    }

    /**
     * Two threads incrementing the same counter.
     *
     * @return the new value.
     */
    @Benchmark
    @Group("contended")
    @GroupThreads(2)
    public long incrementContended()
    {
        return counter.incrementAndGet();
    }

    /**
     * One thread reading with acquire.
     *
     * @return the value.
     */
    @Benchmark
    @Group("read")
    @GroupThreads(1)
    public long getAcquire()
    {
        return counter.getAcquire();
    }
}
