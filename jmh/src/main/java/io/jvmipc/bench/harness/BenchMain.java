package io.jvmipc.bench.harness;

import io.jvmipc.bench.transport.Transport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The cross-process benchmark that {@code scripts/bench} runs: every chosen transport between two (or more)
 * child processes, for each message size, repeated with the transports interleaved, then the median of the
 * repetitions with its min-max spread, ratios against the floors and the OS pipe of the same repetition,
 * where the processes ran, as markdown (printed and saved), CSV, JSON and a PNG chart under
 * {@code results/<time>/}. A transport that fails is reported and the run goes on; the exit status is then 1.
 */
public final class BenchMain
{
    private BenchMain()
    {
    }

    /**
     * Runs the benchmark.
     *
     * @param args the options, see {@code --help}.
     * @throws Exception if the results cannot be written.
     */
    public static void main(final String[] args) throws Exception
    {
        final Options options;
        try
        {
            if (List.of(args).contains("--help") || List.of(args).contains("-h"))
            {
                System.out.print(Options.USAGE);
                return;
            }
            if (List.of(args).contains("--list"))
            {
                System.out.println(Transport.names().replace(',', '\n'));
                return;
            }
            if (args.length == 2 && args[0].equals("--report"))
            {
                rerender(Path.of(args[1]));
                return;
            }
            options = Options.parse(args);
        }
        catch (final RuntimeException e)
        {
            System.err.println("bench: " + e.getMessage());
            System.err.print(Options.USAGE);
            System.exit(2);
            return;
        }
        if (options.jar == null)
        {
            options.jar = Path.of(BenchMain.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        }
        System.setProperty("java.awt.headless", "true");
        final List<String> notes = new ArrayList<>();
        if (options.transports.stream().anyMatch(Transport::python) && !pythonPresent())
        {
            options.transports.removeIf(Transport::python);
            notes.add("python3 with multiprocessing not found: the Python transports were left out");
        }
        if (options.transports.stream().anyMatch(Transport::crossHost) && !HostPair.available())
        {
            options.transports.removeIf(Transport::crossHost);
            notes.add("network namespaces (ip netns, as root) not available: the cross-host transports were left out");
        }
        final String stamp = LocalDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        final Path resultDir = Files.createDirectories(options.results.resolve(stamp));
        final Path logs = Files.createDirectories(resultDir.resolve("logs"));
        final Path scratch = Files.createDirectories(Path.of("/dev/shm", "jvmipc-bench-" + ProcessHandle.current().pid()));
        // on Ctrl-C or SIGTERM: no child process or shared file of a run is left behind
        final Thread cleanup = new Thread(() ->
        {
            ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly);
            try
            {
                Runner.deleteTree(scratch);
            }
            catch (final IOException ignored)
            {
                // best effort while exiting
            }
        });
        Runtime.getRuntime().addShutdownHook(cleanup);
        final String header = header(options);
        System.err.println("bench: " + header.replace("\n", "\n       "));
        System.err.println("bench: results in " + resultDir);

        final List<Measurement> measurements = new ArrayList<>();
        final List<String> failures = new ArrayList<>();
        final boolean mpmc = options.mpmcCount > 0 && options.transports.contains(Transport.JVMIPC_QUEUE_SPIN);
        // the P x C run, and (unless that is 1x1) a 1x1 run through the same program: its baseline
        final boolean mpmcBaseline = mpmc && options.mpmcProducers * options.mpmcConsumers > 1;
        final int runsPerRep = options.transports.size() + (mpmc ? 1 : 0) + (mpmcBaseline ? 1 : 0);
        final long start = System.nanoTime();
        final Runner runner = new Runner(options, scratch, logs);
        try
        {
            for (int rep = 1; rep <= options.repetitions; rep++)
            {
                // interleave: each repetition runs every transport once, starting at a different one
                final int shift = (rep - 1) * Math.max(1, options.transports.size() / options.repetitions);
                for (int i = 0; i < runsPerRep; i++)
                {
                    final boolean isMpmc = i >= options.transports.size();
                    final boolean isBaseline = i > options.transports.size();
                    final int producers = isBaseline ? 1 : options.mpmcProducers;
                    final int consumers = isBaseline ? 1 : options.mpmcConsumers;
                    final Transport transport = isMpmc ? null
                        : options.transports.get((i + shift) % options.transports.size());
                    final String name = isMpmc ? "jvmipc-queue-block MPMC " + producers + "x" + consumers
                        : transport.id();
                    System.err.printf("bench: [%4ds] rep %d/%d  run %2d/%d  %-24s ",
                        TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start), rep, options.repetitions, i + 1,
                        runsPerRep, name);
                    final long runStart = System.nanoTime();
                    Runner.Outcome outcome;
                    try
                    {
                        outcome = isMpmc ? runner.runMpmc(rep, producers, consumers)
                            : runner.runTransport(transport, rep);
                    }
                    catch (final Exception e)
                    {
                        outcome = new Runner.Outcome(List.of(), "could not run: " + e, "");
                    }
                    measurements.addAll(outcome.measurements());
                    final double seconds = (System.nanoTime() - runStart) / 1e9;
                    if (outcome.failure() != null)
                    {
                        failures.add("rep " + rep + " " + name + ": " + outcome.failure() + " (logs: " + logs + "/"
                            + rep + "-" + (isMpmc ? "mpmc-" + producers + "x" + consumers : transport.id()) + "-*)");
                        System.err.printf("FAILED in %.1f s: %s%n", seconds, outcome.failure());
                    }
                    else
                    {
                        System.err.printf("ok %.1f s%n", seconds);
                    }
                }
            }
        }
        finally
        {
            Runner.deleteTree(scratch);
        }
        final Summary summary = new Summary(measurements);
        try
        {
            Chart.write(resultDir.resolve("chart.png"), summary, options.sizes, "jvmipc bench " + stamp);
        }
        catch (final IOException | RuntimeException | LinkageError e)
        {
            failures.add("the chart could not be drawn: " + e);
            e.printStackTrace();
        }
        final String markdown = Report.markdown(summary, measurements, failures, notes, header);
        Files.writeString(resultDir.resolve("results.md"), markdown);
        Report.csv(resultDir.resolve("runs.csv"), measurements);
        Report.json(resultDir.resolve("summary.json"), summary, failures, header);
        System.out.println(markdown);
        System.err.printf("bench: done in %d s; results.md, runs.csv, summary.json, chart.png in %s%n",
            TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start), resultDir);
        if (!failures.isEmpty())
        {
            System.err.println("bench: " + failures.size() + " run(s) failed:");
            failures.forEach(f -> System.err.println("bench:   " + f));
            System.exit(1);
        }
    }

    /**
     * Draws a finished run's report again from its {@code runs.csv}, with this build's summary, ratios and chart:
     * rewrites {@code results.md} (keeping its header line, notes and failures), {@code summary.json} and
     * {@code chart.png} in that directory.
     */
    private static void rerender(final Path resultDir) throws IOException
    {
        final List<Measurement> measurements = Report.readCsv(resultDir.resolve("runs.csv"));
        final Path markdownFile = resultDir.resolve("results.md");
        final List<String> old = Files.exists(markdownFile) ? Files.readAllLines(markdownFile) : List.of();
        final String header = old.size() > 2 ? old.get(2) : "run of " + resultDir.getFileName();
        final List<String> notes = section(old, "## Notes");
        final List<String> failures = section(old, "## Failures");
        final Summary summary = new Summary(measurements);
        final List<Integer> sizes = measurements.stream().map(Measurement::size).distinct().sorted().toList();
        Chart.write(resultDir.resolve("chart.png"), summary, sizes, "jvmipc bench " + resultDir.getFileName());
        final String markdown = Report.markdown(summary, measurements, failures, notes, header);
        Files.writeString(markdownFile, markdown);
        Report.json(resultDir.resolve("summary.json"), summary, failures, header);
        System.out.println(markdown);
    }

    /** The "- " items of a section of an earlier results.md, up to the next heading. */
    private static List<String> section(final List<String> lines, final String heading)
    {
        final List<String> items = new ArrayList<>();
        final int start = lines.indexOf(heading);
        for (int i = start + 1; start >= 0 && i < lines.size() && !lines.get(i).startsWith("## "); i++)
        {
            if (lines.get(i).startsWith("- "))
            {
                items.add(lines.get(i).substring(2));
            }
        }
        return items;
    }

    private static boolean pythonPresent()
    {
        try
        {
            final Process process = new ProcessBuilder("python3", "-c", "import multiprocessing")
                .redirectErrorStream(true).start();
            return process.waitFor(20, TimeUnit.SECONDS) && process.exitValue() == 0;
        }
        catch (final IOException | InterruptedException e)
        {
            return false;
        }
    }

    private static String header(final Options options) throws IOException
    {
        String cpu = "unknown CPU";
        for (final String line : Files.readAllLines(Path.of("/proc/cpuinfo")))
        {
            if (line.startsWith("model name"))
            {
                cpu = line.substring(line.indexOf(':') + 1).trim();
                break;
            }
        }
        return String.format("%s UTC; %s, %d CPUs; Linux %s; JDK %s; %s mode: %d repetitions, sizes %s, warm-up %d (at least %d ms), "
                + "%d round trips, %d streamed messages (%s: a tenth), %s.",
            LocalDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ISO_LOCAL_DATE_TIME).substring(0, 19), cpu,
            Runtime.getRuntime().availableProcessors(), System.getProperty("os.version"),
            System.getProperty("java.version"), options.full ? "full" : "quick", options.repetitions, options.sizes,
            options.warmup, options.warmupMillis, options.rttCount, options.streamCount,
            options.full ? "python and cross-host transports" : "python transports", options.mpmcCount == 0 ? "no MPMC run"
                : "queue MPMC " + options.mpmcProducers + "x" + options.mpmcConsumers + " x " + options.mpmcCount
                + " messages per producer" + (options.mpmcProducers * options.mpmcConsumers > 1
                ? ", and 1x1 through the same program as its baseline" : ""));
    }
}
