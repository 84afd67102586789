package io.jvmipc.bench.harness;

import io.jvmipc.bench.transport.Transport;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

/** The command-line options of {@link BenchMain}, with the quick defaults and the {@code --full} ones. */
final class Options
{
    List<Transport> transports = new ArrayList<>(EnumSet.allOf(Transport.class).stream()
        .filter(transport -> !transport.isProbe()).toList());
    List<Integer> sizes = List.of(32, 256);
    int repetitions = 3;
    // Warm-up long enough for C2 to compile every transport's hot path before anything is measured: with 5k
    // round trips and 25k streamed messages the deeper paths were still interpreted (queue 2.5 M msgs/s vs
    // 13.8 M msgs/s once compiled), which measured the JIT, not the transport.
    int warmup = 30_000;
    // and at least this long, for the transports that carry the payload: the fastest ones get through a warm-up
    // count in milliseconds, before C2 (sharing both CPUs with the two busy processes) has compiled their paths; in
    // quick mode the queue then streamed at 2-6 M msgs/s against 8-22 M with a longer warm-up (2026-12-02)
    int warmupMillis = 500;
    int rttCount = 20_000;
    int streamCount = 600_000;
    int mpmcProducers = 2;
    int mpmcConsumers = 2;
    int mpmcCount = 100_000;
    int timeoutSeconds = 60;
    boolean full;
    Path results = Path.of("results");
    Path pythonScript = Path.of("jmh/src/main/python/mp_bench.py");
    String jar;

    static final String USAGE = """
        usage: scripts/bench [--full] [--transports a,b,...] [--sizes 32,256] [--reps N] [--warmup N] [--warmup-ms N]
                             [--rtt-count N] [--stream-count N] [--mpmc PxC] [--mpmc-count N] [--no-mpmc]
                             [--timeout SECONDS] [--results DIR] [--list]
               scripts/bench --report results/<time>   (draws a finished run's report again from its runs.csv)
          quick default: the transports of this host (the cross-host ones with --full, or when named),
          3 interleaved repetitions, 30k warm-up (and at least 500 ms), 20k round trips, 600k streamed messages
          per size (after 5x warm-up messages; python transports a tenth of all that), 2x2 queue MPMC with 100k messages per producer
          (and a 1x1 run of the same program, its baseline);
          --full: 5 repetitions, 200k warm-up (and at least 1 s), 100k round trips, 5M streamed messages, 1M per producer
          (the cross-host transports, and python's, a tenth of that).
        transports: %s
        """.formatted(Transport.names());

    static Options parse(final String[] args)
    {
        final Options options = new Options();
        boolean countsGiven = false;
        boolean transportsGiven = false;
        boolean warmupMillisGiven = false;
        for (int i = 0; i < args.length; i++)
        {
            final String arg = args[i];
            switch (arg)
            {
                case "--full" -> options.full = true;
                case "--transports" -> { options.transports = parseTransports(args[++i]); transportsGiven = true; }
                case "--sizes" -> options.sizes = parseInts(args[++i], 12);
                case "--reps" -> options.repetitions = positive(args[++i], arg);
                case "--warmup" -> { options.warmup = nonNegative(args[++i], arg); countsGiven = true; }
                case "--warmup-ms" -> { options.warmupMillis = nonNegative(args[++i], arg); warmupMillisGiven = true; }
                case "--rtt-count" -> { options.rttCount = nonNegative(args[++i], arg); countsGiven = true; }
                case "--stream-count" -> { options.streamCount = nonNegative(args[++i], arg); countsGiven = true; }
                case "--mpmc" ->
                {
                    final String[] pc = args[++i].split("x");
                    options.mpmcProducers = positive(pc[0], arg);
                    options.mpmcConsumers = positive(pc[1], arg);
                }
                case "--mpmc-count" -> { options.mpmcCount = nonNegative(args[++i], arg); countsGiven = true; }
                case "--no-mpmc" -> options.mpmcCount = 0;
                case "--timeout" -> options.timeoutSeconds = positive(args[++i], arg);
                case "--results" -> options.results = Path.of(args[++i]);
                case "--python-script" -> options.pythonScript = Path.of(args[++i]);
                case "--jar" -> options.jar = args[++i];
                default -> throw new IllegalArgumentException("unknown option '" + arg + "'");
            }
        }
        if (options.full && !countsGiven)
        {
            options.warmup = 200_000;
            options.rttCount = 100_000;
            options.streamCount = 5_000_000;
            options.mpmcCount = options.mpmcCount == 0 ? 0 : 1_000_000;
        }
        if (options.full && !warmupMillisGiven)
        {
            options.warmupMillis = 1_000;
        }
        if (!options.full && !transportsGiven)
        {
            // the cross-host transports (two network namespaces, about 80 s per repetition, the Aeron bridge 48 s of
            // it) run in --full mode or when named: quick mode stays the one-host comparison
            options.transports.removeIf(Transport::crossHost);
        }
        if (options.full)
        {
            options.repetitions = Math.max(options.repetitions, 5);
            options.timeoutSeconds = Math.max(options.timeoutSeconds, 300);
        }
        return options;
    }

    /**
     * By how much a transport's counts are divided: python's transports by 10 (they are one to two orders of
     * magnitude slower per message), and the cross-host ones by 10 in full mode (the Aeron bridge's round trip is
     * about 180 us: at full counts its run alone took about 300 s, the full-mode timeout, and the three cross-host
     * transports most of a full run), so that their full-mode counts are about the quick mode's.
     *
     * @param transport the transport.
     * @return the divisor, at least 1.
     */
    int countDivisor(final Transport transport)
    {
        if (transport.python() || (full && transport.crossHost()))
        {
            return 10;
        }
        return 1;
    }

    private static List<Transport> parseTransports(final String list)
    {
        final List<Transport> transports = new ArrayList<>();
        for (final String id : list.split(","))
        {
            transports.add(Transport.byId(id.trim()));
        }
        return transports;
    }

    private static List<Integer> parseInts(final String list, final int minimum)
    {
        final List<Integer> values = new ArrayList<>();
        for (final String value : list.split(","))
        {
            final int parsed = Integer.parseInt(value.trim());
            if (parsed < minimum || parsed > 65_536)
            {
                throw new IllegalArgumentException("message size " + parsed + " outside [" + minimum + ", 65536]");
            }
            values.add(parsed);
        }
        return values;
    }

    private static int positive(final String value, final String option)
    {
        final int parsed = Integer.parseInt(value);
        if (parsed <= 0)
        {
            throw new IllegalArgumentException(option + " must be positive: " + value);
        }
        return parsed;
    }

    private static int nonNegative(final String value, final String option)
    {
        final int parsed = Integer.parseInt(value);
        if (parsed < 0)
        {
            throw new IllegalArgumentException(option + " must not be negative: " + value);
        }
        return parsed;
    }
}
