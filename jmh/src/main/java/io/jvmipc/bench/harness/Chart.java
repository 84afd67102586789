package io.jvmipc.bench.harness;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import javax.imageio.ImageIO;

/**
 * Draws the PNG with XChart: per message size, round-trip percentiles (p50 .. max) per transport on a log
 * scale; and streaming throughput bars per transport and size, also on a log scale (the rates span four
 * orders of magnitude); and each transport's round-trip p50 as a multiple of the spin floor measured in the same
 * repetitions (1 = the floor), so ratios compare at a glance. Every bar is labelled: the category labels stand
 * vertical, one per bar. The charts are drawn by XChart and only stacked into one image here.
 */
final class Chart
{
    private static final String[] PERCENTILES = {"p50", "p90", "p99", "p999", "max"};
    private static final String[] PERCENTILE_LABELS = {"p50", "p90", "p99", "p99.9", "max"};
    /** One distinct colour per transport (XChart's default palette repeats after a dozen series). */
    private static final Color[] PALETTE = {
        new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728), new Color(0x9467bd),
        new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f), new Color(0xbcbd22), new Color(0x17becf),
        new Color(0x393b79), new Color(0xad494a), new Color(0x637939), new Color(0xe7ba52), new Color(0x843c39),
        new Color(0x7b4173), new Color(0x3182bd), new Color(0x31a354), new Color(0x000000), new Color(0x969696)};
    private static final int WIDTH = 1400;
    private static final int HEIGHT = 650;
    private static final int CATEGORY_TICK_SPACING = 10;

    private Chart()
    {
    }

    static void write(final Path file, final Summary summary, final List<Integer> sizes, final String title)
        throws IOException
    {
        final List<BufferedImage> images = new ArrayList<>();
        for (final int size : sizes)
        {
            final XYChart latency = latencyChart(summary, size, title);
            if (latency != null)
            {
                images.add(BitmapEncoder.getBufferedImage(latency));
            }
        }
        final CategoryChart throughput = throughputChart(summary, sizes);
        if (throughput != null)
        {
            images.add(BitmapEncoder.getBufferedImage(throughput));
        }
        final CategoryChart floorRatios = floorRatioChart(summary, sizes);
        if (floorRatios != null)
        {
            images.add(BitmapEncoder.getBufferedImage(floorRatios));
        }
        if (images.isEmpty())
        {
            return;
        }
        final BufferedImage all = new BufferedImage(WIDTH, HEIGHT * images.size(), BufferedImage.TYPE_INT_RGB);
        final Graphics2D graphics = all.createGraphics();
        graphics.setColor(Color.WHITE);
        graphics.fillRect(0, 0, all.getWidth(), all.getHeight());
        for (int i = 0; i < images.size(); i++)
        {
            graphics.drawImage(images.get(i), 0, i * HEIGHT, null);
        }
        graphics.dispose();
        ImageIO.write(all, "png", file.toFile());
    }

    private static XYChart latencyChart(final Summary summary, final int size, final String title)
    {
        final XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
            .title("Round trip, " + size + "-byte messages (median of runs; " + title + ")")
            .xAxisTitle("percentile").yAxisTitle("round trip (microseconds, log scale)").build();
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setXAxisTickLabelsFormattingFunction(x ->
        {
            final int i = (int)Math.round(x);
            return i >= 0 && i < PERCENTILE_LABELS.length && Math.abs(x - i) < 1e-6 ? PERCENTILE_LABELS[i] : "";
        });
        chart.getStyler().setXAxisDecimalPattern("0");
        boolean any = false;
        int colour = 0;
        for (final Summary.Row row : summary.rows())
        {
            if (!row.kind().equals("rtt") || row.size() != size || row.metrics().get("p50") == null)
            {
                continue;
            }
            final double[] x = new double[PERCENTILES.length];
            final double[] y = new double[PERCENTILES.length];
            for (int i = 0; i < PERCENTILES.length; i++)
            {
                x[i] = i;
                y[i] = Math.max(row.metrics().get(PERCENTILES[i]).median() / 1000.0, 0.001);
            }
            final XYSeries series = chart.addSeries(row.transport(), x, y);
            series.setMarker(SeriesMarkers.CIRCLE);
            series.setLineColor(PALETTE[colour % PALETTE.length]);
            series.setMarkerColor(PALETTE[colour % PALETTE.length]);
            colour++;
            if (row.transport().startsWith("jvmipc-"))
            {
                // the library's own transports stand out; the floors are dashed
                series.setLineWidth(3.5f);
            }
            else if (row.transport().startsWith("floor-"))
            {
                final boolean spin = row.transport().equals("floor-spin");
                final Color floorColour = spin ? Color.BLACK : Color.GRAY;
                series.setLineStyle(spin ? org.knowm.xchart.style.lines.SeriesLines.DASH_DASH
                    : org.knowm.xchart.style.lines.SeriesLines.DOT_DOT);
                series.setLineColor(floorColour);
                series.setMarkerColor(floorColour);
            }
            any = true;
        }
        return any ? chart : null;
    }

    private static CategoryChart throughputChart(final Summary summary, final List<Integer> sizes)
    {
        // bars start from the axis minimum: on a log axis it must be above zero
        return barChart(summary, sizes, "One-way streaming throughput (median of runs)",
            "messages per second (log scale)", 1_000.0, Styler.LegendPosition.InsideNE,
            row -> !row.kind().equals("rtt"), "msgs");
    }

    /** Round-trip p50 over the spin floor's p50 of the same repetition (median over repetitions), per size. */
    private static CategoryChart floorRatioChart(final Summary summary, final List<Integer> sizes)
    {
        return barChart(summary, sizes,
            "Round trip p50 as a multiple of the spin floor in the same repetition (1 = the floor; lower is better)",
            "p50 / spin floor p50 (log scale)", 0.5, Styler.LegendPosition.InsideNW,
            row -> row.kind().equals("rtt"), "x_spin_floor");
    }

    /**
     * One bar per transport (the {@link #label} of the rows {@code included} accepts that have {@code metric}) and
     * message size, on a log axis from {@code axisMin}; a transport without a size gets an empty bar there.
     */
    private static CategoryChart barChart(final Summary summary, final List<Integer> sizes, final String title,
        final String yAxisTitle, final double axisMin, final Styler.LegendPosition legend,
        final Predicate<Summary.Row> included, final String metric)
    {
        final CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(title)
            .xAxisTitle("transport").yAxisTitle(yAxisTitle).build();
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setYAxisMin(axisMin);
        chart.getStyler().setLegendPosition(legend);
        // vertical labels take one text height per bar, and XChart labels every bar only when its tick
        // spacing hint is below the bar pitch (the default, 74 pixels, labelled every other bar)
        chart.getStyler().setXAxisLabelRotation(90);
        chart.getStyler().setXAxisTickMarkSpacingHint(CATEGORY_TICK_SPACING);
        final Predicate<Summary.Row> charted = row -> included.test(row) && row.metrics().get(metric) != null;
        final List<String> transports = new ArrayList<>();
        for (final Summary.Row row : summary.rows())
        {
            if (charted.test(row) && !transports.contains(label(row)))
            {
                transports.add(label(row));
            }
        }
        if (transports.isEmpty())
        {
            return null;
        }
        for (final int size : sizes)
        {
            final List<Double> values = new ArrayList<>();
            for (final String transport : transports)
            {
                double value = axisMin;
                for (final Summary.Row row : summary.rows())
                {
                    if (charted.test(row) && row.size() == size && label(row).equals(transport))
                    {
                        value = row.metrics().get(metric).median();
                    }
                }
                values.add(value);
            }
            chart.addSeries(size + " bytes", transports, values);
        }
        return chart;
    }

    private static String label(final Summary.Row row)
    {
        return row.kind().equals("mpmc") ? row.transport() + " MPMC" : row.transport();
    }
}
