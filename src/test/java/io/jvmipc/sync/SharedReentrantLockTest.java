package io.jvmipc.sync;

import io.jvmipc.file.CorruptFileException;
import io.jvmipc.file.SharedDirectory;
import io.jvmipc.file.WrongKindException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link SharedReentrantLock} within one JVM: handles stand for processes. */
class SharedReentrantLockTest
{
    @TempDir
    Path tempDir;

    private SharedReentrantLock.Builder builder(final String name)
    {
        return SharedReentrantLock.builder(name).directory(SharedDirectory.of(tempDir));
    }

    @Test
    void shouldReportAnImpossibleHoldCountAndKeepTheLockHeld()
    {
        try (SharedReentrantLock lock = builder("holds").create())
        {
            lock.lock();
            for (final long holds : new long[] {0, -5, Integer.MAX_VALUE + 1L, Long.MAX_VALUE})
            {
                BodyWords.putLong(lock.path(), LockDescriptor.HOLD_COUNT_OFFSET, holds);
                for (final Executable call : new Executable[] {lock::getHoldCount, lock::lock, lock::tryLock,
                    lock::unlock})
                {
                    final CorruptFileException e = assertThrows(CorruptFileException.class, call);
                    assertTrue(e.getMessage().contains(lock.path().toString()) &&
                        e.getMessage().contains("hold count " + holds), e.getMessage());
                }
                assertTrue(lock.isHeldByCurrentThread(), "a refused call leaves the lock with its holder");
            }
            BodyWords.putLong(lock.path(), LockDescriptor.HOLD_COUNT_OFFSET, 1);
            lock.unlock();
            assertFalse(lock.isLocked());
        }
    }

    @Test
    void shouldRefuseToReenterPastTheMaximumHoldCountWithoutARawError()
    {
        try (SharedReentrantLock lock = builder("max").create())
        {
            lock.lock();
            // reaching the limit by locking would take two billion calls: start from just below it
            BodyWords.putLong(lock.path(), LockDescriptor.HOLD_COUNT_OFFSET, Integer.MAX_VALUE);
            final IllegalMonitorStateException e = assertThrows(IllegalMonitorStateException.class, lock::lock);
            assertTrue(e.getMessage().contains(lock.path().toString()) &&
                e.getMessage().contains(String.valueOf(Integer.MAX_VALUE)), e.getMessage());
            assertEquals(Integer.MAX_VALUE, lock.getHoldCount(), "the refused lock() changed nothing");
        }
    }

    @Test
    void shouldReenterAndCountHolds()
    {
        try (SharedReentrantLock lock = builder("r").create())
        {
            assertEquals(0, lock.getHoldCount());
            lock.lock();
            assertTrue(lock.tryLock());
            lock.lock();
            assertEquals(3, lock.getHoldCount());
            lock.unlock();
            lock.unlock();
            assertTrue(lock.isLocked());
            assertTrue(lock.isHeldByCurrentThread());
            lock.unlock();
            assertFalse(lock.isLocked());
            assertEquals(0, lock.getHoldCount());
        }
    }

    @Test
    @Timeout(10)
    void shouldRefuseUnlockByAnotherThreadOfSameProcess() throws Exception
    {
        try (SharedReentrantLock lock = builder("r").create())
        {
            lock.lock();
            final CompletableFuture<Throwable> other = CompletableFuture.supplyAsync(() ->
            {
                assertFalse(lock.isHeldByCurrentThread());
                assertFalse(lock.tryLock(), "another thread of this process is not the owner");
                return assertThrows(IllegalMonitorStateException.class, lock::unlock);
            });
            assertTrue(other.get(5, TimeUnit.SECONDS).getMessage().contains("does not own"));
            assertTrue(lock.isHeldByCurrentThread(), "the failed unlock changed nothing");
            lock.unlock();
        }
    }

    @Test
    @Timeout(10)
    void shouldRefuseUnlockByAnotherProcess() throws Exception
    {
        try (SharedReentrantLock a = builder("r").create(); SharedReentrantLock b = builder("r").open())
        {
            a.lock();
            assertThrows(IllegalMonitorStateException.class, b::unlock, "same thread, other attachment");
            assertThrows(IllegalMonitorStateException.class, b::markConsistent);
            assertFalse(b.tryLock(10, TimeUnit.MILLISECONDS));
            a.unlock();
            assertThrows(IllegalMonitorStateException.class, a::unlock, "no longer held");
        }
    }

    @Test
    @Timeout(10)
    void shouldTreatZeroOrNegativeTimeoutAsTryOnce() throws InterruptedException
    {
        try (SharedReentrantLock a = builder("r").create(); SharedReentrantLock b = builder("r").open())
        {
            assertTrue(a.tryLock(-1, TimeUnit.MILLISECONDS), "free: a negative timeout tries once");
            a.unlock();
            assertFalse(a.isLocked());
            assertTrue(a.tryLock(0, TimeUnit.MILLISECONDS));
            assertTrue(a.tryLock(0, TimeUnit.MILLISECONDS), "re-entry needs no wait");
            assertFalse(b.tryLock(0, TimeUnit.MILLISECONDS));
            a.unlock();
            a.unlock();
        }
    }

    @Test
    @Timeout(10)
    void shouldHandOverToBlockedThread() throws Exception
    {
        try (SharedReentrantLock a = builder("r").create(); SharedReentrantLock b = builder("r").open())
        {
            a.lock();
            a.lock();
            final CompletableFuture<Integer> waiter = CompletableFuture.supplyAsync(() ->
            {
                try
                {
                    b.lockInterruptibly();
                    final int holds = b.getHoldCount();
                    b.unlock();
                    return holds;
                }
                catch (final InterruptedException e)
                {
                    throw new IllegalStateException(e);
                }
            });
            a.unlock();
            assertFalse(waiter.isDone(), "still held once");
            a.unlock();
            assertEquals(1, waiter.get(5, TimeUnit.SECONDS));
        }
    }

    @Test
    @Timeout(10)
    void shouldReportOwnerDiedWithHoldCountOneWhenOwnerClosesWhileHolding()
    {
        try (SharedReentrantLock survivor = builder("r").create())
        {
            final SharedReentrantLock dying = builder("r").open();
            dying.lock();
            dying.lock();
            dying.close();
            assertThrows(OwnerDiedException.class, survivor::lock);
            assertEquals(1, survivor.getHoldCount());
            assertFalse(survivor.isConsistent());
            survivor.markConsistent();
            assertThrows(IllegalStateException.class, survivor::markConsistent, "already consistent");
            survivor.unlock();
            assertFalse(survivor.isLocked());
        }
    }

    @Test
    void shouldRefuseNewConditionAndClosedUseAndWrongKind()
    {
        final SharedReentrantLock lock = builder("r").create();
        assertThrows(UnsupportedOperationException.class, lock::newCondition);
        lock.close();
        assertThrows(IllegalStateException.class, lock::lock);
        assertThrows(IllegalStateException.class, lock::unlock);
        try (SharedLock plain = SharedLock.builder("p").directory(SharedDirectory.of(tempDir)).create())
        {
            plain.lock();
            assertThrows(WrongKindException.class, () -> builder("p").open());
            assertTrue(plain.isHeldByThisProcess());
            plain.unlock();
        }
    }
}
