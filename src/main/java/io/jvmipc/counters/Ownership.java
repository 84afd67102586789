package io.jvmipc.counters;

/**
 * Who keeps a counter alive, chosen when it is allocated.
 */
public enum Ownership
{
    /** The counter stays until someone frees it, whatever happens to the process that allocated it. */
    SHARED,
    /**
     * The counter belongs to the process that allocated it (Aeron's client counters): when that process dies or
     * closes the region, the recovery of its process-table entry frees the counter (it becomes
     * {@link CounterState#FREED_PENDING}). A counter found by another process keeps its original owner.
     */
    OWNED
}
