package io.jvmipc.bench.harness;

import java.util.Map;

/**
 * One result line of one run: a transport, a kind ({@code rtt}, {@code stream}, {@code mpmc}), a message size
 * and its metrics (nanoseconds for latencies, per second for rates), with where the processes ran.
 *
 * @param repetition which repetition (1-based).
 * @param transport the transport's name.
 * @param kind rtt, stream or mpmc.
 * @param size the message size in bytes.
 * @param metrics the numbers.
 * @param placement where the processes ran.
 */
record Measurement(int repetition, String transport, String kind, int size, Map<String, Double> metrics,
    String placement)
{
    String key()
    {
        return transport + "|" + kind + "|" + size;
    }
}
