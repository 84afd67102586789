package io.jvmipc.bench.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

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
