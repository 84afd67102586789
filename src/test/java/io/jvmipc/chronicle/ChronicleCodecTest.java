package io.jvmipc.chronicle;

import io.jvmipc.ChildJvms;
import io.jvmipc.MessageTooLargeException;
import io.jvmipc.codec.Codec;
import io.jvmipc.codec.CodecException;
import io.jvmipc.codec.Codecs;
import io.jvmipc.file.IncompatibleParametersException;
import io.jvmipc.file.SharedDirectory;
import io.jvmipc.process.JvmProcess;
import io.jvmipc.queue.SharedQueue;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class ChronicleCodecTest
{
    static final BytesMarshallableCodec<Trade> CODEC = BytesMarshallableCodec.of(Trade.class, Trade::new);

    @TempDir
    Path tempDir;
    private SharedDirectory dir;

    static Trade trade(final long id)
    {
        return new Trade(id, 100.25 + id, (int) id * 7, "SYM" + id % 13);
    }

    @BeforeEach
    void setUp()
    {
        dir = SharedDirectory.of(tempDir);
    }

    @Test
    void shouldCarryMarshallablesThroughAQueue() throws InterruptedException
    {
        try (SharedQueue<Trade> queue = SharedQueue.builder("trades", CODEC).directory(dir).capacity(8)
            .maxMessageSize(64).create())
        {
            for (long id = 0; id < 50; id++)
            {
                queue.put(trade(id));
                assertEquals(trade(id), queue.take());
            }
            assertNull(queue.poll());
        }
    }

    @Test
    void shouldWriteInPlaceTheBytesWriteMarshallableWrites()
    {
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment segment = arena.allocate(64);
            final int length = CODEC.encode(trade(3), segment, 5, 40);
            final String symbol = "SYM3";
            assertEquals(8 + 8 + 4 + 1 + symbol.length(), length, "long, double, int, stop-bit length, chars");
            assertEquals(3L, segment.get(JAVA_LONG_UNALIGNED, 5));
            assertEquals(103.25, segment.get(JAVA_DOUBLE_UNALIGNED, 13));
            assertEquals(21, segment.get(JAVA_INT_UNALIGNED, 21));
            assertEquals(trade(3), CODEC.decode(segment, 5, length));
        }
    }

    @Test
    void shouldRefuseAValueThatDoesNotFitWithoutWritingPastTheSpace()
    {
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment segment = arena.allocate(64);
            segment.fill((byte) 0x7F);
            final MessageTooLargeException e =
                assertThrows(MessageTooLargeException.class, () -> CODEC.encode(trade(1), segment, 8, 16));
            assertEquals(16, e.maxLength());
            for (long i = 0; i < 64; i++)
            {
                if (i < 8 || i >= 24)
                {
                    assertEquals((byte) 0x7F, segment.get(JAVA_BYTE, i), "byte " + i + " outside the space changed");
                }
            }
            assertThrows(IndexOutOfBoundsException.class, () -> CODEC.encode(trade(1), segment, 60, 16),
                "a space past the segment is refused before anything is written");
        }
    }

    @Test
    void shouldRefuseAMessageTooLongForTheQueueAndKeepGoing() throws InterruptedException
    {
        try (SharedQueue<Trade> queue = SharedQueue.builder("small", CODEC).directory(dir).capacity(4)
            .maxMessageSize(24).create())
        {
            assertThrows(MessageTooLargeException.class, () -> queue.offer(new Trade(1, 2, 3, "a long symbol")));
            final Trade small = new Trade(1, 2, 3, "");
            assertTrue(queue.offer(small));
            assertEquals(small, queue.poll(1, TimeUnit.SECONDS), "the refused message left a skipped gap only");
        }
    }

    @Test
    void shouldReportBytesThatAreNotAValue()
    {
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment segment = arena.allocate(64);
            final int length = CODEC.encode(trade(9), segment, 0, 64);
            final CodecException e = assertThrows(CodecException.class, () -> CODEC.decode(segment, 0, length - 3));
            assertTrue(e.getMessage().contains(Trade.class.getName()), e.getMessage());
            assertThrows(CodecException.class, () -> CODEC.decode(segment, 0, 10));
        }
    }

    @Test
    void shouldDeclareAStableIdentityThatQueuesCheck()
    {
        assertEquals("jvmipc.chronicle-bytes/1[io.jvmipc.chronicle.Trade]", CODEC.identity());
        final Codec<Trade> versioned = BytesMarshallableCodec.of(Trade.class, Trade::new, "2");
        assertEquals("jvmipc.chronicle-bytes/1[io.jvmipc.chronicle.Trade;2]", versioned.identity());
        assertEquals(CODEC.identity(), BytesMarshallableCodec.of(Trade.class, Trade::new).identity());
        assertThrows(IllegalArgumentException.class, () -> BytesMarshallableCodec.of(Trade.class, Trade::new, ""));
        assertThrows(IllegalArgumentException.class, () -> BytesMarshallableCodec.of(Trade.class, Trade::new, "a]"));
        assertEquals(-1, CODEC.encodedLength(trade(1)));

        try (SharedQueue<Trade> queue = SharedQueue.builder("identity", CODEC).directory(dir).create())
        {
            final IncompatibleParametersException e = assertThrows(IncompatibleParametersException.class,
                () -> SharedQueue.builder("identity", versioned).directory(dir).open());
            assertTrue(e.getMessage().contains(Long.toHexString(Codecs.identityHash(versioned))) ||
                e.getMessage().contains(versioned.toString()), e.getMessage());
            assertTrue(queue.isEmpty());
        }
    }

    @Test
    void shouldCarryMarshallablesEncodedInAnotherProcess() throws Exception
    {
        final int count = 2_000;
        try (SharedQueue<Trade> queue = SharedQueue.builder("across", CODEC).directory(dir).capacity(32)
            .maxMessageSize(64).create();
             JvmProcess child = ChildJvms.start(ChronicleChildren.class, "produceTrades", "128m", tempDir, "across",
                 Integer.toString(count)))
        {
            for (long id = 0; id < count; id++)
            {
                final Trade trade = queue.poll(30, TimeUnit.SECONDS);
                assertEquals(trade(id), trade, child::output);
            }
            assertEquals(0, child.join(), child::output);
        }
    }
}
