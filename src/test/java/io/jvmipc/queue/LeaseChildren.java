package io.jvmipc.queue;

import io.jvmipc.codec.Codecs;
import io.jvmipc.file.SharedDirectory;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Child JVM programs for {@link SharedQueueLeaseProcessTest}; each is a {@code public static void name(String[])}.
 * Arguments: the directory, the queue's name, then per program.
 */
public final class LeaseChildren
{
    private LeaseChildren()
    {
    }

    static SharedQueue<String> attach(final String dir, final String name)
    {
        return SharedQueue.builder(name, Codecs.utf8()).directory(SharedDirectory.of(Path.of(dir))).open();
    }

    /** Args: dir, name. Takes one lease, says LEASED:msg and holds it forever (until killed). */
    public static void leaseAndHold(final String[] args) throws InterruptedException
    {
        final SharedQueue<String> queue = attach(args[0], args[1]);
        final Lease<String> lease = queue.takeLease();
        System.out.println("LEASED:" + lease.value());
        new CountDownLatch(1).await();
    }

    /** Args: dir, name. Takes one lease, acks it, says ACKED:msg once the ack returned, and waits forever. */
    public static void leaseAckAndHold(final String[] args) throws InterruptedException
    {
        final SharedQueue<String> queue = attach(args[0], args[1]);
        final Lease<String> lease = queue.takeLease();
        lease.ack();
        System.out.println("ACKED:" + lease.value());
        new CountDownLatch(1).await();
    }

    /**
     * Args: dir, name. Forever: takes a lease, says {@code LEASED n}, works for up to 1 ms, says {@code ACKING n},
     * acks, says {@code ACKED n} once the ack returned. Killed by the test at random points.
     */
    public static void leaseWorker(final String[] args) throws InterruptedException
    {
        final SharedQueue<String> queue = attach(args[0], args[1]);
        final ThreadLocalRandom random = ThreadLocalRandom.current();
        System.out.println("READY");
        while (true)
        {
            final Lease<String> lease = queue.pollLease(60, TimeUnit.SECONDS);
            if (lease == null)
            {
                throw new IllegalStateException("no message for 60 s");
            }
            System.out.println("LEASED " + lease.value());
            LockSupport.parkNanos(random.nextLong(1_000_000));
            System.out.println("ACKING " + lease.value());
            lease.ack();
            System.out.println("ACKED " + lease.value());
        }
    }
}
