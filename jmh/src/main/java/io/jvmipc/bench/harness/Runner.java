package io.jvmipc.bench.harness;

import io.jvmipc.bench.transport.Transport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Starts the processes of one run, collects their result lines, samples placement and enforces the timeout. */
final class Runner
{
    private final Options options;
    private final Path scratch;
    private final Path logs;
    private final String java;

    Runner(final Options options, final Path scratch, final Path logs)
    {
        this.options = options;
        this.scratch = scratch;
        this.logs = logs;
        this.java = ProcessHandle.current().info().command().orElse("java");
    }

    /** The outcome of one run: its measurements, or why it failed. */
    record Outcome(List<Measurement> measurements, String failure, String placement)
    {
    }

    /** A process of a run with its role (A, B, P0, C1...) and whether its stdout carries result lines. */
    private record Child(String role, List<String> command, boolean resultsOnStdout)
    {
    }

    Outcome runTransport(final Transport transport, final int repetition) throws Exception
    {
        final String runName = repetition + "-" + transport.id();
        final Path dir = Files.createDirectories(scratch.resolve(runName));
        final int divisor = options.countDivisor(transport);
        final List<String> args = List.of(
            "transport=" + transport.id(), "dir=" + dir,
            "sizes=" + join(options.sizes), "warmup=" + options.warmup / divisor,
            "warmupMillis=" + options.warmupMillis,
            "rtt=" + options.rttCount / divisor, "stream=" + options.streamCount / divisor);
        final List<Child> children = new ArrayList<>();
        if (transport.python())
        {
            final List<String> command = new ArrayList<>(List.of("python3", options.pythonScript.toString()));
            command.addAll(args);
            children.add(new Child("A", command, true));
        }
        else if (transport.crossHost())
        {
            final HostPair hosts = HostPair.create();
            if (hosts == null)
            {
                deleteTree(dir);
                return new Outcome(List.of(), "network namespaces (ip netns, as root) are not available here", "");
            }
            final List<String> flags = new ArrayList<>(transport.jvmFlags());
            flags.add("-D" + Transport.HOST_A_PROPERTY + "=" + HostPair.ADDRESS_A);
            flags.add("-D" + Transport.HOST_B_PROPERTY + "=" + HostPair.ADDRESS_B);
            final List<String> a = hosts.prefix(true);
            a.addAll(jvm(flags, "io.jvmipc.bench.transport.ChildMain", args, "side=A"));
            final List<String> b = hosts.prefix(false);
            b.addAll(jvm(flags, "io.jvmipc.bench.transport.ChildMain", args, "side=B"));
            children.add(new Child("A", a, true));
            children.add(new Child("B", b, false));
            try (hosts)
            {
                return run(runName, transport.id(), repetition, children);
            }
            finally
            {
                deleteTree(dir);
            }
        }
        else
        {
            children.add(new Child("A", jvm(transport.jvmFlags(), "io.jvmipc.bench.transport.ChildMain", args, "side=A"), true));
            if (!transport.parentStartsChild())
            {
                children.add(new Child("B", jvm(transport.jvmFlags(), "io.jvmipc.bench.transport.ChildMain", args, "side=B"), false));
            }
        }
        try
        {
            return run(runName, transport.id(), repetition, children);
        }
        finally
        {
            deleteTree(dir);
        }
    }

    /** Warm-up messages per MPMC producer: as many as a streaming run's warm-up (5 x the warm-up count). */
    private int mpmcWarmup()
    {
        return options.warmup * 5;
    }

    /**
     * One multi-producer multi-consumer run of {@code producers} x {@code consumers} processes through
     * {@link io.jvmipc.bench.transport.MpmcMain} (a 1x1 run through the same program is the baseline of the P x C
     * one: the same per-message work on each side, which a streaming run's endpoints do not have).
     */
    Outcome runMpmc(final int repetition, final int producers, final int consumers) throws Exception
    {
        final String runName = repetition + "-mpmc-" + producers + "x" + consumers;
        final Path dir = Files.createDirectories(scratch.resolve(runName));
        final List<Child> children = new ArrayList<>();
        final int size = options.sizes.getFirst();
        final List<String> flags = Transport.JVMIPC_QUEUE_SPIN.jvmFlags();
        for (int c = 0; c < consumers; c++)
        {
            children.add(new Child("C" + c, jvm(flags, "io.jvmipc.bench.transport.MpmcMain",
                List.of("role=consumer", "id=" + c, "dir=" + dir, "producers=" + producers,
                    "consumers=" + consumers, "count=" + options.mpmcCount, "size=" + size,
                    "warmup=" + mpmcWarmup()), null), true));
        }
        for (int p = 0; p < producers; p++)
        {
            children.add(new Child("P" + p, jvm(flags, "io.jvmipc.bench.transport.MpmcMain",
                List.of("role=producer", "id=" + p, "dir=" + dir, "producers=" + producers,
                    "consumers=" + consumers, "count=" + options.mpmcCount, "size=" + size,
                    "warmup=" + mpmcWarmup()), null), true));
        }
        try
        {
            final Outcome outcome = run(runName, "jvmipc-queue-spin", repetition, children);
            if (outcome.failure() != null)
            {
                return outcome;
            }
            return MpmcResults.combine(outcome, repetition, producers, consumers, options.mpmcCount, size);
        }
        finally
        {
            deleteTree(dir);
        }
    }

    private List<String> jvm(final List<String> flags, final String mainClass, final List<String> args, final String side)
    {
        final List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(flags);
        command.add("-Xmx512m");
        command.add("-cp");
        command.add(options.jar);
        command.add(mainClass);
        command.addAll(args);
        if (side != null)
        {
            command.add(side);
        }
        return command;
    }

    private Outcome run(final String runName, final String transportId, final int repetition, final List<Child> children)
        throws Exception
    {
        final List<Measurement> measurements = new ArrayList<>();
        final List<Process> processes = new ArrayList<>();
        final List<Thread> readers = new ArrayList<>();
        final List<String> errors = new ArrayList<>();
        String failure = null;
        try (Placement placement = new Placement())
        {
            for (final Child child : children)
            {
                final Path log = logs.resolve(runName + "-" + child.role() + ".log");
                final ProcessBuilder builder = new ProcessBuilder(child.command()).redirectError(log.toFile());
                final Process process = builder.start();
                processes.add(process);
                placement.register(child.role(), process.pid());
                final Path outLog = logs.resolve(runName + "-" + child.role() + ".out");
                readers.add(Thread.ofPlatform().daemon().start(() -> readOutput(process, outLog, child, placement,
                    measurements, transportId, repetition, errors)));
            }
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(options.timeoutSeconds);
            for (int i = 0; i < processes.size(); i++)
            {
                final Process process = processes.get(i);
                final long left = deadline - System.nanoTime();
                if (!process.waitFor(Math.max(left, 0), TimeUnit.NANOSECONDS))
                {
                    failure = "timed out after " + options.timeoutSeconds + " s (" + children.get(i).role() + " still running)";
                    break;
                }
                if (process.exitValue() != 0 && failure == null)
                {
                    failure = children.get(i).role() + " exited with status " + process.exitValue() + ": "
                        + firstError(logs.resolve(runName + "-" + children.get(i).role() + ".log"));
                }
            }
            if (failure != null)
            {
                for (final Process process : processes)
                {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly();
                }
            }
            for (final Thread reader : readers)
            {
                reader.join(5_000);
            }
            final String where = placement.describe();
            if (failure == null && !errors.isEmpty())
            {
                failure = errors.getFirst();
            }
            final List<Measurement> placed = new ArrayList<>();
            synchronized (measurements)
            {
                for (final Measurement m : measurements)
                {
                    placed.add(new Measurement(m.repetition(), m.transport(), m.kind(), m.size(), m.metrics(), where));
                }
            }
            return new Outcome(placed, failure, where);
        }
    }

    private static void readOutput(final Process process, final Path outLog, final Child child,
        final Placement placement, final List<Measurement> measurements, final String transportId,
        final int repetition, final List<String> errors)
    {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(),
            StandardCharsets.UTF_8)); PrintWriter log = new PrintWriter(Files.newBufferedWriter(outLog)))
        {
            String line;
            while ((line = reader.readLine()) != null)
            {
                log.println(line);
                if (line.startsWith("@phase "))
                {
                    placement.measuring(line.startsWith("@phase start"));
                }
                else if (line.startsWith("@pid "))
                {
                    final String[] parts = line.split(" ");
                    if (!parts[2].equals(child.role()))
                    {
                        placement.register(parts[2], Long.parseLong(parts[1]));
                    }
                }
                else if (line.startsWith("@result ") && child.resultsOnStdout())
                {
                    final Map<String, String> fields = new LinkedHashMap<>();
                    for (final String field : line.substring(8).trim().split(" "))
                    {
                        final int eq = field.indexOf('=');
                        fields.put(field.substring(0, eq), field.substring(eq + 1));
                    }
                    final Map<String, Double> metrics = new LinkedHashMap<>();
                    fields.forEach((k, v) ->
                    {
                        if (!k.equals("kind") && !k.equals("size"))
                        {
                            metrics.put(k, Double.parseDouble(v));
                        }
                    });
                    synchronized (measurements)
                    {
                        measurements.add(new Measurement(repetition, transportId, fields.get("kind"),
                            Integer.parseInt(fields.get("size")), metrics, ""));
                    }
                }
            }
        }
        catch (final IOException | RuntimeException e)
        {
            synchronized (errors)
            {
                errors.add("could not read the output of " + child.role() + ": " + e);
            }
        }
    }

    private static String firstError(final Path log)
    {
        try
        {
            final List<String> lines = Files.readAllLines(log);
            for (final String line : lines)
            {
                if (line.startsWith("@error"))
                {
                    return line.substring(7);
                }
            }
            for (final String line : lines)
            {
                if (line.contains("Exception") || line.contains("Error"))
                {
                    return line.trim();
                }
            }
            return lines.isEmpty() ? "(no output) see " + log : lines.getLast() + " (see " + log + ")";
        }
        catch (final IOException e)
        {
            return "(no log) " + log;
        }
    }

    private static String join(final List<Integer> values)
    {
        final StringBuilder text = new StringBuilder();
        for (final int value : values)
        {
            text.append(text.isEmpty() ? "" : ",").append(value);
        }
        return text.toString();
    }

    static void deleteTree(final Path dir) throws IOException
    {
        if (!Files.exists(dir))
        {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir))
        {
            for (final Path path : paths.sorted(Comparator.reverseOrder()).toList())
            {
                Files.deleteIfExists(path);
            }
        }
    }
}
