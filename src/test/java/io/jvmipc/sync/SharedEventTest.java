package io.jvmipc.sync;

import io.jvmipc.Await;
import io.jvmipc.file.SharedDirectory;
import io.jvmipc.file.WrongKindException;
import io.jvmipc.value.SharedInt;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The event between threads of one process. */
class SharedEventTest
{
    @TempDir
    Path tempDir;
    private SharedDirectory dir;

    @BeforeEach
    void setUp()
    {
        dir = SharedDirectory.of(tempDir);
    }

    private SharedEvent event()
    {
        return SharedEvent.builder("e").directory(dir).openOrCreate();
    }

    @Test
    void shouldStartClearAndFollowSetAndClear() throws Exception
    {
        try (SharedEvent e = event())
        {
            assertFalse(e.isSet());
            assertFalse(e.await(0, TimeUnit.SECONDS));
            e.set();
            e.set();
            assertTrue(e.isSet());
            assertTrue(e.await(0, TimeUnit.SECONDS));
            e.await();
            e.clear();
            assertFalse(e.isSet());
        }
    }

    @Test
    @Timeout(30)
    void shouldReturnFalseWhenTheTimeoutElapsesAndNotBefore() throws Exception
    {
        try (SharedEvent e = event())
        {
            final long start = System.nanoTime();
            assertFalse(e.await(200, TimeUnit.MILLISECONDS));
            assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(200), "returned before the timeout");
        }
    }

    @Test
    @Timeout(30)
    void shouldWakeEverySleepingWaiterOnSet() throws Exception
    {
        try (SharedEvent e = event())
        {
            final CompletableFuture<Boolean> first = new CompletableFuture<>();
            final CompletableFuture<Boolean> second = new CompletableFuture<>();
            final Thread a = Thread.ofPlatform().start(() -> waitInto(first));
            final Thread b = Thread.ofPlatform().start(() -> waitInto(second));
            awaitRegistered(e, 2);
            assertFalse(first.isDone());
            e.set();
            assertTrue(first.get(10, TimeUnit.SECONDS));
            assertTrue(second.get(10, TimeUnit.SECONDS));
            a.join();
            b.join();
            assertEquals(0, e.waiters(), "every waiter deregistered");
        }
    }

    @Test
    @Timeout(30)
    void shouldReturnTrueToAWaiterWhenSetAndClearedBeforeItRan() throws Exception
    {
        try (SharedEvent e = event())
        {
            final CompletableFuture<Boolean> result = new CompletableFuture<>();
            final Thread waiter = Thread.ofPlatform().start(() -> waitInto(result));
            awaitRegistered(e, 1);
            e.set();
            e.clear();
            assertTrue(result.get(10, TimeUnit.SECONDS), "Python's Event.wait returns True after a set+clear");
            waiter.join();
            assertFalse(e.isSet());
        }
    }

    @Test
    @Timeout(30)
    void shouldMakeWritesBeforeSetVisibleAfterAwait() throws Exception
    {
        try (SharedEvent e = event();
            SharedInt data = SharedInt.builder("data").directory(dir).create())
        {
            final CompletableFuture<Integer> seen = new CompletableFuture<>();
            final Thread waiter = Thread.ofPlatform().start(() ->
            {
                try
                {
                    e.await();
                    seen.complete(data.getPlain());
                }
                catch (final Throwable t)
                {
                    seen.completeExceptionally(t);
                }
            });
            awaitRegistered(e, 1);
            data.setRelease(99);
            e.set();
            assertEquals(99, seen.get(10, TimeUnit.SECONDS));
            waiter.join();
        }
    }

    @Test
    @Timeout(30)
    void shouldThrowInterruptedExceptionWhenAWaiterIsInterrupted() throws Exception
    {
        try (SharedEvent e = event())
        {
            final CompletableFuture<Boolean> result = new CompletableFuture<>();
            final Thread waiter = Thread.ofPlatform().start(() -> waitInto(result));
            awaitRegistered(e, 1);
            waiter.interrupt();
            final ExecutionException thrown = assertThrows(ExecutionException.class,
                () -> result.get(10, TimeUnit.SECONDS));
            assertInstanceOf(InterruptedException.class, thrown.getCause());
            waiter.join();
            assertEquals(0, e.waiters(), "the interrupted waiter deregistered exactly once");
        }
    }

    @Test
    void shouldTryOnceForNegativeTimeoutsAndRefuseWrongKindsAndUseAfterClose() throws Exception
    {
        final SharedEvent e = event();
        assertFalse(e.await(-1, TimeUnit.MILLISECONDS), "clear: a negative timeout only checks");
        assertFalse(e.await(Long.MIN_VALUE, TimeUnit.NANOSECONDS));
        e.set();
        assertTrue(e.await(-1, TimeUnit.MILLISECONDS), "set: a negative timeout only checks");
        e.clear();
        try (var _ = SharedInt.builder("int").directory(dir).create())
        {
            assertThrows(WrongKindException.class, () -> SharedEvent.builder("int").directory(dir).open());
        }
        assertThrows(WrongKindException.class, () -> SharedInt.builder("e").directory(dir).open());
        e.close();
        final IllegalStateException closed = assertThrows(IllegalStateException.class, e::set);
        assertTrue(closed.getMessage().contains(tempDir.resolve("e").toString()), closed.getMessage());
        assertThrows(IllegalStateException.class, e::isSet);
        assertThrows(IllegalStateException.class, e::clear);
        assertThrows(IllegalStateException.class, () -> e.await(1, TimeUnit.SECONDS));
    }

    private void waitInto(final CompletableFuture<Boolean> result)
    {
        try (SharedEvent own = event())
        {
            result.complete(own.await(20, TimeUnit.SECONDS));
        }
        catch (final Throwable t)
        {
            result.completeExceptionally(t);
        }
    }

    private static void awaitRegistered(final SharedEvent event, final int count) throws InterruptedException
    {
        Await.until("waiters to go to sleep", () -> event.waiters() >= count, 10, TimeUnit.SECONDS);
    }
}
