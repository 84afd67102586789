package io.jvmipc.queue;

import io.jvmipc.MessageTooLargeException;
import io.jvmipc.codec.Codecs;
import io.jvmipc.file.SharedDirectory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link SharedQueue#fill}: batches written in place, in one process (see the process test for kill -9). */
@Timeout(30)
class SharedQueueFillTest
{
    @TempDir
    Path tempDir;
    private SharedDirectory dir;

    @BeforeEach
    void setUp()
    {
        dir = SharedDirectory.of(tempDir);
    }

    private SharedQueue<String> queue(final String name, final int capacity)
    {
        return SharedQueue.builder(name, Codecs.utf8()).directory(dir).capacity(capacity).maxMessageSize(16)
            .create();
    }

    /** Writes "m0", "m1", ... in turn: each call's message is the next in the sequence. */
    private static final class Numbered implements MessageWriter
    {
        private final String prefix;
        private int next;
        private int maxLengthSeen = -1;

        Numbered(final String prefix)
        {
            this.prefix = prefix;
        }

        @Override
        public int write(final MemorySegment buffer, final long offset, final int maxLength)
        {
            maxLengthSeen = maxLength;
            final byte[] bytes = (prefix + next++).getBytes(StandardCharsets.UTF_8);
            MemorySegment.copy(bytes, 0, buffer, JAVA_BYTE, offset, bytes.length);
            return bytes.length;
        }
    }

    private static List<String> takeAll(final SharedQueue<String> q)
    {
        final List<String> all = new ArrayList<>();
        for (String m = q.poll(); m != null; m = q.poll())
        {
            all.add(m);
        }
        return all;
    }

    @Test
    void shouldWriteUpToTheLimitInOrderAndStopWhenFull()
    {
        try (SharedQueue<String> q = queue("limit", 8))
        {
            final Numbered writer = new Numbered("m");
            assertEquals(3, q.fill(writer, 3));
            assertEquals(16, writer.maxLengthSeen, "the writer is told the queue's maximum message size");
            assertEquals(3, q.size());
            assertEquals(5, q.fill(writer, 100), "only the room left is filled");
            assertTrue(q.isFull());
            assertEquals(0, q.fill(writer, 1), "a full queue takes nothing");
            assertEquals(8, writer.next, "the writer is not called without a slot");
            assertEquals(List.of("m0", "m1", "m2", "m3", "m4", "m5", "m6", "m7"), takeAll(q));
            assertEquals(0, q.fill(writer, 0));
            assertEquals(8, writer.next, "a zero limit calls nothing");
        }
    }

    @Test
    void shouldEndTheBatchWhenTheWriterHasNothingMoreAndGiveItsSlotBack()
    {
        try (SharedQueue<String> q = queue("end", 4))
        {
            final int[] calls = {0};
            final MessageWriter twoThenStop = (buffer, offset, maxLength) ->
            {
                if (calls[0]++ == 2)
                {
                    return -1;
                }
                buffer.set(JAVA_BYTE, offset, (byte)('a' + calls[0] - 1));
                return 1;
            };
            assertEquals(2, q.fill(twoThenStop, 10));
            assertEquals(3, calls[0]);
            assertEquals(2, q.size(), "the slot given back holds no message");
            assertEquals(List.of("a", "b"), takeAll(q));
            assertEquals(4, q.remainingCapacity(), "the slot given back is free again");
        }
    }

    @Test
    void shouldGiveBackTheSlotOfAWriterThatThrowsAndKeepTheMessagesBeforeIt()
    {
        try (SharedQueue<String> q = queue("throws", 4))
        {
            final Numbered numbered = new Numbered("t");
            final IllegalStateException failure = new IllegalStateException("the source failed");
            final MessageWriter failsThird = (buffer, offset, maxLength) ->
            {
                if (numbered.next == 2)
                {
                    throw failure;
                }
                return numbered.write(buffer, offset, maxLength);
            };
            assertSame(failure, assertThrows(IllegalStateException.class, () -> q.fill(failsThird, 10)));
            assertEquals(List.of("t0", "t1"), takeAll(q));
            assertEquals(4, q.remainingCapacity());
            assertEquals(4, q.fill(new Numbered("u"), 10), "the queue goes on");
        }
    }

    @Test
    void shouldRefuseALengthTooLargeNamingTheFileAndTheValuesAndGiveTheSlotBack()
    {
        try (SharedQueue<String> q = queue("large", 4))
        {
            assertEquals(1, q.fill(new Numbered("ok"), 1));
            final MessageTooLargeException e = assertThrows(MessageTooLargeException.class,
                () -> q.fill((buffer, offset, maxLength) -> maxLength + 1, 5));
            assertTrue(e.getMessage().contains(q.path().toString()), e.getMessage());
            assertTrue(e.getMessage().contains("17") && e.getMessage().contains("16"), e.getMessage());
            assertEquals(List.of("ok0"), takeAll(q));
            assertEquals(4, q.remainingCapacity());
        }
    }

    @Test
    void shouldRefuseBadArgumentsAndAClosedQueue()
    {
        final SharedQueue<String> q = queue("args", 4);
        final IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
            () -> q.fill(new Numbered("x"), -2));
        assertTrue(negative.getMessage().contains(q.path().toString()) && negative.getMessage().contains("-2"),
            negative.getMessage());
        assertThrows(NullPointerException.class, () -> q.fill(null, 1));
        assertThrows(NullPointerException.class, () -> q.fill(null, 1, 1, TimeUnit.SECONDS));
        assertEquals(0, q.size());
        q.close();
        assertThrows(IllegalStateException.class, () -> q.fill(new Numbered("x"), 1));
        assertThrows(IllegalStateException.class, () -> q.fill(new Numbered("x"), 0));
        assertThrows(IllegalStateException.class, () -> q.fill(new Numbered("x"), 1, 1, TimeUnit.SECONDS));
    }

    @Test
    void shouldWaitForRoomForTheFirstMessageThenFillWhatFits() throws Exception
    {
        try (SharedQueue<String> q = queue("wait", 2))
        {
            assertEquals(2, q.fill(new Numbered("old"), 2));
            assertEquals(0, q.fill(new Numbered("late"), 1, 10, TimeUnit.MILLISECONDS), "full up to the timeout");
            final Numbered writer = new Numbered("new");
            final CompletableFuture<Integer> filled = CompletableFuture.supplyAsync(() ->
            {
                try
                {
                    return q.fill(writer, 5, 20, TimeUnit.SECONDS);
                }
                catch (final InterruptedException e)
                {
                    throw new IllegalStateException(e);
                }
            });
            try (SharedQueue<String> consumer = SharedQueue.builder("wait", Codecs.utf8()).directory(dir).open())
            {
                assertEquals("old0", consumer.poll(20, TimeUnit.SECONDS));
                assertEquals(1, filled.get(20, TimeUnit.SECONDS), "one slot was freed, and the rest does not wait");
                assertEquals(List.of("old1", "new0"), takeAll(consumer));
            }
        }
    }

    @Test
    void shouldThrowInterruptedWithoutWritingWhenInterruptedWhileFull()
    {
        try (SharedQueue<String> q = queue("interrupt", 1))
        {
            assertEquals(1, q.fill(new Numbered("a"), 1));
            final Numbered writer = new Numbered("b");
            Thread.currentThread().interrupt();
            assertThrows(InterruptedException.class, () -> q.fill(writer, 1, 10, TimeUnit.SECONDS));
            assertFalse(Thread.currentThread().isInterrupted(), "the flag is cleared by the exception");
            assertEquals(0, writer.next);
            assertEquals("a0", q.poll());
            assertNull(q.poll());
        }
    }
}
