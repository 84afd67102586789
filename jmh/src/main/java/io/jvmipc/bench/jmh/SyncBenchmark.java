package io.jvmipc.bench.jmh;

import io.jvmipc.sync.SharedLock;
import io.jvmipc.sync.SharedSemaphore;
import io.jvmipc.wait.Futex;
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
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

/**
 * Uncontended cost of the synchronisation primitives' fast paths in one thread (lock/unlock, semaphore
 * acquire/release), and, for reference, of a FUTEX_WAKE system call with no waiter: the call the library
 * skips when nobody waits.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class SyncBenchmark
{
    private Path dir;
    private SharedLock lock;
    private SharedSemaphore semaphore;
    private Arena arena;
    private MemorySegment word;

    /**
     * Creates the objects in a fresh directory under /dev/shm.
     *
     * @throws IOException if the futex word's file cannot be mapped.
     */
    @Setup(Level.Trial)
    public void setUp() throws IOException
    {
        dir = BenchFiles.newDirectory();
        lock = SharedLock.builder("jmh-lock").directory(BenchFiles.shared(dir)).create();
        semaphore = SharedSemaphore.builder("jmh-semaphore", 1).directory(BenchFiles.shared(dir)).create();
        arena = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(dir.resolve("futex"), StandardOpenOption.CREATE_NEW,
            StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            word = channel.map(FileChannel.MapMode.READ_WRITE, 0, 4096, arena);
        }
    }

    /** Closes and removes everything. */
    @TearDown(Level.Trial)
    public void tearDown()
    {
        lock.close();
        semaphore.close();
        arena.close();
        BenchFiles.delete(dir);
    }

    /** {@code lock()} then {@code unlock()}, nobody else around. */
    @Benchmark
    public void lockUnlock()
    {
        lock.lock();
        lock.unlock();
    }

    /**
     * {@code acquire()} then {@code release()} of a one-permit semaphore, nobody else around.
     *
     * @throws InterruptedException never here.
     */
    @Benchmark
    public void semaphoreAcquireRelease() throws InterruptedException
    {
        semaphore.acquire();
        semaphore.release();
    }

    /**
     * FUTEX_WAKE on a shared word nobody waits on.
     *
     * @return how many were woken (0).
     */
    @Benchmark
    public int futexWakeNoWaiter()
    {
        return Futex.wake(word, 0, 1);
    }
}
