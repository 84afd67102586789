package io.jvmipc.wait;

/**
 * Spins with {@link Thread#onSpinWait()} and never sleeps: for latency-critical threads that own a core.
 * Checks the deadline and the interrupt flag every {@value #CHECK_INTERVAL} spins, so both are honoured
 * within microseconds. Never registers with the signal, so wakers never enter the kernel for it.
 */
public final class BusySpinWaitStrategy implements WaitStrategy
{
    /** The shared instance; the strategy has no state of its own. */
    public static final BusySpinWaitStrategy INSTANCE = new BusySpinWaitStrategy();

    private static final int CHECK_INTERVAL = 64;

    private BusySpinWaitStrategy()
    {
    }

    @Override
    public long idle(final Signal signal, final long state, final long deadlineNanos) throws InterruptedException
    {
        if ((state & (CHECK_INTERVAL - 1)) == 0)
        {
            if (Thread.interrupted())
            {
                throw new InterruptedException();
            }
            if (deadlineNanos != NO_DEADLINE && System.nanoTime() - deadlineNanos >= 0)
            {
                return TIMED_OUT;
            }
        }
        Thread.onSpinWait();
        return state + 1;
    }

    @Override
    public void done(final Signal signal, final long state)
    {
    }

    @Override
    public String toString()
    {
        return "BusySpinWaitStrategy";
    }
}
