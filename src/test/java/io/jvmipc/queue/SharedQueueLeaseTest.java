package io.jvmipc.queue;

import io.jvmipc.Await;
import io.jvmipc.codec.Codec;
import io.jvmipc.codec.CodecException;
import io.jvmipc.codec.Codecs;
import io.jvmipc.file.SharedDirectory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Leased takes in one JVM: ack, release and redelivery, the bound, misuse, closing, and threads racing. */
@Timeout(60)
class SharedQueueLeaseTest
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
        return SharedQueue.builder(name, Codecs.utf8()).directory(dir).maxMessageSize(64);
    }

    @Test
    void shouldKeepALeasedMessagesPositionWhenItIsRedelivered() throws InterruptedException
    {
        try (SharedQueue<String> q = queue("position").capacity(4).create())
        {
            long last = -1;
            for (int i = 0; i < 10; i++)
            {
                q.put("m" + i);
                final Lease<String> lease = q.takeLease();
                assertTrue(lease.position() > last, "positions increase past the capacity: " + lease.position());
                last = lease.position();
                lease.release();
                final Lease<String> again = q.takeLease();
                assertEquals("m" + i, again.value());
                assertEquals(last, again.position(), "a released message keeps its position");
                again.ack();
            }
            assertFalse(q.recoverDeadProcesses(), "nobody dead to recover");
        }
    }

    @Test
    void shouldRemoveAMessageForGoodWhenItsLeaseIsAcked() throws InterruptedException
    {
        try (SharedQueue<String> q = queue("ack").capacity(4).create())
        {
            q.put("a");
            q.put("b");
            final Lease<String> lease = q.takeLease();
            assertEquals("a", lease.value());
            assertTrue(lease.isHeld());
            assertEquals(1, q.heldLeases());
            assertEquals(1, q.size(), "a leased message is not counted as in the queue");
            assertEquals(2, q.remainingCapacity(), "but its slot is");
            lease.ack();
            assertFalse(lease.isHeld());
            assertEquals("a", lease.value(), "the value stays readable");
            assertEquals(0, q.heldLeases());
            assertEquals(3, q.remainingCapacity());
            assertEquals("b", q.poll());
            assertNull(q.poll());
            assertNull(q.pollLease());
        }
    }

    @Test
    void shouldRedeliverAReleasedLeaseBeforeNewerMessages() throws InterruptedException
    {
        try (SharedQueue<String> q = queue("release").capacity(8).create())
        {
            q.put("a");
            q.put("b");
            q.put("c");
            final Lease<String> a = q.takeLease();
            assertEquals("a", a.value());
            assertEquals("b", q.poll(), "a plain take passes the held lease");
            a.release();
            assertEquals("a", q.poll(), "the released message is the oldest again, though later ones were taken");
            assertEquals("c", q.poll());
            assertNull(q.poll());
        }
    }

    @Test
    void shouldFindAReleasedLeaseAfterManyTakesPassedIt() throws InterruptedException
    {
        try (SharedQueue<String> q = queue("far").capacity(8).create())
        {
            q.put("held");
            final Lease<String> held = q.pollLease();
            for (int i = 0; i < 7; i++)
            {
                q.put("m" + i);
                try (Lease<String> lease = q.pollLease())
                {
                    assertEquals("m" + i, lease.value());
                    lease.ack();
                }
            }
            assertFalse(q.offer("wrapped"), "the ring cannot wrap past the held lease's slot");
            held.release();
            assertEquals("held", q.poll(), "found again after every later message was taken");
            assertTrue(q.offer("wrapped"));
            assertEquals("wrapped", q.poll());
            assertNull(q.poll());
        }
    }

    @Test
    void shouldGiveBackALeaseClosedWithoutAnAck() throws InterruptedException
    {
        try (SharedQueue<String> q = queue("twr").capacity(4).create())
        {
            q.put("job");
            final AtomicReference<Lease<String>> seen = new AtomicReference<>();
            assertThrows(ArithmeticException.class, () ->
            {
                try (Lease<String> lease = q.takeLease())
                {
                    seen.set(lease);
                    throw new ArithmeticException("work failed");
                }
            });
            assertFalse(seen.get().isHeld());
            seen.get().close();
            try (Lease<String> again = q.takeLease())
            {
                assertEquals("job", again.value(), "redelivered");
                again.ack();
            }
            assertNull(q.poll(), "an acked lease's close does not give it back");
        }
    }

    @Test
    void shouldRefuseEndingALeaseTwice() throws InterruptedException
    {
        try (SharedQueue<String> q = queue("twice").capacity(4).create())
        {
            q.put("a");
            q.put("b");
            final Lease<String> a = q.takeLease();
            a.ack();
            final IllegalStateException twice = assertThrows(IllegalStateException.class, a::ack);
            assertTrue(twice.getMessage().contains("acknowledged"), twice.getMessage());
            assertThrows(IllegalStateException.class, a::release);
            a.close();
            final Lease<String> b = q.takeLease();
            b.release();
            final IllegalStateException afterRelease = assertThrows(IllegalStateException.class, b::ack);
            assertTrue(afterRelease.getMessage().contains("released"), afterRelease.getMessage());
            b.close();
            final Lease<String> closed = q.takeLease();
            assertEquals("b", closed.value());
            closed.close();
            assertThrows(IllegalStateException.class, closed::ack, "ack after close");
            assertEquals(0, q.heldLeases());
            assertEquals("b", q.poll(), "the second end changed nothing");
        }
    }

    @Test
    void shouldBoundTheLeasesOfOneAttachmentAndRefuseAtOnceOverIt() throws InterruptedException
    {
        try (SharedQueue<String> q = queue("bound").capacity(8).maxLeasesPerProcess(2).create())
        {
            assertEquals(2, q.maxLeasesPerProcess());
            for (int i = 0; i < 4; i++)
            {
                q.put("m" + i);
            }
            final Lease<String> first = q.takeLease();
            final Lease<String> second = q.pollLease(1, TimeUnit.SECONDS);
            final IllegalStateException over = assertThrows(IllegalStateException.class, q::pollLease);
            assertTrue(over.getMessage().contains("maxLeasesPerProcess 2"), over.getMessage());
            assertThrows(IllegalStateException.class, q::takeLease, "refused without waiting");
            assertThrows(IllegalStateException.class, () -> q.pollLease(1, TimeUnit.DAYS));
            assertEquals(2, q.heldLeases());
            assertEquals("m2", q.poll(), "plain takes are not bounded");
            first.ack();
            final Lease<String> third = q.pollLease();
            assertEquals("m3", third.value());
            second.ack();
            third.ack();
        }
        try (SharedQueue<String> small = queue("default-small").capacity(5).create();
            SharedQueue<String> big = queue("default-big").capacity(1024).create();
            SharedQueue<String> one = queue("default-one").capacity(1).create())
        {
            assertEquals(2, small.maxLeasesPerProcess());
            assertEquals(16, big.maxLeasesPerProcess());
            assertEquals(1, one.maxLeasesPerProcess());
        }
        assertThrows(IllegalArgumentException.class, () -> queue("x").maxLeasesPerProcess(0));
    }

    @Test
    void shouldCountHeldLeasesAsUsedCapacityForProducers() throws InterruptedException
    {
        try (SharedQueue<String> q = queue("full").capacity(2).maxLeasesPerProcess(2).create())
        {
            q.put("a");
            q.put("b");
            final Lease<String> a = q.takeLease();
            final Lease<String> b = q.takeLease();
            assertTrue(q.isEmpty());
            assertTrue(q.isFull(), "held leases occupy their slots");
            assertFalse(q.offer("c", 50, TimeUnit.MILLISECONDS));
            b.ack();
            assertFalse(q.offer("c"), "the ring is filled in order: the oldest lease still holds its slot");
            a.ack();
            assertTrue(q.offer("c"));
            assertTrue(q.offer("d"));
            assertEquals(List.of("c", "d"), List.of(q.poll(), q.poll()));
        }
    }

    @Test
    void shouldRefuseLeasesOnAClosedQueueAndGiveBackTheLeasesItHeld() throws InterruptedException
    {
        try (SharedQueue<String> other = queue("closed").capacity(4).create())
        {
            final SharedQueue<String> q = queue("closed").open();
            other.put("a");
            final Lease<String> lease = q.takeLease();
            q.close();
            assertThrows(IllegalStateException.class, q::pollLease);
            assertThrows(IllegalStateException.class, q::takeLease);
            assertThrows(IllegalStateException.class, () -> q.pollLease(1, TimeUnit.SECONDS));
            final IllegalStateException ack = assertThrows(IllegalStateException.class, lease::ack);
            assertTrue(ack.getMessage().contains(q.path().toString()), ack.getMessage());
            lease.close();
            assertEquals("a", other.poll(5, TimeUnit.SECONDS), "closing gave the lease back for redelivery");
        }
    }

    @Test
    void shouldConsumeAMessageThatCannotBeDecodedRatherThanRedeliverIt() throws InterruptedException
    {
        final Codec<String> picky = new Codec<>()
        {
            @Override
            public int encode(final String value, final MemorySegment target, final long offset, final int max)
            {
                return Codecs.utf8().encode(value, target, offset, max);
            }

            @Override
            public String decode(final MemorySegment source, final long offset, final int length)
            {
                final String value = Codecs.utf8().decode(source, offset, length);
                if (value.equals("poison"))
                {
                    throw new CodecException("cannot decode poison", null);
                }
                return value;
            }
        };
        try (SharedQueue<String> q = SharedQueue.builder("poison", picky).directory(dir).capacity(4).create())
        {
            q.put("poison");
            q.put("fine");
            assertThrows(CodecException.class, q::pollLease);
            assertEquals(0, q.heldLeases());
            final Lease<String> fine = q.pollLease();
            assertEquals("fine", fine.value());
            fine.ack();
            assertNull(q.poll());
        }
    }

    @Test
    void shouldRestoreTheLeaseCountWhenAWaitingLeaseIsInterruptedOrTimesOut() throws InterruptedException
    {
        try (SharedQueue<String> q = queue("interrupt").capacity(4).maxLeasesPerProcess(1).create())
        {
            assertNull(q.pollLease(20, TimeUnit.MILLISECONDS));
            assertNull(q.pollLease(-1, TimeUnit.SECONDS), "a negative timeout tries once");
            assertThrows(NullPointerException.class, () -> q.pollLease(1, null));
            final AtomicReference<Throwable> thrown = new AtomicReference<>();
            final Thread waiter = new Thread(() ->
            {
                try
                {
                    q.takeLease();
                }
                catch (final Throwable e)
                {
                    thrown.set(e);
                }
            });
            waiter.start();
            Await.until("the waiter to sleep", () -> q.waitingConsumers() > 0, 10, TimeUnit.SECONDS);
            waiter.interrupt();
            waiter.join(10_000);
            assertInstanceOf(InterruptedException.class, thrown.get());
            assertEquals(0, q.heldLeases());
            q.put("a");
            try (Lease<String> lease = q.pollLease())
            {
                assertNotNull(lease, "the bound of 1 is free again");
                lease.ack();
            }
        }
    }

    @Test
    void shouldNeverLetTwoThreadsHoldOneMessageAndAckEachExactlyOnce() throws InterruptedException
    {
        final int messages = 20_000;
        final int consumers = 4;
        try (SharedQueue<String> producerSide = queue("race").capacity(16).create())
        {
            final List<SharedQueue<String>> handles = new ArrayList<>();
            for (int c = 0; c < consumers; c++)
            {
                handles.add(queue("race").maxLeasesPerProcess(3).open());
            }
            final Set<String> held = ConcurrentHashMap.newKeySet();
            final AtomicReferenceArray<String> acked = new AtomicReferenceArray<>(messages);
            final AtomicInteger ackCount = new AtomicInteger();
            final AtomicReference<Throwable> failure = new AtomicReference<>();
            final List<Thread> threads = new ArrayList<>();
            for (int c = 0; c < consumers; c++)
            {
                final SharedQueue<String> q = handles.get(c);
                final String me = "consumer " + c;
                threads.add(new Thread(() ->
                {
                    try
                    {
                        final List<Lease<String>> mine = new ArrayList<>();
                        final ThreadLocalRandom random = ThreadLocalRandom.current();
                        while (ackCount.get() < messages && failure.get() == null)
                        {
                            final Lease<String> lease = mine.size() < 3 ? q.pollLease(1, TimeUnit.MILLISECONDS) : null;
                            if (lease != null)
                            {
                                if (!held.add(lease.value()))
                                {
                                    throw new AssertionError(lease.value() + " held by two threads at once");
                                }
                                mine.add(lease);
                            }
                            if (!mine.isEmpty() && (lease == null || random.nextInt(3) == 0))
                            {
                                final Lease<String> done = mine.remove(random.nextInt(mine.size()));
                                held.remove(done.value());
                                if (random.nextInt(4) == 0)
                                {
                                    done.release();
                                }
                                else
                                {
                                    done.ack();
                                    final int index = Integer.parseInt(done.value());
                                    if (!acked.compareAndSet(index, null, me))
                                    {
                                        throw new AssertionError(done.value() + " acked twice");
                                    }
                                    ackCount.incrementAndGet();
                                }
                            }
                        }
                    }
                    catch (final Throwable e)
                    {
                        failure.compareAndSet(null, e);
                    }
                }));
            }
            threads.forEach(Thread::start);
            for (int i = 0; i < messages; i++)
            {
                assertTrue(producerSide.offer(Integer.toString(i), 10, TimeUnit.SECONDS), "stuck at " + i);
            }
            for (final Thread thread : threads)
            {
                thread.join(30_000);
                assertFalse(thread.isAlive());
            }
            if (failure.get() != null)
            {
                throw new AssertionError(failure.get());
            }
            assertEquals(messages, ackCount.get());
            for (int i = 0; i < messages; i++)
            {
                assertNotNull(acked.get(i), "message " + i + " never acked");
            }
            assertNull(producerSide.poll());
            handles.forEach(SharedQueue::close);
        }
    }
}
