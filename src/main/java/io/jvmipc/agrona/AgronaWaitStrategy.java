package io.jvmipc.agrona;

import io.jvmipc.wait.Signal;
import io.jvmipc.wait.WaitStrategy;
import org.agrona.concurrent.IdleStrategy;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * Any Agrona {@link IdleStrategy} ({@code BusySpinIdleStrategy}, {@code YieldingIdleStrategy},
 * {@code BackoffIdleStrategy}, {@code SleepingIdleStrategy}...) as a jvmipc {@link WaitStrategy}, for the
 * builders' {@code waitStrategy(...)}. Needs no JVM flag (Agrona's idle strategies do not use its buffers).
 * <p>
 * Like {@link WaitStrategy#busySpin()}, it never registers with the signal: an Agrona strategy spins, yields or
 * parks for a bounded period and then polls again, so wakers never enter the kernel for it, and it wakes at its own
 * pace (a parking strategy reacts within its longest park period). Every {@link #idle} checks the interrupt flag
 * (an interrupt throws {@link InterruptedException}) and the deadline ({@link #TIMED_OUT} once it has passed)
 * before idling once; a parking strategy may overrun the deadline by at most one park period. The Agrona
 * strategy is {@linkplain IdleStrategy#reset() reset} at the start of each wait.
 * <p>
 * <b>Threads</b>: Agrona's strategies keep per-thread state (backoff counters) and are not thread-safe.
 * {@link #of(IdleStrategy)} wraps one instance, for a queue, pipe or primitive used by one thread at a time;
 * {@link #perThread(Supplier)} gives each waiting thread its own instance (made on the thread's first wait), for
 * objects shared by several threads.
 */
// shows Agrona types: the module requires it static, not transitive (an application using this adapter
// requires it itself)
@SuppressWarnings("exports")
public final class AgronaWaitStrategy implements WaitStrategy
{
    private final IdleStrategy single;
    private final ThreadLocal<IdleStrategy> perThread;
    private final String description;

    private AgronaWaitStrategy(final IdleStrategy single, final ThreadLocal<IdleStrategy> perThread,
        final String description)
    {
        this.single = single;
        this.perThread = perThread;
        this.description = description;
    }

    /**
     * Wraps one Agrona idle strategy, for waits by one thread at a time.
     *
     * @param idleStrategy the strategy; not thread-safe, so used by one waiting thread at a time.
     * @return the wait strategy.
     */
    public static AgronaWaitStrategy of(final IdleStrategy idleStrategy)
    {
        Objects.requireNonNull(idleStrategy, "idleStrategy");
        return new AgronaWaitStrategy(idleStrategy, null, "AgronaWaitStrategy[" + idleStrategy.alias() + "]");
    }

    /**
     * One Agrona idle strategy per waiting thread, each made by {@code factory} on that thread's first wait.
     *
     * @param factory makes a fresh strategy; must not return {@code null}.
     * @return the wait strategy, safe for any number of threads.
     */
    public static AgronaWaitStrategy perThread(final Supplier<? extends IdleStrategy> factory)
    {
        Objects.requireNonNull(factory, "factory");
        final ThreadLocal<IdleStrategy> local = ThreadLocal.withInitial(
            () -> Objects.requireNonNull(factory.get(), "the IdleStrategy factory returned null"));
        return new AgronaWaitStrategy(null, local, "AgronaWaitStrategy[per thread]");
    }

    @Override
    public long idle(final Signal signal, final long state, final long deadlineNanos) throws InterruptedException
    {
        final IdleStrategy strategy = single != null ? single : perThread.get();
        if (state == INITIAL)
        {
            strategy.reset();
        }
        if (Thread.interrupted())
        {
            throw new InterruptedException();
        }
        if (deadlineNanos != NO_DEADLINE && System.nanoTime() - deadlineNanos >= 0)
        {
            return TIMED_OUT;
        }
        strategy.idle();
        return state + 1;
    }

    @Override
    public void done(final Signal signal, final long state)
    {
    }

    @Override
    public String toString()
    {
        return description;
    }
}
