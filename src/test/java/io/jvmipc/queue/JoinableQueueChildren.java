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

    /**
     * Takes one message, performs the first step of {@link JoinableQueue#taskDone()} only (so that a kill lands
     * between its two steps), prints HALF-DONE and blocks until killed.
     */
    public static void takeAndDieHalfwayThroughTaskDone(final String[] args) throws InterruptedException
    {
        final JoinableQueue<String> queue = attach(args[0], args[1]);
        final String message = queue.take();
        queue.releaseTaken();
        System.out.println("HALF-DONE " + message);
        new CountDownLatch(1).await();
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
}
