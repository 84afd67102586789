package io.jvmipc.agrona;

import io.jvmipc.codec.Codecs;
import io.jvmipc.file.SharedDirectory;
import io.jvmipc.queue.SharedQueue;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Child JVM bodies of the Agrona adapter's multi-process tests: the first argument is the object directory. */
public final class AgronaChildren
{
    private AgronaChildren()
    {
    }

    static SharedQueue<byte[]> open(final Path directory, final String name)
    {
        return SharedQueue.builder(name, Codecs.bytes()).directory(SharedDirectory.of(directory)).open();
    }

    /**
     * Encodes {@code args[2]} orders (SBE-style fields: id, price, quantity, side) through claimed slots.
     *
     * @param args directory, queue name, count.
     * @throws InterruptedException if interrupted.
     */
    public static void produceOrders(final String[] args) throws InterruptedException
    {
        final int count = Integer.parseInt(args[2]);
        try (SharedQueue<byte[]> queue = open(Path.of(args[0]), args[1]))
        {
            final AgronaQueue out = AgronaQueue.of(queue);
            final BackoffIdleStrategy idle = new BackoffIdleStrategy();
            for (int i = 0; i < count; i++)
            {
                final QueueClaim claim = out.claim(idle, 30, TimeUnit.SECONDS);
                if (claim == null)
                {
                    throw new IllegalStateException("queue stayed full");
                }
                claim.commit(Orders.encode(claim.buffer(), 0, i));
            }
        }
        System.out.println("produced " + count);
    }

    /**
     * Claims a slot, writes half a message into it and hangs with the claim open until killed.
     *
     * @param args directory, queue name.
     * @throws InterruptedException when interrupted.
     */
    public static void claimAndHang(final String[] args) throws InterruptedException
    {
        final SharedQueue<byte[]> queue = open(Path.of(args[0]), args[1]);
        final QueueClaim claim = AgronaQueue.of(queue).tryClaim();
        final MutableDirectBuffer buffer = claim.buffer();
        buffer.putLong(0, -1L);
        System.out.println("claimed");
        new CountDownLatch(1).await();
    }
}
