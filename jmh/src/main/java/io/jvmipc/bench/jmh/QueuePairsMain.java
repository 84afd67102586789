package io.jvmipc.bench.jmh;

import io.jvmipc.codec.Codecs;
import io.jvmipc.queue.SharedQueue;
import io.jvmipc.wait.WaitStrategy;

import java.nio.file.Path;

/**
 * A fixed number of single-threaded {@code offerBytes}/{@code pollBytes} pairs, for counting instructions per pair
 * where the machine is too busy for timings and has no hardware counters: run it under
 * {@code valgrind --tool=callgrind java -Xbatch -XX:+UseSerialGC --enable-native-access=ALL-UNNAMED -cp
 * jmh/target/jvmipc-bench.jar io.jvmipc.bench.jmh.QueuePairsMain N 32} for two values of N (e.g. 200000 and
 * 600000); the difference of the two "I refs" totals divided by the difference of the N is the cost of one pair
 * (start-up and compilation cancel out).
 */
public final class QueuePairsMain
{
    private QueuePairsMain()
    {
    }

    /**
     * Runs the pairs.
     *
     * @param args the number of pairs, the message size.
     */
    public static void main(final String[] args)
    {
        final long pairs = Long.parseLong(args[0]);
        final int size = Integer.parseInt(args[1]);
        final Path dir = BenchFiles.newDirectory();
        try (SharedQueue<byte[]> queue = SharedQueue.builder("pairs", Codecs.bytes()).directory(BenchFiles.shared(dir))
            .capacity(1024).maxMessageSize(size).waitStrategy(WaitStrategy.busySpin()).create())
        {
            final byte[] out = new byte[size];
            final byte[] in = new byte[size];
            long sum = 0;
            for (long i = 0; i < pairs; i++)
            {
                out[0]++;
                if (!queue.offerBytes(out, 0, size))
                {
                    throw new IllegalStateException("queue full");
                }
                sum += queue.pollBytes(in, 0);
            }
            System.out.println("bytes " + sum);
        }
        finally
        {
            BenchFiles.delete(dir);
        }
    }
}
