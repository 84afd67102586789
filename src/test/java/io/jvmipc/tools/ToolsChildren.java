package io.jvmipc.tools;

import io.jvmipc.codec.Codecs;
import io.jvmipc.counters.SharedCounters;
import io.jvmipc.file.SharedDirectory;
import io.jvmipc.queue.SharedQueue;
import io.jvmipc.sync.SharedLock;
import io.jvmipc.value.SharedLong;

import java.nio.file.Path;
import java.util.concurrent.locks.LockSupport;

/**
 * Child JVM programs for the command-line tests: each creates or opens objects, prints {@code READY} and hangs
 * until killed. First argument: the directory.
 */
public final class ToolsChildren
{
    private ToolsChildren()
    {
    }

    private static SharedDirectory directory(final String dir)
    {
        return SharedDirectory.of(Path.of(dir));
    }

    private static void readyAndHang()
    {
        System.out.println("READY");
        while (true)
        {
            LockSupport.park();
        }
    }

    /**
     * Args: dir, queue, lock, counters, messages... Creates a UTF-8 queue holding the messages, a lock it holds,
     * and a counter region with {@code requests} = 42 and {@code errors} = 7.
     */
    public static void holdAll(final String[] args)
    {
        final SharedDirectory dir = directory(args[0]);
        final SharedQueue<String> queue = SharedQueue.builder(args[1], Codecs.utf8()).directory(dir).capacity(16)
            .maxMessageSize(64).create();
        for (int i = 4; i < args.length; i++)
        {
            if (!queue.offer(args[i]))
            {
                throw new IllegalStateException("queue full");
            }
        }
        final SharedLock lock = SharedLock.builder(args[2]).directory(dir).create();
        lock.lock();
        final SharedCounters counters = SharedCounters.builder(args[3]).directory(dir).create();
        counters.counter("requests").set(42);
        counters.counter("errors").set(7);
        readyAndHang();
    }

    /** Args: dir, queue. Opens the UTF-8 queue and holds it open. */
    public static void openQueue(final String[] args)
    {
        SharedQueue.builder(args[1], Codecs.utf8()).directory(directory(args[0])).open();
        readyAndHang();
    }

    /** Args: dir, value. Creates a long value set to 5 and holds it open. */
    public static void holdValue(final String[] args)
    {
        SharedLong.builder(args[1]).directory(directory(args[0])).create().set(5);
        readyAndHang();
    }
}
