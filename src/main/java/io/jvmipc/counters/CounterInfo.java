package io.jvmipc.counters;

/**
 * One slot of a counter region as a read-only reader saw it ({@link CountersReader#counters()}).
 *
 * @param index         the slot.
 * @param state         its state.
 * @param label         the label (the last one for {@link CounterState#FREED_PENDING}), or {@code null} while
 *                      {@link CounterState#ALLOCATING}.
 * @param typeId        the type id (meaningless while allocating).
 * @param ownership     shared or owned.
 * @param ownerEntry    the owning process-table entry of an owned counter (or of the allocating process), else
 *                      -1.
 * @param value         the value, read with volatile semantics.
 * @param freedAtMillis when a {@link CounterState#FREED_PENDING} counter was freed (epoch millis), else -1.
 */
public record CounterInfo(int index, CounterState state, String label, int typeId, Ownership ownership,
    int ownerEntry, long value, long freedAtMillis)
{
}
