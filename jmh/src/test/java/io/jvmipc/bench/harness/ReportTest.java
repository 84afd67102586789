package io.jvmipc.bench.harness;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReportTest
{
    private static final List<Measurement> RUN = List.of(
        new Measurement(1, "floor-spin", "rtt", 32, Map.of("p50", 200.0, "p999", 600.0), "cpu0 100%, cpu1 100%"),
        new Measurement(1, "agrona-1to1", "rtt", 32, Map.of("p50", 400.0, "p999", 2000.0), "A: cpu0 100%, B: cpu1"),
        new Measurement(1, "agrona-1to1", "rtt", 256, Map.of("p50", 800.0, "p999", 3000.0), ""),
        new Measurement(1, "jvmipc-queue-spin", "rtt", 32, Map.of("p50", 440.0, "p999", 1000.0), ""),
        new Measurement(1, "jvmipc-queue-spin", "rtt", 256, Map.of("p50", 720.0, "p999", 1500.0), ""),
        new Measurement(1, "agrona-1to1", "stream", 32, Map.of("msgs", 20e6), ""),
        new Measurement(1, "agrona-mto1", "stream", 32, Map.of("msgs", 25e6), ""),
        new Measurement(1, "jvmipc-queue-spin", "stream", 32, Map.of("msgs", 15e6, "mbs", 480.0), ""),
        new Measurement(1, "jvmipc-queue-block", "stream", 32, Map.of("msgs", 10e6), ""),
        new Measurement(1, "jvmipc-queue-block 1x1", "mpmc", 32, Map.of("msgs", 8e6), ""),
        new Measurement(1, "jvmipc-queue-block 2x2", "mpmc", 32, Map.of("msgs", 6e6), ""));

    private static String rowOf(final String table, final String label)
    {
        return table.lines().filter(line -> line.startsWith("| " + label + " |")).findFirst().orElseThrow(
            () -> new AssertionError("no row " + label + " in\n" + table));
    }

    @Test
    void shouldReadBackWhatItWrote(@TempDir final Path dir) throws IOException
    {
        final Path file = dir.resolve("runs.csv");
        Report.csv(file, RUN);

        final List<Measurement> read = Report.readCsv(file);

        assertEquals(RUN.size(), read.size());
        for (int i = 0; i < RUN.size(); i++)
        {
            assertEquals(RUN.get(i).key(), read.get(i).key());
            assertEquals(RUN.get(i).repetition(), read.get(i).repetition());
            assertEquals(RUN.get(i).metrics(), read.get(i).metrics());
            assertEquals(RUN.get(i).placement(), read.get(i).placement());
        }
    }

    @Test
    void shouldRefuseAFileThatIsNotARunsCsvNamingIt(@TempDir final Path dir) throws IOException
    {
        final Path file = Files.writeString(dir.resolve("other.csv"), "a,b\n1,2\n");

        final IOException e = assertThrows(IOException.class, () -> Report.readCsv(file));

        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }

    @Test
    void shouldRefuseALineWithTooFewCellsNamingTheLine(@TempDir final Path dir) throws IOException
    {
        final Path file = Files.writeString(dir.resolve("runs.csv"),
            "repetition,transport,kind,size,msgs,p50,placement\n1,t,rtt,32,\"\"\n");

        final IOException e = assertThrows(IOException.class, () -> Report.readCsv(file));

        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
    }

    @Test
    void shouldTabulateTheRatiosOfTheTargetsPerTransport()
    {
        final String table = Report.summaryTable(new Summary(RUN));

        // RTT p50 32 B, 256 B, p99.9 32 B, x spin floor, x Agrona (32, 256), p99.9 x Agrona, stream 32 B, 256 B,
        // stream x Agrona 1to1, x Agrona MtO, x OS pipe
        assertEquals("| **jvmipc Queue, spin** | 0.44 | 0.72 | 1.00 | 2.20 | 1.10, 0.90 | 0.50, 0.50 | 15.00M |  | 0.75 "
            + "| 0.60 |  |", rowOf(table, "**jvmipc Queue, spin**"));
        final String mpmcNote = ", blocking** (MPMC program; the two stream ratio columns: / the queue's blocking 1x1 "
            + "stream, / the program's own 1x1 run)";
        assertTrue(rowOf(table, "**jvmipc Queue, 2 producers x 2 consumers" + mpmcNote).contains("| 6.00M |  | 0.60 | "
            + "0.75 |"), table);
        assertTrue(rowOf(table, "**jvmipc Queue, 1 producer x 1 consumer" + mpmcNote).contains("| 8.00M |  | 0.80 |  |"),
            table);
    }
}
