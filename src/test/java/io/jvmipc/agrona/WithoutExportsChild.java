package io.jvmipc.agrona;

import io.jvmipc.codec.Codecs;
import io.jvmipc.file.SharedDirectory;
import io.jvmipc.queue.SharedQueue;

import java.nio.file.Path;

/**
 * The main of a JVM started without {@code --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED}: prints what
 * {@link AgronaQueue#of} throws, twice (the second time Agrona's classes have failed to initialise), and whether
 * the queue itself and {@link AgronaWaitStrategy} still work.
 */
public final class WithoutExportsChild
{
    private WithoutExportsChild()
    {
    }

    /**
     * Runs the checks.
     *
     * @param args the object directory.
     * @throws InterruptedException if interrupted.
     */
    public static void main(final String[] args) throws InterruptedException
    {
        try (SharedQueue<String> queue = SharedQueue.builder("no-exports", Codecs.utf8())
            .directory(SharedDirectory.of(Path.of(args[0])))
            .waitStrategy(AgronaWaitStrategy.of(new org.agrona.concurrent.YieldingIdleStrategy())).create())
        {
            for (int i = 0; i < 2; i++)
            {
                try
                {
                    AgronaQueue.of(queue);
                    System.out.println("of: no error");
                }
                catch (final IllegalStateException e)
                {
                    System.out.println("of: " + e.getMessage());
                }
            }
            queue.put("still works");
            System.out.println("queue: " + queue.poll(1, java.util.concurrent.TimeUnit.SECONDS) + ", " +
                queue.poll(10, java.util.concurrent.TimeUnit.MILLISECONDS));
        }
    }
}
