package io.jvmipc.sync;

import io.jvmipc.file.CorruptFileException;
import io.jvmipc.file.IncompatibleParametersException;
import io.jvmipc.file.SharedDirectory;
import io.jvmipc.file.WrongKindException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link SharedSemaphore} and {@link SharedBoundedSemaphore} within one JVM: handles stand for processes. */
class SharedSemaphoreTest
{
    @TempDir
    Path tempDir;

    private SharedDirectory dir()
    {
        return SharedDirectory.of(tempDir);
    }

    @Test
    @Timeout(10)
    void shouldReportACountAboveTheBoundOrWithItsTopBitSetAndChangeNothing()
    {
        try (SharedBoundedSemaphore bounded = SharedBoundedSemaphore.builder("b", 2).directory(dir()).create();
            SharedSemaphore plain = SharedSemaphore.builder("p", 2).directory(dir()).create())
        {
            // 5 permits of a semaphore bounded at 2, and a count word with its always-zero top bit set
            BodyWords.putLong(bounded.path(), SemaphoreDescriptor.COUNT_OFFSET, 5);
            BodyWords.putLong(plain.path(), SemaphoreDescriptor.COUNT_OFFSET, Long.MIN_VALUE | 2);
            for (final SemaphoreHandle semaphore : new SemaphoreHandle[] {bounded, plain})
            {
                final String value = semaphore == bounded ? "5 permits" : "0x8000000000000002";
                for (final Executable call : new Executable[] {semaphore::tryAcquire, semaphore::acquire,
                    semaphore::acquireUninterruptibly, () -> semaphore.tryAcquire(Long.MAX_VALUE, TimeUnit.NANOSECONDS),
                    semaphore::availablePermits, semaphore == bounded ? bounded::release : plain::release})
                {
                    final CorruptFileException e = assertThrows(CorruptFileException.class, call);
                    assertTrue(e.getMessage().contains(semaphore.path().toString()) && e.getMessage().contains(value),
                        e.getMessage());
                }
                assertEquals(0, semaphore.heldByThisProcess(), "a refused call takes and gives back nothing");
            }
        }
    }

    @Test
    void shouldCountPermits() throws InterruptedException
    {
        try (SharedSemaphore semaphore = SharedSemaphore.builder("s", 2).directory(dir()).create())
        {
            assertEquals(2, semaphore.availablePermits());
            assertEquals(2, semaphore.initialPermits());
            semaphore.acquire();
            assertTrue(semaphore.tryAcquire());
            assertFalse(semaphore.tryAcquire());
            assertEquals(0, semaphore.availablePermits());
            assertEquals(2, semaphore.heldByThisProcess());
            semaphore.release();
            semaphore.acquireUninterruptibly();
            semaphore.release();
            semaphore.release();
            assertEquals(2, semaphore.availablePermits());
            assertEquals(0, semaphore.heldByThisProcess());
        }
    }

    @Test
    void shouldLetPlainSemaphoreGrowPastInitialLikePython()
    {
        try (SharedSemaphore semaphore = SharedSemaphore.builder("s", 0).directory(dir()).create())
        {
            assertFalse(semaphore.tryAcquire());
            semaphore.release();
            semaphore.release();
            assertEquals(2, semaphore.availablePermits());
            assertEquals(-2, semaphore.heldByThisProcess(), "released more than acquired");
        }
    }

    @Test
    void shouldRefuseBoundedReleasePastInitial() throws InterruptedException
    {
        try (SharedBoundedSemaphore semaphore = SharedBoundedSemaphore.builder("b", 1).directory(dir()).create())
        {
            assertThrows(IllegalStateException.class, semaphore::release);
            assertEquals(1, semaphore.availablePermits());
            assertEquals(0, semaphore.heldByThisProcess(), "the refused release changed nothing");
            semaphore.acquire();
            semaphore.release();
            assertThrows(IllegalStateException.class, semaphore::release);
            assertEquals(1, semaphore.availablePermits());
        }
    }

    @Test
    void shouldRefuseNegativeCounts()
    {
        assertThrows(IllegalArgumentException.class, () -> SharedSemaphore.builder("s", -1));
        assertThrows(IllegalArgumentException.class, () -> SharedBoundedSemaphore.builder("b", -3));
    }

    @Test
    void shouldRefuseReopeningWithOtherInitialPermits()
    {
        try (SharedSemaphore semaphore = SharedSemaphore.builder("s", 2).directory(dir()).create())
        {
            assertThrows(IncompatibleParametersException.class,
                () -> SharedSemaphore.builder("s", 3).directory(dir()).openOrCreate());
            assertThrows(IncompatibleParametersException.class,
                () -> SharedSemaphore.builder("s", 1).directory(dir()).open());
            try (SharedSemaphore same = SharedSemaphore.builder("s", 2).directory(dir()).open())
            {
                assertTrue(same.tryAcquire());
                assertEquals(1, semaphore.availablePermits());
                same.release();
            }
        }
    }

    @Test
    void shouldRefuseWrongKinds()
    {
        try (SharedLock lock = SharedLock.builder("l").directory(dir()).create();
            SharedSemaphore semaphore = SharedSemaphore.builder("s", 1).directory(dir()).create())
        {
            assertThrows(WrongKindException.class, () -> SharedSemaphore.builder("l", 1).directory(dir()).open());
            assertThrows(WrongKindException.class,
                () -> SharedBoundedSemaphore.builder("s", 1).directory(dir()).openOrCreate());
            assertFalse(lock.isLocked());
            assertEquals(1, semaphore.availablePermits());
        }
    }

    @Test
    @Timeout(10)
    void shouldTreatZeroOrNegativeTimeoutAsTryOnce() throws InterruptedException
    {
        try (SharedSemaphore semaphore = SharedSemaphore.builder("s", 1).directory(dir()).create())
        {
            assertTrue(semaphore.tryAcquire(-1, TimeUnit.SECONDS), "a negative timeout tries once");
            semaphore.release();
            assertTrue(semaphore.tryAcquire(0, TimeUnit.SECONDS));
            assertFalse(semaphore.tryAcquire(0, TimeUnit.SECONDS));
            assertFalse(semaphore.tryAcquire(-1, TimeUnit.DAYS));
            assertFalse(semaphore.tryAcquire(Long.MIN_VALUE, TimeUnit.NANOSECONDS));
            final long start = System.nanoTime();
            assertFalse(semaphore.tryAcquire(50, TimeUnit.MILLISECONDS));
            assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(50), "not before the timeout");
            semaphore.release();
        }
    }

    @Test
    @Timeout(10)
    void shouldWakeBlockedAcquirerOnReleaseFromAnotherProcess() throws Exception
    {
        try (SharedSemaphore a = SharedSemaphore.builder("s", 0).directory(dir()).create();
            SharedSemaphore b = SharedSemaphore.builder("s", 0).directory(dir()).open())
        {
            final CompletableFuture<Boolean> waiter = CompletableFuture.supplyAsync(() ->
            {
                try
                {
                    return a.tryAcquire(5, TimeUnit.SECONDS);
                }
                catch (final InterruptedException e)
                {
                    throw new IllegalStateException(e);
                }
            });
            b.release();
            assertTrue(waiter.get(5, TimeUnit.SECONDS));
            assertEquals(1, a.heldByThisProcess());
            assertEquals(-1, b.heldByThisProcess());
        }
    }

    @Test
    @Timeout(10)
    void shouldHonourInterruptWhileBlocked() throws Exception
    {
        try (SharedSemaphore semaphore = SharedSemaphore.builder("s", 0).directory(dir()).create())
        {
            final AtomicBoolean interrupted = new AtomicBoolean();
            final Thread waiter = Thread.ofPlatform().start(() ->
            {
                try
                {
                    semaphore.acquire();
                }
                catch (final InterruptedException e)
                {
                    interrupted.set(true);
                }
            });
            waiter.interrupt();
            waiter.join(5000);
            assertTrue(interrupted.get());
            assertEquals(0, semaphore.availablePermits());
            semaphore.release();
            assertTrue(semaphore.tryAcquire());
        }
    }

    @Test
    void shouldReturnPositiveHoldingOnClose()
    {
        try (SharedSemaphore survivor = SharedSemaphore.builder("s", 3).directory(dir()).create())
        {
            final SharedSemaphore leaving = SharedSemaphore.builder("s", 3).directory(dir()).open();
            assertTrue(leaving.tryAcquire());
            assertTrue(leaving.tryAcquire());
            assertEquals(1, survivor.availablePermits());
            leaving.close();
            assertEquals(3, survivor.availablePermits());
            assertThrows(IllegalStateException.class, leaving::tryAcquire, "closed");
            assertThrows(IllegalStateException.class, leaving::release, "closed");
        }
    }

    @Test
    void shouldCapBoundedRecoveryAtTheBound()
    {
        try (SharedBoundedSemaphore survivor = SharedBoundedSemaphore.builder("b", 2).directory(dir()).create())
        {
            final SharedBoundedSemaphore leaving = SharedBoundedSemaphore.builder("b", 2).directory(dir()).open();
            assertTrue(leaving.tryAcquire());
            survivor.release(); // Python: anyone may release; the permit is back, but leaving still records it
            assertEquals(2, survivor.availablePermits());
            leaving.close();
            assertEquals(2, survivor.availablePermits(), "recovery never passes the bound");
        }
    }

    @Test
    void shouldForgetNegativeHoldingOnClose()
    {
        try (SharedSemaphore survivor = SharedSemaphore.builder("s", 1).directory(dir()).create())
        {
            assertTrue(survivor.tryAcquire());
            final SharedSemaphore releaser = SharedSemaphore.builder("s", 1).directory(dir()).open();
            releaser.release();
            assertEquals(-1, releaser.heldByThisProcess());
            releaser.close();
            assertEquals(1, survivor.availablePermits(), "a negative holding takes nothing back");
        }
    }

    @Test
    void shouldUnlinkByName()
    {
        try (SharedSemaphore semaphore = SharedSemaphore.builder("s", 1).directory(dir()).create();
            SharedBoundedSemaphore bounded = SharedBoundedSemaphore.builder("b", 1).directory(dir()).create())
        {
            assertEquals(tempDir.resolve("s"), semaphore.path());
            semaphore.unlink();
            bounded.unlink();
            assertFalse(java.nio.file.Files.exists(semaphore.path()));
            assertFalse(java.nio.file.Files.exists(bounded.path()));
            assertTrue(semaphore.tryAcquire(), "an attached handle keeps working after unlink");
        }
    }
}
