package io.jvmipc.wait;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

@Timeout(30)
class FutexWaitvTest
{
    private static final VarHandle INT = JAVA_INT.varHandle();

    @Test
    void shouldReturnTheIndexOfTheWordThatWasWoken() throws Exception
    {
        assumeTrue(FutexWaitv.isAvailable(), "futex_waitv needs Linux 5.16+");
        try (Arena arena = Arena.ofShared())
        {
            final MemorySegment first = arena.allocate(64, 64);
            final MemorySegment second = arena.allocate(64, 64);
            final CompletableFuture<Integer> waiter = CompletableFuture.supplyAsync(() ->
            {
                int result;
                do
                {
                    result = FutexWaitv.await(new MemorySegment[] {first, second}, new long[] {0, 8},
                        new int[] {0, 0}, 2, TimeUnit.SECONDS.toNanos(10));
                }
                while (result == 0 && (int)INT.getVolatile(second, 8L) == 0);
                return result;
            });
            while (!waiter.isDone())
            {
                INT.setVolatile(second, 8L, 1);
                Futex.wake(second, 8, Integer.MAX_VALUE);
                Thread.onSpinWait();
            }
            final int result = waiter.get(10, TimeUnit.SECONDS);
            assertTrue(result == 1 || result == FutexWaitv.VALUE_CHANGED, "woken on word 1, got " + result);
        }
    }

    @Test
    void shouldReportValueChangedAndTimeout()
    {
        assumeTrue(FutexWaitv.isAvailable(), "futex_waitv needs Linux 5.16+");
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment words = arena.allocate(64, 64);
            words.set(JAVA_INT, 4, 7);
            assertEquals(FutexWaitv.VALUE_CHANGED, FutexWaitv.await(new MemorySegment[] {words, words},
                new long[] {0, 4}, new int[] {0, 6}, 2, TimeUnit.SECONDS.toNanos(5)));
            assertEquals(FutexWaitv.TIMED_OUT, FutexWaitv.await(new MemorySegment[] {words}, new long[] {0},
                new int[] {0}, 1, TimeUnit.MILLISECONDS.toNanos(20)));
        }
    }

    @Test
    void shouldRejectBadArguments()
    {
        assumeTrue(FutexWaitv.isAvailable(), "futex_waitv needs Linux 5.16+");
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment words = arena.allocate(64, 64);
            final MemorySegment[] one = {words};
            assertThrows(IllegalArgumentException.class,
                () -> FutexWaitv.await(one, new long[] {2}, new int[] {0}, 1, 1000));
            assertThrows(IllegalArgumentException.class,
                () -> FutexWaitv.await(one, new long[] {64}, new int[] {0}, 1, 1000));
            assertThrows(IllegalArgumentException.class,
                () -> FutexWaitv.await(one, new long[] {0}, new int[] {0}, 0, 1000));
            assertThrows(IllegalArgumentException.class,
                () -> FutexWaitv.await(one, new long[] {0}, new int[] {0}, 1, 0));
        }
    }
}
