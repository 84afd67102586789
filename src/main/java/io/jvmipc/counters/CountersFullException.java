package io.jvmipc.counters;

import io.jvmipc.file.SharedObjectException;

import java.nio.file.Path;

/**
 * A counter region has no slot for a new counter: every slot is allocated, being allocated, or freed less than
 * the region's reuse delay ago. Nothing in the region changed.
 */
public class CountersFullException extends SharedObjectException
{
    private static final long serialVersionUID = 1L;

    /** The region's capacity. */
    private final int capacity;

    /**
     * An exception about the region at {@code path}.
     *
     * @param path     the region's file.
     * @param capacity its capacity.
     * @param message  what is wrong.
     */
    public CountersFullException(final Path path, final int capacity, final String message)
    {
        super(path, message);
        this.capacity = capacity;
    }

    /**
     * The region's capacity.
     *
     * @return the number of counters it holds at most.
     */
    public int capacity()
    {
        return capacity;
    }
}
