package io.jvmipc.value;

import io.jvmipc.file.SharedDirectory;
import io.jvmipc.sync.SharedEvent;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Child JVM programs for the cross-process value tests, each a {@code public static void name(String[])}
 * started through {@link io.jvmipc.process.JvmProcess.Builder#method(String)}. First argument: the directory.
 */
public final class ValueChildren
{
    private ValueChildren()
    {
    }

    static SharedDirectory directory(final String dir)
    {
        return SharedDirectory.of(Path.of(dir));
    }

    /**
     * Args: directory, value name, count. Adds one {@code count} times with a non-atomic get-then-set, each under
     * the value's associated lock (Python's {@code with v.get_lock(): v.value += 1}).
     */
    public static void incrementUnderLock(final String[] args)
    {
        try (SharedInt counter = SharedInt.builder(args[1]).directory(directory(args[0])).open())
        {
            final int count = Integer.parseInt(args[2]);
            for (int i = 0; i < count; i++)
            {
                counter.getLock().lock();
                try
                {
                    counter.set(counter.get() + 1);
                }
                finally
                {
                    counter.getLock().unlock();
                }
            }
        }
    }

    /** Args: dir, int value name, count. The seed scenario: {@code incrementAndGet()} count times. */
    public static void incrementInt(final String[] args)
    {
        final int count = Integer.parseInt(args[2]);
        try (SharedInt counter = SharedInt.builder(args[1]).directory(directory(args[0])).open())
        {
            for (int i = 0; i < count; i++)
            {
                counter.incrementAndGet();
            }
        }
        System.out.println("DONE " + count);
    }

    /**
     * Args: dir, long value name, start event name, count. Waits for the start event (so that all children
     * increment at the same time), then {@code incrementAndGet()} count times.
     */
    public static void incrementLongAfterStart(final String[] args) throws InterruptedException
    {
        final SharedDirectory dir = directory(args[0]);
        final int count = Integer.parseInt(args[3]);
        try (SharedLong counter = SharedLong.builder(args[1]).directory(dir).open();
            SharedEvent start = SharedEvent.builder(args[2]).directory(dir).open())
        {
            System.out.println("READY");
            if (!start.await(60, TimeUnit.SECONDS))
            {
                throw new IllegalStateException("no start signal within 60 s");
            }
            for (int i = 0; i < count; i++)
            {
                counter.incrementAndGet();
            }
        }
        System.out.println("DONE " + count);
    }

    /**
     * Args: dir, long array name, index, count (-1: forever). Adds one to element {@code index} count times;
     * prints RUNNING once it has started.
     */
    public static void incrementElement(final String[] args)
    {
        final int index = Integer.parseInt(args[2]);
        final long count = Long.parseLong(args[3]);
        try (SharedLongArray array = SharedLongArray.builder(args[1]).directory(directory(args[0])).open())
        {
            for (long i = 0; count < 0 || i < count; i++)
            {
                array.incrementAndGet(index);
                if (i == 1000)
                {
                    System.out.println("RUNNING");
                }
            }
        }
        System.out.println("DONE " + count);
    }
}
