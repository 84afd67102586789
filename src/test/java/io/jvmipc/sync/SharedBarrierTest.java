package io.jvmipc.sync;

import io.jvmipc.Await;
import io.jvmipc.file.CorruptFileException;
import io.jvmipc.file.IncompatibleParametersException;
import io.jvmipc.file.SharedDirectory;
import io.jvmipc.file.WrongKindException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The barrier between threads of one process, each with its own attachment (as separate processes would). */
class SharedBarrierTest
{
    @TempDir
    Path tempDir;
    private SharedDirectory dir;

    @BeforeEach
    void setUp()
    {
        dir = SharedDirectory.of(tempDir);
    }

    private SharedBarrier.Builder barrier(final int parties)
    {
        return SharedBarrier.builder("b").directory(dir).parties(parties);
    }

    /** Starts a thread that awaits once on its own attachment and reports the index or the exception. */
    private CompletableFuture<Integer> party(final long timeoutMillis)
    {
        final CompletableFuture<Integer> result = new CompletableFuture<>();
        Thread.ofPlatform().start(() ->
        {
            try (SharedBarrier own = SharedBarrier.builder("b").directory(dir).open())
            {
                result.complete(timeoutMillis < 0 ? own.await() : own.await(timeoutMillis, TimeUnit.MILLISECONDS));
            }
            catch (final Throwable t)
            {
                result.completeExceptionally(t);
            }
        });
        return result;
    }

    private static void awaitWaiting(final SharedBarrier barrier, final int count) throws InterruptedException
    {
        Await.until(() -> "parties to arrive, " + barrier.numberWaiting() + " have", () -> barrier.numberWaiting() >= count,
            10, TimeUnit.SECONDS);
    }

    private static Throwable failure(final CompletableFuture<Integer> result) throws Exception
    {
        final ExecutionException e = assertThrows(ExecutionException.class, () -> result.get(10, TimeUnit.SECONDS));
        return e.getCause();
    }

    @Test
    @Timeout(60)
    void shouldReleaseAllPartiesAndRunTheActionOncePerGeneration() throws Exception
    {
        final int parties = 3;
        final int generations = 50;
        final AtomicInteger actions = new AtomicInteger();
        final ConcurrentLinkedQueue<String> indices = new ConcurrentLinkedQueue<>();
        try (SharedBarrier creator = barrier(parties).create())
        {
            assertEquals(parties, creator.parties());
            final List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < parties; t++)
            {
                threads.add(Thread.ofPlatform().start(() ->
                {
                    try (SharedBarrier own = barrier(parties).action(actions::incrementAndGet).open())
                    {
                        for (int g = 0; g < generations; g++)
                        {
                            indices.add(g + ":" + own.await(20, TimeUnit.SECONDS));
                        }
                    }
                    catch (final Exception e)
                    {
                        indices.add("failed: " + e);
                    }
                }));
            }
            for (final Thread thread : threads)
            {
                thread.join();
            }
            assertEquals(generations, actions.get(), "the action runs once per generation");
            final Set<String> distinct = new HashSet<>(indices);
            assertEquals(parties * generations, indices.size(), indices.toString());
            for (int g = 0; g < generations; g++)
            {
                for (int i = 0; i < parties; i++)
                {
                    assertTrue(distinct.contains(g + ":" + i), "generation " + g + " index " + i + ": " + indices);
                }
            }
            assertFalse(creator.isBroken());
            assertEquals(0, creator.numberWaiting());
        }
    }

    @Test
    @Timeout(30)
    void shouldTripAtOnceForASingleParty() throws Exception
    {
        final AtomicInteger actions = new AtomicInteger();
        try (SharedBarrier b = barrier(1).action(actions::incrementAndGet).create())
        {
            assertEquals(0, b.await());
            assertEquals(0, b.await(0, TimeUnit.SECONDS));
            assertEquals(2, actions.get());
        }
    }

    @Test
    @Timeout(30)
    void shouldBreakForEveryWaiterWhenOneTimesOutUntilReset() throws Exception
    {
        try (SharedBarrier b = barrier(3).create())
        {
            final CompletableFuture<Integer> other = party(-1);
            awaitWaiting(b, 1);
            final long start = System.nanoTime();
            assertThrows(TimeoutException.class, () -> b.await(150, TimeUnit.MILLISECONDS));
            assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(150), "timed out early");
            assertInstanceOf(BrokenBarrierException.class, failure(other));
            assertTrue(b.isBroken());
            assertThrows(BrokenBarrierException.class, () -> b.await(1, TimeUnit.SECONDS), "stays broken");

            b.reset();
            assertFalse(b.isBroken());
            final CompletableFuture<Integer> p1 = party(-1);
            final CompletableFuture<Integer> p2 = party(-1);
            awaitWaiting(b, 2);
            assertEquals(0, b.await(10, TimeUnit.SECONDS), "usable again after reset");
            assertEquals(Set.of(1, 2), Set.of(p1.get(10, TimeUnit.SECONDS), p2.get(10, TimeUnit.SECONDS)));
        }
    }

    @Test
    @Timeout(30)
    void shouldBreakWaitersOnAbortAndOnReset() throws Exception
    {
        try (SharedBarrier b = barrier(3).create())
        {
            final CompletableFuture<Integer> first = party(-1);
            awaitWaiting(b, 1);
            b.abort();
            assertInstanceOf(BrokenBarrierException.class, failure(first));
            assertTrue(b.isBroken());
            b.reset();

            final CompletableFuture<Integer> second = party(-1);
            final CompletableFuture<Integer> third = party(-1);
            awaitWaiting(b, 2);
            b.reset();
            assertInstanceOf(BrokenBarrierException.class, failure(second), "reset breaks the waiters");
            assertInstanceOf(BrokenBarrierException.class, failure(third), "reset breaks the waiters");
            assertFalse(b.isBroken(), "and leaves a fresh generation");
            assertEquals(0, b.numberWaiting());
        }
    }

    @Test
    @Timeout(30)
    void shouldBreakTheBarrierAndRethrowWhenTheActionThrows() throws Exception
    {
        final RuntimeException boom = new IllegalStateException("boom");
        try (SharedBarrier b = barrier(2).action(() ->
        {
            throw boom;
        }).create())
        {
            final CompletableFuture<Integer> other = party(-1);
            awaitWaiting(b, 1);
            assertSame(boom, assertThrows(IllegalStateException.class, b::await));
            assertInstanceOf(BrokenBarrierException.class, failure(other));
            assertTrue(b.isBroken());
        }
    }

    @Test
    @Timeout(30)
    void shouldBreakTheBarrierWhenAWaiterIsInterrupted() throws Exception
    {
        try (SharedBarrier b = barrier(3).create())
        {
            final CompletableFuture<Integer> other = party(-1);
            final CompletableFuture<Throwable> interrupted = new CompletableFuture<>();
            final Thread waiter = Thread.ofPlatform().start(() ->
            {
                try (SharedBarrier own = barrier(3).open())
                {
                    own.await();
                    interrupted.complete(null);
                }
                catch (final Throwable t)
                {
                    interrupted.complete(t);
                }
            });
            awaitWaiting(b, 2);
            waiter.interrupt();
            assertInstanceOf(InterruptedException.class, interrupted.get(10, TimeUnit.SECONDS));
            assertInstanceOf(BrokenBarrierException.class, failure(other));
        }
    }

    @Test
    @Timeout(30)
    void shouldBreakTheBarrierWhenTheDefaultTimeoutElapses() throws Exception
    {
        try (SharedBarrier b = barrier(2).timeout(100, TimeUnit.MILLISECONDS).create())
        {
            final BrokenBarrierException e = assertThrows(BrokenBarrierException.class, b::await);
            assertInstanceOf(TimeoutException.class, e.getCause());
            assertTrue(b.isBroken());
        }
    }

    @Test
    @Timeout(30)
    void shouldTreatAZeroOrNegativeDefaultTimeoutAsDoNotWait() throws Exception
    {
        try (SharedBarrier b = barrier(2).timeout(-5, TimeUnit.SECONDS).create())
        {
            final BrokenBarrierException e = assertThrows(BrokenBarrierException.class, b::await);
            assertInstanceOf(TimeoutException.class, e.getCause());
            assertTrue(b.isBroken(), "a party that cannot complete the generation at once breaks it");
        }
        try (SharedBarrier one = SharedBarrier.builder("one").directory(dir).parties(1).timeout(0, TimeUnit.SECONDS)
            .create())
        {
            assertEquals(0, one.await(), "an arrival that completes the generation needs no wait");
            assertFalse(one.isBroken());
        }
    }

    @Test
    @Timeout(30)
    void shouldBreakTheBarrierWhenAnAttachmentWithAWaitingPartyCloses() throws Exception
    {
        try (SharedBarrier b = barrier(3).create())
        {
            final SharedBarrier leaving = barrier(3).open();
            final CompletableFuture<Integer> leaver = new CompletableFuture<>();
            Thread.ofPlatform().start(() ->
            {
                try
                {
                    leaver.complete(leaving.await());
                }
                catch (final Throwable t)
                {
                    leaver.completeExceptionally(t);
                }
            });
            awaitWaiting(b, 1);
            leaving.close();
            assertTrue(b.isBroken(), "a party left");
            // its own waiter sees either the close or the break that the close's recovery made, whichever it meets
            // first after waking; never a return as if the generation had completed
            final Throwable seen = failure(leaver);
            assertTrue(seen instanceof IllegalStateException || seen instanceof BrokenBarrierException,
                "its own waiter saw " + seen);
            assertThrows(BrokenBarrierException.class, () -> b.await(1, TimeUnit.SECONDS));
        }
    }

    @Test
    void shouldRefuseBadInput() throws Exception
    {
        assertThrows(IllegalArgumentException.class, () -> SharedBarrier.builder("b").parties(0));
        assertThrows(IllegalArgumentException.class, () -> SharedBarrier.builder("b").parties(-3));
        assertThrows(IllegalStateException.class, () -> SharedBarrier.builder("b").directory(dir).create());
        final SharedBarrier b = barrier(2).create();
        assertThrows(TimeoutException.class, () -> b.await(-1, TimeUnit.MILLISECONDS), "a negative timeout tries once");
        assertTrue(b.isBroken(), "and breaks the barrier, as a zero timeout does");
        b.reset();
        assertThrows(IncompatibleParametersException.class, () -> barrier(3).openOrCreate());
        assertThrows(WrongKindException.class, () -> SharedEvent.builder("b").directory(dir).open());
        b.close();
        final IllegalStateException closed = assertThrows(IllegalStateException.class, b::await);
        assertTrue(closed.getMessage().contains(tempDir.resolve("b").toString()), closed.getMessage());
        assertThrows(IllegalStateException.class, b::reset);
        assertThrows(IllegalStateException.class, b::abort);
        assertThrows(IllegalStateException.class, b::numberWaiting);
    }

    @Test
    @Timeout(10)
    void shouldReportMoreArrivalsThanPartiesUntilReset() throws Exception
    {
        try (SharedBarrier b = barrier(2).create())
        {
            // generation 7 with 5 parties arrived at a barrier of 2: the generation can never trip
            BodyWords.putLong(b.path(), BarrierDescriptor.STATE_OFFSET, BarrierDescriptor.fresh(7) | 5);
            for (final Executable call : new Executable[] {b::await, () -> b.await(1, TimeUnit.MILLISECONDS),
                () -> b.await(Long.MAX_VALUE, TimeUnit.DAYS), b::numberWaiting})
            {
                final CorruptFileException e = assertThrows(CorruptFileException.class, call);
                assertTrue(e.getMessage().contains(b.path().toString()) && e.getMessage().contains("5 arrived") &&
                    e.getMessage().contains("2 parties"), e.getMessage());
            }
            assertFalse(b.isBroken(), "a refused await does not count, break or time out anything");
            b.reset();
            assertEquals(0, b.numberWaiting(), "reset starts a fresh generation: the repair");
        }
    }

    @Test
    @Timeout(10)
    void shouldReportAGenerationThatAllPartiesArrivedInButNobodyIsEnding() throws Exception
    {
        try (SharedBarrier b = barrier(2).create())
        {
            // generation 7 with both parties arrived, and no process with a party in it to run the action and end it
            BodyWords.putLong(b.path(), BarrierDescriptor.STATE_OFFSET, BarrierDescriptor.fresh(7) | 2);
            for (final Executable call : new Executable[] {b::await, () -> b.await(1, TimeUnit.MILLISECONDS),
                () -> b.await(Long.MAX_VALUE, TimeUnit.DAYS)})
            {
                final CorruptFileException e = assertThrows(CorruptFileException.class, call);
                assertTrue(e.getMessage().contains(b.path().toString()) && e.getMessage().contains("generation 7") &&
                    e.getMessage().contains("all 2 parties"), e.getMessage());
            }
            assertFalse(b.isBroken(), "a refused await does not count, break or time out anything");
            b.reset();
            assertEquals(0, b.numberWaiting(), "reset starts a fresh generation: the repair");
        }
    }

    @Test
    @Timeout(30)
    void shouldWaitNotReportWhileALivePartyRunsTheAction() throws Exception
    {
        final java.util.concurrent.CountDownLatch running = new java.util.concurrent.CountDownLatch(1);
        final java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        try (SharedBarrier b = barrier(1).action(() ->
        {
            running.countDown();
            try
            {
                release.await();
            }
            catch (final InterruptedException e)
            {
                Thread.currentThread().interrupt();
            }
        }).create())
        {
            final CompletableFuture<Integer> tripper = CompletableFuture.supplyAsync(() ->
            {
                try
                {
                    return b.await();
                }
                catch (final Exception e)
                {
                    throw new IllegalStateException(e);
                }
            });
            running.await();
            // all (one) parties arrived and the action runs in this process: a wait, not a corrupt state
            final TimeoutException e = assertThrows(TimeoutException.class, () -> b.await(1, TimeUnit.MILLISECONDS));
            assertTrue(e.getMessage().contains("running the action"), e.getMessage());
            release.countDown();
            assertEquals(0, tripper.get(10, TimeUnit.SECONDS));
            assertFalse(b.isBroken(), "a caller that could not arrive in time breaks nothing");
        }
    }
}
