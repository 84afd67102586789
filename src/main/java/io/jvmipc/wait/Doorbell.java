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
 * waiter count; the sleeper registers (adds to the waiter count), then re-checks the tail. A lost wake-up is the
 * outcome "the waker saw no waiter and the sleeper saw no tail". Both sides need a store-load barrier between
 * their store and their load. The sleeper's is its registration (an atomic add, a full fence).
 * <p>
 * The waker's used to be left out: the sleeper called {@code membarrier(MEMBARRIER_CMD_GLOBAL_EXPEDITED)}
 * ({@link RemoteBarrier}) after registering, which makes every running thread execute a barrier, so the waker's
 * buffered store was flushed before the re-check. <b>Verdict</b> of the review of that scheme: correct on x86-64
 * and AArch64 given membarrier, as long as the waker's instructions keep program order (store, then load), but
 * not guaranteed by the Java memory model: a release store orders only what comes <em>before</em> it, so a JIT
 * may legally move the later load of the waiter count above the tail store, and then the remote barrier can fall
 * after the load and before the store, and the wake-up is lost. Release/acquire, opaque and the acquire, release,
 * load-load and store-store fences all allow that move; only a full fence (or a volatile store followed by a
 * volatile load, which compiles to the same) forbids it in the specification, and pinning the order otherwise
 * would rely on what today's C2 happens to do (its memory barriers are wide) rather than on what every JIT must
 * do.
 * <p>
 * <b>So {@link #ring()} takes the fence</b>: {@link VarHandle#fullFence()} between the caller's publish and the
 * read of the waiter count, as {@link Signal#signalAll()} does. That costs one {@code lock}-prefixed instruction
 * (x86-64) or {@code dmb ish} (AArch64) per ring, and makes the handshake hold under the Java memory model on every
 * JIT and CPU, with or without membarrier. The sleeper no longer needs a remote barrier (its registration is a
 * full fence); {@link RemoteBarrier} stays available for other asymmetric protocols. The jcstress test
 * {@code DoorbellStress} checks the handshake.
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
        // full fence: orders the caller's publish before the read of the waiter count (see the class comment)
        VarHandle.fullFence();
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
     * new wake. Then it re-checks its condition.
     *
     * @param segment      the mapping.
     * @param signalOffset the signal's block.
     * @return the sequence after the bump.
     */
    public static int bump(final MemorySegment segment, final long signalOffset)
    {
        // atomic add (a full fence): the bump is visible to the waker before the re-check that follows
        return (int)INT.getAndAdd(segment, signalOffset + SignalDescriptor.SEQUENCE_OFFSET, 1) + 1;
    }
}
