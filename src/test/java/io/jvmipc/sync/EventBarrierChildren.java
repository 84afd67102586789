package io.jvmipc.sync;

import io.jvmipc.file.SharedDirectory;

import java.nio.file.Path;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.TimeUnit;

/**
 * Child JVM programs for the cross-process event and barrier tests, each a {@code public static void
 * name(String[])} started through {@link io.jvmipc.process.JvmProcess.Builder#method(String)}. First argument:
 * the directory; second: the object's name.
 */
public final class EventBarrierChildren
{
    /** Exit code of a party that saw the barrier broken. */
    static final int BROKEN_EXIT = 3;

    private EventBarrierChildren()
    {
    }

    static SharedDirectory directory(final String dir)
    {
        return SharedDirectory.of(Path.of(dir));
    }

    /** Args: dir, event name, timeout in seconds. Prints WAITING, waits, prints EVENT true|false. */
    public static void awaitEvent(final String[] args) throws InterruptedException
    {
        try (SharedEvent event = SharedEvent.builder(args[1]).directory(directory(args[0])).open())
        {
            System.out.println("WAITING");
            final boolean set = event.await(Long.parseLong(args[2]), TimeUnit.SECONDS);
            System.out.println("EVENT " + set);
        }
    }

    /**
     * Args: dir, barrier name, generations. Awaits the barrier that many times, printing PASSED g i; exits
     * with {@link #BROKEN_EXIT} after printing BROKEN if the barrier breaks.
     */
    public static void barrierParty(final String[] args) throws InterruptedException
    {
        final int generations = Integer.parseInt(args[2]);
        try (SharedBarrier barrier = SharedBarrier.builder(args[1]).directory(directory(args[0])).open())
        {
            for (int g = 0; g < generations; g++)
            {
                final int index = barrier.await();
                System.out.println("PASSED " + g + " " + index);
            }
        }
        catch (final BrokenBarrierException e)
        {
            System.out.println("BROKEN " + e.getMessage());
            System.out.flush();
            System.exit(BROKEN_EXIT);
        }
    }

    /**
     * Args: dir, barrier name. Awaits once with an action that prints ACTION and then never returns, so that the
     * parent can kill this process while it runs the action as the last party.
     */
    public static void barrierPartyWithStuckAction(final String[] args) throws Exception
    {
        try (SharedBarrier barrier = SharedBarrier.builder(args[1]).directory(directory(args[0])).action(() ->
        {
            System.out.println("ACTION");
            System.out.flush();
            while (true)
            {
                try
                {
                    TimeUnit.SECONDS.sleep(60);
                }
                catch (final InterruptedException e)
                {
                    Thread.currentThread().interrupt();
                }
            }
        }).open())
        {
            barrier.await();
        }
    }

    /**
     * Args: dir, barrier name. Attaches to the barrier with a test hook that stops the recovery of a dead party
     * right after its first step (it says HALFWAY and waits to be killed there); the attach recovers the dead
     * entry it takes over.
     */
    public static void recoverBarrierHalfway(final String[] args) throws InterruptedException
    {
        SharedBarrier.afterRecoveryFirstStep = () ->
        {
            System.out.println("HALFWAY");
            System.out.flush();
            try
            {
                new java.util.concurrent.CountDownLatch(1).await();
            }
            catch (final InterruptedException e)
            {
                Thread.currentThread().interrupt();
            }
        };
        SharedBarrier.builder(args[1]).directory(directory(args[0])).open();
        System.out.println("NO RECOVERY");
        new java.util.concurrent.CountDownLatch(1).await();
    }
}
