package io.jvmipc.queue;

import io.jvmipc.codec.Codec;
import io.jvmipc.codec.CodecException;
import io.jvmipc.codec.Codecs;
import io.jvmipc.file.CorruptFileException;
import io.jvmipc.file.HeaderDescriptor;
import io.jvmipc.file.SharedDirectory;
import io.jvmipc.file.SharedObjectException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.NoSuchElementException;
import java.util.concurrent.TimeUnit;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Peeking past gaps, corrupt slot lengths, the exposed buffer, claims passed in, and a file truncated in use. */
@Timeout(30)
class SharedQueueBadInputTest
{
    @TempDir
    Path tempDir;
    private SharedDirectory dir;

    @BeforeEach
    void setUp()
    {
        dir = SharedDirectory.of(tempDir);
    }

    private SharedQueueBuilder<String> queue(final String name)
    {
        return SharedQueue.builder(name, Codecs.utf8()).directory(dir).capacity(4).maxMessageSize(16);
    }

    /** UTF-8, except that it fails to encode "boom" after claiming (its length is not known in advance). */
    private static final Codec<String> FAILS_ON_BOOM = new Codec<>()
    {
        @Override
        public int encode(final String value, final MemorySegment destination, final long offset, final int maxLength)
        {
            if ("boom".equals(value))
            {
                throw new CodecException("cannot encode " + value, null);
            }
            return Codecs.utf8().encode(value, destination, offset, maxLength);
        }

        @Override
        public String decode(final MemorySegment source, final long offset, final int length)
        {
            return Codecs.utf8().decode(source, offset, length);
        }
    };

    @Test
    void shouldPeekPastTheGapOfAnAbortedClaim()
    {
        try (SharedQueue<String> q = queue("peek-abort").create())
        {
            final long claim = q.tryClaim();
            q.add("a");
            q.add("b");
            q.abort(claim);
            assertEquals(2, q.size(), "a gap is not a message");
            assertEquals("a", q.peek());
            assertEquals("a", q.element());
            assertEquals(2, q.size(), "peeking consumes nothing");
            assertEquals("a", q.poll());
            assertEquals("b", q.peek());
            assertEquals("b", q.poll());
            assertNull(q.peek());
            assertThrows(NoSuchElementException.class, q::element);
        }
    }

    @Test
    void shouldPeekPastTheGapOfAFailedEncode()
    {
        try (SharedQueue<String> q = SharedQueue.builder("peek-codec", FAILS_ON_BOOM).directory(dir).capacity(4)
            .maxMessageSize(16).create())
        {
            assertThrows(CodecException.class, () -> q.offer("boom"));
            q.add("a");
            q.add("b");
            assertEquals("a", q.peek());
            assertEquals("a", q.element());
            assertEquals("a", q.poll());
            assertEquals("b", q.poll());
        }
    }

    @Test
    void shouldPeekPastASlotOfAnAttachmentThatWentAwayHoldingAClaim()
    {
        try (SharedQueue<String> q = queue("peek-gone").create())
        {
            final SharedQueue<String> producer = queue("peek-gone").open();
            assertTrue(producer.tryClaim() >= 0);
            producer.close();
            q.add("a");
            assertEquals("a", q.peek(), "peek probes the writer holding the line and skips its slot once it is gone");
            assertEquals("a", q.poll());
        }
    }

    /** Stores {@code value} in the hint word at {@code offset} of the body (another program writing the file). */
    private static long overwriteHint(final SharedQueue<String> q, final int offset, final long value)
    {
        final long at = q.file().bodyOffset() + offset;
        final long was = q.file().segment().get(JAVA_LONG, at);
        q.file().segment().set(JAVA_LONG, at, value);
        return was;
    }

    @Test
    void shouldReportAHeadHintOverwrittenAheadOfTheMessagesInsteadOfLookingEmptyForever() throws Exception
    {
        for (final boolean single : new boolean[] {false, true})
        {
            final SharedQueueBuilder<String> builder = queue("head-" + single);
            try (SharedQueue<String> q = (single ? builder.singleProducer().singleConsumer() : builder).create())
            {
                assertTrue(q.offer("a") && q.offer("b"));
                // two laps and a bit ahead: every slot there holds a word two laps behind
                final long was = overwriteHint(q, QueueDescriptor.HEAD_OFFSET, 1_000_000L);
                final CorruptFileException poll = assertThrows(CorruptFileException.class, q::poll);
                assertMentions(poll, q.path().toString(), "head or pass hint", "position 1000000", "head hint 1000000",
                    "capacity 4");
                final CorruptFileException timed = assertThrows(CorruptFileException.class,
                    () -> q.poll(10, TimeUnit.SECONDS), "a waiting take is told, not left waiting for ever");
                assertMentions(timed, q.path().toString(), "head or pass hint");
                assertThrows(CorruptFileException.class, q::peek);
                // one lap ahead: the slots there hold FREE words of that lap, never claimed, which no hint passes
                overwriteHint(q, QueueDescriptor.HEAD_OFFSET, 4 + 2);
                assertMentions(assertThrows(CorruptFileException.class, q::poll), q.path().toString(),
                    "where the head or pass hint puts position 6", "state 0");
                // nothing was taken or changed: with the hint put back, both messages are there
                overwriteHint(q, QueueDescriptor.HEAD_OFFSET, was);
                assertEquals("a", q.poll());
                assertEquals("b", q.poll());
                assertNull(q.poll());
            }
        }
    }

    @Test
    void shouldReportATailHintOverwrittenAheadInsteadOfLookingFullForever() throws Exception
    {
        for (final boolean single : new boolean[] {false, true})
        {
            final SharedQueueBuilder<String> builder = queue("tail-" + single);
            try (SharedQueue<String> q = (single ? builder.singleProducer().singleConsumer() : builder).create())
            {
                try (SharedQueue<String> first = queue("tail-" + single).open())
                {
                    // closed after, which frees a single producer's role: the next one starts from the hint
                    assertTrue(first.offer("a"));
                }
                final long was = overwriteHint(q, QueueDescriptor.TAIL_OFFSET, 9 + 3 * 4);
                try (SharedQueue<String> producer = queue("tail-" + single).open())
                {
                    final CorruptFileException offer = assertThrows(CorruptFileException.class,
                        () -> producer.offer("b"));
                    assertMentions(offer, producer.path().toString(), "where the tail hint puts position 21",
                        "tail hint 21", "capacity 4");
                    assertThrows(CorruptFileException.class, () -> producer.put("b"),
                        "a blocking put is told, not left waiting for ever");
                    overwriteHint(producer, QueueDescriptor.TAIL_OFFSET, was);
                    assertTrue(producer.offer("b"));
                    assertEquals("a", producer.poll(), "nothing was lost or overwritten");
                    assertEquals("b", producer.poll());
                }
            }
        }
    }

    @Test
    void shouldReportAndReplaceASlotWordNoProcessCanHoldInsteadOfHoldingTheSlotForEver()
    {
        // a state outside 0..4, a writer and a lease holder outside the process table (64 entries)
        final int[][] cases = {{6, 0}, {QueueDescriptor.WRITING, 60_000}, {QueueDescriptor.LEASED, 65_535}};
        for (final boolean single : new boolean[] {false, true})
        {
            for (final int[] bad : cases)
            {
                final SharedQueueBuilder<String> builder = queue("slot-" + single + "-" + bad[0]);
                try (SharedQueue<String> q = (single ? builder.singleProducer().singleConsumer() : builder).create())
                {
                    assertTrue(q.offer("a") && q.offer("b"));
                    final long word = QueueDescriptor.stateWord(0, bad[0], bad[1]);
                    q.file().segment().set(JAVA_LONG, q.file().bodyOffset() + QueueDescriptor.SLOTS_OFFSET, word);
                    final CorruptFileException e = assertThrows(CorruptFileException.class, q::poll);
                    final boolean lease = bad[0] == QueueDescriptor.LEASED;
                    assertMentions(e, q.path().toString(), "slot 0", "0x" + Long.toHexString(word), "state " + bad[0],
                        "owner entry " + bad[1], "no process can store", lease ? "delivered again" : "is lost");
                    if (lease)
                    {
                        assertEquals("a", q.poll(), "a lease no process can hold is delivered again");
                    }
                    assertEquals("b", q.poll());
                    // the slot was replaced, so the queue holds its four messages again, through slot 0 on the next lap
                    for (final String message : new String[] {"c", "d", "e", "f"})
                    {
                        assertTrue(q.offer(message), message + ", with " + q.size() + " in the queue");
                    }
                    for (final String message : new String[] {"c", "d", "e", "f"})
                    {
                        assertEquals(message, q.poll());
                    }
                }
            }
        }
    }

    @Test
    void shouldRecoverASlotHeldByAnEntryNoProcessIsAttachedAs() throws Exception
    {
        for (final boolean single : new boolean[] {false, true})
        {
            for (final int state : new int[] {QueueDescriptor.WRITING, QueueDescriptor.LEASED})
            {
                final SharedQueueBuilder<String> builder = queue("unattached-" + single + "-" + state);
                try (SharedQueue<String> q = (single ? builder.singleProducer().singleConsumer() : builder).create())
                {
                    assertTrue(q.offer("a") && q.offer("b"));
                    // entry 63 of 64, which no process has attached as: before, its probe found it FREE and recovered
                    // nothing, so the slot stayed held and every offer failed once the ring came round to it
                    q.file().segment().set(JAVA_LONG, q.file().bodyOffset() + QueueDescriptor.SLOTS_OFFSET,
                        QueueDescriptor.stateWord(0, state, 63));
                    assertEquals("b", q.poll(), "taken past the held slot");
                    if (state == QueueDescriptor.LEASED)
                    {
                        assertEquals("a", q.poll(10, TimeUnit.SECONDS), "the lease is recovered: delivered again");
                    }
                    else
                    {
                        assertNull(q.poll(100, TimeUnit.MILLISECONDS), "the slot being written is recovered: a gap");
                    }
                    for (final String message : new String[] {"c", "d", "e", "f"})
                    {
                        assertTrue(q.offer(message, 10, TimeUnit.SECONDS), message + ": the slot was freed");
                    }
                    for (final String message : new String[] {"c", "d", "e", "f"})
                    {
                        assertEquals(message, q.poll());
                    }
                }
            }
        }
    }

    @Test
    void shouldReportACorruptRoleWordNamingTheFileAndTheValue()
    {
        try (SharedQueue<String> q = queue("roles").singleProducer().singleConsumer().create())
        {
            final MemorySegment mapping = q.file().segment();
            mapping.set(JAVA_LONG, q.file().bodyOffset() + QueueDescriptor.PRODUCER_ROLE_OFFSET, 1_000_000L);
            final CorruptFileException producer = assertThrows(CorruptFileException.class, () -> q.offer("a"));
            assertMentions(producer, q.path().toString(), "producer role", "999999");
            mapping.set(JAVA_LONG, q.file().bodyOffset() + QueueDescriptor.CONSUMER_ROLE_OFFSET, -5L);
            final CorruptFileException consumer = assertThrows(CorruptFileException.class, q::poll);
            assertMentions(consumer, q.path().toString(), "consumer role", "-6");
            assertEquals(0, q.size(), "nothing was added or taken");
        }
    }

    @Test
    void shouldRefuseToOpenAQueueWhoseModeParameterWasOverwritten()
    {
        try (SharedQueue<String> q = queue("mode").create())
        {
            q.file().segment().set(JAVA_LONG, HeaderDescriptor.parameterOffset(QueueDescriptor.MODE_PARAMETER), 8L);
            final CorruptFileException refused = assertThrows(CorruptFileException.class, () -> queue("mode").open());
            // the header's checksum covers the parameters, so it is what reports the change
            assertMentions(refused, q.path().toString(), "checksum");
        }
    }

    @Test
    void shouldReportEachCorruptSlotLengthOnceNamingTheFileAndPositionAndSkipIt() throws InterruptedException
    {
        for (final int corrupt : new int[] {Integer.MAX_VALUE, -1, 17, Integer.MIN_VALUE})
        {
            final String name = "corrupt-" + (corrupt & 0xFFFF_FFFFL);
            try (SharedQueue<String> q = queue(name).create())
            {
                q.add("first");
                q.add("second");
                q.buffer().set(JAVA_INT, QueueDescriptor.LENGTH_OFFSET, corrupt);

                final CorruptFileException peeked = assertThrows(CorruptFileException.class, q::peek);
                assertMentions(peeked, q.path().toString(), "position 0", String.valueOf(corrupt));
                assertEquals(2, q.size(), "a peek reports it without consuming it");

                final CorruptFileException taken = assertThrows(CorruptFileException.class, q::poll);
                assertMentions(taken, q.path().toString(), "position 0", String.valueOf(corrupt));
                assertEquals("second", q.poll(), "the corrupt slot is reported once, then skipped");
                assertNull(q.poll());
                for (int i = 0; i < 4; i++)
                {
                    assertTrue(q.offer("m" + i), "the corrupt slot's capacity is back");
                }
            }
        }
    }

    @Test
    void shouldReportACorruptSlotLengthOnEveryKindOfTake() throws InterruptedException
    {
        try (SharedQueue<String> q = queue("corrupt-takes").create())
        {
            for (int i = 0; i < 4; i++)
            {
                q.add("m" + i);
            }
            for (int i = 0; i < 4; i++)
            {
                q.buffer().set(JAVA_INT, (long)i * QueueDescriptor.slotLength(16) + QueueDescriptor.LENGTH_OFFSET,
                    Integer.MAX_VALUE);
            }
            final byte[] small = new byte[4];
            assertThrows(CorruptFileException.class, () -> q.pollBytes(small, 0),
                "a corrupt length is not mistaken for one too long for the buffer");
            assertThrows(CorruptFileException.class, () -> q.poll((b, o, l) -> { throw new AssertionError(); }));
            assertThrows(CorruptFileException.class, q::take);
            assertThrows(CorruptFileException.class, () -> q.pollBytes(new byte[64], 0, 1, TimeUnit.SECONDS));
            assertTrue(q.isEmpty());
        }
    }

    @Test
    void shouldExposeOnlyTheSlotsInBuffer()
    {
        try (SharedQueue<String> q = queue("buffer").create())
        {
            final MemorySegment buffer = q.buffer();
            assertEquals((long)q.capacity() * QueueDescriptor.slotLength(16), buffer.byteSize());
            final long claim = q.tryClaim();
            final long offset = q.offset(claim);
            assertTrue(offset >= QueueDescriptor.MESSAGE_OFFSET && offset + 16 <= buffer.byteSize(), "" + offset);
            buffer.set(JAVA_BYTE, offset, (byte)'x');
            q.commit(claim, 1);
            assertEquals("x", q.poll());

            buffer.fill((byte)-1);
        }
        try (SharedQueue<String> reopened = queue("buffer").open())
        {
            assertEquals(4, reopened.capacity(), "writing all of buffer() cannot damage the header");
        }
    }

    @Test
    void shouldValidateClaimsAndLengthsPassedIn()
    {
        try (SharedQueue<String> q = queue("claims").create())
        {
            final IllegalArgumentException negative = assertThrows(IllegalArgumentException.class, () -> q.offset(-1));
            assertMentions(negative, q.path().toString(), "-1");
            final IllegalStateException bogus = assertThrows(IllegalStateException.class, () -> q.offset(12_345));
            assertMentions(bogus, q.path().toString(), "12345");

            final long claim = q.tryClaim();
            final IllegalArgumentException length = assertThrows(IllegalArgumentException.class,
                () -> q.commit(claim, -1));
            assertMentions(length, q.path().toString(), "negative length -1");
            assertFalse(length.getMessage().contains("larger"), length.getMessage());
            q.buffer().set(JAVA_BYTE, q.offset(claim), (byte)'y');
            q.commit(claim, 1);
            assertThrows(IllegalStateException.class, () -> q.offset(claim), "a committed claim is no longer open");
            assertThrows(IllegalStateException.class, () -> q.abort(claim));
            assertThrows(IllegalArgumentException.class, () -> q.abort(-7));
            try (SharedQueue<String> other = queue("claims").open())
            {
                final long theirs = other.tryClaim();
                assertThrows(IllegalStateException.class, () -> q.offset(theirs), "another attachment's claim");
                other.abort(theirs);
            }
            assertEquals("y", q.poll());
        }
    }

    private static void assertFaults(final String path, final Executable call)
    {
        final SharedObjectException e = assertThrows(SharedObjectException.class, call);
        assertMentions(e, path);
    }

    private static void assertMentions(final Exception e, final String... parts)
    {
        for (final String part : parts)
        {
            assertTrue(e.getMessage().contains(part), "'" + e.getMessage() + "' does not mention '" + part + "'");
        }
    }
}
