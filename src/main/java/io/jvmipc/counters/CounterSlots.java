package io.jvmipc.counters;

import io.jvmipc.counters.CountersDescriptor.Layout;
import io.jvmipc.file.CorruptFileException;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.jvmipc.counters.CountersDescriptor.LABEL_LENGTH_OFFSET;
import static io.jvmipc.counters.CountersDescriptor.LABEL_OFFSET;
import static io.jvmipc.counters.CountersDescriptor.OWNER_OFFSET;
import static io.jvmipc.counters.CountersDescriptor.SEQUENCE_OFFSET;
import static io.jvmipc.counters.CountersDescriptor.STATE_OFFSET;
import static io.jvmipc.counters.CountersDescriptor.TAG_ALLOCATED;
import static io.jvmipc.counters.CountersDescriptor.TAG_ALLOCATING;
import static io.jvmipc.counters.CountersDescriptor.TAG_FREED_PENDING;
import static io.jvmipc.counters.CountersDescriptor.TYPE_ID_OFFSET;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The reads of a counter region's slots that need no attachment: state, label, type, value, lookup by label and
 * iteration. Used by the attached {@link CountersCore} and by the read-only {@link CountersReader}; only reads
 * the mapping. Every label length read is checked against the region's limit before use.
 */
final class CounterSlots
{
    static final VarHandle LONG = JAVA_LONG.varHandle();

    final Path path;
    final MemorySegment segment;
    final Layout layout;
    private final long bodyOffset;

    CounterSlots(final Path path, final MemorySegment segment, final long bodyOffset, final Layout layout)
    {
        this.path = path;
        this.segment = segment;
        this.bodyOffset = bodyOffset;
        this.layout = layout;
    }

    long metadataOffset(final int index)
    {
        return bodyOffset + layout.metadataOffset(index);
    }

    long stateOffset(final int index)
    {
        return metadataOffset(index) + STATE_OFFSET;
    }

    long valueOffset(final int index)
    {
        return bodyOffset + layout.valueOffset(index);
    }

    long bodyOffset()
    {
        return bodyOffset;
    }

    long state(final int index)
    {
        // acquire: pairs with the allocator's release of ALLOCATED, so the label, type and owner read after it are
        // the ones published with it
        return (long)LONG.getAcquire(segment, stateOffset(index));
    }

    long sequence(final int index)
    {
        return segment.get(JAVA_LONG, metadataOffset(index) + SEQUENCE_OFFSET);
    }

    long owner(final int index)
    {
        return segment.get(JAVA_LONG, metadataOffset(index) + OWNER_OFFSET);
    }

    int typeId(final int index)
    {
        return segment.get(JAVA_INT, metadataOffset(index) + TYPE_ID_OFFSET);
    }

    long value(final int index)
    {
        // volatile: sequentially consistent read of the counter
        return (long)LONG.getVolatile(segment, valueOffset(index));
    }

    /**
     * The label length of slot {@code index}, checked against the region's limit.
     *
     * @throws CorruptFileException if it is out of bounds.
     */
    int labelLength(final int index)
    {
        final int length = segment.get(JAVA_INT, metadataOffset(index) + LABEL_LENGTH_OFFSET);
        if (length < 1 || length > layout.maxLabelLength())
        {
            throw new CorruptFileException(path, "counter " + index + " has a label length of " + length +
                " bytes, outside 1.." + layout.maxLabelLength());
        }
        return length;
    }

    boolean labelEquals(final int index, final MemorySegment label)
    {
        final long length = label.byteSize();
        if (labelLength(index) != length)
        {
            return false;
        }
        final long start = metadataOffset(index) + LABEL_OFFSET;
        return MemorySegment.mismatch(segment, start, start + length, label, 0, length) < 0;
    }

    String label(final int index)
    {
        final int length = labelLength(index);
        final byte[] bytes = new byte[length];
        MemorySegment.copy(segment, JAVA_BYTE, metadataOffset(index) + LABEL_OFFSET, bytes, 0, length);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /**
     * The slot of the allocated counter labelled {@code label}, or -1. Lock-free: sees only published counters.
     */
    int find(final MemorySegment label)
    {
        for (int i = 0; i < layout.capacity(); i++)
        {
            final long state = state(i);
            // the state re-read: the label compared belongs to the allocation the state names
            if (CountersDescriptor.tag(state) == TAG_ALLOCATED && labelEquals(i, label) && state(i) == state)
            {
                return i;
            }
        }
        return -1;
    }

    int allocatedCount()
    {
        int count = 0;
        for (int i = 0; i < layout.capacity(); i++)
        {
            if (CountersDescriptor.tag(state(i)) == TAG_ALLOCATED)
            {
                count++;
            }
        }
        return count;
    }

    /** Calls {@code consumer} for every allocated counter; allocates only the label buffers, once per call. */
    void forEach(final CounterConsumer consumer)
    {
        final int max = layout.maxLabelLength();
        final byte[] bytes = new byte[max];
        final ByteBuffer byteBuffer = ByteBuffer.wrap(bytes);
        final CharBuffer chars = CharBuffer.allocate(max);
        final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE);
        for (int i = 0; i < layout.capacity(); i++)
        {
            final long state = state(i);
            if (CountersDescriptor.tag(state) != TAG_ALLOCATED)
            {
                continue;
            }
            final int length = labelLength(i);
            MemorySegment.copy(segment, JAVA_BYTE, metadataOffset(i) + LABEL_OFFSET, bytes, 0, length);
            final int typeId = typeId(i);
            final long value = value(i);
            if (state(i) != state)
            {
                // freed (or freed and reused) while being read: not one consistent counter, skip it
                continue;
            }
            byteBuffer.clear().limit(length);
            chars.clear();
            decoder.reset();
            decoder.decode(byteBuffer, chars, true);
            decoder.flush(chars);
            chars.flip();
            consumer.accept(i, chars, typeId, value);
        }
    }

    /** Every slot that is not free, with its state. */
    List<CounterInfo> infos()
    {
        final List<CounterInfo> result = new ArrayList<>();
        for (int i = 0; i < layout.capacity(); i++)
        {
            final long state = state(i);
            final long tag = CountersDescriptor.tag(state);
            if (tag == CountersDescriptor.TAG_FREE)
            {
                continue;
            }
            final long owner = tag == TAG_ALLOCATING ? state : owner(i);
            final boolean owned = tag == TAG_ALLOCATING || CountersDescriptor.isOwned(owner);
            final String label = tag == TAG_ALLOCATING ? null : label(i);
            final int typeId = typeId(i);
            final long value = value(i);
            if (state(i) != state)
            {
                // changed while being read: read it again
                i--;
                continue;
            }
            result.add(new CounterInfo(i, CounterState.ofTag(tag), label, typeId,
                owned ? Ownership.OWNED : Ownership.SHARED, owned ? CountersDescriptor.entryOf(owner) : -1, value,
                tag == TAG_FREED_PENDING ? CountersDescriptor.payload(state) : -1));
        }
        return result;
    }
}
