package io.jvmipc.queue;

import io.jvmipc.Await;
import io.jvmipc.MessageTooLargeException;
import io.jvmipc.codec.Codecs;
import io.jvmipc.file.IncompatibleParametersException;
import io.jvmipc.file.NoSuchSharedObjectException;
import io.jvmipc.file.ObjectKind;
import io.jvmipc.file.SharedDirectory;
import io.jvmipc.file.SharedFile;
import io.jvmipc.file.SharedObjectExistsException;
import io.jvmipc.file.WrongKindException;
import io.jvmipc.wait.WaitStrategy;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class SharedQueueTest
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
        return SharedQueue.builder(name, Codecs.utf8()).directory(dir);
    }

    @Test
    void shouldBehaveLikePythonsBoundedQueueOfThree() throws InterruptedException
    {
        try (SharedQueue<String> q = queue("seed2").capacity(3).maxMessageSize(64).create())
        {
            assertTrue(q.offer("a"));
            assertTrue(q.offer("b"));
            q.put("c");
            assertTrue(q.isFull());
            assertEquals(3, q.size());
            assertEquals(0, q.remainingCapacity());

            final long start = System.nanoTime();
            assertFalse(q.offer("d", 200, TimeUnit.MILLISECONDS), "put with timeout raises Full");
            assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(200), "returned before the timeout");
            assertFalse(q.offer("d"), "put_nowait raises Full at once");
            assertThrows(IllegalStateException.class, () -> q.add("d"));

            assertEquals("a", q.poll());
            assertEquals("b", q.poll());
            assertEquals("c", q.poll());
            assertNull(q.poll());
            assertTrue(q.isEmpty());
            assertTrue(q.offer("e"));
            assertEquals("e", q.take());
        }
    }

    @Test
    void shouldReturnNullFromTimedPollOnlyAfterTheTimeout() throws InterruptedException
    {
        try (SharedQueue<String> q = queue("timed").create())
        {
            final long start = System.nanoTime();
            assertNull(q.poll(150, TimeUnit.MILLISECONDS));
            assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(150));
            assertNull(q.poll(0, TimeUnit.MILLISECONDS));
        }
    }

    @Test
    void shouldTreatTimeoutsOfZeroOrLessAsTryOnce() throws InterruptedException
    {
        try (SharedQueue<String> q = queue("negative").capacity(1).create())
        {
            assertNull(q.poll(-1, TimeUnit.MILLISECONDS), "empty: no wait, no exception");
            assertNull(q.poll(Long.MIN_VALUE, TimeUnit.DAYS));
            assertEquals(-1, q.pollBytes(new byte[8], 0, -5, TimeUnit.NANOSECONDS));
            assertFalse(q.poll((b, o, l) -> { }, -1, TimeUnit.SECONDS));
            assertTrue(q.offer("x", -1, TimeUnit.SECONDS), "room: added at once");
            assertFalse(q.offer("y", Long.MIN_VALUE, TimeUnit.SECONDS), "full: no wait");
            assertFalse(q.offerBytes(new byte[1], 0, 1, -1, TimeUnit.SECONDS));
            assertEquals("x", q.poll(-1, TimeUnit.SECONDS));
            assertThrows(NullPointerException.class, () -> q.poll(1, null));
        }
    }

    @Test
    void shouldRefuseOversizeMessageAndKeepTheOthers() throws InterruptedException
    {
        try (SharedQueue<String> q = queue("oversize").capacity(4).maxMessageSize(8).create())
        {
            q.put("first");
            final MessageTooLargeException e = assertThrows(MessageTooLargeException.class, () -> q.offer("123456789"));
            assertEquals(9, e.length());
            assertEquals(8, e.maxLength());
            assertThrows(MessageTooLargeException.class, () -> q.offerBytes(new byte[9], 0, 9));
            q.put("12345678");
            assertEquals(2, q.size());
            assertEquals("first", q.take());
            assertEquals("12345678", q.take());
            assertTrue(q.isEmpty());
        }
    }

    @Test
    void shouldSkipTheGapLeftByAMessageFoundTooLongWhileEncoding() throws InterruptedException
    {
        final io.jvmipc.codec.Codec<String> lengthUnknown = new io.jvmipc.codec.Codec<>()
        {
            @Override
            public int encode(final String value, final java.lang.foreign.MemorySegment destination, final long offset,
                final int maxLength)
            {
                return Codecs.utf8().encode(value, destination, offset, maxLength);
            }

            @Override
            public String decode(final java.lang.foreign.MemorySegment source, final long offset, final int length)
            {
                return Codecs.utf8().decode(source, offset, length);
            }
        };
        try (SharedQueue<String> q = SharedQueue.builder("gap", lengthUnknown).directory(dir).capacity(3)
            .maxMessageSize(4).create())
        {
            q.put("a");
            assertThrows(MessageTooLargeException.class, () -> q.put("too long"));
            q.put("b");
            assertEquals("a", q.take());
            assertEquals("b", q.take(), "the gap is skipped");
            assertEquals(0, q.size(), "and no longer counted once passed");
            q.put("c");
            q.put("d");
            q.put("e");
            assertTrue(q.isFull(), "full capacity is back");
        }
    }

    @Test
    void shouldKeepMessageWhenDestinationBufferIsTooSmall()
    {
        try (SharedQueue<String> q = queue("small-buffer").create())
        {
            assertTrue(q.offerBytes("hello world".getBytes(StandardCharsets.UTF_8), 0, 11));
            final byte[] small = new byte[5];
            final MessageTooLargeException e = assertThrows(MessageTooLargeException.class, () -> q.pollBytes(small, 0));
            assertEquals(11, e.length());
            final byte[] big = new byte[32];
            assertEquals(11, q.pollBytes(big, 3));
            assertEquals("hello world", new String(big, 3, 11, StandardCharsets.UTF_8));
            assertEquals(-1, q.pollBytes(big, 0));
        }
    }

    @Test
    void shouldThrowOnEveryUseAfterClose()
    {
        final SharedQueue<String> q = queue("closed").create();
        q.close();
        q.close();
        assertTrue(q.isClosed());
        assertThrows(IllegalStateException.class, () -> q.offer("x"));
        assertThrows(IllegalStateException.class, q::poll);
        assertThrows(IllegalStateException.class, q::take);
        assertThrows(IllegalStateException.class, q::size);
        assertThrows(IllegalStateException.class, q::tryClaim);
        assertThrows(IllegalStateException.class, () -> q.pollBytes(new byte[4], 0));
        assertThrows(IllegalStateException.class, () -> q.poll((b, o, l) -> { }));
    }

    @Test
    void shouldMoveBytesThroughZeroCopyClaimAndHandler()
    {
        try (SharedQueue<String> q = queue("zero-copy").capacity(8).maxMessageSize(16).create())
        {
            final long claim = q.tryClaim();
            assertTrue(claim >= 0);
            q.buffer().set(JAVA_INT, q.offset(claim), 42);
            q.commit(claim, 4);
            assertThrows(IllegalStateException.class, () -> q.commit(claim, 4), "a claim commits once");

            final long aborted = q.tryClaim();
            q.abort(aborted);
            final long third = q.tryClaim();
            q.buffer().set(JAVA_INT, q.offset(third), 43);
            q.commit(third, 4);

            final List<Integer> seen = new ArrayList<>();
            assertEquals(2, q.drain((buffer, offset, length) ->
            {
                assertEquals(4, length);
                seen.add(buffer.get(JAVA_INT, offset));
            }, 10));
            assertEquals(List.of(42, 43), seen, "the aborted claim is skipped");
            assertFalse(q.poll((b, o, l) -> { }));
        }
    }

    @Test
    void shouldDrainInBatchesFreeingEverySlotEvenWhenTheHandlerThrows() throws Exception
    {
        try (SharedQueue<String> q = queue("drain").capacity(4).maxMessageSize(16).create())
        {
            for (final String m : List.of("a", "b", "c", "d"))
            {
                q.put(m);
            }
            final List<String> seen = new ArrayList<>();
            final MessageHandler collect = (buffer, offset, length) ->
            {
                final byte[] bytes = new byte[length];
                MemorySegment.copy(buffer, JAVA_BYTE, offset, bytes, 0, length);
                seen.add(new String(bytes, StandardCharsets.UTF_8));
            };
            assertEquals(3, q.drain(collect, 3), "the limit bounds the batch");
            assertEquals(List.of("a", "b", "c"), seen);
            // a producer blocked on the full queue goes on once a batch has freed room
            for (final String m : List.of("e", "f", "g"))
            {
                q.put(m);
            }
            assertEquals(0, q.remainingCapacity());
            final Thread producer = Thread.ofPlatform().start(() ->
            {
                try
                {
                    q.put("h");
                }
                catch (final InterruptedException e)
                {
                    Thread.currentThread().interrupt();
                }
            });
            final RuntimeException boom = new IllegalStateException("handler failed");
            assertSame(boom, assertThrows(IllegalStateException.class, () -> q.drain((b, o, l) -> { throw boom; }, 10)),
                "the handler's exception ends the batch");
            producer.join(TimeUnit.SECONDS.toMillis(10));
            assertFalse(producer.isAlive(), "the producer never got the slot the failed handler was given");
            seen.clear();
            assertEquals(4, q.drain(collect, 10), "the failed message is gone, the rest stay in order");
            assertEquals(List.of("e", "f", "g", "h"), seen);
            assertEquals(0, q.drain(collect, 10));
        }
    }

    @Test
    void shouldWrapAroundTheRingManyTimes() throws InterruptedException
    {
        try (SharedQueue<String> q = queue("wrap").capacity(3).maxMessageSize(16).create())
        {
            for (int i = 0; i < 10_000; i++)
            {
                q.put("m" + i);
                if (i % 2 == 1)
                {
                    assertEquals("m" + (i - 1), q.take());
                    assertEquals("m" + i, q.take());
                }
            }
            assertTrue(q.isEmpty());
        }
    }

    @Test
    void shouldOfferCollectionViewsWithoutConsuming()
    {
        try (SharedQueue<String> q = queue("views").create())
        {
            q.addAll(List.of("x", "y", "z"));
            assertEquals("x", q.peek());
            assertTrue(q.contains("y"));
            assertEquals(List.of("x", "y", "z"), new ArrayList<>(q));
            assertEquals(3, q.size());
            final List<String> drained = new ArrayList<>();
            assertEquals(2, q.drainTo(drained, 2));
            assertEquals(List.of("x", "y"), drained);
            assertEquals(1, q.drainTo(drained));
            assertNull(q.peek());
            assertThrows(IllegalArgumentException.class, () -> q.drainTo(q));
            assertThrows(NullPointerException.class, () -> q.offer(null));
        }
    }

    @Test
    void shouldShareOneQueueBetweenTwoAttachments() throws InterruptedException
    {
        try (SharedQueue<String> a = queue("shared").capacity(16).openOrCreate();
            SharedQueue<String> b = queue("shared").capacity(16).openOrCreate())
        {
            a.put("from a");
            assertEquals("from a", b.take());
            assertEquals(2, a.processes().stream().filter(SharedFile.ProcessEntry::alive).count());
        }
    }

    @Test
    void shouldRefuseMismatchedParametersWrongKindAndMissingQueues()
    {
        try (SharedQueue<String> q = queue("params").capacity(8).maxMessageSize(32).create())
        {
            assertThrows(IncompatibleParametersException.class, () -> queue("params").capacity(9).openOrCreate());
            assertThrows(IncompatibleParametersException.class, () -> queue("params").maxMessageSize(33).open());
            assertThrows(SharedObjectExistsException.class, () -> queue("params").create());
            try (SharedQueue<String> attached = queue("params").open())
            {
                assertEquals(8, attached.capacity());
                assertEquals(32, attached.maxMessageSize());
            }
            assertTrue(q.offer("still fine"));
        }
        assertThrows(NoSuchSharedObjectException.class, () -> queue("missing").open());
        final SharedFile other = SharedFile.map(dir.resolve("not-a-queue"), ObjectKind.LOCK, 1,
            SharedFile.OpenMode.CREATE, new SharedFile.Spec(ObjectKind.LOCK, 1, new long[0], 64, 4, null));
        other.close();
        final WrongKindException e = assertThrows(WrongKindException.class, () -> queue("not-a-queue").open());
        assertTrue(e.getMessage().contains("not-a-queue"), e.getMessage());
    }

    @Test
    void shouldSkipSlotClaimedByAnAttachmentThatWentAway() throws InterruptedException
    {
        try (SharedQueue<String> consumer = queue("abandoned").capacity(4).openOrCreate())
        {
            final SharedQueue<String> producer = queue("abandoned").capacity(4).open();
            producer.put("before");
            assertTrue(producer.tryClaim() >= 0, "claim held, never committed");
            producer.close();
            consumer.put("after");

            assertEquals("before", consumer.take());
            assertEquals("after", consumer.poll(5, TimeUnit.SECONDS), "the abandoned slot is skipped");
        }
    }

    @Test
    void shouldTakeAnotherProducersMessagePastASlotWhoseLiveOwnerIsStillWriting() throws InterruptedException
    {
        try (SharedQueue<String> consumer = queue("live-claim").openOrCreate();
            SharedQueue<String> producer = queue("live-claim").open())
        {
            final long claim = producer.tryClaim();
            consumer.put("behind the claim");
            assertEquals("behind the claim", consumer.poll(10, TimeUnit.SECONDS),
                "another producer's message is not held up by a slot still being written");
            assertNull(consumer.poll(), "the slot being written is not taken before its commit");
            producer.buffer().set(JAVA_BYTE, producer.offset(claim), (byte)'!');
            producer.commit(claim, 1);
            assertEquals("!", consumer.take(), "the late commit is the oldest message now");
            assertNull(consumer.poll());
        }
    }

    @Test
    void shouldNotTakeAProducersLaterMessageBeforeTheOneItIsStillWriting() throws InterruptedException
    {
        try (SharedQueue<String> consumer = queue("own-order").openOrCreate();
            SharedQueue<String> producer = queue("own-order").open())
        {
            final long claim = producer.tryClaim();
            producer.put("second");
            consumer.put("other");
            assertEquals("other", consumer.poll(10, TimeUnit.SECONDS), "another producer's message is taken past both");
            assertNull(consumer.poll(100, TimeUnit.MILLISECONDS),
                "a producer's later message waits for the one it is still writing");
            assertNull(consumer.peek(), "peek agrees with poll");
            producer.buffer().set(JAVA_BYTE, producer.offset(claim), (byte)'1');
            producer.commit(claim, 1);
            assertEquals("1", consumer.peek());
            assertEquals("1", consumer.take());
            assertEquals("second", consumer.take());
            assertNull(consumer.poll());
        }
    }

    @Test
    void shouldPeekFromThePassHintPastAHeldSlotAndKeepEachProducersOrder() throws InterruptedException
    {
        try (SharedQueue<String> consumer = queue("peek-pass").openOrCreate();
            SharedQueue<String> producer = queue("peek-pass").open())
        {
            final long claim = producer.tryClaim();
            for (int i = 1; i <= 4; i++)
            {
                consumer.put("m" + i);
            }
            for (int i = 1; i <= 3; i++)
            {
                assertEquals("m" + i, consumer.poll(10, TimeUnit.SECONDS));
            }
            // the takes past the held slot moved the pass hint; peek goes on from it, as poll does
            producer.put("later");
            assertEquals("m4", consumer.peek());
            assertEquals("m4", consumer.poll());
            assertNull(consumer.peek(), "the holder's later message waits for the one it is still writing");
            assertNull(consumer.poll());
            producer.buffer().set(JAVA_BYTE, producer.offset(claim), (byte)'0');
            producer.commit(claim, 1);
            assertEquals("0", consumer.peek());
            assertEquals("0", consumer.take());
            assertEquals("later", consumer.peek());
            assertEquals("later", consumer.take());
            assertNull(consumer.peek());
        }
    }

    @Test
    void shouldWakeBlockedConsumerFromAnotherThread() throws Exception
    {
        try (SharedQueue<String> q = queue("wake").create())
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
            Await.until("a consumer asleep", () -> q.waitingConsumers() == 1, 10, TimeUnit.SECONDS);
            q.put("wake up");
            consumer.join(10_000);
            assertEquals("wake up", got.get());
            assertEquals(0, q.waitingConsumers());
        }
    }

    @Test
    void shouldHonourInterruptOfBlockedTake() throws Exception
    {
        try (SharedQueue<String> q = queue("interrupt").create())
        {
            final AtomicReference<Throwable> thrown = new AtomicReference<>();
            final Thread consumer = new Thread(() ->
            {
                try
                {
                    q.take();
                }
                catch (final Throwable t)
                {
                    thrown.set(t);
                }
            });
            consumer.start();
            Await.until("a consumer asleep", () -> q.waitingConsumers() == 1, 10, TimeUnit.SECONDS);
            consumer.interrupt();
            consumer.join(10_000);
            assertInstanceOf(InterruptedException.class, thrown.get());
            assertEquals(0, q.waitingConsumers(), "the interrupted waiter deregistered");
        }
    }

    @Test
    void shouldMoveEveryMessageOnceBetweenManyThreads() throws Exception
    {
        final int producers = 3;
        final int consumers = 3;
        final int perProducer = 30_000;
        try (SharedQueue<String> q = queue("mpmc").capacity(64).maxMessageSize(32).create())
        {
            final boolean[][] seen = new boolean[producers][perProducer];
            final int[][] last = new int[consumers][producers];
            final CountDownLatch done = new CountDownLatch(consumers);
            final AtomicReference<Throwable> failure = new AtomicReference<>();
            final List<Thread> threads = new ArrayList<>();
            for (int c = 0; c < consumers; c++)
            {
                final int id = c;
                java.util.Arrays.fill(last[id], -1);
                threads.add(new Thread(() ->
                {
                    try
                    {
                        String m;
                        while (!(m = q.take()).equals("stop"))
                        {
                            final String[] parts = m.split(":");
                            final int p = Integer.parseInt(parts[0]);
                            final int seq = Integer.parseInt(parts[1]);
                            if (seq <= last[id][p])
                            {
                                throw new AssertionError("out of order from producer " + p + ": " + seq);
                            }
                            last[id][p] = seq;
                            synchronized (seen)
                            {
                                if (seen[p][seq])
                                {
                                    throw new AssertionError("duplicate " + m);
                                }
                                seen[p][seq] = true;
                            }
                        }
                    }
                    catch (final Throwable t)
                    {
                        failure.compareAndSet(null, t);
                    }
                    done.countDown();
                }));
            }
            final List<Thread> producerThreads = new ArrayList<>();
            for (int p = 0; p < producers; p++)
            {
                final int id = p;
                producerThreads.add(new Thread(() ->
                {
                    try
                    {
                        for (int i = 0; i < perProducer; i++)
                        {
                            q.put(id + ":" + i);
                        }
                    }
                    catch (final Throwable t)
                    {
                        failure.compareAndSet(null, t);
                    }
                }));
            }
            threads.forEach(Thread::start);
            producerThreads.forEach(Thread::start);
            for (final Thread t : producerThreads)
            {
                t.join();
            }
            for (int c = 0; c < consumers; c++)
            {
                q.put("stop");
            }
            assertTrue(done.await(20, TimeUnit.SECONDS));
            if (failure.get() != null)
            {
                throw new AssertionError(failure.get());
            }
            for (int p = 0; p < producers; p++)
            {
                for (int i = 0; i < perProducer; i++)
                {
                    assertTrue(seen[p][i], "lost " + p + ":" + i);
                }
            }
        }
    }

    @Test
    void shouldSpinWithoutRegisteringInBusySpinMode() throws Exception
    {
        try (SharedQueue<String> q = queue("spin").waitStrategy(WaitStrategy.busySpin()).create())
        {
            assertNull(q.poll(20, TimeUnit.MILLISECONDS));
            assertEquals(0, q.waitingConsumers());
            q.put("x");
            assertArrayEquals("x".getBytes(StandardCharsets.UTF_8), q.iterator().next().getBytes(StandardCharsets.UTF_8));
        }
    }
}
