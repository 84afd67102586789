package io.jvmipc.bench.harness;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Records where the child processes of a run ran while they were measuring: every 10 ms between a child's
 * {@code @phase start} and {@code @phase end} lines, for each registered process, the CPU its working thread
 * last ran on (field 39 of {@code /proc/<pid>/task/<tid>/stat}). The working thread of a JVM is its Java main
 * thread (the task named "java" other than the process leader, which only waits for it); of a Python
 * process, the leader. Also how often the two sides A and B were seen on the same CPU, and each process's
 * allowed CPU list.
 */
final class Placement implements AutoCloseable
{
    private static final long PERIOD_MILLIS = 10;

    private final Map<String, Long> pids = new ConcurrentHashMap<>();
    private final Map<String, Path> workers = new ConcurrentHashMap<>();
    private final Map<String, Map<Integer, Integer>> cpuCounts = new ConcurrentHashMap<>();
    private final Map<String, String> allowed = new ConcurrentHashMap<>();
    private final Thread sampler;
    private volatile boolean running = true;
    private volatile boolean measuring;
    private int pairedSamples;
    private int sameCpuSamples;

    Placement()
    {
        sampler = Thread.ofPlatform().daemon().name("placement-sampler").start(this::sampleLoop);
    }

    void register(final String role, final long pid)
    {
        pids.put(role, pid);
        try
        {
            for (final String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")))
            {
                if (line.startsWith("Cpus_allowed_list:"))
                {
                    allowed.put(role, line.substring(line.indexOf(':') + 1).trim());
                }
            }
        }
        catch (final IOException ignored)
        {
            // the process may already be gone: placement is then unknown
        }
    }

    /**
     * Starts or stops sampling (a child printed {@code @phase start} or {@code @phase end}).
     *
     * @param on true while a measured phase runs.
     */
    void measuring(final boolean on)
    {
        measuring = on;
    }

    private void sampleLoop()
    {
        while (running)
        {
            if (measuring)
            {
                sample();
            }
            try
            {
                Thread.sleep(PERIOD_MILLIS);
            }
            catch (final InterruptedException e)
            {
                return;
            }
        }
    }

    private void sample()
    {
        final Map<String, Integer> now = new HashMap<>();
        for (final Map.Entry<String, Long> entry : pids.entrySet())
        {
            final int cpu = workerCpu(entry.getKey(), entry.getValue());
            if (cpu >= 0)
            {
                now.put(entry.getKey(), cpu);
                cpuCounts.computeIfAbsent(entry.getKey(), k -> new ConcurrentHashMap<>()).merge(cpu, 1, Integer::sum);
            }
        }
        if (now.containsKey("A") && now.containsKey("B"))
        {
            synchronized (this)
            {
                pairedSamples++;
                if (now.get("A").equals(now.get("B")))
                {
                    sameCpuSamples++;
                }
            }
        }
    }

    private int workerCpu(final String role, final long pid)
    {
        try
        {
            Path stat = workers.get(role);
            if (stat == null)
            {
                stat = findWorker(pid);
                workers.put(role, stat);
            }
            final String text = Files.readString(stat);
            // fields after the command name in parentheses: the first is field 3
            final String[] fields = text.substring(text.lastIndexOf(')') + 2).split(" ");
            return Integer.parseInt(fields[39 - 3]);
        }
        catch (final IOException | RuntimeException gone)
        {
            return -1;
        }
    }

    private static Path findWorker(final long pid) throws IOException
    {
        final Path tasks = Path.of("/proc", Long.toString(pid), "task");
        long best = Long.MAX_VALUE;
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(tasks))
        {
            for (final Path task : stream)
            {
                final long tid = Long.parseLong(task.getFileName().toString());
                if (tid != pid && tid < best && "java".equals(Files.readString(task.resolve("comm")).trim()))
                {
                    best = tid;
                }
            }
        }
        return tasks.resolve(Long.toString(best == Long.MAX_VALUE ? pid : best)).resolve("stat");
    }

    /** @return e.g. {@code A pid 12 cpu0 92% cpu1 8% (allowed 0-1); B pid 13 cpu1 100% (allowed 0-1); same CPU 10%}. */
    synchronized String describe()
    {
        final StringBuilder text = new StringBuilder();
        for (final String role : new TreeMap<>(pids).keySet())
        {
            if (!text.isEmpty())
            {
                text.append("; ");
            }
            text.append(role).append(" pid ").append(pids.get(role));
            final Map<Integer, Integer> counts = cpuCounts.getOrDefault(role, Map.of());
            final int total = counts.values().stream().mapToInt(Integer::intValue).sum();
            for (final Map.Entry<Integer, Integer> entry : new TreeMap<>(counts).entrySet())
            {
                text.append(" cpu").append(entry.getKey()).append(' ')
                    .append(Math.round(100.0 * entry.getValue() / total)).append('%');
            }
            if (total == 0)
            {
                text.append(" (no sample)");
            }
            text.append(" (allowed ").append(allowed.getOrDefault(role, "?")).append(')');
        }
        if (pairedSamples > 0)
        {
            text.append("; same CPU ").append(Math.round(100.0 * sameCpuSamples / pairedSamples)).append("% of ")
                .append(pairedSamples).append(" samples");
        }
        return text.toString();
    }

    @Override
    public void close() throws InterruptedException
    {
        running = false;
        sampler.interrupt();
        sampler.join(1_000);
    }
}
