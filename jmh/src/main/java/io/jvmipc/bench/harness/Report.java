package io.jvmipc.bench.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.DoubleFunction;

/** Writes the markdown table, the CSV of every run and the JSON summary. */
final class Report
{
    private Report()
    {
    }

    static String markdown(final Summary summary, final List<Measurement> measurements, final List<String> failures,
        final List<String> notes, final String header)
    {
        final StringBuilder md = new StringBuilder();
        md.append("# jvmipc IPC benchmark\n\n").append(header).append('\n');
        md.append("\nEach cell: median of the repetitions, [min-max] across them. Latencies in microseconds. "
            + "Ratios are computed per repetition against the baseline measured in the same repetition, then "
            + "summarised: for latency, transport p50 / baseline p50 (lower is better, 1.0 = the floor); "
            + "for throughput, transport rate / baseline rate (higher is better).\n");
        md.append("\n## Round trip (ping-pong between two processes)\n\n");
        md.append("| transport | size | p50 | p90 | p99 | p99.9 | max | p50 / spin floor | p50 / futex floor | p50 / os-pipe |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (final Summary.Row row : summary.rows())
        {
            if (row.kind().equals("rtt"))
            {
                md.append("| ").append(row.transport()).append(" | ").append(row.size());
                for (final String metric : List.of("p50", "p90", "p99", "p999", "max"))
                {
                    md.append(" | ").append(micros(row.metrics().get(metric)));
                }
                for (final String metric : List.of("x_spin_floor", "x_futex_floor", "x_os_pipe"))
                {
                    md.append(" | ").append(ratio(row.metrics().get(metric)));
                }
                md.append(" |\n");
            }
        }
        md.append("\n## One-way streaming throughput (the reader checks every sequence number)\n\n");
        md.append("| transport | size | messages/s | MB/s | / os-pipe | / os-pipe-batched |\n");
        md.append("|---|---:|---:|---:|---:|---:|\n");
        for (final Summary.Row row : summary.rows())
        {
            if (!row.kind().equals("rtt"))
            {
                md.append("| ").append(row.transport()).append(row.kind().equals("mpmc") ? " (MPMC)" : "")
                    .append(" | ").append(row.size())
                    .append(" | ").append(rate(row.metrics().get("msgs")))
                    .append(" | ").append(plain(row.metrics().get("mbs")))
                    .append(" | ").append(ratio(row.metrics().get("x_os_pipe")))
                    .append(" | ").append(ratio(row.metrics().get("x_os_pipe_batched")))
                    .append(" |\n");
            }
        }
        md.append(summaryTable(summary));
        md.append("\n## Where the processes ran (CPU of each process's working thread, /proc/<pid>/task/<tid>/stat field 39, sampled every 10 ms during the measured phases)\n\n"
            + "Samples are time-weighted: a run that stalls while both sides share one CPU shows mostly those stalls.\n\n");
        final TreeSet<String> seen = new TreeSet<>();
        for (final Measurement m : measurements)
        {
            final String line = "- rep " + m.repetition() + " " + m.transport() + ": " + m.placement();
            if (seen.add(line))
            {
                md.append(line).append('\n');
            }
        }
        if (!notes.isEmpty())
        {
            md.append("\n## Notes\n\n");
            notes.forEach(n -> md.append("- ").append(n).append('\n'));
        }
        md.append("\n## Failures\n\n");
        if (failures.isEmpty())
        {
            md.append("none\n");
        }
        failures.forEach(f -> md.append("- ").append(f).append('\n'));
        return md.toString();
    }

    /** What the summary table calls each transport (its id where none is given). */
    private static final Map<String, String> LABELS = Map.ofEntries(
        Map.entry("floor-spin", "floor: raw long, spin"),
        Map.entry("floor-futex", "floor: raw futex"),
        Map.entry("jvmipc-pipe-spin", "**jvmipc Pipe, spin**"),
        Map.entry("jvmipc-pipe-block", "**jvmipc Pipe, blocking**"),
        Map.entry("jvmipc-queue-spin", "**jvmipc Queue, spin**"),
        Map.entry("jvmipc-queue-1to1-spin", "**jvmipc Queue, one producer and one consumer, spin**"),
        Map.entry("jvmipc-queue-block", "**jvmipc Queue, blocking**"),
        Map.entry("agrona-1to1", "Agrona OneToOneRingBuffer"),
        Map.entry("agrona-mto1", "Agrona ManyToOneRingBuffer (1 producer)"),
        Map.entry("aeron-ipc", "Aeron IPC"),
        Map.entry("chronicle-queue", "Chronicle Queue"),
        Map.entry("os-pipe", "OS pipe, write + flush per message"),
        Map.entry("os-pipe-batched", "OS pipe, batched (64 KiB buffer)"),
        Map.entry("uds-block", "Unix socket, blocking"),
        Map.entry("uds-poll", "Unix socket, busy-polled"),
        Map.entry("tcp-block", "TCP loopback, blocking"),
        Map.entry("tcp-poll", "TCP loopback, busy-polled"),
        Map.entry("py-mp-pipe", "Python `multiprocessing.Pipe`"),
        Map.entry("py-mp-queue", "Python `multiprocessing.Queue`"),
        Map.entry("jvmipc-aeron-bridge", "**jvmipc Aeron bridge** (two network namespaces)"),
        Map.entry("jvmipc-remote-pipe", "**jvmipc remote Pipe** (two namespaces)"),
        Map.entry("tcp-netns", "TCP between the two namespaces, blocking"));

    /**
     * One row per transport (in the order of the run), at the run's smallest and, if there is one, second size:
     * the medians the README shows, and the ratios of issue 9's targets (each the median of the per-repetition
     * ratios). The MPMC row's ratio column is its rate over the queue's blocking one-to-one stream.
     */
    static String summaryTable(final Summary summary)
    {
        final TreeSet<Integer> sizes = new TreeSet<>();
        final Map<String, Map<String, Summary.Row>> byTransport = new LinkedHashMap<>();
        for (final Summary.Row row : summary.rows())
        {
            sizes.add(row.size());
            byTransport.computeIfAbsent(row.transport(), t -> new HashMap<>())
                .put(row.kind() + "|" + row.size(), row);
        }
        if (sizes.isEmpty())
        {
            return "";
        }
        final int small = sizes.first();
        final Integer large = sizes.higher(small);
        final String l = large == null ? "-" : large + " B";
        final StringBuilder md = new StringBuilder("\n## Summary table (medians of the repetitions; every ratio is "
            + "the median of the per-repetition ratios)\n\n");
        md.append("| transport | RTT p50 " + small + " B | RTT p50 " + l + " | RTT p99.9 " + small + " B | RTT p50 / spin"
            + " floor (" + small + " B) | RTT p50 / Agrona 1to1 (" + small + " B, " + l + ") | RTT p99.9 / Agrona"
            + " 1to1 (" + small + " B, " + l + ") | stream " + small + " B msgs/s | stream " + l + " msgs/s | stream /"
            + " Agrona 1to1 (" + small + " B, " + l + ") | stream / Agrona MtO (" + small + " B, " + l + ") | stream"
            + " / OS pipe (" + small + " B) |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        byTransport.forEach((transport, rows) ->
        {
            final Summary.Row rttSmall = rows.get("rtt|" + small);
            final Summary.Row rttLarge = large == null ? null : rows.get("rtt|" + large);
            final Summary.Row mpmc = rows.get("mpmc|" + small);
            final Summary.Row streamSmall = mpmc != null ? mpmc : rows.get("stream|" + small);
            final Summary.Row streamLarge = large == null ? null : rows.get("stream|" + large);
            final String label = mpmc != null ? mpmcLabel(transport) : LABELS.getOrDefault(transport, transport);
            md.append("| ").append(label)
                .append(" | ").append(median(rttSmall, "p50", Report::us))
                .append(" | ").append(median(rttLarge, "p50", Report::us))
                .append(" | ").append(median(rttSmall, "p999", Report::us))
                .append(" | ").append(median(rttSmall, "x_spin_floor", Report::twoDecimals))
                .append(" | ").append(pair(rttSmall, rttLarge, "x_agrona_1to1"))
                .append(" | ").append(pair(rttSmall, rttLarge, "x_agrona_1to1_p999"))
                .append(" | ").append(median(streamSmall, "msgs", Report::si))
                .append(" | ").append(median(streamLarge, "msgs", Report::si))
                .append(" | ").append(mpmc != null ? median(mpmc, "x_queue_block", Report::twoDecimals)
                    : pair(streamSmall, streamLarge, "x_agrona_1to1"))
                .append(" | ").append(mpmc != null ? median(mpmc, "x_mpmc_1x1", Report::twoDecimals)
                    : pair(streamSmall, streamLarge, "x_agrona_mto1"))
                .append(" | ").append(median(streamSmall, "x_os_pipe", Report::twoDecimals))
                .append(" |\n");
        });
        return md.toString();
    }

    /** The summary table's label of an MPMC run, "jvmipc-queue-block PxC". */
    private static String mpmcLabel(final String transport)
    {
        final String[] pc = transport.substring(transport.lastIndexOf(' ') + 1).split("x");
        final String processes = pc[0] + (pc[0].equals("1") ? " producer x " : " producers x ") + pc[1] +
            (pc[1].equals("1") ? " consumer" : " consumers");
        return "**jvmipc Queue, " + processes + ", blocking** (MPMC program; the two stream ratio columns: / the "
            + "queue's blocking 1x1 stream, / the program's own 1x1 run)";
    }

    private static String median(final Summary.Row row, final String metric,
        final DoubleFunction<String> format)
    {
        final Summary.Spread spread = row == null ? null : row.metrics().get(metric);
        return spread == null ? "" : format.apply(spread.median());
    }

    /** Two sizes' medians of one ratio, "a, b", or what there is of them. */
    private static String pair(final Summary.Row small, final Summary.Row large, final String metric)
    {
        final String a = median(small, metric, Report::twoDecimals);
        final String b = median(large, metric, Report::twoDecimals);
        return a.isEmpty() || b.isEmpty() ? a + b : a + ", " + b;
    }

    private static String twoDecimals(final double value)
    {
        return String.format(Locale.ROOT, "%.2f", value);
    }

    static void csv(final Path file, final List<Measurement> measurements) throws IOException
    {
        final TreeSet<String> columns = new TreeSet<>();
        measurements.forEach(m -> columns.addAll(m.metrics().keySet()));
        final StringBuilder csv = new StringBuilder("repetition,transport,kind,size");
        columns.forEach(c -> csv.append(',').append(c));
        csv.append(",placement\n");
        for (final Measurement m : measurements)
        {
            csv.append(m.repetition()).append(',').append(m.transport()).append(',').append(m.kind()).append(',')
                .append(m.size());
            for (final String column : columns)
            {
                final Double value = m.metrics().get(column);
                csv.append(',').append(value == null ? "" : String.format(Locale.ROOT, "%.3f", value));
            }
            csv.append(",\"").append(m.placement().replace("\"", "'")).append("\"\n");
        }
        Files.writeString(file, csv);
    }

    /**
     * Reads back the measurements that {@link #csv(Path, List)} wrote, so that a run's report can be drawn again
     * (with this build's summary and ratios) without running it again.
     *
     * @throws IOException if the file cannot be read, or is not such a file (naming it, the line and the reason).
     */
    static List<Measurement> readCsv(final Path file) throws IOException
    {
        final List<String> lines = Files.readAllLines(file);
        if (lines.isEmpty() || !lines.getFirst().startsWith("repetition,transport,kind,size,")
            || !lines.getFirst().endsWith(",placement"))
        {
            throw new IOException(file + ": not a runs.csv of scripts/bench (its first line is not "
                + "repetition,transport,kind,size,...,placement)");
        }
        final String[] columns = lines.getFirst().split(",", -1);
        final List<Measurement> measurements = new ArrayList<>();
        for (int n = 1; n < lines.size(); n++)
        {
            final String line = lines.get(n);
            final int quote = line.indexOf(",\"");
            if (line.isEmpty() || quote < 0 || !line.endsWith("\""))
            {
                throw new IOException(file + ": line " + (n + 1) + " does not end with a quoted placement: " + line);
            }
            final String[] cells = line.substring(0, quote).split(",", -1);
            if (cells.length != columns.length - 1)
            {
                throw new IOException(file + ": line " + (n + 1) + " has " + cells.length + " cells before the "
                    + "placement, the header " + (columns.length - 1));
            }
            try
            {
                final Map<String, Double> metrics = new LinkedHashMap<>();
                for (int c = 4; c < cells.length; c++)
                {
                    if (!cells[c].isEmpty())
                    {
                        metrics.put(columns[c], Double.parseDouble(cells[c]));
                    }
                }
                measurements.add(new Measurement(Integer.parseInt(cells[0]), cells[1], cells[2],
                    Integer.parseInt(cells[3]), metrics, line.substring(quote + 2, line.length() - 1)));
            }
            catch (final NumberFormatException e)
            {
                throw new IOException(file + ": line " + (n + 1) + ": " + e.getMessage(), e);
            }
        }
        return measurements;
    }

    static void json(final Path file, final Summary summary, final List<String> failures, final String header)
        throws IOException
    {
        final StringBuilder json = new StringBuilder("{\n  \"header\": ").append(quote(header)).append(",\n  \"rows\": [\n");
        boolean firstRow = true;
        for (final Summary.Row row : summary.rows())
        {
            json.append(firstRow ? "" : ",\n").append("    {\"transport\": ").append(quote(row.transport()))
                .append(", \"kind\": ").append(quote(row.kind())).append(", \"size\": ").append(row.size());
            for (final Map.Entry<String, Summary.Spread> entry : row.metrics().entrySet())
            {
                final Summary.Spread s = entry.getValue();
                json.append(", ").append(quote(entry.getKey())).append(": {\"median\": ").append(number(s.median()))
                    .append(", \"min\": ").append(number(s.min())).append(", \"max\": ").append(number(s.max()))
                    .append(", \"runs\": ").append(s.runs()).append('}');
            }
            json.append('}');
            firstRow = false;
        }
        json.append("\n  ],\n  \"failures\": [");
        for (int i = 0; i < failures.size(); i++)
        {
            json.append(i == 0 ? "" : ", ").append(quote(failures.get(i)));
        }
        json.append("]\n}\n");
        Files.writeString(file, json);
    }

    private static String micros(final Summary.Spread s)
    {
        if (s == null)
        {
            return "";
        }
        return String.format(Locale.ROOT, "%s [%s-%s]", us(s.median()), us(s.min()), us(s.max()));
    }

    private static String us(final double nanos)
    {
        final double micros = nanos / 1000;
        return micros < 10 ? String.format(Locale.ROOT, "%.2f", micros)
            : micros < 100 ? String.format(Locale.ROOT, "%.1f", micros) : String.format(Locale.ROOT, "%.0f", micros);
    }

    private static String ratio(final Summary.Spread s)
    {
        return s == null ? "" : String.format(Locale.ROOT, "%.2f [%.2f-%.2f]", s.median(), s.min(), s.max());
    }

    private static String rate(final Summary.Spread s)
    {
        return s == null ? "" : String.format(Locale.ROOT, "%s [%s-%s]", si(s.median()), si(s.min()), si(s.max()));
    }

    private static String plain(final Summary.Spread s)
    {
        return s == null ? "" : String.format(Locale.ROOT, "%.1f [%.1f-%.1f]", s.median(), s.min(), s.max());
    }

    private static String si(final double value)
    {
        return value >= 1e6 ? String.format(Locale.ROOT, "%.2fM", value / 1e6)
            : String.format(Locale.ROOT, "%.1fk", value / 1e3);
    }

    private static String number(final double value)
    {
        return Double.isFinite(value) ? String.format(Locale.ROOT, "%.4f", value) : "null";
    }

    private static String quote(final String text)
    {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }
}
