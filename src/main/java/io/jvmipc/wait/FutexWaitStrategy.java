package io.jvmipc.wait;

import java.util.concurrent.TimeUnit;

/**
 * Spins, then yields, then registers with the {@link Signal} and sleeps on its futex until woken or the
 * deadline passes. A blocked thread uses no CPU.
 * <p>
 * Timeouts: never returns {@link #TIMED_OUT} before the deadline; the kernel sleep ends at the deadline, so
 * lateness is scheduling delay only. Interrupts: a native futex sleep cannot be broken by
 * {@link Thread#interrupt()}, so sleeps are cut into slices of at most {@link #sliceNanos()} (50 ms by default)
 * and the interrupt flag is checked between them: an interrupt is honoured within one slice.
 */
public final class FutexWaitStrategy implements WaitStrategy
{
    static final FutexWaitStrategy DEFAULT = new FutexWaitStrategy(100, 10, TimeUnit.MILLISECONDS.toNanos(50));

    /** Marks a state in which the thread is registered with the signal; the low 32 bits are the key. */
    private static final long REGISTERED = 1L << 40;

    private final int spins;
    private final int yields;
    private final long sliceNanos;

    /**
     * A strategy that spins {@code spins} times, yields {@code yields} times, then sleeps in slices.
     *
     * @param spins      spins with {@link Thread#onSpinWait()} before yielding, at least 0.
     * @param yields     {@link Thread#yield()} calls before sleeping, at least 0.
     * @param sliceNanos the longest single sleep (bounds how late an interrupt is seen), positive.
     */
    public FutexWaitStrategy(final int spins, final int yields, final long sliceNanos)
    {
        if (spins < 0 || yields < 0 || sliceNanos <= 0)
        {
            throw new IllegalArgumentException(
                "spins=" + spins + ", yields=" + yields + ", sliceNanos=" + sliceNanos + ": need >= 0, >= 0, > 0");
        }
        this.spins = spins;
        this.yields = yields;
        this.sliceNanos = sliceNanos;
    }

    /**
     * The longest single futex sleep, and so the bound on how late an interrupt is noticed.
     *
     * @return the slice in nanoseconds.
     */
    public long sliceNanos()
    {
        return sliceNanos;
    }

    @Override
    public long idle(final Signal signal, final long state, final long deadlineNanos) throws InterruptedException
    {
        final boolean registered = (state & REGISTERED) != 0;
        if (Thread.interrupted())
        {
            // a registration is left for done(signal, state), which the caller's finally runs with this same state:
            // cancelling here too would remove it twice and leave the waiter count one short (lost wake-ups)
            throw new InterruptedException();
        }
        final long remaining = deadlineNanos == NO_DEADLINE ? Long.MAX_VALUE : deadlineNanos - System.nanoTime();
        if (remaining <= 0)
        {
            if (registered)
            {
                signal.cancelWait();
            }
            return TIMED_OUT;
        }
        if (!registered)
        {
            if (state < spins)
            {
                Thread.onSpinWait();
                return state + 1;
            }
            if (state < spins + yields)
            {
                Thread.yield();
                return state + 1;
            }
            // register, then let the caller re-check before the first sleep
            return REGISTERED | (signal.prepareWait() & 0xFFFF_FFFFL);
        }
        signal.await((int)state, Math.min(remaining, sliceNanos));
        return REGISTERED | (signal.rearm() & 0xFFFF_FFFFL);
    }

    @Override
    public void done(final Signal signal, final long state)
    {
        if (state != TIMED_OUT && (state & REGISTERED) != 0)
        {
            signal.cancelWait();
        }
    }

    @Override
    public String toString()
    {
        return "FutexWaitStrategy{spins=" + spins + ", yields=" + yields + ", sliceNanos=" + sliceNanos + '}';
    }
}
