package io.jvmipc.agrona;

import org.agrona.concurrent.IdleStrategy;

import java.util.concurrent.atomic.AtomicInteger;

/** An Agrona idle strategy that yields and counts its calls, so a test can see that a thread is waiting. */
final class CountingIdleStrategy implements IdleStrategy
{
    final AtomicInteger idles = new AtomicInteger();
    final AtomicInteger resets = new AtomicInteger();

    @Override
    public void idle(final int workCount)
    {
        if (workCount <= 0)
        {
            idle();
        }
    }

    @Override
    public void idle()
    {
        idles.incrementAndGet();
        Thread.yield();
    }

    @Override
    public void reset()
    {
        resets.incrementAndGet();
    }

    @Override
    public String alias()
    {
        return "counting";
    }
}
