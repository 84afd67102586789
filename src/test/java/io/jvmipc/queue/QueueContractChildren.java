package io.jvmipc.queue;

import java.util.concurrent.CountDownLatch;

/**
 * Child JVM programs for the cross-process tests of {@link SharedQueue}'s collection contract; each is a
 * {@code public static void name(String[])} started through {@link io.jvmipc.ChildJvms}. Arguments: the
 * directory, the queue's name, then per program.
 */
public final class QueueContractChildren
{
    private QueueContractChildren()
    {
    }

    /**
     * Args: dir, name, message. Takes the first message equal to {@code message} for removal (its slot READING,
     * owned by this process), says TAKEN:position and never turns it into a gap.
     */
    public static void takeForRemovalAndHold(final String[] args) throws InterruptedException
    {
        final SharedQueue<String> queue = QueueChildren.attach(args[0], args[1]);
        final long position = queue.takeForRemoval(args[2]::equals);
        if (position < 0)
        {
            throw new IllegalStateException("no " + args[2] + " to take for removal");
        }
        System.out.println("TAKEN:" + position);
        new CountDownLatch(1).await();
    }
}
