package io.jvmipc.bench.jmh;

import io.jvmipc.pipe.Pipe;
import io.jvmipc.wait.WaitStrategy;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
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
 * Hot-path cost of the shared pipe in one thread holding both ends: {@code sendBytes} on end A then
 * {@code recvBytesInto} on end B, one message per operation, never waiting. Run with {@code -prof gc}: 0 B/op.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class PipeBenchmark
{
    /** Message size in bytes. */
    @Param({"32", "256"})
    public int size;

    private Path dir;
    private Pipe<byte[]> pipe;
    private byte[] out;
    private byte[] in;

    /** Creates the pipe in a fresh directory under /dev/shm. */
    @Setup(Level.Trial)
    public void setUp()
    {
        dir = BenchFiles.newDirectory();
        pipe = Pipe.builder("jmh-pipe")
            .directory(BenchFiles.shared(dir))
            .capacity(1 << 20)
            .maxMessageLength(size)
            .waitStrategy(WaitStrategy.busySpin())
            .open();
        out = new byte[size];
        in = new byte[size];
    }

    /** Closes and removes the pipe. */
    @TearDown(Level.Trial)
    public void tearDown()
    {
        pipe.close();
        BenchFiles.delete(dir);
    }

    /**
     * One message from end A to end B.
     *
     * @return the length received.
     * @throws Exception if the pipe fails.
     */
    @Benchmark
    public int sendRecvBytes() throws Exception
    {
        out[0]++;
        pipe.a().sendBytes(out, 0, size);
        return pipe.b().recvBytesInto(in);
    }
}
