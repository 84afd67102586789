package io.jvmipc.sync;

import io.jvmipc.file.SharedDirectory;
import io.jvmipc.process.JvmProcess;
import io.jvmipc.wait.WaitStrategy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A simple timed loop, not a unit test: cost of lock/unlock and acquire/release, uncontended (one process)
 * and contended (this process and one child JVM hammering the same object). Run after {@code scripts/test}
 * has compiled the classes:
 * <pre>{@code
 * java --enable-native-access=ALL-UNNAMED -cp target/classes:target/test-classes io.jvmipc.sync.SyncBenchmark
 * }</pre>
 * Optional argument: iterations per measurement (default 2,000,000). Uncontended: best of three runs after a
 * warm-up; contended: the mean of both processes' ns/op over one run each.
 */
public final class SyncBenchmark
{
    private SyncBenchmark()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 2_000_000;
        final Path dir = Files.createTempDirectory("jvmipc-sync-bench");
        try
        {
            for (final String strategy : new String[] {"blocking", "busySpin"})
            {
                for (final String kind : new String[] {"lock", "rlock", "semaphore"})
                {
                    final String name = kind + "-" + strategy;
                    run(dir, kind, name, strategy, iterations / 10); // warm-up
                    double alone = Double.MAX_VALUE;
                    for (int round = 0; round < 3; round++)
                    {
                        alone = Math.min(alone, run(dir, kind, name, strategy, iterations)); // best of 3
                    }
                    final double contended = contended(dir, kind, name + "-c", strategy, iterations);
                    System.out.printf("%-9s %-8s uncontended %7.1f ns/op   contended (2 processes) %8.1f ns/op%n",
                        kind, strategy, alone, contended);
                }
            }
        }
        finally
        {
            try (Stream<Path> files = Files.walk(dir))
            {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Child side of a contended run: args dir, kind, name, strategy, iterations. Prints "ns/op=...". */
    public static void child(final String[] args) throws Exception
    {
        final Path go = Path.of(args[0]).resolve(args[2] + ".go");
        System.out.println("READY");
        while (!Files.exists(go))
        {
            Thread.yield(); // start line of a benchmark (not a test): poll for the go file
        }
        System.out.println("ns/op=" + run(Path.of(args[0]), args[1], args[2], args[3], Integer.parseInt(args[4])));
    }

    private static double contended(final Path dir, final String kind, final String name, final String strategy,
        final int iterations) throws Exception
    {
        try (JvmProcess child = JvmProcess.builder(SyncBenchmark.class).captureOutput().method("child")
                .args(dir.toString(), kind, name, strategy, Integer.toString(iterations)).start())
        {
            if (!child.awaitOutput("READY", 30, TimeUnit.SECONDS))
            {
                throw new IllegalStateException("child did not start: " + child.output());
            }
            Files.createFile(dir.resolve(name + ".go"));
            final double mine = run(dir, kind, name, strategy, iterations);
            child.join(120, TimeUnit.SECONDS);
            final String out = child.output();
            final double theirs = Double.parseDouble(out.substring(out.indexOf("ns/op=") + 6).trim());
            return (mine + theirs) / 2;
        }
    }

    private static WaitStrategy strategy(final String strategy)
    {
        return "busySpin".equals(strategy) ? WaitStrategy.busySpin() : WaitStrategy.blocking();
    }

    private static AutoCloseable open(final Path dir, final String kind, final String name, final String strategy)
    {
        final SharedDirectory directory = SharedDirectory.of(dir);
        return switch (kind)
        {
            case "lock" -> SharedLock.builder(name).directory(directory).waitStrategy(strategy(strategy))
                .openOrCreate();
            case "rlock" -> SharedReentrantLock.builder(name).directory(directory).waitStrategy(strategy(strategy))
                .openOrCreate();
            default -> SharedSemaphore.builder(name, 1).directory(directory).waitStrategy(strategy(strategy))
                .openOrCreate();
        };
    }

    /** Nanoseconds per lock+unlock (or acquire+release) pair. */
    private static double run(final Path dir, final String kind, final String name, final String strategy,
        final int iterations) throws Exception
    {
        try (AutoCloseable handle = open(dir, kind, name, strategy))
        {
            final long start = System.nanoTime();
            if (handle instanceof SharedLock lock)
            {
                for (int i = 0; i < iterations; i++)
                {
                    lock.lock();
                    lock.unlock();
                }
            }
            else if (handle instanceof SharedReentrantLock lock)
            {
                for (int i = 0; i < iterations; i++)
                {
                    lock.lock();
                    lock.unlock();
                }
            }
            else
            {
                final SharedSemaphore semaphore = (SharedSemaphore)handle;
                for (int i = 0; i < iterations; i++)
                {
                    semaphore.acquire();
                    semaphore.release();
                }
            }
            return (System.nanoTime() - start) / (double)iterations;
        }
    }
}
