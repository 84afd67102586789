package io.jvmipc.sync;

import io.jvmipc.Await;
import io.jvmipc.file.HeaderDescriptor;
import io.jvmipc.file.ProcessTableDescriptor;
import io.jvmipc.file.SharedDirectory;
import io.jvmipc.file.SharedObjectException;
import io.jvmipc.process.JvmProcess;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Date;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A file truncated under a live handle (another program did it): every public entry point of every primitive
 * family throws {@link SharedObjectException} naming the file, never the JVM's raw {@link InternalError}, the
 * JVM does not crash, and {@code close()} completes. Each family runs in a child JVM started interpreted-only
 * ({@code -Xint}: an interpreted compare-and-set or get-and-add on a removed page is a native call without a
 * fault guard, which kills the JVM with SIGBUS unless a plain or volatile read of the page raised the fault
 * first) and in one with default flags, and at two truncation sizes: to nothing (header and process table gone
 * too, so the process-table words a call touches fault) and to the body's offset (only the body's pages gone).
 */
public class SyncFaultTest
{
    @TempDir
    Path tempDir;

    static Stream<Arguments> children()
    {
        return Stream.of("lockFaults", "semaphoreFaults", "eventFaults", "barrierFaults", "conditionFaults",
                "blockedFaults")
            .flatMap(method -> Stream.of(Arguments.of(method, "-Xint"), Arguments.of(method, "-Xmixed")));
    }

    /**
     * Runs the checks in a fresh JVM: there the accessors are interpreted or freshly compiled, so the fault is
     * raised at the faulting access. In a JVM where other tests have made them hot, HotSpot may deliver the
     * InternalError of a fault in compiled code asynchronously, after the library method has returned (see the
     * package comment), which no catch in the library can turn into a SharedObjectException.
     */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("children")
    @Timeout(120)
    void shouldReportTheTruncatedFileAtEveryEntryPointAndStillClose(final String method, final String flags)
        throws Exception
    {
        try (JvmProcess child = JvmProcess.builder(SyncFaultTest.class).captureOutput().method(method).jvmArgs(flags)
            .args(tempDir.toString()).start())
        {
            assertTrue(child.join(110, TimeUnit.SECONDS), child.output());
            assertEquals(0, child.exitValue(), child.output());
            assertTrue(child.output().contains("FAULTS OK"), child.output());
        }
    }

    /** The two truncation sizes: nothing left, and the header and process table left but no body page. */
    private static final long[] CUTS = {0, HeaderDescriptor.bodyOffset(ProcessTableDescriptor.DEFAULT_CAPACITY)};

    private static void truncate(final Path path, final long size) throws IOException
    {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE))
        {
            channel.truncate(size);
        }
    }

    private static void assertFaulted(final Path path, final Executable call)
    {
        final SharedObjectException e = assertThrows(SharedObjectException.class, call);
        assertTrue(e.getMessage().contains(path.toString()), e.getMessage());
    }

    /** Unlink needs only the header and the process table: it may succeed, or fail naming the file. */
    private static void unlinkOrFault(final Path path, final Executable unlink)
    {
        try
        {
            unlink.execute();
        }
        catch (final SharedObjectException e)
        {
            assertTrue(e.getMessage().contains(path.toString()), e.getMessage());
        }
        catch (final Throwable e)
        {
            throw new AssertionError("unlink of a truncated file threw " + e, e);
        }
    }

    /**
     * Starts {@code blocking} (a call without a timeout) in a thread, waits until {@code sleeping} says it
     * waits, truncates the file, and expects the call to end with the named fault: a sleeper wakes at least
     * once per sleep slice and tries again, and that attempt faults.
     */
    private static void assertBlockedCallFaults(final Path path, final long cut, final Executable blocking,
        final BooleanSupplier sleeping) throws Exception
    {
        final AtomicReference<Throwable> thrown = new AtomicReference<>();
        final Thread waiter = new Thread(() ->
        {
            try
            {
                blocking.execute();
            }
            catch (final Throwable e)
            {
                thrown.set(e);
            }
        });
        waiter.start();
        Await.until("the waiter waits", sleeping, 20, TimeUnit.SECONDS);
        truncate(path, cut);
        waiter.join(TimeUnit.SECONDS.toMillis(30));
        assertTrue(!waiter.isAlive(), "the waiter returned");
        assertTrue(thrown.get() instanceof SharedObjectException, "the waiter got " + thrown.get());
        assertTrue(thrown.get().getMessage().contains(path.toString()), thrown.get().getMessage());
    }

    private static void assertClosed(final Executable call)
    {
        assertThrows(IllegalStateException.class, call, "closed despite the fault");
    }

    /** Child program: args dir. Prints FAULTS OK if every check passed. */
    public static void lockFaults(final String[] args) throws Exception
    {
        final SharedDirectory dir = SharedDirectory.of(Path.of(args[0]));
        for (final long cut : CUTS)
        {
            System.out.println("truncating to " + cut + " in a JVM with " + JvmProcess.inheritedJvmArguments());
            final SharedLock lock = SharedLock.builder("lock" + cut).directory(dir).create();
            assertTrue(lock.tryLock());
            final Path path = lock.path();
            truncate(path, cut);
            assertFaulted(path, lock::tryLock);
            assertFaulted(path, () -> lock.tryLock(1, TimeUnit.MILLISECONDS));
            assertFaulted(path, () -> lock.tryLock(-1, TimeUnit.MILLISECONDS));
            assertFaulted(path, lock::lock);
            assertFaulted(path, lock::lockInterruptibly);
            assertFaulted(path, lock::unlock);
            assertFaulted(path, lock::markConsistent);
            assertFaulted(path, lock::isLocked);
            assertFaulted(path, lock::isConsistent);
            assertFaulted(path, lock::isHeldByThisProcess);
            assertThrows(UnsupportedOperationException.class, lock::newCondition);
            assertTrue(lock.toString().contains(path.toString()));
            unlinkOrFault(path, lock::unlink);
            lock.close();
            lock.close();
            assertClosed(lock::isLocked);

            final SharedReentrantLock reentrant = SharedReentrantLock.builder("rlock" + cut).directory(dir).create();
            reentrant.lock();
            final Path reentrantPath = reentrant.path();
            truncate(reentrantPath, cut);
            assertFaulted(reentrantPath, reentrant::lock);
            assertFaulted(reentrantPath, reentrant::lockInterruptibly);
            assertFaulted(reentrantPath, reentrant::tryLock);
            assertFaulted(reentrantPath, () -> reentrant.tryLock(1, TimeUnit.MILLISECONDS));
            assertFaulted(reentrantPath, reentrant::unlock);
            assertFaulted(reentrantPath, reentrant::markConsistent);
            assertFaulted(reentrantPath, reentrant::isHeldByCurrentThread);
            assertFaulted(reentrantPath, reentrant::getHoldCount);
            assertFaulted(reentrantPath, reentrant::isLocked);
            assertFaulted(reentrantPath, reentrant::isConsistent);
            assertTrue(reentrant.toString().contains(reentrantPath.toString()));
            unlinkOrFault(reentrantPath, reentrant::unlink);
            reentrant.close();
            assertClosed(reentrant::isLocked);
        }
        System.out.println("FAULTS OK");
    }

    /** Child program: args dir. Prints FAULTS OK if every check passed. */
    public static void semaphoreFaults(final String[] args) throws Exception
    {
        final SharedDirectory dir = SharedDirectory.of(Path.of(args[0]));
        for (final long cut : CUTS)
        {
            System.out.println("truncating to " + cut + " in a JVM with " + JvmProcess.inheritedJvmArguments());
            final SharedSemaphore semaphore = SharedSemaphore.builder("sem" + cut, 1).directory(dir).create();
            assertTrue(semaphore.tryAcquire());
            final Path path = semaphore.path();
            truncate(path, cut);
            assertFaulted(path, semaphore::tryAcquire);
            assertFaulted(path, () -> semaphore.tryAcquire(1, TimeUnit.MILLISECONDS));
            assertFaulted(path, semaphore::acquire);
            assertFaulted(path, semaphore::acquireUninterruptibly);
            assertFaulted(path, semaphore::release);
            assertFaulted(path, semaphore::availablePermits);
            if (cut == 0)
            {
                assertFaulted(path, semaphore::heldByThisProcess);
            }
            else
            {
                assertEquals(1, semaphore.heldByThisProcess(), "a faulted release forgets no permit (it is in " +
                    "the process table, which the truncation kept)");
            }
            assertEquals(1, semaphore.initialPermits());
            assertTrue(semaphore.toString().contains(path.toString()));
            unlinkOrFault(path, semaphore::unlink);
            semaphore.close();
            semaphore.close();
            assertClosed(semaphore::availablePermits);

            final SharedBoundedSemaphore bounded = SharedBoundedSemaphore.builder("bsem" + cut, 1).directory(dir)
                .create();
            assertTrue(bounded.tryAcquire());
            final Path boundedPath = bounded.path();
            truncate(boundedPath, cut);
            assertFaulted(boundedPath, bounded::release);
            assertFaulted(boundedPath, bounded::tryAcquire);
            assertFaulted(boundedPath, () -> bounded.tryAcquire(1, TimeUnit.MILLISECONDS));
            assertFaulted(boundedPath, bounded::acquire);
            assertFaulted(boundedPath, bounded::acquireUninterruptibly);
            assertFaulted(boundedPath, bounded::availablePermits);
            if (cut == 0)
            {
                assertFaulted(boundedPath, bounded::heldByThisProcess);
            }
            else
            {
                assertEquals(1, bounded.heldByThisProcess(), "a faulted release forgets no permit");
            }
            unlinkOrFault(boundedPath, bounded::unlink);
            bounded.close();
            assertClosed(bounded::availablePermits);
        }
        System.out.println("FAULTS OK");
    }

    /** Child program: args dir. Prints FAULTS OK if every check passed. */
    public static void eventFaults(final String[] args) throws Exception
    {
        final SharedDirectory dir = SharedDirectory.of(Path.of(args[0]));
        for (final long cut : CUTS)
        {
            System.out.println("truncating to " + cut + " in a JVM with " + JvmProcess.inheritedJvmArguments());
            final SharedEvent event = SharedEvent.builder("event" + cut).directory(dir).create();
            final Path path = event.path();
            truncate(path, cut);
            assertFaulted(path, event::set);
            assertFaulted(path, event::clear);
            assertFaulted(path, event::isSet);
            assertFaulted(path, event::await);
            assertFaulted(path, () -> event.await(1, TimeUnit.MILLISECONDS));
            assertFaulted(path, () -> event.await(0, TimeUnit.MILLISECONDS));
            assertTrue(event.toString().contains(path.toString()));
            unlinkOrFault(path, event::unlink);
            event.close();
            event.close();
            assertClosed(event::isSet);
        }
        System.out.println("FAULTS OK");
    }

    /** Child program: args dir. Prints FAULTS OK if every check passed. */
    public static void barrierFaults(final String[] args) throws Exception
    {
        final SharedDirectory dir = SharedDirectory.of(Path.of(args[0]));
        for (final long cut : CUTS)
        {
            System.out.println("truncating to " + cut + " in a JVM with " + JvmProcess.inheritedJvmArguments());
            final SharedBarrier barrier = SharedBarrier.builder("barrier" + cut).directory(dir).parties(2).create();
            final Path path = barrier.path();
            truncate(path, cut);
            assertFaulted(path, barrier::await);
            assertFaulted(path, () -> barrier.await(1, TimeUnit.MILLISECONDS));
            assertFaulted(path, () -> barrier.await(0, TimeUnit.MILLISECONDS));
            assertFaulted(path, barrier::abort);
            assertFaulted(path, barrier::reset);
            assertFaulted(path, barrier::numberWaiting);
            assertFaulted(path, barrier::isBroken);
            assertEquals(2, barrier.parties());
            assertTrue(barrier.toString().contains(path.toString()));
            unlinkOrFault(path, barrier::unlink);
            barrier.close();
            barrier.close();
            assertClosed(barrier::isBroken);

            final Path[] tripped = new Path[1];
            final SharedBarrier single = SharedBarrier.builder("single" + cut).directory(dir).parties(1)
                .action(() ->
                {
                    try
                    {
                        truncate(tripped[0], cut);
                    }
                    catch (final IOException e)
                    {
                        throw new java.io.UncheckedIOException(e);
                    }
                }).create();
            tripped[0] = single.path();
            assertFaulted(tripped[0], single::await);
            single.close();
            assertClosed(single::isBroken);

            final SharedBarrier timed = SharedBarrier.builder("timed" + cut).directory(dir).parties(2)
                .timeout(1, TimeUnit.MILLISECONDS).create();
            final Path timedPath = timed.path();
            truncate(timedPath, cut);
            assertFaulted(timedPath, timed::await);
            timed.close();
            assertClosed(timed::isBroken);
        }
        System.out.println("FAULTS OK");
    }

    /**
     * Child program: args dir. A thread waiting (for a lock, a permit, an event, a barrier, a condition) when
     * the file is truncated ends with the named fault, the JVM does not crash. Prints FAULTS OK.
     */
    public static void blockedFaults(final String[] args) throws Exception
    {
        final SharedDirectory dir = SharedDirectory.of(Path.of(args[0]));
        for (final long cut : CUTS)
        {
            System.out.println("truncating to " + cut + " in a JVM with " + JvmProcess.inheritedJvmArguments());
            final SharedLock lock = SharedLock.builder("lock" + cut).directory(dir).create();
            assertTrue(lock.tryLock());
            final AtomicBoolean started = new AtomicBoolean();
            assertBlockedCallFaults(lock.path(), cut, () ->
            {
                started.set(true);
                lock.lock();
            }, started::get);
            lock.close();

            final SharedSemaphore semaphore = SharedSemaphore.builder("sem" + cut, 0).directory(dir).create();
            final AtomicBoolean acquiring = new AtomicBoolean();
            assertBlockedCallFaults(semaphore.path(), cut, () ->
            {
                acquiring.set(true);
                semaphore.acquire();
            }, acquiring::get);
            semaphore.close();

            final SharedEvent event = SharedEvent.builder("event" + cut).directory(dir).create();
            assertBlockedCallFaults(event.path(), cut, event::await,
                () -> event.waiters() == 1);
            event.close();

            final SharedBarrier barrier = SharedBarrier.builder("barrier" + cut).directory(dir).parties(2).create();
            assertBlockedCallFaults(barrier.path(), cut, barrier::await,
                () -> barrier.numberWaiting() == 1);
            barrier.close();

            try (SharedReentrantLock conditionLock = SharedReentrantLock.builder("clock" + cut).directory(dir)
                .create())
            {
                final SharedCondition condition = SharedCondition.builder("cond" + cut, conditionLock)
                    .directory(dir).create();
                final AtomicBoolean holdsAgain = new AtomicBoolean();
                assertBlockedCallFaults(condition.path(), cut, () ->
                {
                    conditionLock.lock();
                    try
                    {
                        condition.await();
                    }
                    finally
                    {
                        holdsAgain.set(conditionLock.isHeldByCurrentThread());
                        conditionLock.unlock();
                    }
                }, () -> condition.waiters() == 1);
                assertTrue(holdsAgain.get(), "the waiter held the lock again after the fault");
                condition.close();

                // the predicate (user code, run with the lock held) truncates the file: the wait that follows
                final SharedCondition predicated = SharedCondition.builder("pred" + cut, conditionLock)
                    .directory(dir).create();
                final Path path = predicated.path();
                conditionLock.lock();
                assertFaulted(path, () -> predicated.awaitFor(() ->
                {
                    try
                    {
                        truncate(path, cut);
                    }
                    catch (final IOException e)
                    {
                        throw new java.io.UncheckedIOException(e);
                    }
                    return false;
                }, 1, TimeUnit.SECONDS));
                assertTrue(conditionLock.isHeldByCurrentThread());
                conditionLock.unlock();
                predicated.close();
            }
        }
        System.out.println("FAULTS OK");
    }

    /** Child program: args dir. Prints FAULTS OK if every check passed. */
    public static void conditionFaults(final String[] args) throws Exception
    {
        final SharedDirectory dir = SharedDirectory.of(Path.of(args[0]));
        for (final long cut : CUTS)
        {
            System.out.println("truncating to " + cut + " in a JVM with " + JvmProcess.inheritedJvmArguments());
            try (SharedReentrantLock lock = SharedReentrantLock.builder("lock" + cut).directory(dir).create())
            {
                final SharedCondition condition = SharedCondition.builder("cond" + cut, lock).directory(dir)
                    .create();
                final Path path = condition.path();
                truncate(path, cut);
                lock.lock();
                assertFaulted(path, condition::await);
                assertTrue(lock.isHeldByCurrentThread(), "the caller holds the lock again after the fault");
                assertFaulted(path, () -> condition.await(1, TimeUnit.MILLISECONDS));
                assertFaulted(path, () -> condition.await(0, TimeUnit.MILLISECONDS));
                assertFaulted(path, () -> condition.awaitNanos(1));
                assertFaulted(path, () -> condition.awaitUntil(new Date(System.currentTimeMillis() + 1)));
                assertFaulted(path, condition::awaitUninterruptibly);
                assertFaulted(path, () -> condition.awaitFor(() -> false));
                assertFaulted(path, () -> condition.awaitFor(() -> false, 1, TimeUnit.MILLISECONDS));
                assertFaulted(path, condition::signal);
                assertFaulted(path, condition::signalAll);
                assertFaulted(path, condition::waiters);
                assertTrue(lock.isHeldByCurrentThread());
                assertEquals(1, lock.getHoldCount(), "the hold count survived the faulted waits");
                lock.unlock();
                assertTrue(condition.toString().contains(path.toString()));
                unlinkOrFault(path, condition::unlink);
                condition.close();
                condition.close();
                assertClosed(condition::waiters);
            }
            try (SharedLock lock = SharedLock.builder("plain" + cut).directory(dir).create())
            {
                final SharedCondition condition = SharedCondition.builder("pcond" + cut, lock).directory(dir)
                    .create();
                final Path path = condition.path();
                truncate(path, cut);
                lock.lock();
                assertFaulted(path, condition::await);
                assertTrue(lock.isHeldByThisProcess(), "the caller holds the lock again after the fault");
                assertFaulted(path, condition::signal);
                lock.unlock();
                condition.close();
                assertClosed(condition::waiters);
            }
        }
        System.out.println("FAULTS OK");
    }
}
