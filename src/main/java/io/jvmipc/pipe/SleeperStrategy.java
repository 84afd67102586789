package io.jvmipc.pipe;

import io.jvmipc.wait.Doorbell;
import io.jvmipc.wait.Signal;
import io.jvmipc.wait.WaitStrategy;

import java.lang.foreign.MemorySegment;

/**
 * A connection's {@link WaitStrategy} for one ring signal, plus the sleeper's half of the {@link Doorbell}
 * handshake: once the strategy has registered this thread with the signal (the waiter count is then non-zero:
 * only this end's one receiving, or sending, thread waits on it), and again whenever the sequence moved since
 * our last bump (we were woken and keep waiting), it bumps the sequence before the wait loop's next attempt.
 * A fresh wait ({@link WaitStrategy#INITIAL}) starts unarmed, so every registration is followed by a bump.
 * One per signal per connection; used by one thread at a time.
 */
final class SleeperStrategy implements WaitStrategy
{
    private static final long NOT_ARMED = Long.MIN_VALUE;

    private final WaitStrategy strategy;
    private final MemorySegment segment;
    private final long signalOffset;
    private long armed = NOT_ARMED;

    SleeperStrategy(final WaitStrategy strategy, final MemorySegment segment, final long signalOffset)
    {
        this.strategy = strategy;
        this.segment = segment;
        this.signalOffset = signalOffset;
    }

    @Override
    public long idle(final Signal signal, final long state, final long deadlineNanos) throws InterruptedException
    {
        if (state == INITIAL)
        {
            armed = NOT_ARMED;
        }
        final long next = strategy.idle(signal, state, deadlineNanos);
        if (next != TIMED_OUT && signal.waiters() > 0 && (armed == NOT_ARMED || signal.sequence() != (int)armed))
        {
            armed = Doorbell.bump(segment, signalOffset);
        }
        return next;
    }

    @Override
    public void done(final Signal signal, final long state)
    {
        strategy.done(signal, state);
    }

    @Override
    public String toString()
    {
        return strategy.toString();
    }
}
