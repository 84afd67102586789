package io.jvmipc.bench.harness;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.imageio.ImageIO;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ChartTest
{
    private static final int PANEL_HEIGHT = 650;

    @Test
    void shouldDrawLatencyPerSizeThenThroughputThenTheRatiosToTheSpinFloor(@TempDir final Path dir) throws Exception
    {
        final List<Measurement> measurements = new ArrayList<>();
        final Map<String, Double> percentiles = Map.of("p50", 500.0, "p90", 600.0, "p99", 700.0, "p999", 800.0,
            "max", 900.0);
        for (final int size : List.of(32, 256))
        {
            measurements.add(new Measurement(1, "floor-spin", "rtt", size, percentiles, ""));
            for (int t = 0; t < 20; t++)
            {
                measurements.add(new Measurement(1, "transport-" + t, "rtt", size, percentiles, ""));
                measurements.add(new Measurement(1, "transport-" + t, "stream", size, Map.of("msgs", 1.0e6 * (t + 1)),
                    ""));
            }
        }
        final Path file = dir.resolve("chart.png");

        Chart.write(file, new Summary(measurements), List.of(32, 256), "test");

        final BufferedImage image = ImageIO.read(file.toFile());
        // two latency panels, the throughput panel and the floor-ratio panel
        assertEquals(4 * PANEL_HEIGHT, image.getHeight());
    }

    @Test
    void shouldLeaveOutTheRatioPanelWithoutASpinFloor(@TempDir final Path dir) throws Exception
    {
        final List<Measurement> measurements = List.of(
            new Measurement(1, "t", "stream", 32, Map.of("msgs", 1.0e6), ""));
        final Path file = dir.resolve("chart.png");

        Chart.write(file, new Summary(measurements), List.of(32), "test");

        assertEquals(PANEL_HEIGHT, ImageIO.read(file.toFile()).getHeight());
    }
}
