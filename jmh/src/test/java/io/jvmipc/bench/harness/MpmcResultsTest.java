package io.jvmipc.bench.harness;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MpmcResultsTest
{
    private static Measurement consumer(final long count, final long sequenceSum, final double first, final double last)
    {
        return new Measurement(1, "jvmipc-queue-spin", "mpmc", 32, Map.of("consumer", 1.0, "count", (double)count,
            "seqsum", (double)sequenceSum, "first", first, "last", last), "");
    }

    @Test
    void shouldCombineConsumersIntoOneRateOverTheWholeSpan()
    {
        // 2 producers x 10 messages: sequence sums 2 x 45 = 90 in all
        final Runner.Outcome outcome = new Runner.Outcome(List.of(
            consumer(12, 50, 1_000_000_000, 1_500_000_000), consumer(8, 40, 1_200_000_000, 2_000_000_000)), null, "");

        final Runner.Outcome combined = MpmcResults.combine(outcome, 1, 2, 2, 10, 32);

        assertNull(combined.failure());
        final Measurement m = combined.measurements().getFirst();
        assertEquals(20, m.metrics().get("msgs"), 1e-9); // 20 messages in 1 s
        assertEquals("mpmc", m.kind());
        assertEquals("jvmipc-queue-block 2x2", m.transport());
    }

    @Test
    void shouldFailARunThatLostAMessage()
    {
        final Runner.Outcome outcome = new Runner.Outcome(List.of(
            consumer(12, 50, 0, 1), consumer(7, 31, 0, 1)), null, "");

        final Runner.Outcome combined = MpmcResults.combine(outcome, 1, 2, 2, 10, 32);

        assertNotNull(combined.failure());
        assertTrue(combined.failure().contains("received 19"), combined.failure());
        assertTrue(combined.measurements().isEmpty());
    }

    @Test
    void shouldFailARunThatDuplicatedOneMessageForAnother()
    {
        // right count, wrong sum: one sequence number arrived twice, another never
        final Runner.Outcome outcome = new Runner.Outcome(List.of(
            consumer(10, 46, 0, 1), consumer(10, 45, 0, 1)), null, "");

        assertNotNull(MpmcResults.combine(outcome, 1, 2, 2, 10, 32).failure());
    }

    @Test
    void shouldFailWhenAConsumerDidNotReport()
    {
        final Runner.Outcome outcome = new Runner.Outcome(List.of(consumer(20, 90, 0, 1)), null, "");

        assertNotNull(MpmcResults.combine(outcome, 1, 2, 2, 10, 32).failure());
    }
}
