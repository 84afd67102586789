package io.jvmipc.queue;

import io.jvmipc.Await;
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

import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.Spliterator;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The {@code java.util.Collection} / {@code BlockingQueue} contract of {@link SharedQueue} within one JVM. */
@Timeout(60)
class SharedQueueContractTest
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
        return SharedQueue.builder(name, Codecs.utf8()).directory(dir).capacity(capacity).maxMessageSize(64).create();
    }

    private static List<String> drain(final SharedQueue<String> q)
    {
        final List<String> all = new ArrayList<>();
        String message;
        while ((message = q.poll()) != null)
        {
            all.add(message);
        }
        return all;
    }

    @Test
    void shouldRemoveTheFirstEqualMessageFromTheHeadAndKeepTheOrderOfTheRest()
    {
        try (SharedQueue<String> q = queue("remove", 8))
        {
            q.addAll(List.of("a", "b", "a", "c"));
            assertTrue(q.remove("a"));
            assertEquals(3, q.size());
            assertEquals("[b, a, c]", q.toString());
            assertFalse(q.remove("zz"));
            assertFalse(q.remove(null), "the queue holds no null");
            assertFalse(q.remove(Integer.valueOf(99)));
            assertTrue(q.remove("a"));
            assertFalse(q.remove("a"));
            assertEquals(List.of("b", "c"), drain(q));
            assertTrue(q.isEmpty());
        }
    }

    @Test
    void shouldLetConsumersAndProducersPassTheGapARemovalLeaves()
    {
        try (SharedQueue<String> q = queue("gap", 4))
        {
            q.addAll(List.of("a", "b", "c", "d"));
            assertTrue(q.remove("b"));
            assertEquals(3, q.size());
            assertEquals(0, q.remainingCapacity(), "the gap holds its slot while a message is before it");
            assertTrue(q.isFull());
            assertFalse(q.offer("x"));
            assertEquals("a", q.poll());
            assertEquals(2, q.remainingCapacity(), "the slots of a and of the gap behind it are free again");
            assertTrue(q.offer("e"));
            assertTrue(q.offer("f"));
            assertFalse(q.offer("g"));
            assertEquals(List.of("c", "d", "e", "f"), drain(q));
            for (int lap = 0; lap < 3; lap++)
            {
                q.addAll(List.of("p", "q", "r", "s"));
                assertTrue(q.remove("s"));
                assertTrue(q.remove("p"));
                assertEquals(List.of("q", "r"), drain(q), "lap " + lap);
            }
            assertEquals(4, q.remainingCapacity());
        }
    }

    @Test
    void shouldSeeTheNextMessageAtTheHeadAfterTheHeadIsRemoved()
    {
        try (SharedQueue<String> q = queue("head", 4))
        {
            q.addAll(List.of("a", "b", "c"));
            assertTrue(q.remove("b"));
            assertTrue(q.remove("a"));
            assertEquals("c", q.peek());
            assertEquals("c", q.element());
            assertEquals(1, q.size());
            assertEquals(3, q.remainingCapacity());
        }
    }

    @Test
    void shouldRemoveIfRemoveAllAndRetainAllByEquality()
    {
        try (SharedQueue<String> q = queue("bulk", 16))
        {
            q.addAll(List.of("a1", "b1", "a2", "b2", "c1", "a3"));
            assertTrue(q.removeIf(s -> s.startsWith("a")));
            assertFalse(q.removeIf(s -> s.startsWith("a")));
            assertEquals("[b1, b2, c1]", q.toString());
            assertTrue(q.removeAll(Set.of("b2", "zz")));
            assertFalse(q.removeAll(Set.of("zz")));
            q.add("d1");
            assertTrue(q.retainAll(Set.of("b1", "d1")));
            assertFalse(q.retainAll(Set.of("b1", "d1")));
            assertEquals(List.of("b1", "d1"), drain(q));
            assertThrows(NullPointerException.class, () -> q.removeIf(null));
            assertThrows(NullPointerException.class, () -> q.removeAll(null));
            assertThrows(NullPointerException.class, () -> q.retainAll(null));
        }
    }

    @Test
    void shouldRemoveExactlyTheMessageAnIteratorReturned()
    {
        try (SharedQueue<String> q = queue("iterator", 8))
        {
            q.addAll(List.of("a", "a", "b"));
            final Iterator<String> it = q.iterator();
            assertThrows(IllegalStateException.class, it::remove, "remove before next");
            assertEquals("a", it.next());
            assertEquals("a", it.next());
            it.remove();
            assertThrows(IllegalStateException.class, it::remove, "remove twice");
            assertEquals("b", it.next());
            assertFalse(it.hasNext());
            assertEquals(2, q.size());
            assertEquals("a", q.poll(), "the first a stays, the second one was removed");
            assertEquals("b", q.poll());
        }
    }

    @Test
    void shouldNotRemoveThroughAnIteratorAMessageAConsumerTookFirst()
    {
        try (SharedQueue<String> q = queue("taken", 8))
        {
            q.addAll(List.of("a", "b"));
            final Iterator<String> it = q.iterator();
            assertEquals("a", it.next());
            assertEquals("a", q.poll());
            it.remove();
            assertEquals(List.of("b"), drain(q), "removing a taken message touches nothing else");
        }
    }

    @Test
    @Timeout(120)
    void shouldGiveAMessageToExactlyOneOfARemovalAndAConcurrentTake() throws Exception
    {
        try (SharedQueue<String> q = queue("race", 8))
        {
            final int rounds = 2000;
            final CyclicBarrier start = new CyclicBarrier(2);
            final AtomicReference<Throwable> failure = new AtomicReference<>();
            final boolean[] polled = new boolean[rounds];
            final boolean[] removed = new boolean[rounds];
            final Thread consumer = new Thread(() ->
            {
                try
                {
                    for (int i = 0; i < rounds; i++)
                    {
                        start.await();
                        polled[i] = q.poll() != null;
                        start.await();
                    }
                }
                catch (final Throwable e)
                {
                    failure.set(e);
                }
            });
            consumer.setDaemon(true);
            consumer.start();
            for (int i = 0; i < rounds; i++)
            {
                assertTrue(q.offer("m" + i));
                start.await(30, TimeUnit.SECONDS);
                removed[i] = q.remove("m" + i);
                start.await(30, TimeUnit.SECONDS);
                assertNull(failure.get());
                assertEquals(1, (polled[i] ? 1 : 0) + (removed[i] ? 1 : 0), "round " + i);
                assertTrue(q.isEmpty(), "round " + i);
            }
            consumer.join(TimeUnit.SECONDS.toMillis(30));
            assertNull(failure.get());
        }
    }

    @Test
    void shouldPrintTheMessagesInTheCollectionFormatAndTheMetadataInDescribe()
    {
        final SharedQueue<String> q = queue("text", 8);
        assertEquals("[]", q.toString());
        q.addAll(List.of("a", "b"));
        assertEquals("[a, b]", q.toString());
        assertEquals("SharedQueue{" + q.path() + ", capacity=8, maxMessageSize=64, size=2}", q.describe());
        q.close();
        assertEquals("SharedQueue{" + q.path() + ", capacity=8, maxMessageSize=64, closed}", q.describe());
        assertEquals(q.describe(), q.toString(), "a closed queue describes itself instead of throwing");
    }

    @Test
    void shouldReportAConcurrentOrderedNonNullSpliteratorOfUnknownSize()
    {
        try (SharedQueue<String> q = queue("split", 8))
        {
            q.addAll(List.of("a", "b", "c"));
            final Spliterator<String> split = q.spliterator();
            assertEquals(Spliterator.CONCURRENT | Spliterator.NONNULL | Spliterator.ORDERED,
                split.characteristics());
            assertFalse(split.hasCharacteristics(Spliterator.SIZED));
            assertFalse(split.hasCharacteristics(Spliterator.SUBSIZED));
            assertEquals("abc", q.stream().collect(Collectors.joining()));
        }
    }

    @Test
    void shouldFollowTheBlockingQueueContractForDrainsContainsAndArrays()
    {
        try (SharedQueue<String> q = queue("contract", 4))
        {
            q.addAll(List.of("a", "b", "c"));
            assertThrows(IllegalArgumentException.class, () -> q.drainTo(q));
            assertThrows(IllegalArgumentException.class, () -> q.drainTo(q, 1));
            assertThrows(IllegalArgumentException.class, () -> q.addAll(q));
            assertThrows(NullPointerException.class, () -> q.drainTo(null));
            assertThrows(NullPointerException.class, () -> q.drainTo(null, 1));
            final List<String> sink = new ArrayList<>();
            assertEquals(0, q.drainTo(sink, 0));
            assertEquals(0, q.drainTo(sink, -1));
            assertEquals(0, q.drainTo(sink, Integer.MIN_VALUE));
            assertEquals(3, q.size(), "a drain of n <= 0 takes nothing");

            assertTrue(q.contains("b"));
            assertFalse(q.contains("z"));
            assertFalse(q.contains(null));
            assertFalse(q.contains(7));
            assertTrue(q.containsAll(List.of("a", "c")));

            assertArrayEquals(new Object[] {"a", "b", "c"}, q.toArray());
            assertArrayEquals(new String[] {"a", "b", "c"}, q.toArray(new String[0]));
            assertArrayEquals(new String[] {"a", "b", "c"}, q.toArray(String[]::new));
            final String[] roomy = {"x", "x", "x", "x", "x"};
            assertSame(roomy, q.toArray(roomy));
            assertEquals(Arrays.asList("a", "b", "c", null, "x"), Arrays.asList(roomy));
            assertThrows(ArrayStoreException.class, () -> q.toArray(new Integer[0]));
            assertEquals(1, q.remainingCapacity());

            assertEquals(1, q.drainTo(sink, 1));
            assertEquals(2, q.drainTo(sink));
            assertEquals(List.of("a", "b", "c"), sink);
            assertEquals(4, q.remainingCapacity());
            assertEquals(0, q.toArray().length);
        }
    }

    @Test
    @Timeout(30)
    void shouldShowATakeBlockedInTheFutexAsRunnableWithTheFutexAwaitFrame() throws Exception
    {
        try (SharedQueue<String> q = queue("dump", 4))
        {
            final AtomicReference<String> got = new AtomicReference<>();
            final Thread consumer = new Thread(() ->
            {
                try
                {
                    got.set(q.take());
                }
                catch (final InterruptedException e)
                {
                    Thread.currentThread().interrupt();
                }
            });
            consumer.start();
            Await.until("the consumer asleep in LibC.syscall under Futex.await", () ->
            {
                final StackTraceElement[] stack = consumer.getStackTrace();
                return stack.length > 1 &&
                    stack[0].getClassName().equals("io.jvmipc.internal.LibC") &&
                    stack[0].getMethodName().equals("syscall") &&
                    stack[1].getClassName().equals("io.jvmipc.wait.Futex") &&
                    stack[1].getMethodName().equals("await");
            }, 20, TimeUnit.SECONDS);
            assertEquals(Thread.State.RUNNABLE, consumer.getState(), "a futex sleep is native code: RUNNABLE");
            q.put("wake");
            consumer.join(TimeUnit.SECONDS.toMillis(20));
            assertEquals("wake", got.get());
        }
    }

    @Test
    void shouldReportACorruptSlotLengthMetByAScanAndKeepTheMessage()
    {
        try (SharedQueue<String> q = queue("corrupt", 8))
        {
            q.add("a");
            final long claim = q.tryClaim();
            q.buffer().set(JAVA_BYTE, q.offset(claim), (byte)'b');
            final long lengthOffset = q.offset(claim) - QueueDescriptor.MESSAGE_OFFSET + QueueDescriptor.LENGTH_OFFSET;
            q.commit(claim, 1);
            q.buffer().set(JAVA_INT, lengthOffset, Integer.MAX_VALUE);
            for (final Executable scan : List.<Executable>of(() -> q.contains("b"), () -> q.remove("b"), q::toString,
                () -> q.removeIf(s -> false)))
            {
                final CorruptFileException e = assertThrows(CorruptFileException.class, scan);
                assertTrue(e.getMessage().contains(q.path().toString()) && e.getMessage().contains("2147483647"),
                    e.getMessage());
            }
            assertTrue(q.remove("a"), "a scan reaches the messages before the corrupt one");
            q.buffer().set(JAVA_INT, lengthOffset, 1);
            assertEquals("[b]", q.toString(), "the corrupt message stayed in place");
        }
    }
}
