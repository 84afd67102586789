package io.jvmipc.counters;

/**
 * Receives the counters of a region one by one ({@link SharedCounters#forEach(CounterConsumer)},
 * {@link CountersReader#forEach(CounterConsumer)}), with primitive arguments and a label that is reused from one
 * call to the next, so that iterating allocates nothing per counter.
 */
@FunctionalInterface
public interface CounterConsumer
{
    /**
     * Receives one allocated counter.
     *
     * @param index  the counter's slot in the region.
     * @param label  its label; valid only during this call (call {@code toString()} to keep it).
     * @param typeId its type id.
     * @param value  its value, read with volatile semantics after the label.
     */
    void accept(int index, CharSequence label, int typeId, long value);
}
