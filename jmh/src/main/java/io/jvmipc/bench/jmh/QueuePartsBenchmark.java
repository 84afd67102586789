package io.jvmipc.bench.jmh;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The parts the queue's per-message cost is made of, each alone on a mapped file in one thread (uncontended,
 * the line in this core's cache): a full fence, a compare-and-set of a slot word, a release store of a hint, a
 * volatile read. The sum of a pair's parts against {@link QueueBenchmark} says where an offer/poll pair's time
 * goes; cross-core line transfers are not in here (see the bench's streaming runs).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class QueuePartsBenchmark
{
    private static final VarHandle LONG = JAVA_LONG.varHandle();

    private Path dir;
    private Arena arena;
    private MemorySegment segment;
    private long value;

    /** Maps a 4 KiB file under /dev/shm. */
    @Setup(Level.Trial)
    public void setUp()
    {
        dir = BenchFiles.newDirectory();
        arena = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(dir.resolve("parts"), StandardOpenOption.CREATE,
            StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            segment = channel.map(FileChannel.MapMode.READ_WRITE, 0, 4096, arena);
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
    }

    /** Unmaps and removes the file. */
    @TearDown(Level.Trial)
    public void tearDown()
    {
        arena.close();
        BenchFiles.delete(dir);
    }

    /**
     * {@link VarHandle#fullFence()} alone: what {@code Signal.signalAll} pays per message before reading the
     * waiter count.
     */
    @Benchmark
    public void fullFence()
    {
        VarHandle.fullFence();
    }

    /**
     * A release store and a volatile read of another line: the waker check without the fence.
     *
     * @return the value read.
     */
    @Benchmark
    public long releaseThenRead()
    {
        LONG.setRelease(segment, 0L, ++value);
        return (long)LONG.getVolatile(segment, 128L);
    }

    /**
     * A release store, a full fence and a volatile read of another line: the waker check as it was.
     *
     * @return the value read.
     */
    @Benchmark
    public long releaseFenceThenRead()
    {
        LONG.setRelease(segment, 0L, ++value);
        VarHandle.fullFence();
        return (long)LONG.getVolatile(segment, 128L);
    }

    /**
     * A volatile read and a successful compare-and-set of one word: a slot claim or take.
     *
     * @return whether the CAS succeeded.
     */
    @Benchmark
    public boolean readThenCas()
    {
        final long word = (long)LONG.getVolatile(segment, 256L);
        return LONG.compareAndSet(segment, 256L, word, word + 1);
    }

    /**
     * A volatile read and a release store of one word: what a single claimer's claim would cost without the CAS.
     *
     * @return the value read.
     */
    @Benchmark
    public long readThenRelease()
    {
        final long word = (long)LONG.getVolatile(segment, 384L);
        LONG.setRelease(segment, 384L, word + 1);
        return word;
    }
}
