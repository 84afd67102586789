package io.jvmipc.wait;

import io.jvmipc.Await;
import io.jvmipc.file.SharedDirectory;
import io.jvmipc.file.SharedFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fence-free signal ({@link Signal#ofFenceFreeWakers}): wakers skip the store-load fence, so a wake-up may be
 * lost to a reordering the Java memory model allows; every sleep is bounded, so such a loss costs at most
 * {@link Signal#LOST_WAKE_BOUND_NANOS}, never a hang.
 */
@Timeout(60)
class FenceFreeSignalTest
{
    /** Futex sleeps of an hour: a waiter returns within the test's timeout only by a wake or the bound. */
    private static final WaitStrategy HOUR_SLEEPS = new FutexWaitStrategy(0, 0, TimeUnit.HOURS.toNanos(1));

    /** Set once the waiter has registered and re-checked, just before its first sleep. */
    private final AtomicBoolean sleeping = new AtomicBoolean();
    /** {@link #HOUR_SLEEPS}, telling {@link #sleeping} when a call is a sleep (not the registering call). */
    private final WaitStrategy strategy = new WaitStrategy()
    {
        @Override
        public long idle(final Signal on, final long state, final long deadlineNanos) throws InterruptedException
        {
            if (state != INITIAL)
            {
                sleeping.set(true);
            }
            return HOUR_SLEEPS.idle(on, state, deadlineNanos);
        }

        @Override
        public void done(final Signal on, final long state)
        {
            HOUR_SLEEPS.done(on, state);
        }
    };

    @TempDir
    Path tempDir;
    private SharedFile file;
    private Signal signal;

    @BeforeEach
    void setUp()
    {
        file = WaitChildren.openOrCreate(SharedDirectory.of(tempDir).resolve("fence-free"));
        signal = Signal.ofFenceFreeWakers(file, 0, file.bodyOffset() + WaitChildren.SIGNAL);
        file.attach(dead -> { });
    }

    @AfterEach
    void tearDown()
    {
        file.close();
    }

    private CompletableFuture<Long> waiter()
    {
        return CompletableFuture.supplyAsync(() -> WaitLoop.awaitUninterruptibly(file, signal, strategy, file,
            f -> WaitChildren.flag(f) != 0 ? 1 : WaitLoop.WAIT, Long.MAX_VALUE),
            // a thread of its own: a waiter stuck in a sleep must not hold up another test's
            task -> Thread.ofPlatform().daemon().start(task));
    }

    private void setFlag()
    {
        // release: publishes the condition, as a queue's commit does
        WaitChildren.LONG.setRelease(file.segment(), file.bodyOffset() + WaitChildren.FLAG, 1L);
    }

    @Test
    void shouldEndASleepWhoseWakeUpWasLostWithinTheBound() throws Exception
    {
        final CompletableFuture<Long> waiter = waiter();
        Await.until("the waiter re-checked after registering", sleeping::get, 30, TimeUnit.SECONDS);
        // the condition changes and no wake follows: what a wake-up lost to a reordering looks like to the sleeper
        setFlag();
        assertEquals(1L, waiter.get(30, TimeUnit.SECONDS));
        assertEquals(0, signal.waiters());
    }

    @Test
    void shouldWakeARegisteredSleeperWithoutTheFence() throws Exception
    {
        final CompletableFuture<Long> waiter = waiter();
        Await.until("the waiter re-checked after registering", sleeping::get, 30, TimeUnit.SECONDS);
        final int before = signal.sequence();
        setFlag();
        signal.signalAll();
        assertNotEquals(before, signal.sequence(), "the waker did not see the registered sleeper");
        assertEquals(1L, waiter.get(30, TimeUnit.SECONDS));
        assertTrue(signal.waiters() == 0, "the wait left a registration behind");
    }

    @Test
    void shouldEnterTheKernelOncePerSleepNotOncePerSignal()
    {
        final long wakes = file.slowPathCount(io.jvmipc.file.SlowPath.FUTEX_WAKES);
        final int key = signal.prepareWait();
        for (int i = 0; i < 100; i++)
        {
            // a registered sleeper that has not run yet: a producer publishing message after message
            signal.signalAll();
        }
        assertEquals(wakes + 1, file.slowPathCount(io.jvmipc.file.SlowPath.FUTEX_WAKES),
            "one wake for the one sleep, not one per signal");
        assertNotEquals(key, signal.sequence(), "the one wake moved the sequence past the sleeper's key");

        // the sleeper ran, found nothing for it, and sleeps again: it arms the next wake
        final int second = signal.rearm();
        signal.signalAll();
        signal.signalAll();
        assertEquals(wakes + 2, file.slowPathCount(io.jvmipc.file.SlowPath.FUTEX_WAKES), "one wake for the second");
        assertNotEquals(second, signal.sequence());

        // the sleeper gives up: with nobody registered, an armed "wake wanted" left behind costs no wake
        assertEquals(signal.sequence(), signal.rearm());
        signal.cancelWait();
        signal.signalAll();
        assertEquals(wakes + 2, file.slowPathCount(io.jvmipc.file.SlowPath.FUTEX_WAKES), "no waiter, no wake");
    }
}
