package io.jvmipc.sync;

import io.jvmipc.file.SharedDirectory;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Child JVM programs for {@link SyncCrossProcessTest}. Each is a public static method run through
 * {@code JvmProcess.builder(SyncChildren.class).method(name)}; argument 0 is always the directory.
 */
public final class SyncChildren
{
    /** Counter file: processes inside the critical section now. */
    static final long INSIDE = 0;
    /** Counter file: the most processes ever seen inside at once. */
    static final long MAX_INSIDE = 8;
    /** Counter file: entries into the critical section. */
    static final long ENTRIES = 16;
    /** Counter file: children started (a start barrier). */
    static final long STARTED = 24;
    /** Counter file length. */
    static final long COUNTER_FILE_LENGTH = 64;

    private static final VarHandle LONG = JAVA_LONG.varHandle();

    private SyncChildren()
    {
    }

    /**
     * Semaphore(2) worker: args dir, semaphore name, counter file, rounds, children to wait for. Each round:
     * acquire, record concurrency in the counter file, stay inside a while, leave, release.
     */
    public static void semaphoreWorker(final String[] args) throws Exception
    {
        final SharedDirectory dir = SharedDirectory.of(Path.of(args[0]));
        final int rounds = Integer.parseInt(args[3]);
        final int children = Integer.parseInt(args[4]);
        try (SharedSemaphore semaphore = SharedSemaphore.builder(args[1], 2).directory(dir).openOrCreate();
            Arena arena = Arena.ofShared();
            FileChannel channel = FileChannel.open(Path.of(args[2]), StandardOpenOption.READ,
                StandardOpenOption.WRITE))
        {
            final MemorySegment counters = channel.map(FileChannel.MapMode.READ_WRITE, 0, COUNTER_FILE_LENGTH, arena);
            LONG.getAndAdd(counters, STARTED, 1L);
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while ((long)LONG.getVolatile(counters, STARTED) < children && System.nanoTime() < deadline)
            {
                Thread.yield(); // start barrier: poll with a deadline
            }
            for (int i = 0; i < rounds; i++)
            {
                semaphore.acquire();
                try
                {
                    final long inside = (long)LONG.getAndAdd(counters, INSIDE, 1L) + 1;
                    long max = (long)LONG.getVolatile(counters, MAX_INSIDE);
                    while (inside > max && !LONG.compareAndSet(counters, MAX_INSIDE, max, inside))
                    {
                        max = (long)LONG.getVolatile(counters, MAX_INSIDE);
                    }
                    LONG.getAndAdd(counters, ENTRIES, 1L);
                    // stay inside (the seed scenario's work in the critical section) until another process is inside
                    // too, or 150 ms have passed: entries overlap whenever the semaphore lets them, which the
                    // assertion that two are inside at once needs; the semaphore alone decides how many get in
                    final long leaveBy = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(150);
                    while ((long)LONG.getVolatile(counters, INSIDE) < 2 && System.nanoTime() - leaveBy < 0)
                    {
                        Thread.yield();
                    }
                    LONG.getAndAdd(counters, INSIDE, -1L);
                }
                finally
                {
                    semaphore.release();
                }
            }
        }
        System.out.println("DONE");
    }

    /**
     * Args dir, lock name, counter file, rounds, reentrant: adds one to a plain (non-atomic) long in the counter
     * file under the lock, {@code rounds} times. Lost updates would show that the lock failed to exclude.
     */
    public static void lockedIncrements(final String[] args) throws Exception
    {
        final SharedDirectory dir = SharedDirectory.of(Path.of(args[0]));
        final int rounds = Integer.parseInt(args[3]);
        try (CloseableLock lock = Boolean.parseBoolean(args[4]) ?
            new CloseableLock(SharedReentrantLock.builder(args[1]).directory(dir).openOrCreate()) :
            new CloseableLock(SharedLock.builder(args[1]).directory(dir).openOrCreate());
            Arena arena = Arena.ofShared();
            FileChannel channel = FileChannel.open(Path.of(args[2]), StandardOpenOption.READ,
                StandardOpenOption.WRITE))
        {
            final MemorySegment counters = channel.map(FileChannel.MapMode.READ_WRITE, 0, COUNTER_FILE_LENGTH, arena);
            for (int i = 0; i < rounds; i++)
            {
                lock.lock();
                try
                {
                    counters.set(JAVA_LONG, ENTRIES, counters.get(JAVA_LONG, ENTRIES) + 1); // plain on purpose
                }
                finally
                {
                    lock.unlock();
                }
            }
        }
        System.out.println("DONE");
    }

    /** Args dir, lock name: takes the lock, says HOLDING, and waits to be killed. */
    public static void holdLock(final String[] args) throws InterruptedException
    {
        final SharedLock lock = SharedLock.builder(args[1]).directory(SharedDirectory.of(Path.of(args[0])))
            .openOrCreate();
        lock.lock();
        System.out.println("HOLDING");
        new CountDownLatch(1).await();
    }

    /** Args dir, lock name: takes the reentrant lock twice, says HOLDING, and waits to be killed. */
    public static void holdReentrantLock(final String[] args) throws InterruptedException
    {
        final SharedReentrantLock lock = SharedReentrantLock.builder(args[1])
            .directory(SharedDirectory.of(Path.of(args[0]))).openOrCreate();
        lock.lock();
        lock.lock();
        System.out.println("HOLDING");
        new CountDownLatch(1).await();
    }

    /** Args dir, name, permits, bounded: takes every permit, says HOLDING, and waits to be killed. */
    public static void holdPermits(final String[] args) throws InterruptedException
    {
        final SharedDirectory dir = SharedDirectory.of(Path.of(args[0]));
        final int permits = Integer.parseInt(args[2]);
        if (Boolean.parseBoolean(args[3]))
        {
            final SharedBoundedSemaphore semaphore = SharedBoundedSemaphore.builder(args[1], permits).directory(dir)
                .openOrCreate();
            for (int i = 0; i < permits; i++)
            {
                semaphore.acquire();
            }
        }
        else
        {
            final SharedSemaphore semaphore = SharedSemaphore.builder(args[1], permits).directory(dir).openOrCreate();
            for (int i = 0; i < permits; i++)
            {
                semaphore.acquire();
            }
        }
        System.out.println("HOLDING");
        new CountDownLatch(1).await();
    }

    /** Args dir, lock name: locks and unlocks in a loop forever (to be killed mid-operation). */
    public static void churnLock(final String[] args)
    {
        final SharedLock lock = SharedLock.builder(args[1]).directory(SharedDirectory.of(Path.of(args[0])))
            .openOrCreate();
        long rounds = 0;
        while (true)
        {
            try
            {
                lock.lock();
            }
            catch (final OwnerDiedException e)
            {
                lock.markConsistent();
            }
            lock.unlock();
            if (++rounds == 1000)
            {
                System.out.println("CHURNING");
            }
        }
    }

    /** Args dir, name: acquires and releases a Semaphore(1) in a loop forever (to be killed mid-operation). */
    public static void churnSemaphore(final String[] args) throws InterruptedException
    {
        final SharedSemaphore semaphore = SharedSemaphore.builder(args[1], 1)
            .directory(SharedDirectory.of(Path.of(args[0]))).openOrCreate();
        long rounds = 0;
        while (true)
        {
            semaphore.acquire();
            semaphore.release();
            if (++rounds == 1000)
            {
                System.out.println("CHURNING");
            }
        }
    }

    /** Args dir, lock name, condition name: takes the lock, signals once, says SIGNALLED, releases, exits. */
    public static void signalOnce(final String[] args)
    {
        final SharedDirectory dir = SharedDirectory.of(Path.of(args[0]));
        try (SharedReentrantLock lock = SharedReentrantLock.builder(args[1]).directory(dir).openOrCreate();
            SharedCondition condition = SharedCondition.builder(args[2], lock).directory(dir).openOrCreate())
        {
            lock.lock();
            try
            {
                condition.signal();
            }
            finally
            {
                lock.unlock();
            }
        }
        System.out.println("SIGNALLED");
    }

    /**
     * Args dir, semaphore name, permits: attaches to the semaphore with a test hook that stops the recovery of a
     * dead holder right after its first step (it says HALFWAY and waits to be killed there). The attach itself
     * recovers a dead entry it takes over; otherwise a try-acquire probes the dead holder and recovers it.
     */
    public static void recoverSemaphoreHalfway(final String[] args) throws InterruptedException
    {
        SemaphoreCore.afterRecoveryFirstStep = () ->
        {
            System.out.println("HALFWAY");
            System.out.flush();
            try
            {
                new CountDownLatch(1).await();
            }
            catch (final InterruptedException e)
            {
                Thread.currentThread().interrupt();
            }
        };
        final SharedSemaphore semaphore = SharedSemaphore.builder(args[1], Integer.parseInt(args[2]))
            .directory(SharedDirectory.of(Path.of(args[0]))).open();
        semaphore.tryAcquire();
        System.out.println("NO RECOVERY");
        new CountDownLatch(1).await();
    }

    /**
     * Args dir, lock name, reentrant: attaches (with a process table of the lock's capacity, so it may take over
     * a dead holder's entry), says ENTRY e HELD h LOCKED l (whether this newcomer thinks it holds the lock, and
     * whether anyone does), and exits.
     */
    public static void reportLockAfterAttach(final String[] args)
    {
        final SharedDirectory dir = SharedDirectory.of(Path.of(args[0]));
        if (Boolean.parseBoolean(args[2]))
        {
            try (SharedReentrantLock lock = SharedReentrantLock.builder(args[1]).directory(dir).open())
            {
                System.out.println("ENTRY " + lock.core.entry() + " HELD " + lock.isHeldByCurrentThread() +
                    " LOCKED " + lock.isLocked());
            }
        }
        else
        {
            try (SharedLock lock = SharedLock.builder(args[1]).directory(dir).open())
            {
                System.out.println("ENTRY " + lock.core.entry() + " HELD " + lock.isHeldByThisProcess() +
                    " LOCKED " + lock.isLocked());
            }
        }
    }

    /** Args dir, lock name, reentrant: takes the lock, says ENTRY e HOLDING, and waits to be killed. */
    public static void holdLockReportingEntry(final String[] args) throws InterruptedException
    {
        final SharedDirectory dir = SharedDirectory.of(Path.of(args[0]));
        final LockHandle lock = Boolean.parseBoolean(args[2]) ?
            SharedReentrantLock.builder(args[1]).directory(dir).open() :
            SharedLock.builder(args[1]).directory(dir).open();
        lock.lock();
        System.out.println("ENTRY " + lock.core.entry() + " HOLDING");
        new CountDownLatch(1).await();
    }

    /** A lock that is also closeable, for try-with-resources over either lock kind. */
    private static final class CloseableLock implements java.util.concurrent.locks.Lock, AutoCloseable
    {
        private final java.util.concurrent.locks.Lock lock;

        CloseableLock(final java.util.concurrent.locks.Lock lock)
        {
            this.lock = lock;
        }

        @Override
        public void lock()
        {
            lock.lock();
        }

        @Override
        public void lockInterruptibly() throws InterruptedException
        {
            lock.lockInterruptibly();
        }

        @Override
        public boolean tryLock()
        {
            return lock.tryLock();
        }

        @Override
        public boolean tryLock(final long time, final TimeUnit unit) throws InterruptedException
        {
            return lock.tryLock(time, unit);
        }

        @Override
        public void unlock()
        {
            lock.unlock();
        }

        @Override
        public java.util.concurrent.locks.Condition newCondition()
        {
            return lock.newCondition();
        }

        @Override
        public void close()
        {
            if (lock instanceof SharedLock plain)
            {
                plain.close();
            }
            else
            {
                ((SharedReentrantLock)lock).close();
            }
        }
    }

    /** Counter-file helper for tests: creates a zeroed counter file. */
    static void createCounterFile(final Path path) throws IOException
    {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE))
        {
            channel.write(java.nio.ByteBuffer.allocate((int)COUNTER_FILE_LENGTH));
        }
    }
}
