package io.jvmipc.queue;

import io.jvmipc.codec.Codecs;
import io.jvmipc.file.IncompatibleParametersException;
import io.jvmipc.file.SharedDirectory;
import io.jvmipc.wait.WaitStrategy;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Single-producer and single-consumer queues ({@link SharedQueueBuilder#singleProducer()},
 * {@link SharedQueueBuilder#singleConsumer()}) in one process: the roles, their refusals and hand-overs, and the
 * queue's operations in each mode (see {@code SharedQueueSingleRoleProcessTest} for processes and kill -9).
 */
@Timeout(60)
class SharedQueueSingleRoleTest
{
    @TempDir
    Path tempDir;
    private SharedDirectory dir;

    @BeforeEach
    void setUp()
    {
        dir = SharedDirectory.of(tempDir);
    }

    private SharedQueueBuilder<String> builder(final int capacity)
    {
        return SharedQueue.builder("q", Codecs.utf8()).directory(dir).capacity(capacity).maxMessageSize(32);
    }

    private SharedQueueBuilder<String> oneToOne(final int capacity)
    {
        return builder(capacity).singleProducer().singleConsumer();
    }

    @Test
    void shouldMoveMessagesBetweenTwoThreadsInOrderOverManyLaps() throws Exception
    {
        final int count = 100_000;
        try (SharedQueue<String> created = oneToOne(8).waitStrategy(WaitStrategy.busySpin()).create();
            SharedQueue<String> consumer = builder(8).open())
        {
            assertTrue(consumer.isSingleProducer() && consumer.isSingleConsumer(), "open takes the file's mode");
            final CompletableFuture<List<Integer>> taken = CompletableFuture.supplyAsync(() ->
            {
                final List<Integer> out = new ArrayList<>();
                final byte[] buffer = new byte[32];
                try
                {
                    for (int i = 0; i < count; i++)
                    {
                        final int length = consumer.pollBytes(buffer, 0, 30, TimeUnit.SECONDS);
                        out.add(Integer.parseInt(new String(buffer, 0, length, StandardCharsets.UTF_8)));
                    }
                    out.add(consumer.pollBytes(buffer, 0));
                }
                catch (final InterruptedException e)
                {
                    throw new IllegalStateException(e);
                }
                return out;
            });
            for (int i = 0; i < count; i++)
            {
                final byte[] bytes = Integer.toString(i).getBytes(StandardCharsets.UTF_8);
                assertTrue(created.offerBytes(bytes, 0, bytes.length, 30, TimeUnit.SECONDS));
            }
            final List<Integer> out = taken.get(60, TimeUnit.SECONDS);
            for (int i = 0; i < count; i++)
            {
                assertEquals(i, out.get(i), "message " + i);
            }
            assertEquals(-1, out.get(count), "nothing after the last message");
        }
    }

    @Test
    void shouldRefuseASecondProducerAttachmentNamingTheFileAndTheHolderUntilTheHolderCloses()
    {
        // closed in the test, then again at the end (close is idempotent)
        final SharedQueue<String> first = builder(4).singleProducer().create();
        try
        {
            assertTrue(first.offer("a"));
            try (SharedQueue<String> second = builder(4).open())
            {
                final IllegalStateException refused = assertThrows(IllegalStateException.class, () -> second.offer("b"));
                assertTrue(refused.getMessage().contains(tempDir.toString()), refused.getMessage());
                assertTrue(refused.getMessage().contains("producer role"), refused.getMessage());
                assertTrue(refused.getMessage().contains("pid " + ProcessHandle.current().pid()), refused.getMessage());
                assertThrows(IllegalStateException.class, second::tryClaim);
                assertEquals("a", second.poll(), "any attachment may consume a single-producer queue");
                first.close();
                assertTrue(second.offer("b"), "the role is free once its holder closed");
                assertEquals("b", second.poll());
            }
        }
        finally
        {
            first.close();
        }
    }

    @Test
    void shouldRefuseASecondConsumerAttachmentUntilTheHolderCloses()
    {
        final SharedQueue<String> first = builder(4).singleConsumer().create();
        try (SharedQueue<String> second = builder(4).open())
        {
            assertTrue(second.offer("a") && first.offer("b"), "any attachment may produce to a single-consumer queue");
            assertEquals("a", first.poll());
            final IllegalStateException refused = assertThrows(IllegalStateException.class, second::poll);
            assertTrue(refused.getMessage().contains("consumer role"), refused.getMessage());
            assertThrows(IllegalStateException.class, () -> second.drain((buffer, offset, length) -> { }, 4));
            assertThrows(IllegalStateException.class, second::pollLease);
            assertThrows(IllegalStateException.class, () -> second.remove("b"), "a removal takes a message");
            assertEquals("b", second.peek(), "peeking takes nothing: any attachment may");
            first.close();
            assertEquals("b", second.poll());
        }
        finally
        {
            first.close();
        }
    }

    @Test
    void shouldRefuseAnotherThreadOfTheHolderWhileItLivesAndHandTheRoleOverWhenItEnds() throws Exception
    {
        try (SharedQueue<String> queue = oneToOne(4).create())
        {
            final Thread first = Thread.ofPlatform().name("first-producer").start(() -> queue.offer("a"));
            first.join();
            // the first thread ended: another thread of the attachment takes the role over
            assertTrue(queue.offer("b"));
            final CompletableFuture<Boolean> other = new CompletableFuture<>();
            final Thread second = Thread.ofPlatform().name("second-producer").start(() ->
            {
                try
                {
                    other.complete(queue.offer("c"));
                }
                catch (final RuntimeException e)
                {
                    other.completeExceptionally(e);
                }
            });
            second.join();
            final ExecutionException refused = assertThrows(ExecutionException.class, other::get);
            assertInstanceOf(IllegalStateException.class, refused.getCause());
            assertTrue(refused.getCause().getMessage().contains(Thread.currentThread().getName()),
                refused.getCause().getMessage());
            assertEquals("a", queue.poll());
            assertEquals("b", queue.poll());
            assertNull(queue.poll(), "the refused offer added nothing");
        }
    }

    @Test
    void shouldAllowOneOpenClaimAtATimeAndSkipAnAbortedOne()
    {
        try (SharedQueue<String> queue = oneToOne(4).create())
        {
            final long claim = queue.tryClaim();
            assertTrue(claim >= 0);
            final IllegalStateException second = assertThrows(IllegalStateException.class, queue::tryClaim);
            assertTrue(second.getMessage().contains("claim " + claim + " open"), second.getMessage());
            assertThrows(IllegalStateException.class, () -> queue.offer("x"), "an offer claims too");
            assertNull(queue.poll(), "a claim not committed is not visible");
            queue.abort(claim);
            assertThrows(IllegalStateException.class, () -> queue.commit(claim, 1), "the claim is gone");
            final long next = queue.tryClaim();
            assertEquals(claim + 1, next, "the aborted claim is a gap; the next claim is past it");
            final byte[] bytes = "y".getBytes(StandardCharsets.UTF_8);
            MemorySegment.copy(bytes, 0, queue.buffer(), JAVA_BYTE, queue.offset(next), bytes.length);
            queue.commit(next, bytes.length);
            assertEquals("y", queue.poll(), "the consumer passes the gap");
            assertNull(queue.poll());
        }
    }

    @Test
    void shouldFillAndDrainInBatchesOverManyLaps()
    {
        try (SharedQueue<String> queue = oneToOne(4).create())
        {
            final int[] next = {0};
            final List<String> out = new ArrayList<>();
            for (int round = 0; round < 10; round++)
            {
                final int filled = queue.fill((buffer, offset, maxLength) ->
                {
                    final byte[] bytes = ("m" + next[0]++).getBytes(StandardCharsets.UTF_8);
                    MemorySegment.copy(bytes, 0, buffer, JAVA_BYTE, offset, bytes.length);
                    return bytes.length;
                }, 10);
                assertEquals(4, filled, "the capacity bounds each batch");
                assertEquals(4, queue.drain((buffer, offset, length) ->
                    out.add(Codecs.utf8().decode(buffer, offset, length)), 10));
            }
            for (int i = 0; i < 40; i++)
            {
                assertEquals("m" + i, out.get(i));
            }
        }
    }

    @Test
    void shouldRefuseATakeFromInsideATakesHandler()
    {
        try (SharedQueue<String> queue = oneToOne(4).create())
        {
            queue.offer("a");
            queue.offer("b");
            final IllegalStateException refused = assertThrows(IllegalStateException.class, () ->
                queue.poll((buffer, offset, length) -> queue.poll()));
            assertTrue(refused.getMessage().contains("still open"), refused.getMessage());
            assertEquals("b", queue.poll(), "the handler's message was taken; the inner take took nothing");
        }
    }

    @Test
    void shouldKeepTheConsumersOpenTakeWhenTheProducerRoleChangesThreads() throws Exception
    {
        try (SharedQueue<String> queue = oneToOne(8).create())
        {
            final Thread first = Thread.ofPlatform().start(() -> queue.addAll(List.of("a", "b")));
            first.join();
            assertEquals(2, queue.size());
            final CountDownLatch inHandler = new CountDownLatch(1);
            final CountDownLatch handOverDone = new CountDownLatch(1);
            final CompletableFuture<Object> inner = new CompletableFuture<>();
            final Thread consumer = Thread.ofPlatform().start(() -> queue.poll((buffer, offset, length) ->
            {
                inHandler.countDown();
                try
                {
                    handOverDone.await();
                    inner.complete(queue.poll());
                }
                catch (final InterruptedException | RuntimeException e)
                {
                    inner.complete(e);
                }
            }));
            assertTrue(inHandler.await(30, TimeUnit.SECONDS));
            // the producer role moves from the ended thread to this one while the consumer's take is open
            assertTrue(queue.offer("c"));
            handOverDone.countDown();
            consumer.join();
            assertInstanceOf(IllegalStateException.class, inner.get(30, TimeUnit.SECONDS),
                "the consumer's take is still open: a take from its handler is refused, not given \"a\" again");
        }
    }

    @Test
    void shouldRemoveThroughTheIteratorAndLeaseInTheConsumersThread()
    {
        try (SharedQueue<String> queue = oneToOne(8).create())
        {
            for (final String m : List.of("a", "b", "c", "d"))
            {
                queue.offer(m);
            }
            final Iterator<String> it = queue.iterator();
            assertEquals("a", it.next());
            assertEquals("b", it.next());
            it.remove();
            assertTrue(queue.remove("c"));
            try (Lease<String> lease = queue.pollLease())
            {
                assertEquals("a", lease.value());
                assertEquals("d", queue.poll(), "taken past the held lease");
                lease.release();
            }
            assertEquals("a", queue.poll(), "the released lease is taken again");
            assertNull(queue.poll());
            assertTrue(queue.isEmpty());
            assertEquals(8, queue.remainingCapacity());
        }
    }

    @Test
    void shouldRefuseToOpenWithAnotherModeNamingBoth()
    {
        try (SharedQueue<String> queue = builder(4).singleProducer().create())
        {
            assertTrue(queue.isSingleProducer());
            final IncompatibleParametersException refused = assertThrows(IncompatibleParametersException.class,
                () -> builder(4).singleConsumer().open());
            assertTrue(refused.getMessage().contains("one producer and any consumers"), refused.getMessage());
            assertTrue(refused.getMessage().contains("any producers and one consumer"), refused.getMessage());
            assertThrows(IncompatibleParametersException.class, () -> builder(4).openOrCreate(),
                "openOrCreate states a mode (any producers and consumers) as create does");
            try (SharedQueue<String> same = builder(4).singleProducer().open())
            {
                assertTrue(same.isSingleProducer());
                assertFalse(same.isSingleConsumer());
            }
        }
    }
}
