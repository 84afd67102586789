package io.jvmipc.sync;

import io.jvmipc.Await;
import io.jvmipc.ChildJvms;
import io.jvmipc.file.SharedDirectory;
import io.jvmipc.process.JvmProcess;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The event and the barrier across real child JVMs, including kill -9 of a barrier party. */
class EventBarrierProcessTest
{
    @TempDir
    Path tempDir;
    private SharedDirectory dir;

    @BeforeEach
    void setUp()
    {
        dir = SharedDirectory.of(tempDir);
    }

    private JvmProcess child(final String method, final String... args)
    {
        return ChildJvms.start(EventBarrierChildren.class, method, "64m", tempDir, args);
    }

    private static void awaitCondition(final String what, final java.util.function.BooleanSupplier condition)
        throws InterruptedException
    {
        Await.until(what, condition, 60, TimeUnit.SECONDS);
    }

    @Test
    @Timeout(120)
    void shouldWakeWaitersInTwoJvmsWhenSetInAThird() throws Exception
    {
        try (SharedEvent event = SharedEvent.builder("event").directory(dir).create();
            JvmProcess first = child("awaitEvent", "event", "60");
            JvmProcess second = child("awaitEvent", "event", "60"))
        {
            assertTrue(first.awaitOutput("WAITING", 60, TimeUnit.SECONDS), first.output());
            assertTrue(second.awaitOutput("WAITING", 60, TimeUnit.SECONDS), second.output());
            awaitCondition("both children sleep on the event", () -> event.waiters() == 2);
            event.set();
            assertTrue(first.join(30, TimeUnit.SECONDS), first.output());
            assertTrue(second.join(30, TimeUnit.SECONDS), second.output());
            assertTrue(first.output().contains("EVENT true"), first.output());
            assertTrue(second.output().contains("EVENT true"), second.output());
            assertEquals(0, first.exitValue());
            assertEquals(0, second.exitValue());
            assertEquals(0, event.waiters(), "no registration left behind");
        }
    }

    @Test
    @Timeout(120)
    void shouldReleaseThreeJvmsTogetherForManyGenerations() throws Exception
    {
        final int generations = 30;
        final AtomicInteger actions = new AtomicInteger();
        try (SharedBarrier barrier = SharedBarrier.builder("barrier").directory(dir).parties(3)
            .action(actions::incrementAndGet).create();
            JvmProcess first = child("barrierParty", "barrier", String.valueOf(generations));
            JvmProcess second = child("barrierParty", "barrier", String.valueOf(generations)))
        {
            int lastArrivals = 0;
            for (int g = 0; g < generations; g++)
            {
                if (barrier.await(60, TimeUnit.SECONDS) == 0)
                {
                    lastArrivals++;
                }
            }
            assertTrue(first.join(60, TimeUnit.SECONDS), first.output());
            assertTrue(second.join(60, TimeUnit.SECONDS), second.output());
            assertEquals(0, first.exitValue(), first.output());
            assertEquals(0, second.exitValue(), second.output());
            assertEquals(lastArrivals, actions.get(), "this process's action ran exactly when it arrived last");
            assertTrue(first.output().contains("PASSED " + (generations - 1)), first.output());
            assertTrue(second.output().contains("PASSED " + (generations - 1)), second.output());
        }
    }

    @Test
    @Timeout(120)
    void shouldBreakTheBarrierForSurvivorsWhenAWaitingPartyIsKilled() throws Exception
    {
        try (SharedBarrier barrier = SharedBarrier.builder("barrier").directory(dir).parties(3).create();
            JvmProcess victim = child("barrierParty", "barrier", "1"))
        {
            awaitCondition("the victim waits at the barrier", () -> barrier.numberWaiting() == 1);
            try (JvmProcess survivor = child("barrierParty", "barrier", "1"))
            {
                awaitCondition("both children wait at the barrier", () -> barrier.numberWaiting() == 2);
                victim.kill();
                assertTrue(victim.join(10, TimeUnit.SECONDS));
                assertTrue(survivor.join(30, TimeUnit.SECONDS), "the survivor kept waiting: " + survivor.output());
                assertEquals(EventBarrierChildren.BROKEN_EXIT, survivor.exitValue(), survivor.output());
                assertTrue(survivor.output().contains("BROKEN"), survivor.output());
            }
            assertTrue(barrier.isBroken());
            assertThrows(BrokenBarrierException.class, () -> barrier.await(10, TimeUnit.SECONDS));
        }
    }

    @Test
    @Timeout(120)
    void shouldBreakTheBarrierForAWaiterInThisJvmWhenTheOnlyOtherWaiterIsKilled() throws Exception
    {
        try (SharedBarrier barrier = SharedBarrier.builder("barrier").directory(dir).parties(3).create();
            JvmProcess victim = child("barrierParty", "barrier", "1"))
        {
            awaitCondition("the victim waits at the barrier", () -> barrier.numberWaiting() == 1);
            final Thread killer = Thread.ofPlatform().start(() ->
            {
                try
                {
                    awaitCondition("this JVM waits at the barrier too", () -> barrier.numberWaiting() == 2);
                    victim.kill();
                }
                catch (final InterruptedException e)
                {
                    Thread.currentThread().interrupt();
                }
            });
            // a TimeoutException here would mean the death went unnoticed
            assertThrows(BrokenBarrierException.class, () -> barrier.await(60, TimeUnit.SECONDS));
            killer.join();
        }
    }

    @Test
    @Timeout(120)
    void shouldBreakTheBarrierWhenTheLastPartyIsKilledWhileRunningTheAction() throws Exception
    {
        try (SharedBarrier barrier = SharedBarrier.builder("barrier").directory(dir).parties(2).create())
        {
            final JvmProcess[] last = new JvmProcess[1];
            final Thread starter = Thread.ofPlatform().start(() ->
            {
                try
                {
                    awaitCondition("this JVM waits at the barrier", () -> barrier.numberWaiting() == 1);
                    last[0] = child("barrierPartyWithStuckAction", "barrier");
                    if (last[0].awaitOutput("ACTION", 60, TimeUnit.SECONDS))
                    {
                        last[0].kill();
                    }
                }
                catch (final InterruptedException e)
                {
                    Thread.currentThread().interrupt();
                }
            });
            try
            {
                // a TimeoutException here would mean the death went unnoticed
                assertThrows(BrokenBarrierException.class, () -> barrier.await(60, TimeUnit.SECONDS));
                starter.join();
                assertTrue(last[0].output().contains("ACTION"), last[0].output());
            }
            finally
            {
                starter.join();
                if (last[0] != null)
                {
                    last[0].close();
                }
            }
        }
    }

    @Test
    @Timeout(120)
    void shouldNotTakeALiveWaitingPartyForDead() throws Exception
    {
        try (SharedBarrier barrier = SharedBarrier.builder("barrier").directory(dir).parties(3).create();
            JvmProcess live = child("barrierParty", "barrier", "1"))
        {
            awaitCondition("the child waits at the barrier", () -> barrier.numberWaiting() == 1);
            // long enough for several liveness checks of the child's entry; a false death would break the barrier
            assertThrows(TimeoutException.class, () -> barrier.await(400, TimeUnit.MILLISECONDS));
            assertTrue(live.join(30, TimeUnit.SECONDS), "the child saw the break: " + live.output());
            assertEquals(EventBarrierChildren.BROKEN_EXIT, live.exitValue(), live.output());
        }
    }
}
