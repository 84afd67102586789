package io.jvmipc.sync;

import io.jvmipc.Await;
import io.jvmipc.file.SharedDirectory;
import io.jvmipc.file.SharedFile;
import io.jvmipc.process.JvmProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Dead holders, dead parties and dead recoverers across real processes killed with {@code kill -9}: a dead holder
 * is handed over whatever the caller's timeout and however it retries; a barrier party that arrived and died
 * breaks its generation; a recovery killed half-way is finished by the next survivor, exactly once; a dead
 * holder's entry reused by a new process does not make the newcomer a holder.
 */
class SyncDeathProcessTest
{
    private static final long CHILD_TIMEOUT_SECONDS = 30;
    /** How long a retry loop may take to get what a dead process held: a few probe intervals, with slack. */
    private static final long HANDOVER_BOUND_SECONDS = 3;
    /** Stands for the untimed {@code tryLock()} / {@code tryAcquire()} in the parameter lists. */
    private static final long UNTIMED = -1;

    @TempDir
    Path tempDir;

    /**
     * The most calls with a timeout of {@code timeoutMillis} that a retry loop can need after the death: each
     * failed call lasts at least its timeout, and the holder is probed at the first attempt (or the deadline)
     * once a probe interval has passed since the previous probe, which the call before the kill made. Calls
     * that do not wait (0, untimed) are bounded only by the overall deadline.
     */
    private static int attemptBound(final long timeoutMillis)
    {
        if (timeoutMillis < 1)
        {
            return Integer.MAX_VALUE;
        }
        final long intervalMillis = TimeUnit.NANOSECONDS.toMillis(SharedFile.PROBE_INTERVAL_NANOS);
        return (int)Math.ceilDiv(intervalMillis, timeoutMillis) + 1;
    }

    private SharedDirectory dir()
    {
        return SharedDirectory.of(tempDir);
    }

    @ParameterizedTest(name = "tryLock({0} ms)")
    @ValueSource(longs = {UNTIMED, 0, 1, 5, 9, 15})
    @Timeout(60)
    void shouldHandKilledHoldersLockToShortTimeoutRetryLoop(final long timeoutMillis) throws Exception
    {
        try (SharedLock lock = SharedLock.builder("lock").directory(dir()).create();
            JvmProcess child = JvmProcess.builder(SyncChildren.class).captureOutput().method("holdLock")
                .args(tempDir.toString(), "lock").start())
        {
            assertTrue(child.awaitOutput("HOLDING", CHILD_TIMEOUT_SECONDS, TimeUnit.SECONDS), child.output());
            assertFalse(lock.tryLock(timeoutMillis, TimeUnit.MILLISECONDS), "held by the live child");
            child.kill();
            assertTrue(child.join(CHILD_TIMEOUT_SECONDS, TimeUnit.SECONDS));
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(HANDOVER_BOUND_SECONDS);
            int attempts = 0;
            while (true)
            {
                attempts++;
                try
                {
                    final boolean got = timeoutMillis == UNTIMED ? lock.tryLock() :
                        lock.tryLock(timeoutMillis, TimeUnit.MILLISECONDS);
                    assertFalse(got, "the first acquire after the holder's death must be told of it");
                }
                catch (final OwnerDiedException e)
                {
                    assertTrue(attempts <= attemptBound(timeoutMillis), attempts + " calls of tryLock(" +
                        timeoutMillis + " ms) before the hand-over, more than the probe cadence allows");
                    break;
                }
                if (System.nanoTime() - deadline >= 0)
                {
                    fail("a loop of tryLock(" + timeoutMillis + " ms) did not get the dead holder's lock in " +
                        HANDOVER_BOUND_SECONDS + " s (" + attempts + " attempts)");
                }
            }
            assertTrue(lock.isHeldByThisProcess());
            lock.markConsistent();
            lock.unlock();
        }
    }

    @ParameterizedTest(name = "tryAcquire({0} ms)")
    @ValueSource(longs = {UNTIMED, 0, 1, 5, 9, 15})
    @Timeout(60)
    void shouldReturnKilledHoldersPermitsToShortTimeoutRetryLoop(final long timeoutMillis) throws Exception
    {
        final int permits = 2;
        try (SharedSemaphore semaphore = SharedSemaphore.builder("sem", permits).directory(dir()).create();
            JvmProcess child = JvmProcess.builder(SyncChildren.class).captureOutput().method("holdPermits")
                .args(tempDir.toString(), "sem", Integer.toString(permits), "false").start())
        {
            assertTrue(child.awaitOutput("HOLDING", CHILD_TIMEOUT_SECONDS, TimeUnit.SECONDS), child.output());
            assertFalse(semaphore.tryAcquire(timeoutMillis, TimeUnit.MILLISECONDS), "held by the live child");
            child.kill();
            assertTrue(child.join(CHILD_TIMEOUT_SECONDS, TimeUnit.SECONDS));
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(HANDOVER_BOUND_SECONDS);
            int taken = 0;
            int attempts = 0;
            while (taken < permits)
            {
                attempts++;
                if (timeoutMillis == UNTIMED ? semaphore.tryAcquire() :
                    semaphore.tryAcquire(timeoutMillis, TimeUnit.MILLISECONDS))
                {
                    if (taken++ == 0)
                    {
                        assertTrue(attempts <= attemptBound(timeoutMillis), attempts + " calls of tryAcquire(" +
                            timeoutMillis + " ms) before the first permit, more than the probe cadence allows");
                    }
                }
                else if (System.nanoTime() - deadline >= 0)
                {
                    fail("a loop of tryAcquire(" + timeoutMillis + " ms) got " + taken + " of the dead holder's " +
                        permits + " permits in " + HANDOVER_BOUND_SECONDS + " s (" + attempts + " attempts)");
                }
            }
            assertEquals(0, semaphore.availablePermits());
            for (int i = 0; i < permits; i++)
            {
                semaphore.release();
            }
        }
    }

    @ParameterizedTest(name = "{0} parties")
    @ValueSource(ints = {2, 3})
    @Timeout(60)
    void shouldBreakGenerationWhenArrivedPartyIsKilledAndOthersArriveAtOnce(final int parties) throws Exception
    {
        try (SharedBarrier barrier = SharedBarrier.builder("b").directory(dir()).parties(parties).create();
            JvmProcess child = JvmProcess.builder(EventBarrierChildren.class).captureOutput().method("barrierParty")
                .args(tempDir.toString(), "b", "1").start())
        {
            Await.until(child::output, () -> barrier.numberWaiting() == 1, CHILD_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            child.kill();
            assertTrue(child.join(CHILD_TIMEOUT_SECONDS, TimeUnit.SECONDS));
            // the others arrive at once, well within any probe interval of a waiter
            final CompletableFuture<Integer> other = parties > 2 ? party() : CompletableFuture.completedFuture(-1);
            if (parties > 2)
            {
                Await.until("the second party arrives", () -> barrier.numberWaiting() == 2 || other.isDone(),
                    CHILD_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            }
            assertThrows(BrokenBarrierException.class, () -> barrier.await(10, TimeUnit.SECONDS),
                "a generation with a dead party must not complete");
            if (parties > 2)
            {
                final ExecutionException e = assertThrows(ExecutionException.class,
                    () -> other.get(CHILD_TIMEOUT_SECONDS, TimeUnit.SECONDS));
                assertInstanceOf(BrokenBarrierException.class, e.getCause());
            }
            assertTrue(barrier.isBroken());
            barrier.reset();
        }
    }

    @Test
    @Timeout(90)
    void shouldBreakGenerationWhenRecovererOfArrivedPartyIsKilledHalfway() throws Exception
    {
        try (SharedBarrier barrier = SharedBarrier.builder("b").directory(dir()).parties(2).create())
        {
            try (JvmProcess party = JvmProcess.builder(EventBarrierChildren.class).captureOutput().method("barrierParty")
                .args(tempDir.toString(), "b", "1").start())
            {
                Await.until(party::output, () -> barrier.numberWaiting() == 1, CHILD_TIMEOUT_SECONDS,
                    TimeUnit.SECONDS);
                party.kill();
                assertTrue(party.join(CHILD_TIMEOUT_SECONDS, TimeUnit.SECONDS));
            }
            // a newcomer takes the dead party's entry, starts its recovery and is killed after the first step
            try (JvmProcess recoverer = JvmProcess.builder(EventBarrierChildren.class).captureOutput().method("recoverBarrierHalfway")
                .args(tempDir.toString(), "b").start())
            {
                assertTrue(recoverer.awaitOutput("HALFWAY", CHILD_TIMEOUT_SECONDS, TimeUnit.SECONDS),
                    recoverer.output());
                recoverer.kill();
                assertTrue(recoverer.join(CHILD_TIMEOUT_SECONDS, TimeUnit.SECONDS));
            }
            assertThrows(BrokenBarrierException.class, () -> barrier.await(10, TimeUnit.SECONDS),
                "the dead party's generation must not complete, whatever state its recoverer died in");
            barrier.reset();
        }
    }

    /** Awaits the barrier once from another thread, on its own attachment. */
    private CompletableFuture<Integer> party()
    {
        final CompletableFuture<Integer> result = new CompletableFuture<>();
        Thread.ofPlatform().start(() ->
        {
            try (SharedBarrier own = SharedBarrier.builder("b").directory(dir()).open())
            {
                result.complete(own.await(10, TimeUnit.SECONDS));
            }
            catch (final Throwable t)
            {
                result.completeExceptionally(t);
            }
        });
        return result;
    }

    @Test
    @Timeout(90)
    void shouldFinishRecoveryOfKilledRecovererExactlyOnce() throws Exception
    {
        final int permits = 3;
        try (SharedSemaphore semaphore = SharedSemaphore.builder("sem", permits).directory(dir()).create())
        {
            try (JvmProcess holder = JvmProcess.builder(SyncChildren.class).captureOutput().method("holdPermits")
                .args(tempDir.toString(), "sem", Integer.toString(permits), "false").start())
            {
                assertTrue(holder.awaitOutput("HOLDING", CHILD_TIMEOUT_SECONDS, TimeUnit.SECONDS), holder.output());
                holder.kill();
                assertTrue(holder.join(CHILD_TIMEOUT_SECONDS, TimeUnit.SECONDS));
            }
            // a survivor starts recovering the dead holder and is killed right after the recovery's first step
            try (JvmProcess recoverer = JvmProcess.builder(SyncChildren.class).captureOutput().method("recoverSemaphoreHalfway")
                .args(tempDir.toString(), "sem", Integer.toString(permits)).start())
            {
                assertTrue(recoverer.awaitOutput("HALFWAY", CHILD_TIMEOUT_SECONDS, TimeUnit.SECONDS),
                    recoverer.output());
                recoverer.kill();
                assertTrue(recoverer.join(CHILD_TIMEOUT_SECONDS, TimeUnit.SECONDS));
            }
            // the next survivor finishes it: every permit comes back, none twice, however often it probes
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(HANDOVER_BOUND_SECONDS);
            int taken = 0;
            while (taken < permits)
            {
                if (semaphore.tryAcquire(5, TimeUnit.MILLISECONDS))
                {
                    taken++;
                }
                else if (System.nanoTime() - deadline >= 0)
                {
                    fail("got " + taken + " of " + permits + " permits back after the recoverer's death");
                }
            }
            for (int i = 0; i < 5; i++)
            {
                assertFalse(semaphore.tryAcquire(15, TimeUnit.MILLISECONDS), "a permit came back twice");
            }
            for (int i = 0; i < permits; i++)
            {
                semaphore.release();
            }
            assertEquals(permits, semaphore.availablePermits());
            // and the half-done record is gone: a later death is recovered as usual
            try (JvmProcess holder = JvmProcess.builder(SyncChildren.class).captureOutput().method("holdPermits")
                .args(tempDir.toString(), "sem", Integer.toString(permits), "false").start())
            {
                assertTrue(holder.awaitOutput("HOLDING", CHILD_TIMEOUT_SECONDS, TimeUnit.SECONDS), holder.output());
                holder.kill();
                assertTrue(holder.join(CHILD_TIMEOUT_SECONDS, TimeUnit.SECONDS));
            }
            assertTrue(semaphore.tryAcquire(HANDOVER_BOUND_SECONDS, TimeUnit.SECONDS));
            Await.until("every permit of the second dead holder is back", () -> semaphore.availablePermits() ==
                permits - 1, HANDOVER_BOUND_SECONDS, TimeUnit.SECONDS);
            semaphore.release();
        }
    }

    @ParameterizedTest(name = "reentrant={0}")
    @ValueSource(booleans = {false, true})
    @Timeout(90)
    void shouldHandOverOnceAndNotMakeNewcomerOnDeadHoldersEntryAHolder(final boolean reentrant) throws Exception
    {
        // two entries: ours and one other, so the newcomer must take the dead holder's entry
        try (LockHandle lock = reentrant ?
            SharedReentrantLock.builder("lock").directory(dir()).processTableCapacity(2).create() :
            SharedLock.builder("lock").directory(dir()).processTableCapacity(2).create())
        {
            final String entry;
            try (JvmProcess holder = JvmProcess.builder(SyncChildren.class).captureOutput().method("holdLockReportingEntry")
                .args(tempDir.toString(), "lock", Boolean.toString(reentrant)).start())
            {
                assertTrue(holder.awaitOutput("HOLDING", CHILD_TIMEOUT_SECONDS, TimeUnit.SECONDS), holder.output());
                entry = holder.outputLines().stream().filter(line -> line.startsWith("ENTRY ")).findFirst()
                    .orElseThrow().split(" ")[1];
                holder.kill();
                assertTrue(holder.join(CHILD_TIMEOUT_SECONDS, TimeUnit.SECONDS));
            }
            try (JvmProcess newcomer = JvmProcess.builder(SyncChildren.class).captureOutput().method("reportLockAfterAttach")
                .args(tempDir.toString(), "lock", Boolean.toString(reentrant)).start())
            {
                assertTrue(newcomer.join(CHILD_TIMEOUT_SECONDS, TimeUnit.SECONDS), newcomer.output());
                assertEquals(0, newcomer.exitValue(), newcomer.output());
                assertTrue(newcomer.output().contains("ENTRY " + entry + " HELD false LOCKED false"),
                    "the newcomer took the dead holder's entry " + entry + ", which was recovered first: " +
                    newcomer.output());
            }
            assertThrows(OwnerDiedException.class, lock::lock, "the death is reported to the next acquirer");
            assertFalse(lock.isConsistent());
            lock.markConsistent();
            lock.unlock();
            assertTrue(lock.tryLock(), "handed over once: a plain acquire now");
            assertTrue(lock.isConsistent());
            lock.unlock();
        }
    }
}
