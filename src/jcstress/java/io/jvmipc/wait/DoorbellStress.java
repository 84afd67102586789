package io.jvmipc.wait;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * jcstress tests of the pipe's wake-up handshake ({@link Doorbell}): the sender publishes a record with a release
 * store (of the record's check word in the real ring, modelled here by one word called the tail) and then reads
 * the waiter count; the sleeper registers and then re-checks that word. Lost wake-up: the sender sees no waiter
 * and the sleeper sees no record. As in {@link SignalStress}, the futex sleep is modelled: the sleeper would
 * sleep while the sequence equals its key after its bump.
 */
public final class DoorbellStress
{
    /** The ring's tail, on its own cache lines after the signal. */
    static final long TAIL_OFFSET = SignalDescriptor.LENGTH;
    static final long SEGMENT_LENGTH = TAIL_OFFSET + 128;

    private static final VarHandle INT = JAVA_INT.varHandle();
    private static final VarHandle LONG = JAVA_LONG.varHandle();

    private DoorbellStress()
    {
    }

    static MemorySegment segment()
    {
        // ofAuto: usable from every actor thread, freed when the test state is collected
        return Arena.ofAuto().allocate(SEGMENT_LENGTH, 128);
    }

    @JCStressTest
    @Description("The real Doorbell, fence-free where membarrier works. Sleeper: prepareWait (register, remote "
        + "barrier), Doorbell.bump (its key, remote barrier), re-check the tail. Sender: store the tail (release), "
        + "Doorbell.ring (read the waiter count, wake if the sequence is not its last). r1 = the tail the sleeper "
        + "saw, r2 = the sequence minus the sleeper's key at the end.")
    @Outcome(id = {"1, 0", "1, 1"}, expect = ACCEPTABLE, desc = "The sleeper saw the message: it does not sleep.")
    @Outcome(id = {"0, 1"}, expect = ACCEPTABLE_INTERESTING,
        desc = "The sleeper missed the message, but the sender saw it and moved the sequence: the futex wakes.")
    @Outcome(id = {"0, 0"}, expect = ACCEPTABLE_INTERESTING,
        desc = "Lost wake-up: not expected on x86-64 or AArch64 while membarrier works and the JIT keeps the "
            + "sender's program order, but allowed by the Java memory model for a fence-free sender; the sleep is "
            + "bounded (Signal.LOST_WAKE_BOUND_NANOS), so it costs a delay. Without membarrier the ring is fenced "
            + "and this must not appear (see FencedRing).")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class NoLostWakeUp
    {
        private final MemorySegment segment = segment();
        private final Signal sleeperSide = new Signal(segment, 0, -1, true);
        private final Doorbell bell = new Doorbell(segment, new Signal(segment, 0, -1, true), 0);
        private int key;

        @Actor
        public void sleeper(final II_Result r)
        {
            sleeperSide.prepareWait();
            key = Doorbell.bump(segment, 0);
            // acquire: the re-check a receiver makes of the ring
            r.r1 = (int)(long)LONG.getAcquire(segment, TAIL_OFFSET);
        }

        @Actor
        public void sender()
        {
            // release: publishes a record, as RingWriter.commit does
            LONG.setRelease(segment, TAIL_OFFSET, 1L);
            bell.ring();
        }

        @Arbiter
        public void arbiter(final II_Result r)
        {
            r.r2 = sleeperSide.sequence() - key;
        }
    }

    @JCStressTest
    @Description("The Doorbell's fallback where membarrier is not available (or the signal is not fence-free): the "
        + "sender's ring takes a full fence before reading the waiter count. As NoLostWakeUp, but the lost wake-up "
        + "is forbidden by the memory model.")
    @Outcome(id = {"1, 0", "1, 1"}, expect = ACCEPTABLE, desc = "The sleeper saw the message: it does not sleep.")
    @Outcome(id = {"0, 1"}, expect = ACCEPTABLE_INTERESTING,
        desc = "The sleeper missed the message, but the sender saw it and moved the sequence: the futex wakes.")
    @Outcome(id = {"0, 0"}, expect = FORBIDDEN,
        desc = "Lost wake-up: the sleeper missed the message and the sequence still equals its key.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class FencedRing
    {
        private final MemorySegment segment = segment();
        private final Doorbell bell = new Doorbell(segment, new Signal(segment, 0, -1), 0);
        private int key;

        @Actor
        public void sleeper(final II_Result r)
        {
            // atomic adds: registration and bump, full fences; no remote barrier in this fallback
            INT.getAndAdd(segment, SignalDescriptor.WAITERS_OFFSET, 1);
            key = (int)INT.getAndAdd(segment, SignalDescriptor.SEQUENCE_OFFSET, 1) + 1;
            // acquire: the re-check a receiver makes of the ring
            r.r1 = (int)(long)LONG.getAcquire(segment, TAIL_OFFSET);
        }

        @Actor
        public void sender()
        {
            // release: publishes a record, as RingWriter.commit does
            LONG.setRelease(segment, TAIL_OFFSET, 1L);
            bell.ring();
        }

        @Arbiter
        public void arbiter(final II_Result r)
        {
            // volatile: both actors are done
            r.r2 = (int)INT.getVolatile(segment, SignalDescriptor.SEQUENCE_OFFSET) - key;
        }
    }

    @JCStressTest
    @Description("Why the remote barrier follows the bump, not only the registration. Sleeper: register, remote "
        + "barrier, then bump (too late), re-check. Sender: store the tail, read the count and the sequence, with no "
        + "fence. The sender can see the registration and its own last sequence and skip the wake while the "
        + "sleeper misses the tail: store-load reordering between the sender's tail store and sequence read. The "
        + "real Doorbell.bump issues the barrier after the bump.")
    @Outcome(id = {"1, 0", "1, 1"}, expect = ACCEPTABLE, desc = "The sleeper saw the message.")
    @Outcome(id = {"0, 1"}, expect = ACCEPTABLE, desc = "The sender saw the new sequence: it wakes.")
    @Outcome(id = {"0, 0"}, expect = ACCEPTABLE_INTERESTING,
        desc = "Lost wake-up: the barrier came before the bump, so nothing orders the sender's store and load.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class BarrierBeforeBumpControl
    {
        private final MemorySegment segment = segment();
        private int key;

        @Actor
        public void sleeper(final II_Result r)
        {
            // atomic add: registration
            INT.getAndAdd(segment, SignalDescriptor.WAITERS_OFFSET, 1);
            RemoteBarrier.tryIssue();
            // atomic add: the bump, after the barrier (the mistake)
            key = (int)INT.getAndAdd(segment, SignalDescriptor.SEQUENCE_OFFSET, 1) + 1;
            // acquire: the re-check
            r.r1 = (int)(long)LONG.getAcquire(segment, TAIL_OFFSET);
        }

        @Actor
        public void sender()
        {
            // release: the publish, no fence
            LONG.setRelease(segment, TAIL_OFFSET, 1L);
            // volatile: the sequence a doorbell whose last wake produced 0 compares; the count is already 1
            if ((int)INT.getVolatile(segment, SignalDescriptor.SEQUENCE_OFFSET) != 0)
            {
                // volatile add: the bump of a wake, no futex call needed for the model
                INT.getAndAdd(segment, SignalDescriptor.SEQUENCE_OFFSET, 1);
            }
        }

        @Arbiter
        public void arbiter(final II_Result r)
        {
            // volatile: both actors are done
            r.r2 = (int)INT.getVolatile(segment, SignalDescriptor.SEQUENCE_OFFSET) - key;
        }
    }

    @JCStressTest
    @Description("The handshake alone, with the fence the doorbell takes. Sender: store the tail (release), full "
        + "fence, read the waiter count. Sleeper: add itself to the waiter count (atomic add, a full fence), re-check "
        + "the tail. r1 = the waiter count the sender saw, r2 = the tail the sleeper saw.")
    @Outcome(id = {"1, 1"}, expect = ACCEPTABLE, desc = "Both saw each other.")
    @Outcome(id = {"1, 0"}, expect = ACCEPTABLE, desc = "The sender saw the sleeper (it wakes it).")
    @Outcome(id = {"0, 1"}, expect = ACCEPTABLE, desc = "The sleeper saw the tail (it does not sleep).")
    @Outcome(id = {"0, 0"}, expect = FORBIDDEN, desc = "Lost wake-up: neither saw the other.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class WithTheFence
    {
        private final MemorySegment segment = segment();

        @Actor
        public void sleeper(final II_Result r)
        {
            // atomic add: registration, a full fence
            INT.getAndAdd(segment, SignalDescriptor.WAITERS_OFFSET, 1);
            // acquire: the re-check
            r.r2 = (int)(long)LONG.getAcquire(segment, TAIL_OFFSET);
        }

        @Actor
        public void sender(final II_Result r)
        {
            // release: the publish
            LONG.setRelease(segment, TAIL_OFFSET, 1L);
            // full fence: the store-load barrier the doorbell takes
            VarHandle.fullFence();
            // volatile: the waiter count
            r.r1 = (int)INT.getVolatile(segment, SignalDescriptor.WAITERS_OFFSET);
        }
    }

    @JCStressTest
    @Description("The fence-free handshake alone: the sender stores the tail (release) and reads the waiter count "
        + "with no fence; the sleeper registers, issues membarrier(MEMBARRIER_CMD_GLOBAL_EXPEDITED) if this process "
        + "can, and re-checks. The Java memory model allows the lost wake-up (a JIT may hoist the count's load above "
        + "the release store), so it is not forbidden here, and every sleep is bounded for it; on x86-64 and "
        + "AArch64 with today's JITs it is not expected while membarrier works. Without membarrier this is a plain "
        + "control showing store-load reordering.")
    @Outcome(id = {"1, 1", "1, 0", "0, 1"}, expect = ACCEPTABLE, desc = "One side saw the other.")
    @Outcome(id = {"0, 0"}, expect = ACCEPTABLE_INTERESTING,
        desc = "Lost wake-up: allowed by the Java memory model for this scheme; the reason every sleep is bounded.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class RemoteBarrierInsteadOfFence
    {
        private final MemorySegment segment = segment();

        @Actor
        public void sleeper(final II_Result r)
        {
            // atomic add: registration
            INT.getAndAdd(segment, SignalDescriptor.WAITERS_OFFSET, 1);
            RemoteBarrier.tryIssue();
            // acquire: the re-check
            r.r2 = (int)(long)LONG.getAcquire(segment, TAIL_OFFSET);
        }

        @Actor
        public void sender(final II_Result r)
        {
            // release: the publish, and no fence: what the scheme relied on
            LONG.setRelease(segment, TAIL_OFFSET, 1L);
            // volatile read: compiles to a plain load, which may be satisfied before the store is visible
            r.r1 = (int)INT.getVolatile(segment, SignalDescriptor.WAITERS_OFFSET);
        }
    }
}
