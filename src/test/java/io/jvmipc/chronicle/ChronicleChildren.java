package io.jvmipc.chronicle;

import io.jvmipc.file.SharedDirectory;
import io.jvmipc.queue.SharedQueue;

import java.nio.file.Path;

/** Child JVM bodies of the Chronicle codec's multi-process test: the first argument is the object directory. */
public final class ChronicleChildren
{
    private ChronicleChildren()
    {
    }

    /**
     * Puts {@code args[2]} trades through the codec.
     *
     * @param args directory, queue name, count.
     * @throws InterruptedException if interrupted.
     */
    public static void produceTrades(final String[] args) throws InterruptedException
    {
        final int count = Integer.parseInt(args[2]);
        try (SharedQueue<Trade> queue = SharedQueue.builder(args[1], ChronicleCodecTest.CODEC)
            .directory(SharedDirectory.of(Path.of(args[0]))).open())
        {
            for (int i = 0; i < count; i++)
            {
                queue.put(ChronicleCodecTest.trade(i));
            }
        }
        System.out.println("produced " + count);
    }
}
