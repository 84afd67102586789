package io.jvmipc.wait;

import io.jvmipc.ChildJvms;
import io.jvmipc.file.SharedDirectory;
import io.jvmipc.file.SharedFile;
import io.jvmipc.process.JvmProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(120)
class WaitLoopTest
{
    @TempDir
    Path tempDir;
    private Path path;
    private SharedFile file;
    private Signal signal;
    private final AtomicInteger recovered = new AtomicInteger();

    @BeforeEach
    void setUp()
    {
        path = SharedDirectory.of(tempDir).resolve("loop");
        file = WaitChildren.openOrCreate(path);
        signal = Signal.of(file, 0, file.bodyOffset() + WaitChildren.SIGNAL);
        file.attach(dead -> recovered.incrementAndGet());
    }

    @AfterEach
    void tearDown()
    {
        file.close();
    }

    /** Done once the flag is set; until then blames the entry in {@code suspect[0]}. */
    private long blamingAttempt(final int[] suspect)
    {
        return WaitChildren.flag(file) != 0 ? 1 : WaitLoop.waitFor(suspect[0]);
    }

    @Test
    void shouldReturnTheResultOfTheFirstSuccessfulAttempt() throws InterruptedException
    {
        final AtomicInteger attempts = new AtomicInteger();
        final long result = WaitLoop.await(file, signal, WaitStrategy.blocking(), attempts,
            a -> a.incrementAndGet() < 3 ? WaitLoop.WAIT : 42, Long.MAX_VALUE, true);
        assertEquals(42, result);
        assertEquals(3, attempts.get());
        assertEquals(0, signal.waiters(), "the wait left a registration behind");
    }

    @Test
    void shouldTryOnceWithoutWaitingForAZeroOrNegativeTimeout() throws InterruptedException
    {
        for (final long timeout : new long[] {0, -1, Long.MIN_VALUE})
        {
            final AtomicInteger attempts = new AtomicInteger();
            final long result = WaitLoop.await(file, signal, WaitStrategy.blocking(), attempts,
                a -> { a.incrementAndGet(); return WaitLoop.WAIT; }, timeout, true);
            assertTrue(WaitLoop.isWait(result));
            assertEquals(1, attempts.get(), "timeout " + timeout);
        }
        assertEquals(0, WaitStrategy.timeoutNanos(-5, TimeUnit.SECONDS));
        assertEquals(0, WaitStrategy.timeoutNanos(Long.MIN_VALUE, TimeUnit.DAYS));
    }

    @Test
    void shouldTimeOutAfterTheDeadlineWithoutRegistrationsLeft() throws InterruptedException
    {
        final long start = System.nanoTime();
        final long result = WaitLoop.await(file, signal, WaitStrategy.blocking(), null, c -> WaitLoop.WAIT,
            TimeUnit.MILLISECONDS.toNanos(30), true);
        assertTrue(WaitLoop.isWait(result));
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(30), "returned before the deadline");
        assertEquals(0, signal.waiters());
    }

    @Test
    void shouldThrowInterruptedExceptionWhenInterruptibleAndRestoreTheFlagWhenNot() throws InterruptedException
    {
        Thread.currentThread().interrupt();
        assertThrows(InterruptedException.class, () -> WaitLoop.await(file, signal, WaitStrategy.blocking(), null,
            c -> WaitLoop.WAIT, Long.MAX_VALUE, true));
        assertFalse(Thread.currentThread().isInterrupted());

        Thread.currentThread().interrupt();
        final long result = WaitLoop.awaitUninterruptibly(file, signal, WaitStrategy.blocking(), null,
            c -> WaitLoop.WAIT, TimeUnit.MILLISECONDS.toNanos(20));
        assertTrue(WaitLoop.isWait(result));
        assertTrue(Thread.interrupted(), "the interrupt was not restored");
        assertEquals(0, signal.waiters());
    }

    @Test
    void shouldRefuseAClosedObject()
    {
        final SharedFile other = WaitChildren.openOrCreate(path);
        other.close();
        assertThrows(IllegalStateException.class, () -> WaitLoop.await(other, signal, WaitStrategy.blocking(), null,
            c -> 1L, 0, true));
    }

    @Test
    void shouldShareTheProbeCadenceAcrossCallsAndThreads()
    {
        final int other = file.entry() == 0 ? 1 : 0;
        assertTrue(file.probeDue(other), "an entry never probed is due");
        assertFalse(file.probeDue(other), "probed again within the interval");
        assertTrue(file.nextProbeNanos(other) - System.nanoTime() > 0);
        assertTrue(file.probeDue(SharedFile.ANY_ENTRY), "each entry has its own cadence");
    }

    /**
     * The regression for short timeouts: a caller that retries with timeouts of 0, 1, 5 or 9 ms (shorter than
     * the probe interval) finds the dead suspect, because the cadence belongs to the object, not to the call.
     */
    @Test
    void shouldFindADeadSuspectWhateverTheTimeoutOfRepeatedCalls() throws Exception
    {
        for (final long timeoutMillis : new long[] {0, 1, 5, 9})
        {
            final int before = recovered.get();
            final int suspect;
            try (JvmProcess holder = ChildJvms.startMain(WaitChildren.Holder.class, path.toString(), "120"))
            {
                assertTrue(holder.awaitOutput("HOLDING", 60, TimeUnit.SECONDS), holder::output);
                suspect = Integer.parseInt(holder.outputLines().get(0).split(" ")[1]);
                final int[] blamed = {suspect};
                // the suspect is alive: a few calls time out without recovering it
                for (int i = 0; i < 3; i++)
                {
                    assertTrue(WaitLoop.isWait(WaitLoop.await(file, signal, WaitStrategy.blocking(), blamed,
                        this::blamingAttempt, TimeUnit.MILLISECONDS.toNanos(timeoutMillis), true)));
                }
                assertEquals(before, recovered.get(), "a live process was recovered");
                holder.kill();
                assertTrue(holder.join(30, TimeUnit.SECONDS));
                // retry in a loop, as an event loop would: the dead entry is recovered within a few intervals
                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (recovered.get() == before && System.nanoTime() - deadline < 0)
                {
                    WaitLoop.await(file, signal, WaitStrategy.blocking(), blamed, this::blamingAttempt,
                        TimeUnit.MILLISECONDS.toNanos(timeoutMillis), true);
                }
            }
            assertEquals(before + 1, recovered.get(), "timeout " + timeoutMillis + " ms never found the dead suspect");
        }
    }

    @Test
    void shouldWakeASleeperWithASuspectToProbeAndReturnOnceTheSuspectIsRecovered() throws Exception
    {
        try (JvmProcess holder = ChildJvms.startMain(WaitChildren.Holder.class, path.toString(), "120"))
        {
            assertTrue(holder.awaitOutput("HOLDING", 60, TimeUnit.SECONDS), holder::output);
            final int suspect = Integer.parseInt(holder.outputLines().get(0).split(" ")[1]);
            final Thread killer = Thread.ofPlatform().start(() -> {
                Await.untilRegistered(signal);
                holder.kill();
            });
            // done once the suspect has been recovered; a dead process never signals, so only the probe ends this
            final long result = WaitLoop.await(file, signal, WaitChildren.LONG_SLEEPS, new int[] {suspect},
                s -> recovered.get() > 0 ? 7 : WaitLoop.waitFor(s[0]), TimeUnit.SECONDS.toNanos(50), true);
            killer.join();
            assertEquals(7, result, "the sleeper never probed its dead suspect");
        }
    }

    /**
     * The regression for the waiter-count underflow: processes killed while they register and deregister in a
     * loop must never leave the shared count below the number of live registrations (here zero), whatever
     * instant each kill lands on.
     */
    @Test
    void shouldNeverLeaveTheWaiterCountTooLowWhenRegistrantsAreKilled() throws Exception
    {
        for (int round = 0; round < 2; round++)
        {
            final List<JvmProcess> children = new ArrayList<>();
            try
            {
                for (int i = 0; i < 5; i++)
                {
                    children.add(ChildJvms.startMain(WaitChildren.RegisterLoop.class, path.toString()));
                }
                for (final JvmProcess child : children)
                {
                    assertTrue(child.awaitOutput("LOOPING", 60, TimeUnit.SECONDS), child::output);
                }
            }
            finally
            {
                for (final JvmProcess child : children)
                {
                    child.kill();
                    child.join(30, TimeUnit.SECONDS);
                }
            }
            assertTrue(file.recoverDeadEntries(), "the killed registrants were not recovered");
            assertTrue(signal.waiters() >= 0, "round " + round + ": waiter count " + signal.waiters() +
                " is below the live registrations (0): a waker would skip a real sleeper");
        }
    }

    /** Waits without sleep for another thread's registration. */
    private static final class Await
    {
        private Await()
        {
        }

        static void untilRegistered(final Signal signal)
        {
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (signal.waiters() == 0 && System.nanoTime() - deadline < 0)
            {
                Thread.onSpinWait();
            }
        }
    }
}
