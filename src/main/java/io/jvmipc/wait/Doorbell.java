package io.jvmipc.wait;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * The waking side of one {@link Signal} that has a single waker thread and a single sleeper thread at a time (a
 * pipe ring's producer waking its consumer, or the reverse), with at most one futex wake per sleep, plus the
 * sleeper's half of the handshake ({@link #bump}).
 * <p>
 * <b>The handshake</b> is Dekker's: the waker publishes (a release store of the ring's tail), then reads the
 * waiter count and the sequence; the sleeper registers (adds to the waiter count), bumps the sequence
 * ({@link #bump}), then re-checks the tail. A lost wake-up is the outcome "the waker saw no new registration and
 * the sleeper saw no tail". Both sides need a store-load barrier between their store and their load. The
 * sleeper's is its registration and bump (atomic adds, full fences).
 * <p>
 * <b>The waker's is paid by the sleeper</b> on a signal made by {@link Signal#ofFenceFreeWakers} (as a pipe's
 * are; the signal's class comment has the whole argument): {@link #bump} ends with
 * {@code membarrier(MEMBARRIER_CMD_GLOBAL_EXPEDITED)} ({@link RemoteBarrier}),
 * after the sequence moved and before the re-check, so that a waker that read the old sequence (and skipped the
 * wake) had already executed its tail store, which the barrier makes visible to the re-check; a waker whose read
 * follows the barrier sees the new sequence and wakes. (The barrier must follow the bump, not only the
 * registration: a waker that sees the registration but its own last sequence skips the wake too.) Where
 * membarrier is not available (or the signal is not fence-free), {@link #ring()} takes a
 * {@link VarHandle#fullFence()} instead.
 * <p>
 * <b>The caveat</b> (from the review of the first fence-free version): this holds on x86-64 and AArch64 as long as
 * the waker's instructions keep program order (store, then load), which the Java memory model does not promise: a
 * release store orders only what comes <em>before</em> it, so a JIT may legally move the later load above it.
 * Only a full fence forbids that in the specification. Instead of paying it per message, the library bounds what
 * such a lost wake-up costs: no futex sleep on a signal lasts longer than {@link Signal#LOST_WAKE_BOUND_NANOS},
 * after which the sleeper re-checks the ring. The jcstress test {@code DoorbellStress} checks the handshake with
 * the fence (forbidden to lose a wake-up) and without it (allowed by the model, bounded by the sleep).
 * <p>
 * <b>One wake per registration.</b> While a woken sleeper has not yet run and deregistered, the count stays
 * non-zero; waking it again for every message would cost a system call each. So the waker remembers the
 * sequence its last wake produced and skips the wake while the sequence still holds it. This is safe because
 * every registration bumps the sequence ({@link #bump}) before the sleeper re-checks, and a sleeper that was
 * woken (its sequence changed) and must keep waiting (e.g. a producer that needs more space than was freed)
 * bumps again before its next re-check: so a sleeper that still needs a wake always makes the sequence differ
 * from the waker's last.
 */
public final class Doorbell
{
    private static final VarHandle INT = JAVA_INT.varHandle();

    private final MemorySegment segment;
    private final Signal signal;
    private final long sequenceOffset;
    private int lastRung;

    /**
     * The doorbell of the signal at {@code signalOffset}, for its one waker thread.
     *
     * @param segment      the mapping.
     * @param signal       the signal (its waiter count and wake).
     * @param signalOffset where the signal's block ({@link SignalDescriptor}) starts.
     */
    public Doorbell(final MemorySegment segment, final Signal signal, final long signalOffset)
    {
        this.segment = segment;
        this.signal = signal;
        this.sequenceOffset = signalOffset + SignalDescriptor.SEQUENCE_OFFSET;
        // volatile: start from the current sequence, which no wake of ours produced... unless it equals it by
        // chance, which is harmless: every registration bumps the sequence before it re-checks
        this.lastRung = (int)INT.getVolatile(segment, sequenceOffset) - 1;
    }

    /** Wakes the sleeper if one is registered and not already woken by this doorbell. Call after publishing. */
    public void ring()
    {
        if (!signal.fenceFreeWakers())
        {
            ringFenced();
            return;
        }
        // no fence: sleepers issue the remote barrier (see the class comment)
        ringUnfenced();
    }

    /** {@link #ring()} with the waker's own store-load fence: the fallback without membarrier. */
    private void ringFenced()
    {
        // full fence: orders the caller's publish before the read of the waiter count (see the class comment)
        VarHandle.fullFence();
        ringUnfenced();
    }

    private void ringUnfenced()
    {
        if (signal.waiters() > 0)
        {
            // volatile: a registration bumps the sequence before its re-check
            final int sequence = (int)INT.getVolatile(segment, sequenceOffset);
            if (sequence != lastRung)
            {
                signal.wakeAll();
                lastRung = sequence + 1;
            }
        }
    }

    /**
     * Bumps the sequence of the signal at {@code signalOffset} without waking anyone: a sleeper does it after
     * registering, and again after each wake-up after which it keeps waiting, so that the waker knows it needs a
     * new wake; then issues the remote barrier that stands in for the waker's fence (see the class comment).
     * Then the sleeper re-checks its condition.
     *
     * @param segment      the mapping.
     * @param signalOffset the signal's block.
     * @return the sequence after the bump.
     */
    public static int bump(final MemorySegment segment, final long signalOffset)
    {
        // atomic add (a full fence): the bump is visible to the waker before the re-check that follows
        final int sequence = (int)INT.getAndAdd(segment, signalOffset + SignalDescriptor.SEQUENCE_OFFSET, 1) + 1;
        // remote barrier (where available): a waker that read the old sequence has its publish visible to our re-check
        RemoteBarrier.tryIssue();
        return sequence;
    }
}
