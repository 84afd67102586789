package io.jvmipc.counters;

/**
 * The state of one counter slot in a {@link SharedCounters} region, as stored in its metadata.
 */
public enum CounterState
{
    /** Never used, or reclaimed from a process that died while allocating it. */
    FREE,
    /** Being allocated by a live process (label and type not yet published); invisible to lookups. */
    ALLOCATING,
    /** In use: found by its label, counted by iteration. */
    ALLOCATED,
    /** Freed, and not reused until the region's reuse delay has passed since the free. */
    FREED_PENDING;

    static CounterState ofTag(final long tag)
    {
        return values()[(int)tag];
    }
}
