package io.jvmipc.process;

import io.jvmipc.file.SharedDirectory;
import io.jvmipc.sync.SharedBarrier;
import io.jvmipc.sync.SharedEvent;
import io.jvmipc.sync.SharedSemaphore;
import io.jvmipc.value.SharedLong;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The tasks that {@link JvmPoolTest} runs in worker JVMs; the shared objects they use live in the test's directory. */
final class PoolTasks
{
    /** How long a task waits for what the test arranged, before it fails (the test then fails). */
    private static final long WAIT_SECONDS = 60;

    /** How many times this JVM ran {@link #initialise(String)}. */
    private static int initialised;

    private PoolTasks()
    {
    }

    static int square(final int x)
    {
        return x * x;
    }

    static String concat(final String a, final int b)
    {
        return a + b;
    }

    static long pid()
    {
        return ProcessHandle.current().pid();
    }

    static String fail(final String message)
    {
        throw new IllegalArgumentException(message, new ArithmeticException("the cause"));
    }

    /** A worker's initializer: counts its runs here and in the shared counter {@code initialised}. */
    static void initialise(final String directory)
    {
        initialised++;
        try (SharedLong runs = SharedLong.builder("initialised").directory(dir(directory)).open())
        {
            runs.incrementAndGet();
        }
    }

    /** This worker's pid and how many times its initializer ran in it. */
    static List<Long> initialisedHere()
    {
        return List.of(pid(), (long)initialised);
    }

    static void failToInitialise()
    {
        throw new IllegalStateException("no database here");
    }

    /**
     * Tasks 0, 1 and 2 wait at the 3-party barrier {@code all-hold} (so they run at once, in 3 workers); task 0
     * then waits for a permit of {@code done} from each of the other {@code tasks - 1} tasks, which release one
     * each (so its worker holds no other task while the others run them).
     *
     * @return this worker's pid.
     */
    static long distribute(final String directory, final int index, final int tasks)
    {
        final SharedDirectory dir = dir(directory);
        try (SharedBarrier barrier = SharedBarrier.builder("all-hold").directory(dir).open();
            SharedSemaphore done = SharedSemaphore.builder("done", 0).directory(dir).open())
        {
            if (index < 3)
            {
                barrier.await(WAIT_SECONDS, TimeUnit.SECONDS);
            }
            if (index == 0)
            {
                for (int i = 1; i < tasks; i++)
                {
                    if (!done.tryAcquire(WAIT_SECONDS, TimeUnit.SECONDS))
                    {
                        throw new IllegalStateException("task 0 saw " + (i - 1) + " of the other tasks done");
                    }
                }
            }
            else
            {
                done.release();
            }
            return pid();
        }
        catch (final InterruptedException | BrokenBarrierException | TimeoutException e)
        {
            throw new IllegalStateException("task " + index + " did not see the 3 workers hold a task", e);
        }
    }

    /**
     * {@code index * 3}; the first run of task {@code stall} stores its pid in {@code stalled} and then blocks until
     * its worker is killed; a later run returns.
     */
    static long tripleOrStall(final String directory, final int index, final int stall)
    {
        if (index == stall)
        {
            try (SharedLong stalled = SharedLong.builder("stalled").directory(dir(directory)).open())
            {
                if (stalled.compareAndSet(0, pid()))
                {
                    awaitKill();
                }
            }
        }
        return index * 3L;
    }

    /** Counts its runs in {@code running}, then blocks until its worker is killed. */
    static long block(final String directory)
    {
        try (SharedLong running = SharedLong.builder("running").directory(dir(directory)).open())
        {
            running.incrementAndGet();
        }
        awaitKill();
        return 0;
    }

    /** Waits until the test sets the event {@code go}. */
    static long awaitGo(final String directory)
    {
        try (SharedEvent go = SharedEvent.builder("go").directory(dir(directory)).open())
        {
            if (!go.await(WAIT_SECONDS, TimeUnit.SECONDS))
            {
                throw new IllegalStateException("the test did not set go");
            }
            return pid();
        }
        catch (final InterruptedException e)
        {
            throw new IllegalStateException(e);
        }
    }

    /** Kills its own worker with SIGKILL, as a crash would. */
    static long killWorker()
    {
        try
        {
            new ProcessBuilder("kill", "-9", Long.toString(pid())).start().waitFor();
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
        }
        awaitKill();
        return 0;
    }

    private static void awaitKill()
    {
        try
        {
            new CountDownLatch(1).await();
        }
        catch (final InterruptedException e)
        {
            throw new IllegalStateException(e);
        }
    }

    private static SharedDirectory dir(final String directory)
    {
        return SharedDirectory.of(Path.of(directory));
    }
}
