package io.jvmipc.agrona;

import io.jvmipc.Await;
import io.jvmipc.codec.Codecs;
import io.jvmipc.file.SharedDirectory;
import io.jvmipc.queue.SharedQueue;
import io.jvmipc.wait.WaitStrategy;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class AgronaWaitStrategyTest
{
    @TempDir
    Path tempDir;

    @Test
    void shouldResetOnANewWaitAndIdleOncePerCall() throws InterruptedException
    {
        final CountingIdleStrategy idle = new CountingIdleStrategy();
        final WaitStrategy strategy = AgronaWaitStrategy.of(idle);
        long state = strategy.idle(null, WaitStrategy.INITIAL, WaitStrategy.NO_DEADLINE);
        state = strategy.idle(null, state, WaitStrategy.NO_DEADLINE);
        state = strategy.idle(null, state, WaitStrategy.NO_DEADLINE);
        assertNotEquals(WaitStrategy.TIMED_OUT, state);
        assertNotEquals(WaitStrategy.INITIAL, state);
        assertEquals(1, idle.resets.get());
        assertEquals(3, idle.idles.get());
        strategy.done(null, state);
        strategy.idle(null, WaitStrategy.INITIAL, WaitStrategy.NO_DEADLINE);
        assertEquals(2, idle.resets.get(), "each wait starts from a reset strategy");
        assertEquals("AgronaWaitStrategy[counting]", strategy.toString());
    }

    @Test
    void shouldTimeOutAtThePassedDeadlineWithoutIdling() throws InterruptedException
    {
        final CountingIdleStrategy idle = new CountingIdleStrategy();
        final WaitStrategy strategy = AgronaWaitStrategy.of(idle);
        assertEquals(WaitStrategy.TIMED_OUT, strategy.idle(null, 5, System.nanoTime() - 1));
        assertEquals(0, idle.idles.get());
        strategy.done(null, WaitStrategy.TIMED_OUT);
    }

    @Test
    void shouldThrowOnInterruptAndConsumeTheFlag()
    {
        final CountingIdleStrategy idle = new CountingIdleStrategy();
        final WaitStrategy strategy = AgronaWaitStrategy.of(idle);
        Thread.currentThread().interrupt();
        assertThrows(InterruptedException.class, () -> strategy.idle(null, 3, WaitStrategy.NO_DEADLINE));
        assertFalse(Thread.interrupted());
        assertEquals(0, idle.idles.get());
    }

    @Test
    void shouldGiveEachThreadItsOwnStrategy() throws Exception
    {
        final Set<CountingIdleStrategy> made = ConcurrentHashMap.newKeySet();
        final WaitStrategy strategy = AgronaWaitStrategy.perThread(() ->
        {
            final CountingIdleStrategy idle = new CountingIdleStrategy();
            made.add(idle);
            return idle;
        });
        strategy.idle(null, WaitStrategy.INITIAL, WaitStrategy.NO_DEADLINE);
        strategy.idle(null, 1, WaitStrategy.NO_DEADLINE);
        final Thread other = new Thread(() ->
        {
            try
            {
                strategy.idle(null, WaitStrategy.INITIAL, WaitStrategy.NO_DEADLINE);
            }
            catch (final InterruptedException e)
            {
                throw new AssertionError(e);
            }
        });
        other.start();
        other.join();
        assertEquals(2, made.size());
        assertEquals(3, made.stream().mapToInt(idle -> idle.idles.get()).sum());
        assertThrows(NullPointerException.class,
            () -> AgronaWaitStrategy.perThread(() -> null).idle(null, WaitStrategy.INITIAL, 0));
    }

    @Test
    void shouldDriveBlockingQueueCallsWithoutTheFutex() throws Exception
    {
        final CountingIdleStrategy idle = new CountingIdleStrategy();
        try (SharedQueue<String> queue = SharedQueue.builder("agrona-wait", Codecs.utf8())
            .directory(SharedDirectory.of(tempDir)).capacity(2).maxMessageSize(32)
            .waitStrategy(AgronaWaitStrategy.of(idle)).create())
        {
            assertNull(queue.poll(20, TimeUnit.MILLISECONDS), "a timed poll returns at its timeout");

            final AtomicReference<Object> taken = new AtomicReference<>();
            final Thread consumer = new Thread(() ->
            {
                try
                {
                    taken.set(queue.take());
                }
                catch (final Throwable e)
                {
                    taken.set(e);
                }
            });
            final int before = idle.idles.get();
            consumer.start();
            Await.until("the consumer idles", () -> idle.idles.get() > before, 30, TimeUnit.SECONDS);
            assertEquals(0, queue.waitingConsumers(), "an Agrona strategy never registers with the futex");
            queue.put("hello");
            consumer.join();
            assertEquals("hello", taken.get());

            final Thread interrupted = new Thread(() ->
            {
                try
                {
                    taken.set(queue.take());
                }
                catch (final Throwable e)
                {
                    taken.set(e);
                }
            });
            final int idlesBefore = idle.idles.get();
            interrupted.start();
            Await.until("the consumer idles again", () -> idle.idles.get() > idlesBefore, 30, TimeUnit.SECONDS);
            interrupted.interrupt();
            interrupted.join();
            assertInstanceOf(InterruptedException.class, taken.get());
        }
    }

    @Test
    void shouldWorkWithAgronasOwnStrategies() throws Exception
    {
        try (SharedQueue<String> queue = SharedQueue.builder("agrona-backoff", Codecs.utf8())
            .directory(SharedDirectory.of(tempDir)).capacity(1).maxMessageSize(32)
            .waitStrategy(AgronaWaitStrategy.perThread(BackoffIdleStrategy::new)).create())
        {
            final Thread producer = new Thread(() ->
            {
                try
                {
                    for (int i = 0; i < 200; i++)
                    {
                        queue.put("m" + i);
                    }
                }
                catch (final InterruptedException e)
                {
                    throw new AssertionError(e);
                }
            });
            producer.start();
            for (int i = 0; i < 200; i++)
            {
                assertEquals("m" + i, queue.take());
            }
            producer.join();
            assertTrue(queue.isEmpty());
        }
    }
}
