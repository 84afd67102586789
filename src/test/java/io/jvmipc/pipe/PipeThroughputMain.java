package io.jvmipc.pipe;

import io.jvmipc.ChildJvms;
import io.jvmipc.file.SharedDirectory;
import io.jvmipc.wait.RemoteBarrier;
import io.jvmipc.process.JvmProcess;

import java.io.EOFException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Minimal cross-JVM measurement of the pipe beside an OS pipe, in one run: streaming throughput (child sends,
 * this JVM receives and checks every sequence number) and round-trip time (this JVM sends, the child echoes),
 * for 32 and 256-byte messages. RTT is measured with busy-spinning ends ("spin"), the pipe's default strategy
 * ("default": spins some tens of microseconds, then sleeps) and {@code WaitStrategy.blocking()} ("futex": spins
 * about 100 times, so each side sleeps on the futex in every round trip). The OS pipe writes one message per {@code write} call (the child's stdout or
 * stdin, unbuffered). Not a substitute for the project's benchmark harness.
 * <p>
 * Run: {@code mvn -q test-compile} then
 * {@code java --enable-native-access=ALL-UNNAMED -cp target/classes:target/test-classes
 * io.jvmipc.pipe.PipeThroughputMain [streamCount] [rttCount]}.
 */
public final class PipeThroughputMain
{
    private PipeThroughputMain()
    {
    }

    /**
     * Runs the measurements and prints a table.
     *
     * @param args optional: messages per streaming run, round trips per RTT run.
     * @throws Exception on failure.
     */
    public static void main(final String[] args) throws Exception
    {
        final long streamCount = args.length > 0 ? Long.parseLong(args[0]) : 50_000_000L;
        final int rttCount = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        final Path dir = Files.createTempDirectory("jvmipc-pipe-bench");
        System.out.printf("membarrier available (the pipe's doorbell takes a fence instead): %s%n", RemoteBarrier.AVAILABLE);
        for (final int size : new int[] {32, 256})
        {
            final long count = size == 32 ? streamCount : streamCount / 4;
            for (int run = 0; run < 3; run++)
            {
                report("pipe stream", size, count, streamPipe(dir, "s" + size + "_" + run, size, count));
            }
            final long osCount = Math.min(count, 2_000_000L);
            report("os-pipe stream", size, osCount, streamOsPipe(size, osCount));
            rtt("pipe rtt spin", size, rttPipe(dir, "rs" + size, size, rttCount, "spin"));
            rtt("pipe rtt default", size, rttPipe(dir, "rb" + size, size, rttCount / 5, "default"));
            rtt("pipe rtt futex", size, rttPipe(dir, "rf" + size, size, rttCount / 5, "futex"));
            rtt("os-pipe rtt", size, rttOsPipe(size, rttCount / 5));
        }
        try (var files = Files.walk(dir))
        {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    private static void report(final String what, final int size, final long count, final long nanos)
    {
        System.out.printf("%-18s %4d B: %,12d msgs in %,8.1f ms = %8.2f M msgs/s%n", what, size, count,
            nanos / 1e6, count * 1e3 / nanos);
    }

    private static void rtt(final String what, final int size, final long[] nanos)
    {
        Arrays.sort(nanos);
        System.out.printf("%-18s %4d B: median %8.2f us, p90 %8.2f us, p99 %8.2f us (%d round trips)%n", what, size,
            nanos[nanos.length / 2] / 1e3, nanos[nanos.length * 9 / 10] / 1e3, nanos[nanos.length * 99 / 100] / 1e3,
            nanos.length);
    }

    private static long streamPipe(final Path dir, final String name, final int size, final long count)
        throws Exception
    {
        try (Connection<byte[]> a = Pipe.builder(name).directory(SharedDirectory.of(dir)).connect(End.A);
            JvmProcess child = ChildJvms.startMain(PipeBenchChild.class, "stream", dir.toString(), name,
                Integer.toString(size), Long.toString(count), "default"))
        {
            final byte[] buffer = new byte[size];
            a.recvBytesInto(buffer);
            final long start = System.nanoTime();
            for (long i = 1; i < count; i++)
            {
                a.recvBytesInto(buffer);
                if ((long)PipeBenchChild.LONG_IN_BYTES.get(buffer, 0) != i)
                {
                    throw new IllegalStateException("message " + i + " arrived as " +
                        PipeBenchChild.LONG_IN_BYTES.get(buffer, 0));
                }
            }
            final long nanos = System.nanoTime() - start;
            try
            {
                a.recvBytesInto(buffer);
                throw new IllegalStateException("more messages than sent");
            }
            catch (final EOFException expected)
            {
                // all messages were received and the child closed
            }
            child.join(60, TimeUnit.SECONDS);
            a.unlink();
            return nanos * count / (count - 1);
        }
    }

    private static long[] rttPipe(final Path dir, final String name, final int size, final int count,
        final String strategy) throws Exception
    {
        final long[] nanos = new long[count];
        final Connection<byte[]> a = Pipe.builder(name).directory(SharedDirectory.of(dir))
            .waitStrategy(PipeBenchChild.strategy(strategy)).connect(End.A);
        try (JvmProcess child = ChildJvms.startMain(PipeBenchChild.class, "echo", dir.toString(), name, strategy))
        {
            final byte[] message = new byte[size];
            final int warmup = count / 2;
            for (int i = -warmup; i < count; i++)
            {
                PipeBenchChild.LONG_IN_BYTES.set(message, 0, (long)i);
                final long start = System.nanoTime();
                a.sendBytes(message);
                a.recvBytesInto(message);
                final long elapsed = System.nanoTime() - start;
                if ((long)PipeBenchChild.LONG_IN_BYTES.get(message, 0) != i)
                {
                    throw new IllegalStateException("echo mismatch at " + i);
                }
                if (i >= 0)
                {
                    nanos[i] = elapsed;
                }
            }
            a.close();
            child.join(60, TimeUnit.SECONDS);
        }
        finally
        {
            a.close();
        }
        return nanos;
    }

    private static Process startRaw(final String... args) throws Exception
    {
        final List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(JvmProcess.inheritedJvmArguments());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(PipeBenchChild.class.getName());
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    private static long streamOsPipe(final int size, final long count) throws Exception
    {
        final Process child = startRaw("os-stream", Integer.toString(size), Long.toString(count));
        try (InputStream in = child.getInputStream())
        {
            final byte[] buffer = new byte[size];
            in.readNBytes(buffer, 0, size);
            final long start = System.nanoTime();
            for (long i = 1; i < count; i++)
            {
                if (in.readNBytes(buffer, 0, size) != size || (long)PipeBenchChild.LONG_IN_BYTES.get(buffer, 0) != i)
                {
                    throw new IllegalStateException("os pipe message " + i + " wrong");
                }
            }
            final long nanos = System.nanoTime() - start;
            child.waitFor(60, TimeUnit.SECONDS);
            return nanos * count / (count - 1);
        }
    }

    private static long[] rttOsPipe(final int size, final int count) throws Exception
    {
        final Process child = startRaw("os-echo", Integer.toString(size));
        final long[] nanos = new long[count];
        try (OutputStream out = child.getOutputStream(); InputStream in = child.getInputStream())
        {
            final byte[] message = new byte[size];
            final int warmup = count / 2;
            for (int i = -warmup; i < count; i++)
            {
                PipeBenchChild.LONG_IN_BYTES.set(message, 0, (long)i);
                final long start = System.nanoTime();
                out.write(message);
                out.flush();
                in.readNBytes(message, 0, size);
                final long elapsed = System.nanoTime() - start;
                if (i >= 0)
                {
                    nanos[i] = elapsed;
                }
            }
        }
        child.waitFor(60, TimeUnit.SECONDS);
        return nanos;
    }
}
