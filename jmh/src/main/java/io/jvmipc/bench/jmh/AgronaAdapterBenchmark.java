package io.jvmipc.bench.jmh;

import io.jvmipc.agrona.AgronaQueue;
import io.jvmipc.agrona.DirectBufferHandler;
import io.jvmipc.agrona.QueueClaim;
import io.jvmipc.codec.Codecs;
import io.jvmipc.queue.SharedQueue;
import io.jvmipc.wait.WaitStrategy;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
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

import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The SBE-style zero-copy path of the Agrona adapter in one thread (no other party, so no waiting): claim a slot,
 * write an order's fixed fields through the slot's {@link MutableDirectBuffer} at the offsets a generated SBE
 * flyweight would use, commit; then poll it and read the fields through the {@link DirectBuffer} over the slot.
 * Run with {@code -prof gc}: it must allocate 0 B/op (one reused claim view and one reused receive buffer). Compare
 * with {@code QueueBenchmark.claimCommitPollHandler}, the same path through the core's {@code MemorySegment} API.
 * <p>
 * Agrona's {@code UnsafeBuffer} needs {@code --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED}, added to the
 * fork here.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED",
    "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED"})
public class AgronaAdapterBenchmark
{
    private static final int ID = 0;
    private static final int PRICE = 8;
    private static final int QUANTITY = 16;
    private static final int SIDE = 20;
    private static final int LENGTH = 21;

    private Path dir;
    private SharedQueue<byte[]> queue;
    private AgronaQueue adapter;
    private final OrderReader reader = new OrderReader();
    private long nextId;

    /** Creates the queue in a fresh directory under /dev/shm and the adapter over it. */
    @Setup(Level.Trial)
    public void setUp()
    {
        dir = BenchFiles.newDirectory();
        queue = SharedQueue.builder("jmh-agrona", Codecs.bytes())
            .directory(BenchFiles.shared(dir))
            .capacity(1024)
            .maxMessageSize(64)
            .waitStrategy(WaitStrategy.busySpin())
            .create();
        adapter = AgronaQueue.of(queue);
    }

    /** Closes and removes the queue. */
    @TearDown(Level.Trial)
    public void tearDown()
    {
        queue.close();
        BenchFiles.delete(dir);
    }

    /**
     * Claim, encode four fields in place, commit; poll and decode them in place.
     *
     * @return what the reader decoded (consumed so the JIT keeps the work).
     */
    @Benchmark
    public long claimEncodeCommitPollDecode()
    {
        final QueueClaim claim = adapter.tryClaim();
        if (claim == null)
        {
            throw new IllegalStateException("queue full");
        }
        final MutableDirectBuffer buffer = claim.buffer();
        final long id = nextId++;
        buffer.putLong(ID, id, ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(PRICE, 100_000 + id, ByteOrder.LITTLE_ENDIAN);
        buffer.putInt(QUANTITY, (int) id, ByteOrder.LITTLE_ENDIAN);
        buffer.putByte(SIDE, (byte) (id & 1));
        claim.commit(LENGTH);
        if (!adapter.poll(reader))
        {
            throw new IllegalStateException("queue empty");
        }
        return reader.checksum;
    }

    /** Reads the order's fields in place, as an SBE decoder wrapped on the buffer would. */
    static final class OrderReader implements DirectBufferHandler
    {
        long checksum;

        @Override
        public void onMessage(final DirectBuffer buffer, final int offset, final int length)
        {
            checksum = buffer.getLong(offset + ID, ByteOrder.LITTLE_ENDIAN) +
                buffer.getLong(offset + PRICE, ByteOrder.LITTLE_ENDIAN) +
                buffer.getInt(offset + QUANTITY, ByteOrder.LITTLE_ENDIAN) + buffer.getByte(offset + SIDE) + length;
        }
    }
}
