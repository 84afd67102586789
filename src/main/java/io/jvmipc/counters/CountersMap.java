package io.jvmipc.counters;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentMap;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * A counter region seen as a {@code ConcurrentMap<String, Long>} ({@link SharedCounters#asMap()}): a key is a
 * label, a value the counter's value, and every mapping is a {@link Ownership#SHARED} counter of type id 0.
 * <p>
 * <b>Atomicity across processes.</b> An absent key is added by the region's race-free allocation with its first
 * value already in place, so of two processes adding one key at once, one adds it and the other updates it.
 * {@code merge}, {@code compute}, {@code computeIfPresent} and {@code replace(key, old, new)} are CAS loops on
 * the value word: {@code merge(key, 1L, Long::sum)} from any number of processes never loses an update. The
 * functions may run more than once, so they must have no side effects.
 * <p>
 * <b>Removal</b> ({@code remove}, a function returning {@code null}, {@code clear}, iterator and entry-set
 * removal) frees the counter: every handle to it throws {@link IllegalStateException} from then on, and the next
 * update of the key starts a new counter. A removal is not atomic with a concurrent update from another process:
 * an update that lands between the removal's last read of the value and the free is lost with the counter, and
 * {@code remove(key, value)} checks the value, then frees. {@code size()} and iteration are scans, weakly
 * consistent like {@code ConcurrentHashMap}'s: they reflect some state at or since the start of the scan.
 * <p>
 * Null keys and values are refused with {@link NullPointerException}; a key that is empty or longer than the
 * region's label limit is absent for the read operations and refused with {@link IllegalArgumentException} by
 * those that add. Allocation failures are {@link CountersFullException}; use after close,
 * {@link IllegalStateException}.
 */
final class CountersMap extends AbstractMap<String, Long> implements ConcurrentMap<String, Long>
{
    /** The result of {@link #update} when the counter was freed under it: start again from the lookup. */
    private static final Object RETRY = new Object();

    private final SharedCounters region;
    private final EntrySet entrySet = new EntrySet();

    CountersMap(final SharedCounters region)
    {
        this.region = region;
    }

    @Override
    public Long get(final Object key)
    {
        final SharedCounter counter = find(key);
        return counter == null ? null : read(counter);
    }

    @Override
    public boolean containsKey(final Object key)
    {
        return find(key) != null;
    }

    @Override
    public int size()
    {
        return region.size();
    }

    @Override
    public boolean isEmpty()
    {
        return size() == 0;
    }

    @Override
    public Long put(final String key, final Long value)
    {
        Objects.requireNonNull(value, "value");
        final MemorySegment bytes = region.encode(key);
        while (true)
        {
            final SharedCounter counter = findOrAdd(bytes, key, value);
            if (counter == null)
            {
                return null;
            }
            try
            {
                return counter.getAndSet(value);
            }
            catch (final IllegalStateException e)
            {
                region.ensureOpen();
                // freed by another process after we found it: add the key again
            }
        }
    }

    @Override
    public Long putIfAbsent(final String key, final Long value)
    {
        Objects.requireNonNull(value, "value");
        final MemorySegment bytes = region.encode(key);
        while (true)
        {
            final SharedCounter counter = findOrAdd(bytes, key, value);
            if (counter == null)
            {
                return null;
            }
            final Long current = read(counter);
            if (current != null)
            {
                return current;
            }
        }
    }

    @Override
    public Long merge(final String key, final Long value,
        final BiFunction<? super Long, ? super Long, ? extends Long> remapping)
    {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(remapping, "remapping");
        final MemorySegment bytes = region.encode(key);
        while (true)
        {
            final SharedCounter counter = findOrAdd(bytes, key, value);
            if (counter == null)
            {
                return value;
            }
            final Object result = update(counter, value, (k, old, v) -> remapping.apply(old, v));
            if (result != RETRY)
            {
                return (Long)result;
            }
        }
    }

    @Override
    public Long compute(final String key, final BiFunction<? super String, ? super Long, ? extends Long> remapping)
    {
        Objects.requireNonNull(remapping, "remapping");
        final MemorySegment bytes = region.encode(key);
        while (true)
        {
            final SharedCounter counter = region.find(key);
            if (counter == null)
            {
                final Long added = remapping.apply(key, null);
                if (added == null)
                {
                    return null;
                }
                if (findOrAdd(bytes, key, added) == null)
                {
                    return added;
                }
                // another process added the key first: compute again from its value
                continue;
            }
            final Object result = update(counter, null, (k, old, v) -> remapping.apply(key, old));
            if (result != RETRY)
            {
                return (Long)result;
            }
        }
    }

    @Override
    public Long computeIfAbsent(final String key, final Function<? super String, ? extends Long> mapping)
    {
        Objects.requireNonNull(mapping, "mapping");
        final MemorySegment bytes = region.encode(key);
        while (true)
        {
            final SharedCounter existing = region.find(key);
            if (existing != null)
            {
                final Long current = read(existing);
                if (current != null)
                {
                    return current;
                }
                continue;
            }
            final Long added = mapping.apply(key);
            if (added == null)
            {
                return null;
            }
            final SharedCounter counter = findOrAdd(bytes, key, added);
            if (counter == null)
            {
                return added;
            }
            final Long current = read(counter);
            if (current != null)
            {
                return current;
            }
        }
    }

    @Override
    public Long computeIfPresent(final String key,
        final BiFunction<? super String, ? super Long, ? extends Long> remapping)
    {
        Objects.requireNonNull(remapping, "remapping");
        while (true)
        {
            final SharedCounter counter = find(key);
            if (counter == null)
            {
                return null;
            }
            final Object result = update(counter, null, (k, old, v) -> remapping.apply(key, old));
            if (result != RETRY)
            {
                return (Long)result;
            }
        }
    }

    @Override
    public Long replace(final String key, final Long value)
    {
        Objects.requireNonNull(value, "value");
        final SharedCounter counter = find(key);
        if (counter == null)
        {
            return null;
        }
        try
        {
            return counter.getAndSet(value);
        }
        catch (final IllegalStateException e)
        {
            region.ensureOpen();
            return null;
        }
    }

    @Override
    public boolean replace(final String key, final Long oldValue, final Long newValue)
    {
        Objects.requireNonNull(oldValue, "oldValue");
        Objects.requireNonNull(newValue, "newValue");
        final SharedCounter counter = find(key);
        if (counter == null)
        {
            return false;
        }
        try
        {
            return counter.compareAndSet(oldValue, newValue);
        }
        catch (final IllegalStateException e)
        {
            region.ensureOpen();
            return false;
        }
    }

    @Override
    public Long remove(final Object key)
    {
        final SharedCounter counter = find(key);
        if (counter == null)
        {
            return null;
        }
        final Long value = read(counter);
        return value != null && counter.free() ? value : null;
    }

    @Override
    public boolean remove(final Object key, final Object value)
    {
        Objects.requireNonNull(value, "value");
        final SharedCounter counter = find(key);
        if (counter == null)
        {
            return false;
        }
        final Long current = read(counter);
        return value.equals(current) && counter.free();
    }

    @Override
    public void clear()
    {
        final CounterSlots slots = region.slots();
        region.ensureOpen();
        try
        {
            for (int i = 0; i < slots.layout.capacity(); i++)
            {
                final long state = slots.state(i);
                if (CountersDescriptor.tag(state) == CountersDescriptor.TAG_ALLOCATED)
                {
                    region.core().free(i, state);
                }
            }
        }
        catch (final InternalError e)
        {
            throw region.faulted(e);
        }
    }

    @Override
    public Set<Entry<String, Long>> entrySet()
    {
        return entrySet;
    }

    @FunctionalInterface
    private interface Remap
    {
        Long apply(String key, Long old, Long given);
    }

    /**
     * The CAS loop: applies {@code remap} to the counter's value until the CAS succeeds; a {@code null} result
     * frees the counter.
     *
     * @return the new value, {@code null} if removed, or {@link #RETRY} if the counter was freed meanwhile.
     */
    private Object update(final SharedCounter counter, final Long given, final Remap remap)
    {
        try
        {
            while (true)
            {
                final long current = counter.get();
                final Long next = remap.apply(counter.label(), current, given);
                if (next == null)
                {
                    return counter.free() ? null : RETRY;
                }
                if (counter.compareAndSet(current, next))
                {
                    return next;
                }
            }
        }
        catch (final IllegalStateException e)
        {
            region.ensureOpen();
            return RETRY;
        }
    }

    /**
     * The counter for {@code key} if present; {@code null} after adding it with {@code value} (this call added it).
     */
    private SharedCounter findOrAdd(final MemorySegment bytes, final String key, final long value)
    {
        region.ensureOpen();
        try
        {
            while (true)
            {
                final long result = region.core().findOrAllocate(bytes, 0, Ownership.SHARED, value);
                if ((result & CountersCore.CREATED) != 0)
                {
                    return null;
                }
                final SharedCounter counter = region.handle((int)result, bytes, key);
                if (counter != null)
                {
                    return counter;
                }
            }
        }
        catch (final InternalError e)
        {
            throw region.faulted(e);
        }
    }

    /** The counter for a key of any type, or {@code null} if it cannot be or is not present. */
    private SharedCounter find(final Object key)
    {
        Objects.requireNonNull(key, "key");
        if (!(key instanceof String label) || label.isEmpty() ||
            label.length() > region.maxLabelLength() * 3 ||
            label.getBytes(StandardCharsets.UTF_8).length > region.maxLabelLength())
        {
            region.ensureOpen();
            return null;
        }
        return region.find(label);
    }

    /** The counter's value, or {@code null} if it was freed. */
    private Long read(final SharedCounter counter)
    {
        try
        {
            return counter.get();
        }
        catch (final IllegalStateException e)
        {
            region.ensureOpen();
            return null;
        }
    }

    private final class EntrySet extends AbstractSet<Entry<String, Long>>
    {
        @Override
        public Iterator<Entry<String, Long>> iterator()
        {
            region.ensureOpen();
            return new EntryIterator();
        }

        @Override
        public int size()
        {
            return region.size();
        }

        @Override
        public void clear()
        {
            CountersMap.this.clear();
        }
    }

    private final class EntryIterator implements Iterator<Entry<String, Long>>
    {
        private final CounterSlots slots = region.slots();
        private int index;
        private CounterEntry next;
        private CounterEntry last;

        @Override
        public boolean hasNext()
        {
            try
            {
                while (next == null && index < slots.layout.capacity())
                {
                    final int i = index++;
                    final long state = slots.state(i);
                    if (CountersDescriptor.tag(state) != CountersDescriptor.TAG_ALLOCATED)
                    {
                        continue;
                    }
                    final String label = slots.label(i);
                    final SharedCounter counter = new SharedCounter(region, slots, i, state, label);
                    final Long value = read(counter);
                    if (value != null)
                    {
                        next = new CounterEntry(counter, value);
                    }
                }
                return next != null;
            }
            catch (final InternalError e)
            {
                throw region.faulted(e);
            }
        }

        @Override
        public Entry<String, Long> next()
        {
            if (!hasNext())
            {
                throw new NoSuchElementException();
            }
            last = next;
            next = null;
            return last;
        }

        @Override
        public void remove()
        {
            if (last == null)
            {
                throw new IllegalStateException("next() not called, or remove() called already");
            }
            last.counter.free();
            last = null;
        }
    }

    /** An entry whose value is the one read by the iterator; {@code setValue} writes the counter. */
    private static final class CounterEntry extends AbstractMap.SimpleEntry<String, Long>
    {
        private static final long serialVersionUID = 1L;

        private final transient SharedCounter counter;

        CounterEntry(final SharedCounter counter, final long value)
        {
            super(counter.label(), value);
            this.counter = counter;
        }

        @Override
        public Long setValue(final Long value)
        {
            Objects.requireNonNull(value, "value");
            counter.set(value);
            return super.setValue(value);
        }
    }
}
