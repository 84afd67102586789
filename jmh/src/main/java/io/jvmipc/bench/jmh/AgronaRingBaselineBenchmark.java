package io.jvmipc.bench.jmh;

import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
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
import org.openjdk.jmh.annotations.Warmup;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * The baseline of {@link QueueBenchmark#offerPollBytes()}: Agrona's ring buffers in one thread, one message
 * written from a byte array and read into one per operation, as the bench's Agrona transport does. The
 * difference to the queue's figure in the same run is the queue's per-message cost beyond a peer's, with no
 * line crossing between cores.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED")
public class AgronaRingBaselineBenchmark implements MessageHandler
{
    private static final int MESSAGE_TYPE = 1;

    /** Message size in bytes. */
    @Param({"32", "256"})
    public int size;

    /** OneToOne or ManyToOne. */
    @Param({"OneToOne", "ManyToOne"})
    public String ring;

    private RingBuffer buffer;
    private final UnsafeBuffer source = new UnsafeBuffer(new byte[0]);
    private byte[] out;
    private byte[] in;

    /** Creates a ring of 64 KiB in direct memory. */
    @Setup(Level.Trial)
    public void setUp()
    {
        final UnsafeBuffer memory = new UnsafeBuffer(
            ByteBuffer.allocateDirect((1 << 16) + RingBufferDescriptor.TRAILER_LENGTH));
        buffer = "OneToOne".equals(ring) ? new OneToOneRingBuffer(memory) : new ManyToOneRingBuffer(memory);
        out = new byte[size];
        in = new byte[size];
        source.wrap(out);
    }

    /**
     * {@code write} then {@code read(handler, 1)} copying into a byte array (again after the padding at the end).
     *
     * @return the first byte read.
     */
    @Benchmark
    public int writeRead()
    {
        out[0]++;
        if (!buffer.write(MESSAGE_TYPE, source, 0, size))
        {
            throw new IllegalStateException("ring full");
        }
        // a read that meets the padding record at the ring's end consumes only the padding: read again, as the
        // bench's Agrona transport does
        while (buffer.read(this, 1) == 0)
        {
            Thread.onSpinWait();
        }
        return in[0];
    }

    @Override
    public void onMessage(final int msgTypeId, final MutableDirectBuffer message, final int index, final int length)
    {
        message.getBytes(index, in, 0, length);
    }
}
