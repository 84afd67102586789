package io.jvmipc.tools;

import io.jvmipc.codec.Codecs;
import io.jvmipc.file.SharedDirectory;
import io.jvmipc.process.JvmProcess;
import io.jvmipc.queue.MessageHandler;
import io.jvmipc.queue.SharedQueue;
import io.jvmipc.wait.WaitStrategy;

import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

/**
 * The demo that {@code scripts/demo} runs: a parent JVM starts a producer JVM and a consumer JVM that talk
 * through shared queues, and prints what happened.
 * <ol>
 *   <li>Python's writer/reader example: the writer puts "message 0" .. "message 4", the reader gets them
 *       with a 2 s timeout until the queue is empty;</li>
 *   <li>throughput: the producer streams 32-byte messages (claimed and committed in place), the consumer
 *       checks every sequence number;</li>
 *   <li>round trip: the parent and an echo JVM ping-pong a 32-byte message through two queues, with the
 *       blocking (futex) wait strategy and with busy spinning.</li>
 * </ol>
 * Everything lives in a temporary directory under {@code /dev/shm} that is removed at the end.
 */
public final class Demo
{
    private static final int MESSAGE = 32;
    private static final int STREAM_COUNT = 5_000_000;
    private static final int ROUND_TRIPS = 50_000;
    private static final int WARM_UP = 10_000;

    private Demo()
    {
    }

    /**
     * Runs the demo.
     *
     * @param args ignored.
     * @throws Exception if a step fails; the exit status is then non-zero.
     */
    public static void main(final String[] args) throws Exception
    {
        final Path base = Files.isDirectory(Path.of("/dev/shm")) ? Path.of("/dev/shm") :
            Path.of(System.getProperty("java.io.tmpdir"));
        final Path dir = Files.createTempDirectory(base, "jvmipc-demo-");
        try
        {
            final SharedDirectory directory = SharedDirectory.of(dir);
            writerAndReader(directory);
            streaming(directory);
            roundTrip(directory, "blocking (futex)", "blocking");
            roundTrip(directory, "busy spin", "spin");
        }
        finally
        {
            try (Stream<Path> files = Files.walk(dir))
            {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    private static void writerAndReader(final SharedDirectory directory) throws Exception
    {
        System.out.println("1. Writer and reader processes (Python's Queue example)");
        try (SharedQueue<String> queue = SharedQueue.builder("messages", Codecs.utf8()).directory(directory)
            .capacity(16).maxMessageSize(64).create();
            JvmProcess writer = child("writer", directory, "messages");
            JvmProcess reader = child("reader", directory, "messages"))
        {
            join(writer);
            join(reader);
            reader.outputLines().forEach(line -> System.out.println("   reader: " + line));
            System.out.println("   both joined; queue empty: " + queue.isEmpty());
        }
    }

    private static void streaming(final SharedDirectory directory) throws Exception
    {
        System.out.println("2. Streaming " + String.format(Locale.ROOT, "%,d", STREAM_COUNT) + " messages of " +
            MESSAGE + " bytes from a producer JVM to a consumer JVM");
        try (SharedQueue<byte[]> queue = SharedQueue.builder("stream", Codecs.bytes()).directory(directory)
            .capacity(4096).maxMessageSize(MESSAGE).create();
            JvmProcess consumer = child("consumer", directory, "stream", String.valueOf(STREAM_COUNT));
            JvmProcess producer = child("producer", directory, "stream", String.valueOf(STREAM_COUNT)))
        {
            join(producer);
            join(consumer);
            consumer.outputLines().forEach(line -> System.out.println("   consumer: " + line));
            System.out.println("   queue empty afterwards: " + queue.isEmpty());
        }
    }

    private static void roundTrip(final SharedDirectory directory, final String label, final String mode)
        throws Exception
    {
        System.out.println("3. Round trip between two JVMs, " + label + ", " + MESSAGE + "-byte message");
        final WaitStrategy strategy = "spin".equals(mode) ? WaitStrategy.busySpin() : WaitStrategy.blocking();
        final String ping = "ping-" + mode;
        final String pong = "pong-" + mode;
        try (SharedQueue<byte[]> out = SharedQueue.builder(ping, Codecs.bytes()).directory(directory)
            .capacity(64).maxMessageSize(MESSAGE).waitStrategy(strategy).create();
            SharedQueue<byte[]> in = SharedQueue.builder(pong, Codecs.bytes()).directory(directory)
                .capacity(64).maxMessageSize(MESSAGE).waitStrategy(strategy).create();
            JvmProcess echo = child("echo", directory, ping, pong, mode,
                String.valueOf(WARM_UP + ROUND_TRIPS)))
        {
            final byte[] message = new byte[MESSAGE];
            final byte[] reply = new byte[MESSAGE];
            final long[] nanos = new long[ROUND_TRIPS];
            for (int i = 0; i < WARM_UP + ROUND_TRIPS; i++)
            {
                final long start = System.nanoTime();
                out.offerBytes(message, 0, MESSAGE, 10, TimeUnit.SECONDS);
                if (in.pollBytes(reply, 0, 10, TimeUnit.SECONDS) != MESSAGE)
                {
                    throw new IllegalStateException("no echo for round trip " + i + ": " + echo.output());
                }
                if (i >= WARM_UP)
                {
                    nanos[i - WARM_UP] = System.nanoTime() - start;
                }
            }
            join(echo);
            Arrays.sort(nanos);
            System.out.printf(Locale.ROOT, "   %,d round trips: p50 %.2f us, p90 %.2f us, p99 %.2f us, max %.2f us%n",
                ROUND_TRIPS, micros(nanos, 0.50), micros(nanos, 0.90), micros(nanos, 0.99),
                nanos[nanos.length - 1] / 1000.0);
        }
    }

    private static double micros(final long[] sorted, final double quantile)
    {
        return sorted[(int)Math.min(sorted.length - 1, Math.floor(quantile * sorted.length))] / 1000.0;
    }

    private static JvmProcess child(final String method, final SharedDirectory directory, final String... args)
    {
        final String[] all = new String[args.length + 1];
        all[0] = directory.path().toString();
        System.arraycopy(args, 0, all, 1, args.length);
        return JvmProcess.builder(Demo.class).method(method).args(all).captureOutput().start();
    }

    private static void join(final JvmProcess process) throws InterruptedException
    {
        if (!process.join(120, TimeUnit.SECONDS) || process.exitValue() != 0)
        {
            throw new IllegalStateException("child " + process.pid() + " failed:\n" + process.output());
        }
    }

    private static SharedDirectory directory(final String[] args)
    {
        return SharedDirectory.of(Path.of(args[0]));
    }

    /**
     * Child: puts "message 0" .. "message 4" (args: directory, queue).
     *
     * @param args directory, queue name.
     * @throws InterruptedException if interrupted.
     */
    public static void writer(final String[] args) throws InterruptedException
    {
        try (SharedQueue<String> queue = SharedQueue.builder(args[1], Codecs.utf8()).directory(directory(args))
            .open())
        {
            for (int i = 0; i < 5; i++)
            {
                queue.put("message " + i);
            }
        }
    }

    /**
     * Child: gets messages with a 2 s timeout until none comes, printing each (args: directory, queue).
     *
     * @param args directory, queue name.
     * @throws InterruptedException if interrupted.
     */
    public static void reader(final String[] args) throws InterruptedException
    {
        try (SharedQueue<String> queue = SharedQueue.builder(args[1], Codecs.utf8()).directory(directory(args))
            .open())
        {
            String message;
            while ((message = queue.poll(2, TimeUnit.SECONDS)) != null)
            {
                System.out.println("got '" + message + "'");
            }
        }
    }

    /**
     * Child: streams numbered messages, claiming and committing slots in place (args: directory, queue, count).
     *
     * @param args directory, queue name, count.
     * @throws InterruptedException if interrupted.
     */
    public static void producer(final String[] args) throws InterruptedException
    {
        final long count = Long.parseLong(args[2]);
        try (SharedQueue<byte[]> queue = SharedQueue.builder(args[1], Codecs.bytes()).directory(directory(args))
            .open())
        {
            final MemorySegment buffer = queue.buffer();
            for (long seq = 0; seq < count; seq++)
            {
                long claim;
                while ((claim = queue.tryClaim()) < 0)
                {
                    Thread.onSpinWait();
                }
                buffer.set(JAVA_LONG_UNALIGNED, queue.offset(claim), seq);
                queue.commit(claim, MESSAGE);
            }
        }
    }

    /**
     * Child: reads numbered messages in place, checks each sequence number, prints the rate (args: directory,
     * queue, count).
     *
     * @param args directory, queue name, count.
     */
    public static void consumer(final String[] args)
    {
        final long count = Long.parseLong(args[2]);
        final long[] expected = {0};
        try (SharedQueue<byte[]> queue = SharedQueue.builder(args[1], Codecs.bytes()).directory(directory(args))
            .open())
        {
            final MessageHandler check = (buffer, offset, length) ->
            {
                final long seq = buffer.get(JAVA_LONG_UNALIGNED, offset);
                if (seq != expected[0] || length != MESSAGE)
                {
                    throw new IllegalStateException("expected message " + expected[0] + ", got " + seq);
                }
                expected[0]++;
            };
            long start = 0;
            while (expected[0] < count)
            {
                final boolean got = queue.poll(check);
                if (got && expected[0] == 1)
                {
                    start = System.nanoTime();
                }
                else if (!got)
                {
                    Thread.onSpinWait();
                }
            }
            final double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf(Locale.ROOT, "%,d messages in order, none lost: %.1f M msgs/s, %.0f MB/s%n",
                count, count / seconds / 1e6, count * (double)MESSAGE / seconds / 1e6);
        }
    }

    /**
     * Child: echoes every message from one queue to another (args: directory, in queue, out queue, mode, count).
     *
     * @param args directory, queue to read, queue to write, "spin" or "blocking", count.
     * @throws InterruptedException if interrupted.
     */
    public static void echo(final String[] args) throws InterruptedException
    {
        final WaitStrategy strategy = "spin".equals(args[3]) ? WaitStrategy.busySpin() : WaitStrategy.blocking();
        final long count = Long.parseLong(args[4]);
        try (SharedQueue<byte[]> in = SharedQueue.builder(args[1], Codecs.bytes()).directory(directory(args))
            .waitStrategy(strategy).open();
            SharedQueue<byte[]> out = SharedQueue.builder(args[2], Codecs.bytes()).directory(directory(args))
                .waitStrategy(strategy).open())
        {
            final byte[] message = new byte[MESSAGE];
            for (long i = 0; i < count; i++)
            {
                final int length = in.pollBytes(message, 0, 10, TimeUnit.SECONDS);
                if (length < 0 || !out.offerBytes(message, 0, length, 10, TimeUnit.SECONDS))
                {
                    throw new IllegalStateException("echo stalled at " + i);
                }
            }
        }
    }
}
