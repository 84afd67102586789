package io.jvmipc.pipe;

import io.jvmipc.file.CorruptFileException;
import io.jvmipc.wait.Signal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Arrays;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One ring's format (RingDescriptor) at the states a producer killed between two of its stores leaves behind:
 * a record published by its check word with the tail not yet stored, the padding published without the record
 * after it, and a claim given up. A producer taking the end over must continue exactly after what is published.
 * The cross-process kill -9 of a streaming sender is in {@link PipeProcessTest}.
 */
class RingTakeoverTest
{
    private static final int CAPACITY = 4096;
    private static final Path PATH = Path.of("ring-under-test");

    private final Arena arena = Arena.ofConfined();
    private final MemorySegment segment = arena.allocate(RingDescriptor.length(CAPACITY), 4096);
    private final long seed = RingDescriptor.seed(1_796_000_000_000L, 4242, 0);
    private final Signal data = new Signal(segment, RingDescriptor.DATA_SIGNAL_OFFSET, -1);
    private final Signal space = new Signal(segment, RingDescriptor.SPACE_SIGNAL_OFFSET, -1);

    @AfterEach
    void close()
    {
        arena.close();
    }

    private RingWriter writer()
    {
        return new RingWriter(segment, PATH, 0, CAPACITY, seed, data, space);
    }

    private RingReader reader()
    {
        return new RingReader(segment, PATH, 0, CAPACITY, 1 << 20, seed, data, space);
    }

    private static byte[] message(final int value, final int length)
    {
        final byte[] message = new byte[length];
        Arrays.fill(message, (byte)value);
        return message;
    }

    private void send(final RingWriter writer, final byte[] message)
    {
        final long payload = writer.claim(message.length);
        assertTrue(payload >= 0, "space for " + message.length + " bytes");
        MemorySegment.copy(message, 0, segment, JAVA_BYTE, payload, message.length);
        writer.commit(payload, message.length, message.length);
    }

    private static byte[] receive(final RingReader reader, final MemorySegment segment)
    {
        final long payload = reader.peek();
        if (payload < 0)
        {
            return null;
        }
        final byte[] message = new byte[reader.length()];
        MemorySegment.copy(segment, JAVA_BYTE, payload, message, 0, message.length);
        reader.advance();
        return message;
    }

    private long tail()
    {
        return segment.get(JAVA_LONG, RingDescriptor.TAIL_OFFSET);
    }

    /** The writer died after its last record's check word and before storing the tail. */
    private void sendAndLoseTheTailStore(final RingWriter writer, final byte[] message)
    {
        final long before = tail();
        send(writer, message);
        segment.set(JAVA_LONG, RingDescriptor.TAIL_OFFSET, before);
    }

    @Test
    void shouldContinueAfterARecordPublishedBeyondTheStoredTail()
    {
        final RingWriter dead = writer();
        final RingReader reader = reader();
        send(dead, message(1, 10));
        send(dead, message(2, 100));
        sendAndLoseTheTailStore(dead, message(3, 30));
        assertArrayEquals(message(1, 10), receive(reader, segment));

        final RingWriter next = writer();
        send(next, message(4, 5));
        assertArrayEquals(message(2, 100), receive(reader, segment));
        assertArrayEquals(message(3, 30), receive(reader, segment));
        assertArrayEquals(message(4, 5), receive(reader, segment));
        assertNull(receive(reader, segment));
    }

    @Test
    void shouldContinueWhereTheReaderIsWhenItTookRecordsBeyondTheStoredTail()
    {
        final RingWriter dead = writer();
        final RingReader reader = reader();
        send(dead, message(1, 10));
        sendAndLoseTheTailStore(dead, message(2, 70));
        assertArrayEquals(message(1, 10), receive(reader, segment));
        assertArrayEquals(message(2, 70), receive(reader, segment));
        // the head is ahead of the stored tail: normal, for the reader
        assertNull(receive(reader, segment));

        final RingWriter next = writer();
        send(next, message(3, 20));
        assertArrayEquals(message(3, 20), receive(reader, segment));
        assertNull(receive(reader, segment));
    }

    /** Fills the ring with 200-byte messages up to the point where a 900-byte one needs padding first. */
    private int fillToTheEnd(final RingWriter writer, final RingReader reader)
    {
        int sent = 0;
        while (CAPACITY - ((int)tail() & (CAPACITY - 1)) >= RingDescriptor.recordLength(900))
        {
            send(writer, message(sent, 200));
            assertArrayEquals(message(sent, 200), receive(reader, segment));
            sent++;
        }
        return sent;
    }

    @Test
    void shouldContinueAfterPaddingPublishedWithoutItsRecord()
    {
        final RingWriter dead = writer();
        final RingReader reader = reader();
        fillToTheEnd(dead, reader);
        final long padding = tail();
        // the dead writer's claim wrote the padding's header, and it died after publishing the padding's check word
        // (commit's first store) and before the record's
        assertTrue(dead.claim(900) >= 0);
        final long paddingRecord = RingDescriptor.DATA_OFFSET + (padding & (CAPACITY - 1));
        final long header = segment.get(JAVA_LONG, paddingRecord + RingDescriptor.HEADER_FIELD);
        assertEquals(RingDescriptor.PADDING, (int)(header >> 32));
        segment.set(JAVA_LONG, paddingRecord + RingDescriptor.CHECK_FIELD,
            RingDescriptor.check(seed, padding, header));
        assertNull(receive(reader, segment));

        // a small message would fit before the end; it must go after the padding the reader has stepped over
        final RingWriter next = writer();
        send(next, message(9, 40));
        assertArrayEquals(message(9, 40), receive(reader, segment));
        assertNull(receive(reader, segment));
    }

    @Test
    void shouldLeaveNothingVisibleForAClaimGivenUp()
    {
        final RingWriter writer = writer();
        final RingReader reader = reader();
        fillToTheEnd(writer, reader);
        // a claim that needs padding, given up (the codec threw): the reader must not step over the padding
        assertTrue(writer.claim(900) >= 0);
        assertNull(receive(reader, segment));
        send(writer, message(7, 40));
        assertArrayEquals(message(7, 40), receive(reader, segment));
        send(writer, message(8, 900));
        assertArrayEquals(message(8, 900), receive(reader, segment));
        assertNull(receive(reader, segment));
    }

    @Test
    void shouldPublishThePaddingItComputedNotWhatTheRingHoldsAtCommit()
    {
        final RingWriter writer = writer();
        final RingReader reader = reader();
        fillToTheEnd(writer, reader);
        final long padding = RingDescriptor.DATA_OFFSET + (tail() & (CAPACITY - 1));
        final long payload = writer.claim(900);
        // the padding's header overwritten between claim and commit (a third party writing into the file)
        segment.set(JAVA_LONG, padding + RingDescriptor.HEADER_FIELD, RingDescriptor.header(8, 8));
        MemorySegment.copy(message(5, 900), 0, segment, JAVA_BYTE, payload, 900);
        writer.commit(payload, 900, 900);
        // the overwritten header no longer checks, and the tail shows it published: reported, not misread
        assertThrows(CorruptFileException.class, () -> receive(reader, segment));
    }

    @Test
    void shouldTakeOverAnEmptyRingAtTheStoredTail()
    {
        final RingWriter first = writer();
        final RingReader reader = reader();
        send(first, message(1, 3));
        assertArrayEquals(message(1, 3), receive(reader, segment));
        final long stored = tail();
        writer();
        assertEquals(stored, tail());
    }

    @Test
    void shouldRefuseToTakeOverAnImpossibleTail()
    {
        segment.set(JAVA_LONG, RingDescriptor.TAIL_OFFSET, 3L * CAPACITY);
        final CorruptFileException e = assertThrows(CorruptFileException.class, this::writer);
        assertTrue(e.getMessage().contains(PATH.toString()) && e.getMessage().contains("tail " + 3 * CAPACITY),
            e.getMessage());
        segment.set(JAVA_LONG, RingDescriptor.TAIL_OFFSET, 8);
        assertThrows(CorruptFileException.class, this::writer);
        // aligned, but its distance to the head overflows: Math.abs of it would be negative and pass
        segment.set(JAVA_LONG, RingDescriptor.TAIL_OFFSET, Long.MIN_VALUE);
        assertThrows(CorruptFileException.class, this::writer);
    }

    @Test
    void shouldNotTakeAWordLeftFromAnEarlierLapForARecord()
    {
        final RingWriter writer = writer();
        final RingReader reader = reader();
        // one lap of records of one shape, then records of another: every later head lands on words written for
        // other positions (old check words, headers and payload), none of which may check
        for (int i = 0; i < CAPACITY / 64; i++)
        {
            send(writer, message(i, 48));
            assertArrayEquals(message(i, 48), receive(reader, segment));
        }
        for (int i = 0; i < 3 * CAPACITY / 128; i++)
        {
            assertNull(receive(reader, segment));
            send(writer, message(i, 100));
            assertArrayEquals(message(i, 100), receive(reader, segment));
        }
        assertNull(receive(reader, segment));
    }
}
