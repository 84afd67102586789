package io.jvmipc.value;

import io.jvmipc.file.SharedDirectory;
import io.jvmipc.process.JvmProcess;
import io.jvmipc.sync.SharedEvent;
import io.jvmipc.wait.FutexWaitStrategy;
import io.jvmipc.wait.WaitStrategy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A simple measurement (not a unit test) of shared counters and the event, with in-process baselines measured
 * in the same run:
 * <ol>
 *   <li>uncontended {@code SharedLong.incrementAndGet()} vs {@code AtomicLong.incrementAndGet()};</li>
 *   <li>a counter incremented by two JVMs at once vs by two threads of one JVM on an {@code AtomicLong};</li>
 *   <li>the round trip of {@code SharedEvent.set()} to a waiter in another JVM and back (two events,
 *       ping-pong), with the default strategy (spin, yield, then futex), with busy-spin, and with an
 *       immediate futex sleep (no spin: the kernel wake-up itself).</li>
 * </ol>
 * Run after {@code scripts/test} (or {@code mvn test-compile}):
 * {@code java --enable-native-access=ALL-UNNAMED -cp target/classes:target/test-classes
 * io.jvmipc.value.ValueLatencyMain}
 */
public final class ValueLatencyMain
{
    private static final int INCREMENTS = 20_000_000;
    private static final int CONTENDED_INCREMENTS = 5_000_000;
    private static final int ROUND_TRIPS = 20_000;
    private static final int WARMUP_ROUND_TRIPS = 5_000;

    private ValueLatencyMain()
    {
    }

    /**
     * Runs the measurements and prints the figures.
     *
     * @param args ignored.
     * @throws Exception if a child fails.
     */
    public static void main(final String[] args) throws Exception
    {
        final Path temp = Files.createTempDirectory(Path.of("/dev/shm"), "jvmipc-bench-");
        final SharedDirectory dir = SharedDirectory.of(temp);
        try
        {
            uncontended(dir);
            contended(dir, temp);
            pingPong(dir, temp, "blocking");
            pingPong(dir, temp, "busySpin");
            pingPong(dir, temp, "futexOnly");
        }
        finally
        {
            try (var files = Files.list(temp))
            {
                files.forEach(file -> file.toFile().delete());
            }
            Files.deleteIfExists(temp);
        }
    }

    private static void uncontended(final SharedDirectory dir)
    {
        try (SharedLong counter = SharedLong.builder("uncontended").directory(dir).create())
        {
            final AtomicLong baseline = new AtomicLong();
            double shared = 0;
            double atomic = 0;
            for (int round = 0; round < 5; round++)
            {
                long start = System.nanoTime();
                for (int i = 0; i < INCREMENTS; i++)
                {
                    counter.incrementAndGet();
                }
                shared = (System.nanoTime() - start) / (double)INCREMENTS;
                start = System.nanoTime();
                for (int i = 0; i < INCREMENTS; i++)
                {
                    baseline.incrementAndGet();
                }
                atomic = (System.nanoTime() - start) / (double)INCREMENTS;
            }
            System.out.printf("uncontended incrementAndGet: SharedLong %.2f ns/op, AtomicLong %.2f ns/op, " +
                "ratio %.2f (last of 5 rounds of %,d; counter %,d)%n", shared, atomic, shared / atomic, INCREMENTS,
                counter.get());
        }
    }

    private static void contended(final SharedDirectory dir, final Path temp) throws Exception
    {
        try (SharedLong counter = SharedLong.builder("contended").directory(dir).create();
            SharedEvent start = SharedEvent.builder("contended-start").directory(dir).create();
            JvmProcess child = JvmProcess.builder(ValueLatencyMain.class).captureOutput().method("contendChild")
                .args(temp.toString()).start())
        {
            if (!child.awaitOutput("READY", 60, TimeUnit.SECONDS))
            {
                throw new IllegalStateException("child not ready: " + child.output());
            }
            start.set();
            final long begin = System.nanoTime();
            for (int i = 0; i < CONTENDED_INCREMENTS; i++)
            {
                counter.incrementAndGet();
            }
            final long parentNanos = System.nanoTime() - begin;
            if (!child.join(120, TimeUnit.SECONDS) || child.exitValue() != 0)
            {
                throw new IllegalStateException("child failed: " + child.output());
            }
            final String line = child.outputLines().stream().filter(l -> l.startsWith("NANOS ")).findFirst()
                .orElseThrow();
            final long childNanos = Long.parseLong(line.substring("NANOS ".length()).trim());
            final double baseline = twoThreadAtomicNanosPerOp();
            final double shared = (double)parentNanos / CONTENDED_INCREMENTS;
            System.out.printf("2-process contended incrementAndGet: %.2f ns/op in this JVM, %.2f ns/op in the " +
                "child (each %,d); 2 threads on one AtomicLong: %.2f ns/op; ratio %.2f; total %,d (expected %,d)%n",
                shared, (double)childNanos / CONTENDED_INCREMENTS, CONTENDED_INCREMENTS, baseline, shared / baseline,
                counter.get(), 2L * CONTENDED_INCREMENTS);
        }
    }

    private static double twoThreadAtomicNanosPerOp() throws InterruptedException
    {
        final AtomicLong counter = new AtomicLong();
        final long[] nanos = new long[2];
        final Thread[] threads = new Thread[2];
        for (int t = 0; t < 2; t++)
        {
            final int index = t;
            threads[t] = Thread.ofPlatform().start(() ->
            {
                final long begin = System.nanoTime();
                for (int i = 0; i < CONTENDED_INCREMENTS; i++)
                {
                    counter.incrementAndGet();
                }
                nanos[index] = System.nanoTime() - begin;
            });
        }
        for (final Thread thread : threads)
        {
            thread.join();
        }
        return (double)nanos[0] / CONTENDED_INCREMENTS;
    }

    /**
     * The other side of the contended measurement. Args: directory.
     *
     * @param args the directory.
     * @throws InterruptedException if interrupted.
     */
    public static void contendChild(final String[] args) throws InterruptedException
    {
        final SharedDirectory dir = SharedDirectory.of(Path.of(args[0]));
        try (SharedLong counter = SharedLong.builder("contended").directory(dir).open();
            SharedEvent start = SharedEvent.builder("contended-start").directory(dir).open())
        {
            System.out.println("READY");
            start.await();
            final long begin = System.nanoTime();
            for (int i = 0; i < CONTENDED_INCREMENTS; i++)
            {
                counter.incrementAndGet();
            }
            System.out.println("NANOS " + (System.nanoTime() - begin));
        }
    }

    private static void pingPong(final SharedDirectory dir, final Path temp, final String strategy) throws Exception
    {
        final WaitStrategy waitStrategy = strategy(strategy);
        try (SharedEvent ping = SharedEvent.builder("ping-" + strategy).directory(dir).waitStrategy(waitStrategy)
            .create();
            SharedEvent pong = SharedEvent.builder("pong-" + strategy).directory(dir).waitStrategy(waitStrategy)
                .create();
            JvmProcess child = JvmProcess.builder(ValueLatencyMain.class).captureOutput().method("pongChild")
                .args(temp.toString(), strategy).start())
        {
            if (!child.awaitOutput("READY", 60, TimeUnit.SECONDS))
            {
                throw new IllegalStateException("child not ready: " + child.output());
            }
            final long[] rtt = new long[ROUND_TRIPS];
            for (int i = -WARMUP_ROUND_TRIPS; i < ROUND_TRIPS; i++)
            {
                final long begin = System.nanoTime();
                ping.set();
                pong.await();
                pong.clear();
                if (i >= 0)
                {
                    rtt[i] = System.nanoTime() - begin;
                }
            }
            if (!child.join(60, TimeUnit.SECONDS) || child.exitValue() != 0)
            {
                throw new IllegalStateException("child failed: " + child.output());
            }
            Arrays.sort(rtt);
            System.out.printf("Event set -> waiter in another JVM -> set back (%s), %,d round trips: median " +
                "%.1f us, p90 %.1f us, p99 %.1f us (one-way wake-up about half the median)%n", strategy, ROUND_TRIPS,
                rtt[ROUND_TRIPS / 2] / 1e3, rtt[ROUND_TRIPS * 9 / 10] / 1e3, rtt[ROUND_TRIPS * 99 / 100] / 1e3);
        }
    }

    /**
     * The other side of the ping-pong. Args: directory, strategy name.
     *
     * @param args the directory and the strategy.
     * @throws InterruptedException if interrupted.
     * @throws IOException never.
     */
    public static void pongChild(final String[] args) throws InterruptedException, IOException
    {
        final SharedDirectory dir = SharedDirectory.of(Path.of(args[0]));
        final WaitStrategy waitStrategy = strategy(args[1]);
        try (SharedEvent ping = SharedEvent.builder("ping-" + args[1]).directory(dir).waitStrategy(waitStrategy)
            .open();
            SharedEvent pong = SharedEvent.builder("pong-" + args[1]).directory(dir).waitStrategy(waitStrategy)
                .open())
        {
            System.out.println("READY");
            for (int i = 0; i < WARMUP_ROUND_TRIPS + ROUND_TRIPS; i++)
            {
                ping.await();
                ping.clear();
                pong.set();
            }
        }
    }

    private static WaitStrategy strategy(final String name)
    {
        return switch (name)
        {
            case "busySpin" -> WaitStrategy.busySpin();
            // no spinning or yielding: every wait sleeps on the futex, so this measures the kernel wake-up
            case "futexOnly" -> new FutexWaitStrategy(0, 0, TimeUnit.MILLISECONDS.toNanos(50));
            default -> WaitStrategy.blocking();
        };
    }
}
