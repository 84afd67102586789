package io.jvmipc.queue;

import io.jvmipc.codec.Codecs;
import io.jvmipc.file.SharedDirectory;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Child JVM programs for the cross-process joinable-queue tests, each a {@code public static void
 * name(String[])} started through {@link io.jvmipc.process.JvmProcess.Builder#method(String)}. Arguments: the
 * directory, the queue's name.
 */
public final class JoinableQueueChildren
{
    static final String STOP = "STOP";

    private JoinableQueueChildren()
    {
    }

    static JoinableQueue<String> attach(final String dir, final String name)
    {
        return JoinableQueue.builder(name, Codecs.utf8()).directory(SharedDirectory.of(Path.of(dir))).open();
    }

    /** Takes messages and marks each done until a STOP (also marked done); prints CONSUMED n. */
    public static void consume(final String[] args) throws InterruptedException
    {
        long consumed = 0;
        try (JoinableQueue<String> queue = attach(args[0], args[1]))
        {
            while (true)
            {
                final String message = queue.take();
                queue.taskDone();
                if (STOP.equals(message))
                {
                    break;
                }
                consumed++;
            }
        }
        System.out.println("CONSUMED " + consumed);
    }

    /** Sets {@code seam} to print AT name and then block until killed. */
    private static Runnable stopHere(final String name)
    {
        return () ->
        {
            System.out.println("AT " + name);
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
    }

    /**
     * Takes one message and stops (prints AT seam, blocks until killed) at the take's test seam named by
     * {@code args[2]}: {@code beforeTakeCounted} (its slot held, not yet counted as owed) or
     * {@code afterTakeCounted} (counted as owed, its slot not yet freed).
     */
    public static void takeAndStop(final String[] args) throws InterruptedException
    {
        final JoinableQueue<String> queue = attach(args[0], args[1]);
        if ("beforeTakeCounted".equals(args[2]))
        {
            JoinableQueue.beforeTakeCounted = stopHere(args[2]);
        }
        else
        {
            JoinableQueue.afterTakeCounted = stopHere(args[2]);
        }
        queue.take();
    }

    /** Takes one message, prints TOOK, then stops inside taskDone() after its count went down (AT seam). */
    public static void taskDoneAndStop(final String[] args) throws InterruptedException
    {
        final JoinableQueue<String> queue = attach(args[0], args[1]);
        System.out.println("TOOK " + queue.take());
        JoinableQueue.afterTaskDoneCounted = stopHere("afterTaskDoneCounted");
        queue.taskDone();
    }

    /** Puts {@code args[2]} and stops right after the message is in the queue, before put() returns (AT seam). */
    public static void putAndStop(final String[] args) throws InterruptedException
    {
        final JoinableQueue<String> queue = attach(args[0], args[1]);
        JoinableQueue.afterPutQueued = stopHere("afterPutQueued");
        queue.put(args[2]);
    }

    /** Takes one message, prints TOOK and holds it without marking it done until killed. */
    public static void takeAndHold(final String[] args) throws InterruptedException
    {
        try (JoinableQueue<String> queue = attach(args[0], args[1]))
        {
            final String message = queue.take();
            System.out.println("TOOK " + message);
            while (true)
            {
                TimeUnit.SECONDS.sleep(60);
            }
        }
    }

    /** Takes one message under a lease, says LEASED:msg and holds it forever (until killed). */
    public static void leaseAndHold(final String[] args) throws InterruptedException
    {
        final JoinableQueue<String> queue = attach(args[0], args[1]);
        final Lease<String> lease = queue.takeLease();
        System.out.println("LEASED:" + lease.value());
        new CountDownLatch(1).await();
    }
}
