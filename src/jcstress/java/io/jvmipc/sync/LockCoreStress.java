package io.jvmipc.sync;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;
import org.openjdk.jcstress.infra.results.II_Result;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * jcstress tests of {@link LockCore}'s lock word ({@link LockWord}: acquire, release, owner-died recovery), each on
 * a word of its own in native memory, as a lock's body holds it. Entries: {@link #A} and {@link #B} are live
 * acquirers, {@link #DEAD} a holder whose process died. Acquire results: 1 taken, 2 taken with the owner-died
 * mark, 0 not taken.
 */
public final class LockCoreStress
{
    static final int A = 0;
    static final int B = 1;
    static final int DEAD = 5;
    /** Where the guarded data lives: its own cache lines, after the word. */
    static final long DATA_OFFSET = 128;
    static final long SEGMENT_LENGTH = 256;

    private LockCoreStress()
    {
    }

    static MemorySegment segment()
    {
        // ofAuto: usable from every actor thread, freed when the test state is collected
        return Arena.ofAuto().allocate(SEGMENT_LENGTH, 128);
    }

    static int acquire(final MemorySegment segment, final int entry)
    {
        return Math.max(0, LockWord.tryAcquire(segment, 0, LockDescriptor.ownerTag(entry)));
    }

    static int owner(final MemorySegment segment)
    {
        return LockDescriptor.owner(segment.get(JAVA_LONG, 0));
    }

    @JCStressTest
    @Description("Two entries try to take a free lock at once. r1, r2 = what each got.")
    @Outcome(id = {"1, 0", "0, 1"}, expect = ACCEPTABLE, desc = "Exactly one took it.")
    @Outcome(id = "1, 1", expect = FORBIDDEN, desc = "Both hold the lock.")
    @Outcome(id = "0, 0", expect = FORBIDDEN, desc = "Neither took a free lock (a lost CAS is retried).")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class MutualExclusion
    {
        private final MemorySegment segment = segment();

        @Actor
        public void a(final II_Result r)
        {
            r.r1 = acquire(segment, A);
        }

        @Actor
        public void b(final II_Result r)
        {
            r.r2 = acquire(segment, B);
        }
    }

    @JCStressTest
    @Description("A holds the lock, writes the guarded data (plain) and unlocks; B tries to take it and, if it did, "
        + "reads the data (plain). r1 = B's result, r2 = the data B read (-1 if it did not take the lock).")
    @Outcome(id = "1, 42", expect = ACCEPTABLE, desc = "B took the lock after A's release and sees A's write.")
    @Outcome(id = "0, -1", expect = ACCEPTABLE, desc = "B tried while A held it.")
    @Outcome(id = "1, 0", expect = FORBIDDEN, desc = "B holds the lock but misses what A wrote under it.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class ReleasePublishes
    {
        private final MemorySegment segment = segment();

        public ReleasePublishes()
        {
            LockWord.tryAcquire(segment, 0, LockDescriptor.ownerTag(A));
        }

        @Actor
        public void holder()
        {
            segment.set(JAVA_LONG, DATA_OFFSET, 42L);
            LockWord.release(segment, 0, A);
        }

        @Actor
        public void acquirer(final II_Result r)
        {
            r.r1 = acquire(segment, B);
            r.r2 = r.r1 > 0 ? (int)segment.get(JAVA_LONG, DATA_OFFSET) : -1;
        }
    }

    @JCStressTest
    @Description("DEAD holds the lock. A recovers DEAD; B tries to take the lock and then, as the next survivor "
        + "whose recovery of DEAD might be a re-run, recovers DEAD too. r1 = B's result, r2 = the owner at the end "
        + "(-1 free), r3 = 1 if the owner-died mark is set at the end.")
    @Outcome(id = "2, 1, 1", expect = ACCEPTABLE,
        desc = "B took the dead holder's lock after A's recovery and was told; the re-run left B's lock alone.")
    @Outcome(id = "0, -1, 1", expect = ACCEPTABLE,
        desc = "B saw DEAD still holding it; the lock ends free and marked owner-died for the next acquirer.")
    @Outcome(id = "1, 1, 0", expect = FORBIDDEN, desc = "B took a dead holder's lock without being told.")
    @Outcome(id = "2, -1, 1", expect = FORBIDDEN, desc = "The re-run of the recovery freed B's lock.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else (the death is lost, or the lock is held by nobody alive).")
    @State
    public static class OwnerDiedHandover
    {
        private final MemorySegment segment = segment();

        public OwnerDiedHandover()
        {
            LockWord.tryAcquire(segment, 0, LockDescriptor.ownerTag(DEAD));
        }

        @Actor
        public void recoverer()
        {
            LockWord.recover(segment, 0, DEAD);
        }

        @Actor
        public void acquirer(final III_Result r)
        {
            r.r1 = acquire(segment, B);
            LockWord.recover(segment, 0, DEAD);
        }

        @Arbiter
        public void arbiter(final III_Result r)
        {
            r.r2 = owner(segment);
            r.r3 = (segment.get(JAVA_LONG, 0) & LockDescriptor.OWNER_DIED) != 0 ? 1 : 0;
        }
    }

    @JCStressTest
    @Description("B holds the lock after a death (owner-died mark set); it unlocks while A tries to take it. The mark "
        + "survives the unlock. r1 = A's result, r2 = the owner at the end.")
    @Outcome(id = "2, 0", expect = ACCEPTABLE, desc = "A took it after B's unlock and is told of the death too.")
    @Outcome(id = "0, -1", expect = ACCEPTABLE, desc = "A tried while B held it; it ends free.")
    @Outcome(id = "1, 0", expect = FORBIDDEN, desc = "The unlock dropped the owner-died mark.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class MarkSurvivesUnlock
    {
        private final MemorySegment segment = segment();

        public MarkSurvivesUnlock()
        {
            LockWord.tryAcquire(segment, 0, LockDescriptor.ownerTag(DEAD));
            LockWord.recover(segment, 0, DEAD);
            LockWord.tryAcquire(segment, 0, LockDescriptor.ownerTag(B));
        }

        @Actor
        public void holder()
        {
            LockWord.release(segment, 0, B);
        }

        @Actor
        public void acquirer(final II_Result r)
        {
            r.r1 = acquire(segment, A);
        }

        @Arbiter
        public void arbiter(final II_Result r)
        {
            r.r2 = owner(segment);
        }
    }
}
