package io.jvmipc.wait;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class FutexWaitStrategyTest
{
    private final Arena arena = Arena.ofShared();
    private final MemorySegment segment = arena.allocate(4096, 128);
    /** A per-process registration count, as a process-table entry would hold. */
    private static final long OWNER_COUNT = 1024;
    private final Signal signal = new Signal(segment, 0, OWNER_COUNT);

    /** Drives the strategy as its javadoc says, until {@code condition} holds or the deadline passes. */
    static boolean await(final WaitStrategy strategy, final Signal signal, final java.util.function.BooleanSupplier condition,
        final long deadline) throws InterruptedException
    {
        long state = WaitStrategy.INITIAL;
        try
        {
            while (!condition.getAsBoolean())
            {
                state = strategy.idle(signal, state, deadline);
                if (state == WaitStrategy.TIMED_OUT)
                {
                    return false;
                }
            }
            return true;
        }
        finally
        {
            strategy.done(signal, state);
        }
    }

    @Test
    void shouldNeverTimeOutBeforeTheDeadline() throws InterruptedException
    {
        for (final long timeoutNanos : new long[] {1, TimeUnit.MICROSECONDS.toNanos(50), TimeUnit.MILLISECONDS.toNanos(5),
            TimeUnit.MILLISECONDS.toNanos(120)})
        {
            final long deadline = WaitStrategy.deadline(timeoutNanos);
            assertFalse(await(WaitStrategy.blocking(), signal, () -> false, deadline));
            assertTrue(System.nanoTime() - deadline >= 0, "returned TIMED_OUT before its deadline");
            assertEquals(0, signal.waiters(), "a timed-out wait left its registration");
            assertEquals(0, segment.get(java.lang.foreign.ValueLayout.JAVA_INT, OWNER_COUNT));
        }
    }

    @Test
    void shouldHonourAnInterruptAndLeaveNoRegistration() throws Exception
    {
        final AtomicLong registeredSeen = new AtomicLong();
        final CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        final Thread waiter = Thread.ofPlatform().start(() ->
        {
            try
            {
                await(WaitStrategy.blocking(), signal, () -> false, WaitStrategy.NO_DEADLINE);
                outcome.complete(null);
            }
            catch (final Throwable t)
            {
                outcome.complete(t);
            }
        });
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (signal.waiters() == 0 && System.nanoTime() < deadline)
        {
            Thread.onSpinWait();
        }
        registeredSeen.set(signal.waiters());
        assertEquals(1, registeredSeen.get(), "the waiter never registered");
        waiter.interrupt();
        assertInstanceOf(InterruptedException.class, outcome.get(20, TimeUnit.SECONDS));
        waiter.join();
        assertEquals(0, signal.waiters(), "waiter count after an interrupted wait");
        assertEquals(0, segment.get(java.lang.foreign.ValueLayout.JAVA_INT, OWNER_COUNT),
            "per-process count after an interrupted wait");
    }

    @Test
    void shouldThrowAtOnceWhenAlreadyInterrupted()
    {
        Thread.currentThread().interrupt();
        assertThrows(InterruptedException.class,
            () -> await(WaitStrategy.blocking(), signal, () -> false, WaitStrategy.NO_DEADLINE));
        assertEquals(0, signal.waiters());
    }
}
