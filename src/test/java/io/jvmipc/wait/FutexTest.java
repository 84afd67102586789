package io.jvmipc.wait;

import io.jvmipc.ChildJvms;
import io.jvmipc.file.SharedDirectory;
import io.jvmipc.file.SharedFile;
import io.jvmipc.process.JvmProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(90)
class FutexTest
{
    @TempDir
    Path tempDir;

    @Test
    void shouldWakeASleeperInAnotherJvmFromAThirdJvm() throws InterruptedException
    {
        final Path path = SharedDirectory.of(tempDir).resolve("futex");
        try (SharedFile file = WaitChildren.openOrCreate(path);
            JvmProcess sleeper = ChildJvms.startMain(WaitChildren.FutexSleeper.class, path.toString()))
        {
            assertTrue(sleeper.awaitOutput("SLEEPING", 60, TimeUnit.SECONDS), sleeper::output);
            try (JvmProcess waker = ChildJvms.startMain(WaitChildren.FutexWaker.class, path.toString()))
            {
                assertTrue(waker.join(60, TimeUnit.SECONDS), waker::output);
                assertTrue(waker.outputLines().contains("WOKEN 1"), waker::output);
            }
            assertTrue(sleeper.join(30, TimeUnit.SECONDS), sleeper::output);
            assertTrue(sleeper.outputLines().contains("RESULT " + Futex.WOKEN), sleeper::output);
            assertEquals(0, file.segment().get(java.lang.foreign.ValueLayout.JAVA_INT,
                file.bodyOffset() + WaitChildren.WORD), "woken by a wake, not by a change of the word");
        }
    }

    @Test
    void shouldWakeASleepingThread() throws Exception
    {
        try (Arena arena = Arena.ofShared())
        {
            final MemorySegment segment = arena.allocate(64, 64);
            final CompletableFuture<Integer> result = CompletableFuture.supplyAsync(
                () -> Futex.await(segment, 0, 0, TimeUnit.SECONDS.toNanos(60)), r -> Thread.ofPlatform().start(r));
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            int woken = 0;
            while (woken == 0 && System.nanoTime() - deadline < 0)
            {
                woken = Futex.wake(segment, 0, Integer.MAX_VALUE);
                Thread.onSpinWait();
            }
            assertEquals(1, woken);
            assertEquals(Futex.WOKEN, result.get(30, TimeUnit.SECONDS));
        }
    }

    @Test
    void shouldReportValueChangedTimedOutAndNoWaiter()
    {
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment segment = arena.allocate(64, 64);
            segment.set(java.lang.foreign.ValueLayout.JAVA_INT, 0, 5);
            assertEquals(Futex.VALUE_CHANGED, Futex.await(segment, 0, 4, TimeUnit.SECONDS.toNanos(10)));
            final long start = System.nanoTime();
            assertEquals(Futex.TIMED_OUT, Futex.await(segment, 0, 5, TimeUnit.MILLISECONDS.toNanos(20)));
            assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(20), "returned before its timeout");
            assertEquals(0, Futex.wake(segment, 0, 1));
        }
    }

    @Test
    void shouldRefuseBadArguments()
    {
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment segment = arena.allocate(64, 64);
            assertThrows(IllegalArgumentException.class, () -> Futex.await(segment, 2, 0, 1000));
            assertThrows(IllegalArgumentException.class, () -> Futex.await(segment, 61, 0, 1000));
            assertThrows(IllegalArgumentException.class, () -> Futex.await(segment, -4, 0, 1000));
            assertThrows(IllegalArgumentException.class, () -> Futex.await(segment, 0, 0, 0));
            assertThrows(IllegalArgumentException.class, () -> Futex.await(segment, 0, 0, -1));
            assertThrows(IllegalArgumentException.class, () -> Futex.wake(segment, 64, 1));
            assertThrows(IllegalArgumentException.class, () -> Futex.wake(segment, 1, 1));
        }
    }
}
