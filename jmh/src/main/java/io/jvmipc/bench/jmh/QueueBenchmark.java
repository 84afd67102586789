package io.jvmipc.bench.jmh;

import io.jvmipc.codec.Codecs;
import io.jvmipc.queue.MessageHandler;
import io.jvmipc.queue.MessageWriter;
import io.jvmipc.queue.SharedQueue;
import io.jvmipc.queue.SharedQueueBuilder;
import io.jvmipc.wait.WaitStrategy;
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

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

/**
 * Hot-path cost of the shared queue in one thread (no other party, so no waiting): one message in and out per
 * operation, through the copying byte paths and through the zero-copy claim/commit and handler paths. Run with
 * {@code -prof gc}: these paths must allocate 0 B/op, in a queue of any producers and consumers and in one of a
 * single producer and a single consumer.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class QueueBenchmark
{
    /** Message size in bytes. */
    @Param({"32", "256"})
    public int size;

    /** "any": any producers and consumers (a CAS on each side); "oneToOne": one of each, no CAS. */
    @Param({"any", "oneToOne"})
    public String mode;

    private Path dir;
    private SharedQueue<byte[]> queue;
    private byte[] out;
    private byte[] in;
    private final Sink sink = new Sink();
    private final Source source = new Source();

    /** Creates the queue in a fresh directory under /dev/shm. */
    @Setup(Level.Trial)
    public void setUp()
    {
        dir = BenchFiles.newDirectory();
        final SharedQueueBuilder<byte[]> builder = SharedQueue.builder("jmh-queue", Codecs.bytes())
            .directory(BenchFiles.shared(dir))
            .capacity(1024)
            .maxMessageSize(size)
            .waitStrategy(WaitStrategy.busySpin());
        switch (mode)
        {
            case "any" -> queue = builder.create();
            case "oneToOne" -> queue = builder.singleProducer().singleConsumer().create();
            default -> throw new IllegalArgumentException("mode " + mode + ": any or oneToOne");
        }
        out = new byte[size];
        in = new byte[size];
    }

    /** Closes and removes the queue. */
    @TearDown(Level.Trial)
    public void tearDown()
    {
        queue.close();
        BenchFiles.delete(dir);
    }

    /**
     * {@code offerBytes} then {@code pollBytes}: one copy in, one copy out.
     *
     * @return the length polled (consumed so the JIT keeps the work).
     */
    @Benchmark
    public int offerPollBytes()
    {
        out[0]++;
        if (!queue.offerBytes(out, 0, size))
        {
            throw new IllegalStateException("queue full");
        }
        return queue.pollBytes(in, 0);
    }

    /**
     * {@code tryClaim}, write a long in place, {@code commit}, then {@code poll(handler)} reading it in place.
     *
     * @return what the handler read.
     */
    @Benchmark
    public long claimCommitPollHandler()
    {
        final long claim = queue.tryClaim();
        if (claim < 0)
        {
            throw new IllegalStateException("queue full");
        }
        final MemorySegment buffer = queue.buffer();
        buffer.set(JAVA_LONG_UNALIGNED, queue.offset(claim), claim);
        queue.commit(claim, size);
        queue.poll(sink);
        return sink.value;
    }

    /** Messages per {@link #offerBatchDrain()} operation. */
    static final int BATCH = 16;

    /**
     * {@value #BATCH} {@code offerBytes}, then one {@code drain(handler, BATCH)}: the consumer's batch path (one
     * waker check per batch). Scored per message.
     *
     * @return what the handler read last.
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long offerBatchDrain()
    {
        for (int i = 0; i < BATCH; i++)
        {
            out[0]++;
            if (!queue.offerBytes(out, 0, size))
            {
                throw new IllegalStateException("queue full");
            }
        }
        if (queue.drain(sink, BATCH) != BATCH)
        {
            throw new IllegalStateException("drained too few");
        }
        return sink.value;
    }

    /**
     * One {@code fill(writer, BATCH)} copying {@value #BATCH} messages in, then one {@code drain(handler, BATCH)}:
     * both batch paths (one waker check per batch on each side). Scored per message, against
     * {@link #offerBatchDrain()}.
     *
     * @return what the handler read last.
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long fillDrain()
    {
        if (queue.fill(source, BATCH) != BATCH)
        {
            throw new IllegalStateException("filled too few");
        }
        if (queue.drain(sink, BATCH) != BATCH)
        {
            throw new IllegalStateException("drained too few");
        }
        return sink.value;
    }

    /**
     * {@code pollBytes} on an empty queue: the cost of finding nothing.
     *
     * @return -1.
     */
    @Benchmark
    public int pollEmpty()
    {
        return queue.pollBytes(in, 0);
    }

    /** Copies {@code out} into each slot, as {@code offerBytes} does, changing its first byte each time. */
    final class Source implements MessageWriter
    {
        @Override
        public int write(final MemorySegment buffer, final long offset, final int maxLength)
        {
            out[0]++;
            MemorySegment.copy(out, 0, buffer, JAVA_BYTE, offset, size);
            return size;
        }
    }

    /** Reads the first long and the last byte of each message in place. */
    static final class Sink implements MessageHandler
    {
        long value;

        @Override
        public void onMessage(final MemorySegment buffer, final long offset, final int length)
        {
            value = buffer.get(JAVA_LONG_UNALIGNED, offset) + buffer.get(JAVA_BYTE, offset + length - 1);
        }
    }
}
