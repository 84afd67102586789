package io.jvmipc.bench.harness;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SummaryTest
{
    private static Measurement rtt(final int rep, final String transport, final double p50)
    {
        return new Measurement(rep, transport, "rtt", 32, Map.of("p50", p50), "");
    }

    private static Summary.Row row(final Summary summary, final String transport)
    {
        return summary.rows().stream().filter(r -> r.transport().equals(transport)).findFirst().orElseThrow();
    }

    @Test
    void shouldTakeMedianAndMinMaxAcrossRepetitions()
    {
        final Summary summary = new Summary(List.of(rtt(1, "t", 3000), rtt(2, "t", 1000), rtt(3, "t", 2000)));

        final Summary.Spread p50 = row(summary, "t").metrics().get("p50");
        assertEquals(2000, p50.median());
        assertEquals(1000, p50.min());
        assertEquals(3000, p50.max());
        assertEquals(3, p50.runs());
    }

    @Test
    void shouldAverageTheMiddleTwoOfAnEvenNumberOfRuns()
    {
        final Summary summary = new Summary(List.of(rtt(1, "t", 1), rtt(2, "t", 2), rtt(3, "t", 4), rtt(4, "t", 9)));

        assertEquals(3, row(summary, "t").metrics().get("p50").median());
    }

    @Test
    void shouldComputeRatiosAgainstTheBaselineOfTheSameRepetition()
    {
        final Summary summary = new Summary(List.of(
            rtt(1, "floor-spin", 100), rtt(1, "t", 200),
            rtt(2, "floor-spin", 400), rtt(2, "t", 400),
            rtt(1, "os-pipe", 1000), rtt(2, "os-pipe", 4000)));

        final Summary.Spread ratio = row(summary, "t").metrics().get("x_spin_floor");
        // per repetition 2.0 and 1.0: the median of those, not 300/250
        assertEquals(1.5, ratio.median(), 1e-9);
        assertEquals(1.0, ratio.min(), 1e-9);
        assertEquals(2.0, ratio.max(), 1e-9);
        assertEquals(0.15, row(summary, "t").metrics().get("x_os_pipe").median(), 1e-9);
    }

    @Test
    void shouldLeaveARatioOutWhenItsBaselineDidNotRun()
    {
        final Summary summary = new Summary(List.of(rtt(1, "t", 200)));

        assertFalse(row(summary, "t").metrics().containsKey("x_futex_floor"));
        assertTrue(row(summary, "t").metrics().containsKey("p50"));
    }

    @Test
    void shouldRatioThroughputAsRateOverTheBaselineRate()
    {
        final Summary summary = new Summary(List.of(
            new Measurement(1, "os-pipe", "stream", 256, Map.of("msgs", 1e6), ""),
            new Measurement(1, "t", "stream", 256, Map.of("msgs", 3e6), "")));

        assertEquals(3.0, row(summary, "t").metrics().get("x_os_pipe").median(), 1e-9);
    }

    @Test
    void shouldRatioAgainstAgronaOfTheSameRepetition()
    {
        final Summary summary = new Summary(List.of(
            new Measurement(1, "agrona-1to1", "rtt", 32, Map.of("p50", 400.0, "p999", 2000.0), ""),
            new Measurement(1, "t", "rtt", 32, Map.of("p50", 300.0, "p999", 1000.0), ""),
            new Measurement(1, "agrona-1to1", "stream", 32, Map.of("msgs", 20e6), ""),
            new Measurement(1, "agrona-mto1", "stream", 32, Map.of("msgs", 40e6), ""),
            new Measurement(1, "t", "stream", 32, Map.of("msgs", 10e6), "")));

        final Summary.Row rtt = summary.rows().stream()
            .filter(r -> r.transport().equals("t") && r.kind().equals("rtt")).findFirst().orElseThrow();
        final Summary.Row stream = summary.rows().stream()
            .filter(r -> r.transport().equals("t") && r.kind().equals("stream")).findFirst().orElseThrow();
        assertEquals(0.75, rtt.metrics().get("x_agrona_1to1").median(), 1e-9);
        assertEquals(0.5, rtt.metrics().get("x_agrona_1to1_p999").median(), 1e-9);
        assertEquals(0.5, stream.metrics().get("x_agrona_1to1").median(), 1e-9);
        assertEquals(0.25, stream.metrics().get("x_agrona_mto1").median(), 1e-9);
    }

    @Test
    void shouldRatioTheMpmcRateAgainstTheQueuesBlockingStream()
    {
        final Summary summary = new Summary(List.of(
            new Measurement(1, "jvmipc-queue-block", "stream", 32, Map.of("msgs", 10e6), ""),
            new Measurement(1, "jvmipc-queue-block 2x2", "mpmc", 32, Map.of("msgs", 4e6), ""),
            new Measurement(2, "jvmipc-queue-block", "stream", 32, Map.of("msgs", 8e6), ""),
            new Measurement(2, "jvmipc-queue-block 2x2", "mpmc", 32, Map.of("msgs", 6e6), "")));

        final Summary.Spread ratio = row(summary, "jvmipc-queue-block 2x2").metrics().get("x_queue_block");
        assertEquals(0.4, ratio.min(), 1e-9);
        assertEquals(0.75, ratio.max(), 1e-9);
        assertFalse(row(summary, "jvmipc-queue-block").metrics().containsKey("x_queue_block"));
    }

    @Test
    void shouldRatioTheMpmcRateAgainstTheSameProgramsOneByOneRun()
    {
        final Summary summary = new Summary(List.of(
            new Measurement(1, "jvmipc-queue-block 1x1", "mpmc", 32, Map.of("msgs", 8e6), ""),
            new Measurement(1, "jvmipc-queue-block 2x2", "mpmc", 32, Map.of("msgs", 4e6), ""),
            new Measurement(2, "jvmipc-queue-block 1x1", "mpmc", 32, Map.of("msgs", 10e6), ""),
            new Measurement(2, "jvmipc-queue-block 2x2", "mpmc", 32, Map.of("msgs", 9e6), "")));

        final Summary.Spread ratio = row(summary, "jvmipc-queue-block 2x2").metrics().get("x_mpmc_1x1");
        assertEquals(0.5, ratio.min(), 1e-9);
        assertEquals(0.9, ratio.max(), 1e-9);
        assertFalse(row(summary, "jvmipc-queue-block 1x1").metrics().containsKey("x_mpmc_1x1"),
            "the baseline has no ratio to itself");
    }
}
