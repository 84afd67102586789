package io.jvmipc.pipe;

import io.jvmipc.wait.Signal;
import io.jvmipc.wait.SignalDescriptor;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * The waking side of one ring signal, for a single waker thread (the ring's producer for the data signal, its
 * consumer for the space signal), plus the sleeper's half of the handshake ({@link #bump}, {@link #barrier()}).
 * <p>
 * <b>No fence per message.</b> After a publish the waker reads the waiter count with a plain (volatile, no
 * fence) load. A sleeper, after registering and before re-checking the ring, calls {@link #bump} and
 * {@link #barrier()}, which issues {@link RemoteBarrier#issue()}: the waker's thread executes a barrier, so either the waker's later read
 * sees the registration, or its earlier publish is visible to the re-check. This relies on the waker's publish
 * and its count read staying in program order in compiled code (both touch the same raw mapping, one alias
 * class for the JIT; the CPU may only delay the store, which the barrier repairs). If either process cannot
 * issue remote barriers (the sleeper end's {@link PipeDescriptor#FLAG_BARRIER}, or here), the waker issues a
 * full fence first instead, as {@link Signal#signalAll()} does.
 * <p>
 * <b>One wake per registration.</b> While a woken sleeper has not yet run and deregistered, the count stays
 * non-zero; waking it again for every message would cost a system call each. So the waker remembers the
 * sequence its last wake produced and skips the wake while the sequence still holds it. This is safe because
 * every registration bumps the sequence ({@link #bump}) before the sleeper re-checks, and a sleeper that was
 * woken (its sequence changed) and must keep waiting (e.g. a producer that needs more space than was freed)
 * bumps again before its next re-check: so a sleeper that still needs a wake always makes the sequence differ
 * from the waker's last.
 */
final class Doorbell
{
    private static final VarHandle INT = JAVA_INT.varHandle();

    private final MemorySegment segment;
    private final Signal signal;
    private final long sequenceOffset;
    private final long sleeperFlagsOffset;
    private int lastRung;

    Doorbell(final MemorySegment segment, final Signal signal, final long signalOffset, final long sleeperFlagsOffset)
    {
        this.segment = segment;
        this.signal = signal;
        this.sequenceOffset = signalOffset + SignalDescriptor.SEQUENCE_OFFSET;
        this.sleeperFlagsOffset = sleeperFlagsOffset;
        // volatile: start from the current sequence, which no wake of ours produced... unless it equals it by
        // chance, which is harmless: every registration bumps the sequence before it re-checks
        this.lastRung = (int)INT.getVolatile(segment, sequenceOffset) - 1;
    }

    /** Wakes the sleeper if one is registered and not already woken by this doorbell. Call after publishing. */
    void ring()
    {
        // plain read: the sleeper's end sets its flags before it can register on this signal
        if (!RemoteBarrier.AVAILABLE ||
            (segment.get(JAVA_INT, sleeperFlagsOffset) & PipeDescriptor.FLAG_BARRIER) == 0)
        {
            // full fence: orders our publish before the reads below when the sleeper cannot force it
            VarHandle.fullFence();
        }
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
     * registering, and again after each wake-up after which it keeps waiting, so that wakers know it needs a new
     * wake. Follow with {@link #barrier()} before re-checking the condition.
     *
     * @param segment      the mapping.
     * @param signalOffset the signal's block.
     * @return the sequence after the bump.
     */
    static int bump(final MemorySegment segment, final long signalOffset)
    {
        // full fence (atomic add): the bump is visible to wakers before the re-check that follows
        return (int)INT.getAndAdd(segment, signalOffset + SignalDescriptor.SEQUENCE_OFFSET, 1) + 1;
    }

    /** The sleeper's barrier between its bump and its re-check (see the class comment). */
    static void barrier()
    {
        if (RemoteBarrier.AVAILABLE)
        {
            RemoteBarrier.issue();
        }
    }
}
