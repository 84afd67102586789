package io.jvmipc.sync;

import io.jvmipc.file.SharedDirectory;
import io.jvmipc.file.SharedObjectException;
import io.jvmipc.process.JvmProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A file truncated under a live handle (another program did it): every public entry point of every primitive
 * family throws {@link SharedObjectException} naming the file, never the JVM's raw {@link InternalError}, and
 * {@code close()} completes.
 */
public class SyncFaultTest
{
    @TempDir
    Path tempDir;

    @Test
    @Timeout(60)
    void shouldReportTruncatedLockFileAndStillClose() throws Exception
    {
        runChild("lockFaults");
    }

    @Test
    @Timeout(60)
    void shouldReportTruncatedSemaphoreFileAndStillClose() throws Exception
    {
        runChild("semaphoreFaults");
    }

    @Test
    @Timeout(60)
    void shouldReportTruncatedEventFileAndStillClose() throws Exception
    {
        runChild("eventFaults");
    }

    @Test
    @Timeout(60)
    void shouldReportTruncatedBarrierFileAndStillClose() throws Exception
    {
        runChild("barrierFaults");
    }

    @Test
    @Timeout(60)
    void shouldReportTruncatedConditionFileAndStillHoldTheLockAndClose() throws Exception
    {
        runChild("conditionFaults");
    }

    /**
     * Runs the checks in a fresh JVM: there the accessors are interpreted or freshly compiled, so the fault is
     * raised at the faulting access. In a JVM where other tests have made them hot, HotSpot may deliver the
     * InternalError of a fault in compiled code asynchronously, after the library method has returned (see the
     * report of issue 8), which no catch in the library can turn into a SharedObjectException.
     */
    private void runChild(final String method) throws Exception
    {
        try (JvmProcess child = JvmProcess.builder(SyncFaultTest.class).captureOutput().method(method).args(tempDir.toString())
            .start())
        {
            assertTrue(child.join(50, TimeUnit.SECONDS), child.output());
            assertEquals(0, child.exitValue(), child.output());
            assertTrue(child.output().contains("FAULTS OK"), child.output());
        }
    }

    /** Truncates to nothing: a shorter file that keeps the first page would still back this process's entry. */
    private static void truncate(final Path path) throws IOException
    {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE))
        {
            channel.truncate(0);
        }
    }

    private static void assertFaulted(final Path path, final Executable call)
    {
        final SharedObjectException e = assertThrows(SharedObjectException.class, call);
        assertTrue(e.getMessage().contains(path.toString()), e.getMessage());
    }

    private static void assertClosed(final Executable call)
    {
        assertThrows(IllegalStateException.class, call, "closed despite the fault");
    }

    /** Child program: args dir. Prints FAULTS OK if every check passed. */
    public static void lockFaults(final String[] args) throws Exception
    {
        final SharedDirectory dir = SharedDirectory.of(Path.of(args[0]));
        final SharedLock lock = SharedLock.builder("lock").directory(dir).create();
        assertTrue(lock.tryLock());
        final Path path = lock.path();
        truncate(path);
        assertFaulted(path, lock::tryLock);
        assertFaulted(path, () -> lock.tryLock(1, TimeUnit.MILLISECONDS));
        assertFaulted(path, lock::lock);
        assertFaulted(path, lock::lockInterruptibly);
        assertFaulted(path, lock::unlock);
        assertFaulted(path, lock::markConsistent);
        assertFaulted(path, lock::isLocked);
        assertFaulted(path, lock::isConsistent);
        assertFaulted(path, lock::isHeldByThisProcess);
        lock.close();
        assertClosed(lock::isLocked);

        final SharedReentrantLock reentrant = SharedReentrantLock.builder("rlock").directory(dir).create();
        reentrant.lock();
        final Path reentrantPath = reentrant.path();
        truncate(reentrantPath);
        assertFaulted(reentrantPath, reentrant::lock);
        assertFaulted(reentrantPath, reentrant::tryLock);
        assertFaulted(reentrantPath, () -> reentrant.tryLock(1, TimeUnit.MILLISECONDS));
        assertFaulted(reentrantPath, reentrant::unlock);
        assertFaulted(reentrantPath, reentrant::isHeldByCurrentThread);
        assertFaulted(reentrantPath, reentrant::getHoldCount);
        reentrant.close();
        assertClosed(reentrant::isLocked);
        System.out.println("FAULTS OK");
    }

    /** Child program: args dir. Prints FAULTS OK if every check passed. */
    public static void semaphoreFaults(final String[] args) throws Exception
    {
        final SharedDirectory dir = SharedDirectory.of(Path.of(args[0]));
        final SharedSemaphore semaphore = SharedSemaphore.builder("sem", 1).directory(dir).create();
        assertTrue(semaphore.tryAcquire());
        final Path path = semaphore.path();
        truncate(path);
        assertFaulted(path, semaphore::tryAcquire);
        assertFaulted(path, () -> semaphore.tryAcquire(1, TimeUnit.MILLISECONDS));
        assertFaulted(path, semaphore::acquire);
        assertFaulted(path, semaphore::acquireUninterruptibly);
        assertFaulted(path, semaphore::release);
        assertFaulted(path, semaphore::availablePermits);
        assertFaulted(path, semaphore::heldByThisProcess);
        semaphore.close();
        assertClosed(semaphore::availablePermits);

        final SharedBoundedSemaphore bounded = SharedBoundedSemaphore.builder("bsem", 1).directory(dir).create();
        final Path boundedPath = bounded.path();
        truncate(boundedPath);
        assertFaulted(boundedPath, bounded::release);
        assertFaulted(boundedPath, bounded::tryAcquire);
        bounded.close();
        assertClosed(bounded::availablePermits);
        System.out.println("FAULTS OK");
    }

    /** Child program: args dir. Prints FAULTS OK if every check passed. */
    public static void eventFaults(final String[] args) throws Exception
    {
        final SharedDirectory dir = SharedDirectory.of(Path.of(args[0]));
        final SharedEvent event = SharedEvent.builder("event").directory(dir).create();
        final Path path = event.path();
        truncate(path);
        assertFaulted(path, event::set);
        assertFaulted(path, event::clear);
        assertFaulted(path, event::isSet);
        assertFaulted(path, event::await);
        assertFaulted(path, () -> event.await(1, TimeUnit.MILLISECONDS));
        event.toString();
        event.close();
        assertClosed(event::isSet);
        System.out.println("FAULTS OK");
    }

    /** Child program: args dir. Prints FAULTS OK if every check passed. */
    public static void barrierFaults(final String[] args) throws Exception
    {
        final SharedDirectory dir = SharedDirectory.of(Path.of(args[0]));
        final SharedBarrier barrier = SharedBarrier.builder("barrier").directory(dir).parties(2).create();
        final Path path = barrier.path();
        truncate(path);
        assertFaulted(path, barrier::await);
        assertFaulted(path, () -> barrier.await(1, TimeUnit.MILLISECONDS));
        assertFaulted(path, barrier::abort);
        assertFaulted(path, barrier::reset);
        assertFaulted(path, barrier::numberWaiting);
        assertFaulted(path, barrier::isBroken);
        barrier.close();
        assertClosed(barrier::isBroken);
        System.out.println("FAULTS OK");
    }

    /** Child program: args dir. Prints FAULTS OK if every check passed. */
    public static void conditionFaults(final String[] args) throws Exception
    {
        final SharedDirectory dir = SharedDirectory.of(Path.of(args[0]));
        try (SharedReentrantLock lock = SharedReentrantLock.builder("lock").directory(dir).create())
        {
            final SharedCondition condition = SharedCondition.builder("cond", lock).directory(dir).create();
            final Path path = condition.path();
            truncate(path);
            lock.lock();
            assertFaulted(path, condition::await);
            assertTrue(lock.isHeldByCurrentThread(), "the caller holds the lock again after the fault");
            assertFaulted(path, () -> condition.await(1, TimeUnit.MILLISECONDS));
            assertFaulted(path, () -> condition.awaitNanos(1));
            assertFaulted(path, condition::awaitUninterruptibly);
            assertFaulted(path, condition::signal);
            assertFaulted(path, condition::signalAll);
            assertFaulted(path, condition::waiters);
            assertTrue(lock.isHeldByCurrentThread());
            assertTrue(lock.getHoldCount() == 1, "the hold count survived the faulted waits");
            lock.unlock();
            condition.close();
            assertClosed(condition::waiters);
        }
        System.out.println("FAULTS OK");
    }
}
