package io.jvmipc.sync;

import io.jvmipc.file.CorruptFileException;
import io.jvmipc.file.ForeignFileException;
import io.jvmipc.file.NoSuchSharedObjectException;
import io.jvmipc.file.SharedDirectory;
import io.jvmipc.file.SharedObjectExistsException;
import io.jvmipc.file.WrongKindException;
import io.jvmipc.wait.WaitStrategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link SharedLock} within one JVM: handles stand for processes (each is its own process-table entry). */
class SharedLockTest
{
    @TempDir
    Path tempDir;

    private SharedLock.Builder builder(final String name)
    {
        return SharedLock.builder(name).directory(SharedDirectory.of(tempDir));
    }

    @Test
    void shouldLockAndUnlock()
    {
        try (SharedLock lock = builder("l").create())
        {
            assertFalse(lock.isLocked());
            lock.lock();
            assertTrue(lock.isLocked());
            assertTrue(lock.isHeldByThisProcess());
            assertTrue(lock.isConsistent());
            lock.unlock();
            assertFalse(lock.isLocked());
        }
    }

    @Test
    void shouldFailTryLockWhenHeldAndNotReenter()
    {
        try (SharedLock lock = builder("l").create())
        {
            assertTrue(lock.tryLock());
            assertFalse(lock.tryLock(), "not reentrant");
            lock.unlock();
            assertTrue(lock.tryLock());
            lock.unlock();
        }
    }

    @Test
    @Timeout(10)
    void shouldTreatZeroOrNegativeTimeoutAsTryOnce() throws InterruptedException
    {
        try (SharedLock a = builder("l").create(); SharedLock b = builder("l").open())
        {
            assertTrue(b.tryLock(-5, TimeUnit.SECONDS), "free: a negative timeout tries once");
            b.unlock();
            assertTrue(b.tryLock(0, TimeUnit.SECONDS), "free: a zero timeout tries once");
            assertFalse(a.tryLock(0, TimeUnit.SECONDS));
            assertFalse(a.tryLock(-5, TimeUnit.SECONDS));
            assertFalse(a.tryLock(Long.MIN_VALUE, TimeUnit.NANOSECONDS));
            assertThrows(NullPointerException.class, () -> a.tryLock(1, null));
            b.unlock();
        }
    }

    @Test
    @Timeout(10)
    void shouldNotReturnBeforeTimeoutWhenHeldElsewhere() throws InterruptedException
    {
        try (SharedLock a = builder("l").create(); SharedLock b = builder("l").open())
        {
            a.lock();
            final long start = System.nanoTime();
            assertFalse(b.tryLock(100, TimeUnit.MILLISECONDS));
            assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(100));
            a.unlock();
        }
    }

    @Test
    @Timeout(10)
    void shouldWakeBlockedAcquirerOnUnlock() throws Exception
    {
        try (SharedLock a = builder("l").create(); SharedLock b = builder("l").open())
        {
            a.lock();
            final CompletableFuture<Boolean> waiter = CompletableFuture.supplyAsync(() ->
            {
                b.lock();
                b.unlock();
                return true;
            });
            assertFalse(waiter.isDone());
            a.unlock();
            assertTrue(waiter.get(5, TimeUnit.SECONDS));
        }
    }

    @Test
    @Timeout(10)
    void shouldWakeBlockedAcquirerWithBusySpinStrategy() throws Exception
    {
        try (SharedLock a = builder("l").create();
            SharedLock b = builder("l").waitStrategy(WaitStrategy.busySpin()).open())
        {
            a.lock();
            final CompletableFuture<Boolean> waiter = CompletableFuture.supplyAsync(() ->
            {
                try
                {
                    return b.tryLock(5, TimeUnit.SECONDS);
                }
                catch (final InterruptedException e)
                {
                    throw new IllegalStateException(e);
                }
            });
            a.unlock();
            assertTrue(waiter.get(5, TimeUnit.SECONDS));
            assertTrue(b.isHeldByThisProcess());
            b.unlock();
        }
    }

    @Test
    @Timeout(10)
    void shouldLetAnyProcessUnlockLikePython() throws Exception
    {
        try (SharedLock a = builder("l").create(); SharedLock b = builder("l").open())
        {
            a.lock();
            CompletableFuture.runAsync(b::unlock).get(5, TimeUnit.SECONDS);
            assertFalse(a.isLocked());
        }
    }

    @Test
    void shouldRefuseUnlockOfUnlockedLock()
    {
        try (SharedLock lock = builder("l").create())
        {
            assertThrows(IllegalMonitorStateException.class, lock::unlock);
        }
    }

    @Test
    @Timeout(10)
    void shouldHonourInterruptWhileBlocked() throws Exception
    {
        try (SharedLock a = builder("l").create(); SharedLock b = builder("l").open())
        {
            a.lock();
            final AtomicBoolean interrupted = new AtomicBoolean();
            final Thread waiter = Thread.ofPlatform().start(() ->
            {
                try
                {
                    b.lockInterruptibly();
                }
                catch (final InterruptedException e)
                {
                    interrupted.set(true);
                }
            });
            waiter.interrupt();
            waiter.join(5000);
            assertTrue(interrupted.get());
            assertTrue(a.isHeldByThisProcess(), "the lock was not taken by the interrupted waiter");
            a.unlock();
            assertTrue(b.tryLock(), "nothing was left registered that blocks the next acquirer");
            b.unlock();
        }
    }

    @Test
    @Timeout(10)
    void shouldKeepInterruptFlagButAcquireInUninterruptibleLock() throws Exception
    {
        try (SharedLock a = builder("l").create(); SharedLock b = builder("l").open())
        {
            a.lock();
            final CompletableFuture<Boolean> flag = new CompletableFuture<>();
            final Thread waiter = Thread.ofPlatform().start(() ->
            {
                b.lock();
                flag.complete(Thread.currentThread().isInterrupted());
                b.unlock();
            });
            waiter.interrupt();
            assertFalse(flag.isDone());
            a.unlock();
            assertTrue(flag.get(5, TimeUnit.SECONDS), "lock() returned with the interrupt flag restored");
            waiter.join();
        }
    }

    @Test
    @Timeout(10)
    void shouldReportOwnerDiedWhenHolderClosesWhileHolding() throws Exception
    {
        try (SharedLock survivor = builder("l").create())
        {
            final SharedLock dying = builder("l").open();
            dying.lock();
            dying.close();
            final OwnerDiedException e = assertThrows(OwnerDiedException.class, survivor::lock);
            assertEquals(survivor.path(), e.path());
            assertTrue(survivor.isHeldByThisProcess(), "told and holding");
            survivor.unlock();
            assertThrows(OwnerDiedException.class, survivor::tryLock, "not marked consistent: told again");
            survivor.markConsistent();
            survivor.unlock();
            assertTrue(survivor.tryLock());
            assertTrue(survivor.isConsistent());
            survivor.unlock();
        }
    }

    @Test
    @Timeout(30)
    void shouldFreeALockWordNamingAnEntryNoProcessIsAttachedAsWithTheOwnerDiedSignal() throws Exception
    {
        for (final boolean reentrant : new boolean[] {false, true})
        {
            final String name = "unattached-" + reentrant;
            try (LockHandle lock = reentrant
                ? SharedReentrantLock.builder(name).directory(SharedDirectory.of(tempDir)).processTableCapacity(4).create()
                : builder(name).processTableCapacity(4).create())
            {
                // entry 2 of 4, which no process has attached as: a holder that does not exist, which before waited
                // for ever (its probe found the entry FREE and recovered nothing)
                BodyWords.putLong(lock.path(), LockDescriptor.WORD_OFFSET, LockDescriptor.ownerTag(2));
                // a timed acquire, so that without the fix the test fails instead of hanging (lock() ignores the
                // interrupt of a timeout)
                final OwnerDiedException died = assertThrows(OwnerDiedException.class,
                    () -> lock.tryLock(5, TimeUnit.SECONDS), "the probe frees it as a dead holder's");
                assertTrue(died.getMessage().contains(lock.path().toString()), died.getMessage());
                assertTrue(lock.isLocked() && !lock.isConsistent(), "the caller holds it, told that its holder died");
                lock.markConsistent();
                lock.unlock();
                assertTrue(lock.tryLock(), "free and consistent again");
                lock.unlock();
            }
        }
    }

    @Test
    @Timeout(10)
    void shouldReportALockWordNamingAnEntryOutsideTheTableAtEveryCallThatReadsIt() throws Exception
    {
        try (SharedLock lock = builder("corrupt").processTableCapacity(4).create())
        {
            // entry 4 of a 4-entry table: no process can ever hold that entry, so nobody would ever free the lock
            BodyWords.putLong(lock.path(), LockDescriptor.WORD_OFFSET, LockDescriptor.ownerTag(4));
            for (final Executable call : new Executable[]
                {lock::tryLock, () -> lock.tryLock(0, TimeUnit.SECONDS),
                    () -> lock.tryLock(Long.MAX_VALUE, TimeUnit.DAYS), lock::lock, lock::lockInterruptibly,
                    lock::unlock, lock::isLocked, lock::isConsistent, lock::isHeldByThisProcess, lock::markConsistent})
            {
                final CorruptFileException e = assertThrows(CorruptFileException.class, call);
                assertTrue(e.getMessage().contains(lock.path().toString()), e.getMessage());
                assertTrue(e.getMessage().contains("entry 4") && e.getMessage().contains("table of 4"),
                    e.getMessage());
            }
            BodyWords.putLong(lock.path(), LockDescriptor.WORD_OFFSET, LockDescriptor.OWNER_MASK);
            final CorruptFileException e = assertThrows(CorruptFileException.class, lock::tryLock);
            assertTrue(e.getMessage().contains("0xffff") && e.getMessage().contains("entry 65534"), e.getMessage());
        }
        try (SharedReentrantLock lock = SharedReentrantLock.builder("corrupt-r").directory(SharedDirectory.of(tempDir))
            .create())
        {
            BodyWords.putLong(lock.path(), LockDescriptor.WORD_OFFSET, LockDescriptor.OWNER_MASK);
            for (final Executable call : new Executable[]
                {lock::tryLock, lock::lock, lock::isHeldByCurrentThread, lock::getHoldCount, lock::isLocked})
            {
                final CorruptFileException e = assertThrows(CorruptFileException.class, call);
                assertTrue(e.getMessage().contains(lock.path().toString()) && e.getMessage().contains("65534"),
                    e.getMessage());
            }
        }
    }

    @Test
    @Timeout(10)
    void shouldRefuseMarkConsistentWhenNotHeldOrNotDied()
    {
        try (SharedLock a = builder("l").create(); SharedLock b = builder("l").open())
        {
            assertThrows(IllegalMonitorStateException.class, a::markConsistent);
            a.lock();
            assertThrows(IllegalStateException.class, a::markConsistent);
            assertThrows(IllegalMonitorStateException.class, b::markConsistent);
            a.unlock();
        }
    }

    @Test
    void shouldRefuseNewCondition()
    {
        try (SharedLock lock = builder("l").create())
        {
            assertThrows(UnsupportedOperationException.class, lock::newCondition);
        }
    }

    @Test
    void shouldRefuseUseAfterClose()
    {
        final SharedLock lock = builder("l").create();
        lock.close();
        lock.close();
        assertThrows(IllegalStateException.class, lock::lock);
        assertThrows(IllegalStateException.class, lock::tryLock);
        assertThrows(IllegalStateException.class, lock::unlock);
        assertThrows(IllegalStateException.class, lock::isLocked);
    }

    @Test
    void shouldCreateOpenAndUnlinkByName()
    {
        assertThrows(NoSuchSharedObjectException.class, () -> builder("l").open());
        try (SharedLock lock = builder("l").openOrCreate())
        {
            assertThrows(SharedObjectExistsException.class, () -> builder("l").create());
            try (SharedLock other = builder("l").openOrCreate())
            {
                other.lock();
                assertTrue(lock.isLocked(), "both handles see one lock");
                other.unlock();
                assertThrows(IllegalStateException.class, lock::unlink, "another attachment is live");
            }
            lock.unlink();
            assertFalse(Files.exists(tempDir.resolve("l")));
        }
    }

    @Test
    void shouldRefuseOtherKindsAndForeignFiles() throws Exception
    {
        try (SharedSemaphore semaphore = SharedSemaphore.builder("s", 1).directory(SharedDirectory.of(tempDir))
            .create();
            SharedReentrantLock rlock = SharedReentrantLock.builder("r").directory(SharedDirectory.of(tempDir))
                .create())
        {
            assertThrows(WrongKindException.class, () -> builder("s").open());
            assertThrows(WrongKindException.class, () -> builder("r").openOrCreate());
            assertEquals(1, semaphore.availablePermits(), "the refused attach changed nothing");
            assertFalse(rlock.isLocked());
        }
        Files.write(tempDir.resolve("foreign"), new byte[4096]);
        assertThrows(ForeignFileException.class, () -> builder("foreign").open());
        assertThrows(IllegalArgumentException.class, () -> SharedLock.builder("../x"));
    }

    @Test
    void shouldRefuseTruncatedAndOtherVersionFiles() throws Exception
    {
        builder("t").create().close();
        builder("v").create().close();
        final Path truncated = tempDir.resolve("t");
        try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(truncated,
            java.nio.file.StandardOpenOption.WRITE))
        {
            channel.truncate(1000);
        }
        assertThrows(io.jvmipc.file.CorruptFileException.class, () -> builder("t").open());
        final Path otherVersion = tempDir.resolve("v");
        try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(otherVersion,
            java.nio.file.StandardOpenOption.WRITE))
        {
            channel.write(java.nio.ByteBuffer.allocate(4).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(0, 99),
                io.jvmipc.file.HeaderDescriptor.KIND_VERSION_OFFSET);
        }
        assertThrows(io.jvmipc.file.IncompatibleVersionException.class, () -> builder("v").openOrCreate());
    }

    @Test
    @Timeout(20)
    void shouldExcludeThreadsOfManyHandles() throws Exception
    {
        final int threads = 4;
        final int rounds = 2000;
        final long[] counter = new long[1];
        final SharedLock[] handles = new SharedLock[threads];
        handles[0] = builder("l").create();
        for (int i = 1; i < threads; i++)
        {
            handles[i] = builder("l").open();
        }
        try
        {
            final CompletableFuture<?>[] futures = new CompletableFuture<?>[threads];
            for (int t = 0; t < threads; t++)
            {
                final SharedLock lock = handles[t];
                futures[t] = CompletableFuture.runAsync(() ->
                {
                    for (int i = 0; i < rounds; i++)
                    {
                        lock.lock();
                        try
                        {
                            counter[0]++;
                        }
                        finally
                        {
                            lock.unlock();
                        }
                    }
                }, r -> Thread.ofPlatform().start(r));
            }
            CompletableFuture.allOf(futures).get(15, TimeUnit.SECONDS);
            assertEquals((long)threads * rounds, counter[0]);
        }
        catch (final ExecutionException e)
        {
            throw new AssertionError(e.getCause());
        }
        finally
        {
            for (final SharedLock handle : handles)
            {
                handle.close();
            }
        }
    }
}
