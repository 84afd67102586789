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
 * Records where the child processes of a run actually ran: every 100 ms, for each registered process, the CPU
 * (field 39 of {@code /proc/<pid>/task/<tid>/stat}) of its busiest thread since the last sample, if it ran at least half of that time (the thread
 * whose utime+stime grew most: the JVM's main thread is not the one doing the work). Also how often the busy
 * threads of A and B were seen on the same CPU, and each process's allowed CPU list.
 */
final class Placement implements AutoCloseable
{
    private static final long PERIOD_MILLIS = 100;
    /** Clock ticks (10 ms each) a thread must have run in one period to count as busy: half of it. */
    private static final long MIN_BUSY_TICKS = 5;

    private final Map<String, Long> pids = new ConcurrentHashMap<>();
    private final Map<String, Map<Integer, Integer>> cpuCounts = new ConcurrentHashMap<>();
    private final Map<String, String> allowed = new ConcurrentHashMap<>();
    private final Map<Long, Map<String, Long>> lastTicks = new HashMap<>();
    private final Thread sampler;
    private volatile boolean running = true;
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

    private void sampleLoop()
    {
        while (running)
        {
            final Map<String, Integer> now = new HashMap<>();
            for (final Map.Entry<String, Long> entry : pids.entrySet())
            {
                final int cpu = busiestThreadCpu(entry.getValue());
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

    private int busiestThreadCpu(final long pid)
    {
        final Map<String, Long> last = lastTicks.computeIfAbsent(pid, p -> new HashMap<>());
        long bestDelta = 0;
        int bestCpu = -1;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task")))
        {
            for (final Path task : tasks)
            {
                final String stat;
                try
                {
                    stat = Files.readString(task.resolve("stat"));
                }
                catch (final IOException gone)
                {
                    continue;
                }
                // fields after the command name in parentheses: field 3 is the first
                final String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                if (name.startsWith("C1 ") || name.startsWith("C2 ") || name.startsWith("GC ")
                    || name.startsWith("G1 ") || name.startsWith("VM ") || name.startsWith("Sweeper"))
                {
                    // JIT compilers and the collector: busy at start-up, not the process's work
                    continue;
                }
                final String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                final long ticks = Long.parseLong(fields[14 - 3]) + Long.parseLong(fields[15 - 3]);
                final int cpu = Integer.parseInt(fields[39 - 3]);
                final Long previous = last.put(task.getFileName().toString(), ticks);
                // a thread seen for the first time: count what it ran since it started
                final long delta = previous == null ? ticks : ticks - previous;
                if (delta >= MIN_BUSY_TICKS && delta > bestDelta)
                {
                    bestDelta = delta;
                    bestCpu = cpu;
                }
            }
        }
        catch (final IOException | RuntimeException gone)
        {
            return -1;
        }
        return bestCpu;
    }

    /** @return e.g. {@code A cpu0 92% cpu1 8% (allowed 0-1); B cpu1 100% (allowed 0-1); same CPU 10%}. */
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
                text.append(" (not sampled busy)");
            }
            text.append(" (allowed ").append(allowed.getOrDefault(role, "?")).append(')');
        }
        if (pairedSamples > 0)
        {
            text.append("; same CPU ").append(Math.round(100.0 * sameCpuSamples / pairedSamples)).append('%');
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
