package io.jvmipc.sync;

import io.jvmipc.file.CorruptFileException;
import io.jvmipc.file.IncompatibleParametersException;
import io.jvmipc.file.SharedDirectory;
import io.jvmipc.file.WrongKindException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link SharedCondition} within one JVM, bound to a reentrant lock unless a test says otherwise. */
class SharedConditionTest
{
    @TempDir
    Path tempDir;

    private SharedReentrantLock lock;
    private SharedCondition condition;

    @BeforeEach
    void open()
    {
        lock = SharedReentrantLock.builder("lock").directory(dir()).create();
        condition = SharedCondition.builder("cond", lock).directory(dir()).create();
    }

    @AfterEach
    void close()
    {
        condition.close();
        lock.close();
    }

    private SharedDirectory dir()
    {
        return SharedDirectory.of(tempDir);
    }

    /** Waits, in another thread, until {@code count} waiters are registered. */
    private void awaitWaiters(final int count) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (condition.waiters() < count)
        {
            assertTrue(System.nanoTime() < deadline, "waiters never registered");
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    @Test
    void shouldRefuseWaitAndSignalWithoutLock()
    {
        assertThrows(IllegalMonitorStateException.class, condition::await);
        assertThrows(IllegalMonitorStateException.class, () -> condition.await(1, TimeUnit.SECONDS));
        assertThrows(IllegalMonitorStateException.class, () -> condition.awaitFor(() -> true));
        assertThrows(IllegalMonitorStateException.class, () -> condition.awaitFor(() -> true, 1, TimeUnit.SECONDS));
        assertThrows(IllegalMonitorStateException.class, condition::signal);
        assertThrows(IllegalMonitorStateException.class, condition::signalAll);
    }

    @Test
    @Timeout(10)
    void shouldTimeOutWithLockHeldAgainAndHoldCountRestored() throws InterruptedException
    {
        lock.lock();
        lock.lock();
        final long start = System.nanoTime();
        assertFalse(condition.await(50, TimeUnit.MILLISECONDS));
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(50), "not before the timeout");
        assertEquals(2, lock.getHoldCount());
        assertTrue(condition.awaitNanos(-1) <= 0, "non-positive timeout: no sleep, times out");
        assertFalse(condition.awaitUntil(new Date(System.currentTimeMillis() - 1000)));
        assertEquals(0, condition.waiters(), "timed-out waiters deregistered");
        lock.unlock();
        lock.unlock();
    }

    @Test
    @Timeout(10)
    void shouldWakeOneWaiterOnSignalAndReleaseLockWhileWaiting() throws Exception
    {
        final CompletableFuture<Boolean> waiter = CompletableFuture.supplyAsync(() ->
        {
            lock.lock();
            try
            {
                return condition.await(5, TimeUnit.SECONDS) && lock.isHeldByCurrentThread();
            }
            catch (final InterruptedException e)
            {
                throw new IllegalStateException(e);
            }
            finally
            {
                lock.unlock();
            }
        });
        awaitWaiters(1);
        assertTrue(lock.tryLock(5, TimeUnit.SECONDS), "the waiter released the lock");
        condition.signal();
        assertEquals(0, condition.waiters());
        lock.unlock();
        assertTrue(waiter.get(5, TimeUnit.SECONDS));
    }

    @Test
    @Timeout(10)
    void shouldWakeEveryWaiterOnSignalAll() throws Exception
    {
        final int count = 3;
        final List<CompletableFuture<Void>> waiters = new ArrayList<>();
        for (int i = 0; i < count; i++)
        {
            waiters.add(CompletableFuture.runAsync(() ->
            {
                lock.lock();
                try
                {
                    condition.awaitUninterruptibly();
                }
                finally
                {
                    lock.unlock();
                }
            }, r -> Thread.ofPlatform().start(r)));
        }
        awaitWaiters(count);
        lock.lock();
        condition.signalAll();
        lock.unlock();
        CompletableFuture.allOf(waiters.toArray(CompletableFuture[]::new)).get(5, TimeUnit.SECONDS);
    }

    @Test
    @Timeout(10)
    void shouldAwaitPredicateLikePythonWaitFor() throws Exception
    {
        final AtomicInteger value = new AtomicInteger();
        lock.lock();
        assertFalse(condition.awaitFor(() -> value.get() == 3, 30, TimeUnit.MILLISECONDS));
        assertTrue(condition.awaitFor(() -> true, 0, TimeUnit.SECONDS), "true at once: no wait");
        assertTrue(condition.awaitFor(() -> true, -1, TimeUnit.SECONDS), "a negative timeout evaluates once");
        assertFalse(condition.awaitFor(() -> false, -1, TimeUnit.SECONDS), "and does not wait");
        assertFalse(condition.await(-1, TimeUnit.SECONDS), "a negative timeout does not sleep");
        lock.unlock();
        final CompletableFuture<Boolean> waiter = CompletableFuture.supplyAsync(() ->
        {
            lock.lock();
            try
            {
                return condition.awaitFor(() -> value.get() == 3);
            }
            catch (final InterruptedException e)
            {
                throw new IllegalStateException(e);
            }
            finally
            {
                lock.unlock();
            }
        });
        for (int i = 1; i <= 3; i++)
        {
            awaitWaiters(1);
            lock.lock();
            value.set(i);
            condition.signal();
            lock.unlock();
        }
        assertTrue(waiter.get(5, TimeUnit.SECONDS));
    }

    @Test
    @Timeout(10)
    void shouldHonourInterruptAndHoldLockAgain() throws Exception
    {
        final AtomicBoolean heldWhenInterrupted = new AtomicBoolean();
        final Thread waiter = Thread.ofPlatform().start(() ->
        {
            lock.lock();
            try
            {
                condition.await();
            }
            catch (final InterruptedException e)
            {
                heldWhenInterrupted.set(lock.isHeldByCurrentThread());
            }
            finally
            {
                lock.unlock();
            }
        });
        awaitWaiters(1);
        waiter.interrupt();
        waiter.join(5000);
        assertTrue(heldWhenInterrupted.get());
        assertEquals(0, condition.waiters());
    }

    @Test
    @Timeout(10)
    void shouldWorkWithPlainLockAndRefuseWaitWithoutIt() throws Exception
    {
        try (SharedLock plain = SharedLock.builder("plain").directory(dir()).create();
            SharedCondition onPlain = SharedCondition.builder("cond2", plain).directory(dir()).create())
        {
            assertThrows(IllegalMonitorStateException.class, onPlain::await);
            plain.lock();
            assertFalse(onPlain.await(10, TimeUnit.MILLISECONDS));
            assertTrue(plain.isHeldByThisProcess());
            onPlain.signal();
            plain.unlock();
        }
    }

    @Test
    void shouldRefuseBindingToAnotherLockOrKind()
    {
        try (SharedLock plain = SharedLock.builder("lock2").directory(dir()).create();
            SharedReentrantLock other = SharedReentrantLock.builder("other").directory(dir()).create())
        {
            assertThrows(IncompatibleParametersException.class,
                () -> SharedCondition.builder("cond", plain).directory(dir()).open());
            assertThrows(IncompatibleParametersException.class,
                () -> SharedCondition.builder("cond", other).directory(dir()).openOrCreate());
            assertThrows(WrongKindException.class,
                () -> SharedCondition.builder("lock", lock).directory(dir()).open());
            assertFalse(other.isLocked());
        }
    }

    @Test
    void shouldRefuseUseAfterClose()
    {
        final SharedCondition second = SharedCondition.builder("cond", lock).directory(dir()).open();
        second.close();
        second.close();
        lock.lock();
        assertThrows(IllegalStateException.class, second::signal);
        assertThrows(IllegalStateException.class, second::await);
        lock.unlock();
    }

    @Test
    void shouldUnlinkByName()
    {
        assertEquals(tempDir.resolve("cond"), condition.path());
        condition.unlink();
        lock.unlink();
        assertFalse(java.nio.file.Files.exists(tempDir.resolve("cond")));
        assertFalse(java.nio.file.Files.exists(lock.path()));
    }

    @Test
    @Timeout(10)
    void shouldReportACountOfWaitersOrPermitsPastTheThreadRangeAndKeepTheLockHeld()
    {
        // 2^32 - 1 waiters (read as -1 before), then 2^31 wake permits: no process has that many threads
        for (final long state : new long[] {0xFFFF_FFFFL << 32, 0x8000_0000L})
        {
            BodyWords.putLong(condition.path(), ConditionDescriptor.STATE_OFFSET, state);
            final String value = "0x" + Long.toHexString(state);
            final CorruptFileException query = assertThrows(CorruptFileException.class, condition::waiters);
            assertTrue(query.getMessage().contains(condition.path().toString()) &&
                query.getMessage().contains(value), query.getMessage());
            lock.lock();
            for (final Executable call : new Executable[] {condition::signal, condition::signalAll, condition::await,
                () -> condition.await(1, TimeUnit.MILLISECONDS), condition::awaitUninterruptibly})
            {
                final CorruptFileException e = assertThrows(CorruptFileException.class, call);
                assertTrue(e.getMessage().contains(condition.path().toString()) && e.getMessage().contains(value),
                    e.getMessage());
                assertEquals(1, lock.getHoldCount(), "a refused call leaves the lock held once");
            }
            lock.unlock();
        }
    }
}
