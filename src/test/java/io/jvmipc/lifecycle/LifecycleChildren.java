package io.jvmipc.lifecycle;

import io.jvmipc.codec.Codecs;
import io.jvmipc.file.NoSuchSharedObjectException;
import io.jvmipc.file.SharedDirectory;
import io.jvmipc.file.SharedHandle;
import io.jvmipc.pipe.Connection;
import io.jvmipc.pipe.End;
import io.jvmipc.pipe.Pipe;
import io.jvmipc.queue.SharedQueue;
import io.jvmipc.value.SharedInt;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/** Child JVM targets of the lifecycle process tests. */
public final class LifecycleChildren
{
    private LifecycleChildren()
    {
    }

    /** Opens the queue by handle, prints ATTACHED, takes one message, prints TOOK it, then blocks in a take. */
    public static void holdQueue(final SharedHandle handle)
    {
        try
        {
            final SharedQueue<String> queue = SharedQueue.open(handle, Codecs.utf8());
            System.out.println("ATTACHED");
            System.out.flush();
            System.out.println("TOOK " + queue.take());
            System.out.flush();
            queue.take();
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
        }
    }

    /** Creates an anonymous queue in {@code directory}, puts "old" in it, prints HANDLE and its name, and stays. */
    public static void createAndHoldQueue(final String directory)
    {
        try
        {
            final SharedQueue<String> queue = SharedQueue.anonymous(Codecs.utf8())
                .directory(SharedDirectory.of(Path.of(directory))).create();
            queue.put("old");
            System.out.println("HANDLE " + queue.handle().name());
            System.out.flush();
            new CountDownLatch(1).await();
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
        }
    }

    /** Opens the queue by handle, prints ATTACHED, and stays. */
    public static void openAndHold(final SharedHandle handle)
    {
        try
        {
            SharedQueue.open(handle, Codecs.utf8());
            System.out.println("ATTACHED");
            System.out.flush();
            new CountDownLatch(1).await();
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Serves the parent: takes requests "Q name" (open that anonymous queue, take one message, reply with it) and
     * "P name" (take end B of that anonymous pipe, receive one message, send it back), closing each object
     * after; "STOP" ends. Replies on {@code replies}.
     */
    public static void serve(final SharedHandle requests, final SharedHandle replies)
    {
        try (SharedQueue<String> in = SharedQueue.open(requests, Codecs.utf8());
            SharedQueue<String> out = SharedQueue.open(replies, Codecs.utf8()))
        {
            System.out.println("SERVING");
            System.out.flush();
            final SharedDirectory directory = requests.sharedDirectory();
            while (true)
            {
                final String request = in.take();
                if (request.equals("STOP"))
                {
                    return;
                }
                final String name = request.substring(2);
                if (request.startsWith("Q "))
                {
                    try (SharedQueue<String> queue = SharedQueue.builder(name, Codecs.utf8()).directory(directory)
                        .open())
                    {
                        out.put(queue.take());
                    }
                }
                else
                {
                    try (Connection<String> b = Pipe.builder(name, Codecs.utf8()).directory(directory)
                        .attach(End.B))
                    {
                        b.send(b.recv());
                    }
                }
            }
        }
        catch (final Exception e)
        {
            System.out.println("FAILED " + e);
            System.out.flush();
        }
    }

    /**
     * Until {@code stop} exists: opens the named int, adds one and checks that its name still exists while
     * attached; prints DONE opened=n absent=n half=n at the end.
     */
    public static void attachInALoop(final String directory, final String name, final String stop)
    {
        final SharedDirectory dir = SharedDirectory.of(Path.of(directory));
        final Path path = dir.resolve(name);
        int opened = 0;
        int absent = 0;
        int half = 0;
        System.out.println("LOOPING");
        System.out.flush();
        while (!Files.exists(Path.of(stop)))
        {
            try (SharedInt value = SharedInt.builder(name).directory(dir).open())
            {
                value.incrementAndGet();
                opened++;
                if (!Files.exists(path))
                {
                    half++;
                }
            }
            catch (final NoSuchSharedObjectException e)
            {
                absent++;
            }
        }
        System.out.println("DONE opened=" + opened + " absent=" + absent + " half=" + half);
        System.out.flush();
    }
}
