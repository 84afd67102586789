package io.jvmipc.bench.harness;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

class PlacementTest
{
    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void shouldRecordTheCpuOfARegisteredProcessWhileMeasuring() throws Exception
    {
        try (Placement placement = new Placement())
        {
            placement.register("A", ProcessHandle.current().pid());
            placement.register("B", ProcessHandle.current().pid());
            placement.measuring(true);
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!placement.describe().contains("same CPU") && System.nanoTime() < deadline)
            {
                Thread.onSpinWait();
            }
            final String description = placement.describe();
            // A and B are one process, but their samples are two reads of its thread's CPU, one after the other:
            // the scheduler may move the thread in between, so how often they match is not asserted
            assertTrue(description.matches(
                "A pid \\d+ cpu\\d+ .*; B pid \\d+ cpu\\d+ .*same CPU \\d+% of [1-9]\\d* samples.*"), description);
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void shouldNotSampleOutsideMeasuredPhases() throws Exception
    {
        try (Placement placement = new Placement())
        {
            placement.register("A", ProcessHandle.current().pid());
            final String description = placement.describe();
            assertTrue(description.contains("(no sample)"), description);
        }
    }
}
