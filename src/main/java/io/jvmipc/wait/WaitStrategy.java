package io.jvmipc.wait;

/**
 * How a thread waits for a condition on shared memory that it cannot yet meet: spin, yield, or sleep on a
 * futex. The data structure says whether it can proceed; the strategy says how to wait in between.
 * <p>
 * Callers drive it as a state machine, with no allocation:
 * <pre>{@code
 * long state = WaitStrategy.INITIAL;
 * try {
 *     while (!tryOperation()) {
 *         state = strategy.idle(signal, state, deadlineNanos);
 *         if (state == WaitStrategy.TIMED_OUT) { return false; }
 *     }
 * } finally {
 *     strategy.done(signal, state);
 * }
 * }</pre>
 * Every return of {@link #idle} means "try again now"; a strategy that sleeps registers with the signal first
 * and returns once without sleeping, so that the caller re-checks its condition after registering.
 */
public interface WaitStrategy
{
    /** The state to start a wait with. */
    long INITIAL = 0;
    /** Returned by {@link #idle} when the deadline has passed; the strategy has already cleaned up. */
    long TIMED_OUT = Long.MIN_VALUE;
    /** A deadline that never comes. */
    long NO_DEADLINE = Long.MAX_VALUE;

    /**
     * Waits a little, or registers to sleep, and returns the next state.
     *
     * @param signal        the signal that wakers of this condition use.
     * @param state         {@link #INITIAL} or the state returned by the previous call.
     * @param deadlineNanos the {@link System#nanoTime()} after which to give up, or {@link #NO_DEADLINE}.
     * @return the next state, or {@link #TIMED_OUT} once {@code System.nanoTime() >= deadlineNanos}.
     * @throws InterruptedException if the thread is interrupted; the caller's {@link #done} with the state it
     *                              passed in undoes any registration.
     */
    long idle(Signal signal, long state, long deadlineNanos) throws InterruptedException;

    /**
     * Ends a wait, however it ended (success, or {@link #idle} throwing): undoes any registration. Harmless for
     * {@link #INITIAL} and {@link #TIMED_OUT}. Call it exactly once per wait, with the last state.
     *
     * @param signal the signal passed to {@link #idle}.
     * @param state  the last state returned by {@link #idle}.
     */
    void done(Signal signal, long state);

    /**
     * Turns a caller's timeout into a deadline for {@link #idle}: zero or less means "try once, don't wait".
     *
     * @param timeout the timeout; zero or negative: no wait.
     * @param unit    its unit.
     * @return the deadline on the {@link System#nanoTime()} clock.
     * @throws NullPointerException if {@code unit} is null.
     */
    static long deadline(final long timeout, final java.util.concurrent.TimeUnit unit)
    {
        return deadline(timeoutNanos(timeout, unit));
    }

    /**
     * Converts a caller's timeout to nanoseconds: every public timed method takes its timeout through here, so
     * that the {@code java.util.concurrent} rule holds everywhere: a timeout of zero or less means "do not
     * wait" (one attempt), never an error.
     *
     * @param timeout the timeout; zero or negative: no wait.
     * @param unit    its unit.
     * @return the timeout in nanoseconds (saturated), zero for a negative one.
     * @throws NullPointerException if {@code unit} is null.
     */
    static long timeoutNanos(final long timeout, final java.util.concurrent.TimeUnit unit)
    {
        return Math.max(0, unit.toNanos(timeout));
    }

    /**
     * Turns a timeout into a deadline for {@link #idle}, saturating instead of overflowing.
     *
     * @param timeoutNanos the timeout; zero or negative means "now".
     * @return the deadline on the {@link System#nanoTime()} clock.
     */
    static long deadline(final long timeoutNanos)
    {
        final long now = System.nanoTime();
        final long deadline = now + Math.max(0, timeoutNanos);
        return deadline < now ? NO_DEADLINE : deadline;
    }

    /**
     * Spins briefly, yields, then sleeps on the futex: the default, using no CPU while blocked.
     *
     * @return a {@link FutexWaitStrategy} with default settings.
     */
    static WaitStrategy blocking()
    {
        return FutexWaitStrategy.DEFAULT;
    }

    /**
     * Spins on the CPU without ever sleeping: lowest latency, one core per waiting thread.
     *
     * @return a {@link BusySpinWaitStrategy}.
     */
    static WaitStrategy busySpin()
    {
        return BusySpinWaitStrategy.INSTANCE;
    }
}
