package io.jvmipc.bench.harness;

import io.jvmipc.bench.transport.Transport;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OptionsTest
{
    @Test
    void shouldRunEveryTransportOfThisHostButTheProbesByDefault()
    {
        final Options options = Options.parse(new String[0]);

        assertEquals(Arrays.stream(Transport.values()).filter(t -> !t.isProbe() && !t.crossHost()).toList(),
            options.transports);
        assertEquals(Arrays.stream(Transport.values()).filter(t -> !t.isProbe()).toList(),
            Options.parse(new String[] {"--full"}).transports, "--full adds the cross-host transports");
        assertEquals(List.of(Transport.TCP_NETNS), Options.parse(new String[] {"--transports", "tcp-netns"}).transports,
            "a cross-host transport named runs in quick mode");
        assertFalse(options.transports.contains(Transport.FLOOR_PAYLOAD_TWO_LINES), "a probe runs only when named");
        assertEquals(List.of(Transport.FLOOR_PAYLOAD_ONE_LINE),
            Options.parse(new String[] {"--transports", "floor-payload-1line"}).transports);
        assertEquals(List.of(32, 256), options.sizes);
        assertEquals(3, options.repetitions);
    }

    @Test
    void shouldChooseTransportsSizesAndCounts()
    {
        final Options options = Options.parse(new String[] {"--transports", "os-pipe,floor-spin", "--sizes", "64",
            "--rtt-count", "7", "--reps", "2"});

        assertEquals(List.of(Transport.OS_PIPE, Transport.FLOOR_SPIN), options.transports);
        assertEquals(List.of(64), options.sizes);
        assertEquals(7, options.rttCount);
        assertEquals(2, options.repetitions);
    }

    @Test
    void shouldRaiseCountsRepetitionsAndTimeoutInFullMode()
    {
        final Options quick = Options.parse(new String[0]);
        final Options full = Options.parse(new String[] {"--full"});

        assertTrue(full.rttCount > quick.rttCount);
        assertTrue(full.streamCount > quick.streamCount);
        assertTrue(full.repetitions >= 5);
        assertTrue(full.timeoutSeconds > quick.timeoutSeconds);
    }

    @Test
    void shouldRefuseUnknownOptionsTransportsAndBadNumbers()
    {
        assertThrows(IllegalArgumentException.class, () -> Options.parse(new String[] {"--fast"}));
        assertThrows(IllegalArgumentException.class, () -> Options.parse(new String[] {"--transports", "carrier-pigeon"}));
        assertThrows(IllegalArgumentException.class, () -> Options.parse(new String[] {"--sizes", "8"}));
        assertThrows(IllegalArgumentException.class, () -> Options.parse(new String[] {"--reps", "0"}));
        assertThrows(IllegalArgumentException.class, () -> Options.parse(new String[] {"--rtt-count", "-1"}));
    }

    @Test
    void shouldKeepFullModesCountsWhenOnlyTheWarmUpTimeIsGiven()
    {
        final Options quick = Options.parse(new String[0]);
        final Options full = Options.parse(new String[] {"--full"});
        final Options longer = Options.parse(new String[] {"--full", "--warmup-ms", "2000"});

        assertTrue(full.warmupMillis > quick.warmupMillis);
        assertEquals(2000, longer.warmupMillis);
        assertEquals(full.streamCount, longer.streamCount, "a warm-up time is not a count");
        assertEquals(full.warmup, longer.warmup);
    }

    @Test
    void shouldDivideTheCountsOfPythonAlwaysAndOfTheCrossHostTransportsInFullMode()
    {
        final Options quick = Options.parse(new String[0]);
        final Options full = Options.parse(new String[] {"--full"});

        assertEquals(10, quick.countDivisor(Transport.PYTHON_QUEUE));
        assertEquals(10, full.countDivisor(Transport.PYTHON_PIPE));
        assertEquals(1, quick.countDivisor(Transport.BRIDGE_NETNS), "quick counts are already small");
        assertEquals(10, full.countDivisor(Transport.BRIDGE_NETNS));
        assertEquals(10, full.countDivisor(Transport.TCP_NETNS), "the cross-host baseline is measured alike");
        assertEquals(1, full.countDivisor(Transport.JVMIPC_QUEUE_SPIN));
        assertEquals(1, full.countDivisor(Transport.AGRONA_ONE_TO_ONE));
    }
}
