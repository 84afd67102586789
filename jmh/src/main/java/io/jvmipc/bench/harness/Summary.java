package io.jvmipc.bench.harness;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Medians with min-max spread over the repetitions, per transport, kind and size, including the ratios
 * computed per repetition against the floors, the OS pipe and Agrona's rings measured in that same repetition
 * (and, for the queue's MPMC run, against the queue's own blocking one-to-one stream).
 */
final class Summary
{
    /** A median with its spread over the repetitions. */
    record Spread(double median, double min, double max, int runs)
    {
    }

    /** The summary of one transport, kind and size. */
    record Row(String transport, String kind, int size, Map<String, Spread> metrics)
    {
    }

    private final List<Row> rows = new ArrayList<>();

    Summary(final List<Measurement> measurements)
    {
        final List<Measurement> withRatios = addRatios(measurements);
        final Map<String, List<Measurement>> byKey = new LinkedHashMap<>();
        for (final Measurement m : withRatios)
        {
            byKey.computeIfAbsent(m.key(), k -> new ArrayList<>()).add(m);
        }
        for (final List<Measurement> group : byKey.values())
        {
            final Map<String, List<Double>> values = new LinkedHashMap<>();
            for (final Measurement m : group)
            {
                m.metrics().forEach((k, v) -> values.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
            }
            final Map<String, Spread> spreads = new LinkedHashMap<>();
            values.forEach((k, v) -> spreads.put(k, spread(v)));
            final Measurement first = group.getFirst();
            rows.add(new Row(first.transport(), first.kind(), first.size(), spreads));
        }
    }

    List<Row> rows()
    {
        return rows;
    }

    private static List<Measurement> addRatios(final List<Measurement> measurements)
    {
        final Map<String, Measurement> byRepKey = new LinkedHashMap<>();
        for (final Measurement m : measurements)
        {
            byRepKey.put(m.repetition() + "|" + m.key(), m);
        }
        final List<Measurement> result = new ArrayList<>();
        for (final Measurement m : measurements)
        {
            final Map<String, Double> metrics = new LinkedHashMap<>(m.metrics());
            if (m.kind().equals("rtt"))
            {
                ratio(metrics, "p50", byRepKey.get(m.repetition() + "|floor-spin|rtt|" + m.size()), "x_spin_floor");
                ratio(metrics, "p50", byRepKey.get(m.repetition() + "|floor-futex|rtt|" + m.size()), "x_futex_floor");
                ratio(metrics, "p50", byRepKey.get(m.repetition() + "|os-pipe|rtt|" + m.size()), "x_os_pipe");
                ratio(metrics, "p50", byRepKey.get(m.repetition() + "|agrona-1to1|rtt|" + m.size()), "x_agrona_1to1");
                ratio(metrics, "p999", byRepKey.get(m.repetition() + "|agrona-1to1|rtt|" + m.size()),
                    "x_agrona_1to1_p999");
            }
            else
            {
                ratio(metrics, "msgs", byRepKey.get(m.repetition() + "|os-pipe|stream|" + m.size()), "x_os_pipe");
                ratio(metrics, "msgs", byRepKey.get(m.repetition() + "|os-pipe-batched|stream|" + m.size()),
                    "x_os_pipe_batched");
                ratio(metrics, "msgs", byRepKey.get(m.repetition() + "|agrona-1to1|stream|" + m.size()),
                    "x_agrona_1to1");
                ratio(metrics, "msgs", byRepKey.get(m.repetition() + "|agrona-mto1|stream|" + m.size()),
                    "x_agrona_mto1");
                if (m.kind().equals("mpmc"))
                {
                    // the queue's many-to-many rate against its own one-to-one blocking stream (same size, same rep)
                    ratio(metrics, "msgs", byRepKey.get(m.repetition() + "|jvmipc-queue-block|stream|" + m.size()),
                        "x_queue_block");
                    // and against a 1x1 run through the same program (the same work per message on each side)
                    if (!m.transport().equals(MpmcResults.label(1, 1)))
                    {
                        ratio(metrics, "msgs", byRepKey.get(m.repetition() + "|" + MpmcResults.label(1, 1) + "|mpmc|" +
                            m.size()), "x_mpmc_1x1");
                    }
                }
            }
            result.add(new Measurement(m.repetition(), m.transport(), m.kind(), m.size(), metrics, m.placement()));
        }
        return result;
    }

    private static void ratio(final Map<String, Double> metrics, final String metric, final Measurement base,
        final String name)
    {
        if (base == null || !base.metrics().containsKey(metric) || !metrics.containsKey(metric))
        {
            return;
        }
        // latency: how many times the baseline's time; throughput: how many times the baseline's rate
        metrics.put(name, metrics.get(metric) / base.metrics().get(metric));
    }

    private static Spread spread(final List<Double> values)
    {
        final List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        final int n = sorted.size();
        final double median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
        return new Spread(median, sorted.getFirst(), sorted.getLast(), n);
    }
}
