package io.jvmipc.bench.harness;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Combines the result lines of the producers and consumers of a multi-producer multi-consumer run into one
 * measurement, after checking that every message of every producer arrived exactly once: the consumers'
 * counts add up to producers x count and their sums of sequence numbers to producers x count(count-1)/2
 * (each consumer also checked that every producer's numbers reached it in increasing order).
 */
final class MpmcResults
{
    private MpmcResults()
    {
    }

    static Runner.Outcome combine(final Runner.Outcome outcome, final int repetition, final int producers,
        final int expectedConsumers, final long count, final int size)
    {
        long received = 0;
        long sequenceSum = 0;
        double first = Double.MAX_VALUE;
        double last = 0;
        int consumers = 0;
        for (final Measurement m : outcome.measurements())
        {
            if (m.metrics().getOrDefault("consumer", 0.0) == 1.0)
            {
                consumers++;
                received += m.metrics().get("count").longValue();
                sequenceSum += m.metrics().get("seqsum").longValue();
                first = Math.min(first, m.metrics().get("first"));
                last = Math.max(last, m.metrics().get("last"));
            }
        }
        final long expected = (long)producers * count;
        final long expectedSum = producers * (count * (count - 1) / 2);
        if (consumers != expectedConsumers)
        {
            return new Runner.Outcome(List.of(), "only " + consumers + " of " + expectedConsumers
                + " consumers reported", outcome.placement());
        }
        if (received != expected || sequenceSum != expectedSum)
        {
            return new Runner.Outcome(List.of(), "consumers received " + received + " messages (sequence sum "
                + sequenceSum + "), expected " + expected + " (sum " + expectedSum + ")", outcome.placement());
        }
        final double seconds = (last - first) / 1e9;
        final Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("count", (double)received);
        metrics.put("msgs", received / seconds);
        metrics.put("mbs", received * size / seconds / 1e6);
        final String label = label(producers, expectedConsumers);
        return new Runner.Outcome(List.of(new Measurement(repetition, label, "mpmc", size, metrics,
            outcome.placement())), null, outcome.placement());
    }

    /** The transport label of a run of {@code producers} x {@code consumers} processes. */
    static String label(final int producers, final int consumers)
    {
        return "jvmipc-queue-block " + producers + "x" + consumers;
    }
}
