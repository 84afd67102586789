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
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * jcstress tests of the {@link Signal} event count's no-lost-wake-up property.
 * <p>
 * The futex sleep is modelled, not called: a waiter that read its condition as unset would sleep while the
 * sequence equals the key it got from {@link Signal#prepareWait()}. The kernel checks that equality atomically
 * with going to sleep, and a later bump comes with a wake, so the waiter sleeps forever exactly when the
 * sequence still equals its key once both sides are done, which the arbiter reads.
 */
public final class SignalStress
{
    /** Where the condition flag lives: its own cache lines, after the signal. */
    static final long FLAG_OFFSET = SignalDescriptor.LENGTH;
    /** The waiter's per-process registration count, as a process-table entry would hold it. */
    static final long OWNER_COUNT_OFFSET = FLAG_OFFSET + 128;
    static final long SEGMENT_LENGTH = OWNER_COUNT_OFFSET + 128;

    private static final VarHandle INT = JAVA_INT.varHandle();

    private SignalStress()
    {
    }

    static MemorySegment segment()
    {
        // ofAuto: usable from every actor thread, freed when the test state is collected
        return Arena.ofAuto().allocate(SEGMENT_LENGTH, 128);
    }

    @JCStressTest
    @Description("The real Signal. Waiter: prepareWait (register, remote barrier where membarrier works, read the "
        + "sequence as its key), then read the flag. Waker: set the flag (release), then signalAll (no fence where "
        + "membarrier works; read the waiter count, bump and wake if non-zero). r1 = the flag the waiter saw, r2 = "
        + "the sequence minus the waiter's key once both are done.")
    @Outcome(id = {"1, 0"}, expect = ACCEPTABLE,
        desc = "The waiter saw the flag: it does not sleep (the waker may or may not have seen it).")
    @Outcome(id = {"1, 1"}, expect = ACCEPTABLE,
        desc = "The waiter saw the flag and the waker saw the waiter: one needless wake, no sleep.")
    @Outcome(id = {"0, 1"}, expect = ACCEPTABLE_INTERESTING,
        desc = "The waiter missed the flag, but the waker saw it registered and moved the sequence past its key: "
            + "its futex wait returns at once or is woken.")
    @Outcome(id = {"0, 0"}, expect = ACCEPTABLE_INTERESTING,
        desc = "Lost wake-up: not expected on x86-64 or AArch64 while membarrier works and the JIT keeps the "
            + "waker's program order, but allowed by the Java memory model for a fence-free waker: the waiter's sleep "
            + "is bounded (Signal.LOST_WAKE_BOUND_NANOS), so it costs a delay, not a hang. Without membarrier "
            + "signalAll is fenced and this must not appear (see FencedNoLostWakeUp).")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class NoLostWakeUp
    {
        private final MemorySegment segment = segment();
        private final Signal waiterSide = new Signal(segment, 0, OWNER_COUNT_OFFSET, true);
        private final Signal wakerSide = new Signal(segment, 0, -1, true);
        private int key;

        @Actor
        public void waiter(final II_Result r)
        {
            key = waiterSide.prepareWait();
            // acquire: the re-check a real waiter makes of its condition
            r.r1 = (int)INT.getAcquire(segment, FLAG_OFFSET);
        }

        @Actor
        public void waker()
        {
            // release: publishing the condition, as every primitive does before signalling
            INT.setRelease(segment, FLAG_OFFSET, 1);
            wakerSide.signalAll();
        }

        @Arbiter
        public void arbiter(final II_Result r)
        {
            r.r2 = wakerSide.sequence() - key;
        }
    }

    @JCStressTest
    @Description("The fallback without membarrier. Waiter: prepareWait (register, read the sequence as its key), "
        + "then read the flag. Waker: set the flag (release), then signalAll of a signal that is not fence-free "
        + "(full fence, read the waiter count, bump and wake if non-zero). r1 = the flag the waiter saw, r2 = the "
        + "sequence minus the waiter's key once both are done.")
    @Outcome(id = {"1, 0"}, expect = ACCEPTABLE,
        desc = "The waiter saw the flag: it does not sleep (the waker may or may not have seen it).")
    @Outcome(id = {"1, 1"}, expect = ACCEPTABLE,
        desc = "The waiter saw the flag and the waker saw the waiter: one needless wake, no sleep.")
    @Outcome(id = {"0, 1"}, expect = ACCEPTABLE_INTERESTING,
        desc = "The waiter missed the flag, but the waker saw it registered and moved the sequence past its key: "
            + "its futex wait returns at once or is woken.")
    @Outcome(id = {"0, 0"}, expect = FORBIDDEN,
        desc = "Lost wake-up: the waiter missed the flag and the sequence still equals its key: it sleeps forever.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class FencedNoLostWakeUp
    {
        private final MemorySegment segment = segment();
        private final Signal waiterSide = new Signal(segment, 0, OWNER_COUNT_OFFSET);
        private final Signal wakerSide = new Signal(segment, 0, -1);
        private int key;

        @Actor
        public void waiter(final II_Result r)
        {
            key = waiterSide.prepareWait();
            // acquire: the re-check a real waiter makes of its condition
            r.r1 = (int)INT.getAcquire(segment, FLAG_OFFSET);
        }

        @Actor
        public void waker()
        {
            // release: publishing the condition, as every primitive does before signalling
            INT.setRelease(segment, FLAG_OFFSET, 1);
            wakerSide.signalAll();
        }

        @Arbiter
        public void arbiter(final II_Result r)
        {
            r.r2 = wakerSide.sequence() - key;
        }
    }

    @JCStressTest
    @Description("Control for FencedNoLostWakeUp, showing that the test can see a lost wake-up: the protocol with "
        + "neither the waker's full fence nor the waiter's remote barrier (the waker reads the waiter count right "
        + "after its release store, which the CPU may satisfy before the store is visible). The fenced Signal must "
        + "never show what this one may.")
    @Outcome(id = {"1, 0", "1, 1"}, expect = ACCEPTABLE, desc = "The waiter saw the flag.")
    @Outcome(id = {"0, 1"}, expect = ACCEPTABLE, desc = "The waker saw the waiter and moved the sequence.")
    @Outcome(id = {"0, 0"}, expect = ACCEPTABLE_INTERESTING,
        desc = "Lost wake-up, possible only because the fence was removed: store-load reordering on the waker side.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class WithoutFenceControl
    {
        private final MemorySegment segment = segment();
        private final Signal waiterSide = new Signal(segment, 0, OWNER_COUNT_OFFSET);
        private int key;

        @Actor
        public void waiter(final II_Result r)
        {
            // atomic add: the registration alone, without prepareWait's remote barrier
            INT.getAndAdd(segment, SignalDescriptor.WAITERS_OFFSET, 1);
            // volatile: the key
            key = waiterSide.sequence();
            // acquire: as in NoLostWakeUp
            r.r1 = (int)INT.getAcquire(segment, FLAG_OFFSET);
        }

        @Actor
        public void waker()
        {
            // release: as in NoLostWakeUp
            INT.setRelease(segment, FLAG_OFFSET, 1);
            // opaque, no fence: the broken part
            if ((int)INT.getOpaque(segment, SignalDescriptor.WAITERS_OFFSET) > 0)
            {
                // volatile add: the bump alone, no futex call needed for the model
                INT.getAndAdd(segment, SignalDescriptor.SEQUENCE_OFFSET, 1);
            }
        }

        @Arbiter
        public void arbiter(final II_Result r)
        {
            r.r2 = waiterSide.sequence() - key;
        }
    }

    @JCStressTest
    @Description("One wake per sleep, fallback without membarrier: a bounded signal (a queue's) whose waker takes "
        + "the full fence. Waiter: prepareWait (read the key, arm \"wake wanted\", register), then read the flag. "
        + "Waker: set the flag, then signalAll (fence, waiter count, take \"wake wanted\", bump). r1 = the flag the "
        + "waiter saw, r2 = the sequence minus the waiter's key.")
    @Outcome(id = {"1, 0", "1, 1"}, expect = ACCEPTABLE, desc = "The waiter saw the flag: it does not sleep.")
    @Outcome(id = {"0, 1"}, expect = ACCEPTABLE_INTERESTING,
        desc = "The waiter missed the flag; the waker took the arm and moved the sequence past its key.")
    @Outcome(id = {"0, 0"}, expect = FORBIDDEN, desc = "Lost wake-up: the waiter would sleep (up to the bound).")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class OneWakePerSleepNoLostWakeUp
    {
        private final MemorySegment segment = segment();
        private final Signal waiterSide = new Signal(segment, 0, OWNER_COUNT_OFFSET, true, false);
        private final Signal wakerSide = new Signal(segment, 0, -1, true, false);
        private int key;

        @Actor
        public void waiter(final II_Result r)
        {
            key = waiterSide.prepareWait();
            // acquire: the re-check a real waiter makes of its condition
            r.r1 = (int)INT.getAcquire(segment, FLAG_OFFSET);
        }

        @Actor
        public void waker()
        {
            // release: publishing the condition
            INT.setRelease(segment, FLAG_OFFSET, 1);
            wakerSide.signalAll();
        }

        @Arbiter
        public void arbiter(final II_Result r)
        {
            r.r2 = wakerSide.sequence() - key;
        }
    }

    @JCStressTest
    @Description("One wake per sleep, a sleeper that sleeps again after a wake (fallback without membarrier): the "
        + "waiter registered and a first waker took its \"wake wanted\" and woke it before the actors start. "
        + "Waiter: rearm (read the key, arm again since it was taken), then read the flag. Waker: set the flag, "
        + "then signalAll. r1 = the flag the waiter saw, r2 = the sequence minus the waiter's key.")
    @Outcome(id = {"1, 0", "1, 1"}, expect = ACCEPTABLE, desc = "The waiter saw the flag: it does not sleep.")
    @Outcome(id = {"0, 1"}, expect = ACCEPTABLE_INTERESTING,
        desc = "The waiter missed the flag; the waker took the new arm and moved the sequence past its key.")
    @Outcome(id = {"0, 0"}, expect = FORBIDDEN,
        desc = "Lost wake-up: the second sleep would not be woken (the first wake took the only arm).")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class RearmNoLostWakeUp
    {
        private final MemorySegment segment = segment();
        private final Signal waiterSide = new Signal(segment, 0, OWNER_COUNT_OFFSET, true, false);
        private final Signal wakerSide = new Signal(segment, 0, -1, true, false);
        private int key;

        public RearmNoLostWakeUp()
        {
            waiterSide.prepareWait();
            wakerSide.signalAll();
        }

        @Actor
        public void waiter(final II_Result r)
        {
            key = waiterSide.rearm();
            // acquire: the re-check
            r.r1 = (int)INT.getAcquire(segment, FLAG_OFFSET);
        }

        @Actor
        public void waker()
        {
            // release: publishing the condition
            INT.setRelease(segment, FLAG_OFFSET, 1);
            wakerSide.signalAll();
        }

        @Arbiter
        public void arbiter(final II_Result r)
        {
            r.r2 = wakerSide.sequence() - key;
        }
    }

    @JCStressTest
    @Description("Control for RearmNoLostWakeUp, showing that it can see the lost wake-up it forbids: the waiter "
        + "takes a new key without arming again (Signal.sequence(), what the strategy did before one wake per "
        + "sleep), so the waker finds the arm taken and does not wake.")
    @Outcome(id = {"1, 0", "1, 1"}, expect = ACCEPTABLE, desc = "The waiter saw the flag.")
    @Outcome(id = {"0, 0"}, expect = ACCEPTABLE_INTERESTING,
        desc = "Lost wake-up, because the waiter did not arm again: what rearm() prevents.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class WithoutRearmControl
    {
        private final MemorySegment segment = segment();
        private final Signal waiterSide = new Signal(segment, 0, OWNER_COUNT_OFFSET, true, false);
        private final Signal wakerSide = new Signal(segment, 0, -1, true, false);
        private int key;

        public WithoutRearmControl()
        {
            waiterSide.prepareWait();
            wakerSide.signalAll();
        }

        @Actor
        public void waiter(final II_Result r)
        {
            key = waiterSide.sequence();
            // acquire: the re-check
            r.r1 = (int)INT.getAcquire(segment, FLAG_OFFSET);
        }

        @Actor
        public void waker()
        {
            // release: publishing the condition
            INT.setRelease(segment, FLAG_OFFSET, 1);
            wakerSide.signalAll();
        }

        @Arbiter
        public void arbiter(final II_Result r)
        {
            r.r2 = wakerSide.sequence() - key;
        }
    }
}
