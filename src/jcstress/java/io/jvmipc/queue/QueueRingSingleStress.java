package io.jvmipc.queue;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;
import org.openjdk.jcstress.infra.results.III_Result;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static io.jvmipc.queue.QueueRingStress.BLOCKED;
import static io.jvmipc.queue.QueueRingStress.CONSUMER_1;
import static io.jvmipc.queue.QueueRingStress.CONSUMER_2;
import static io.jvmipc.queue.QueueRingStress.JUNK;
import static io.jvmipc.queue.QueueRingStress.MAX_MESSAGE;
import static io.jvmipc.queue.QueueRingStress.NOTHING;
import static io.jvmipc.queue.QueueRingStress.PRODUCER_1;
import static io.jvmipc.queue.QueueRingStress.PRODUCER_2;
import static io.jvmipc.queue.QueueRingStress.SLOT_LENGTH;
import static io.jvmipc.queue.QueueRingStress.TOO_LONG;
import static io.jvmipc.queue.QueueRingStress.TORN;
import static io.jvmipc.queue.QueueRingStress.claimCode;
import static io.jvmipc.queue.QueueRingStress.consumeCollapsed;
import static io.jvmipc.queue.QueueRingStress.drain;
import static io.jvmipc.queue.QueueRingStress.lengthOf;
import static io.jvmipc.queue.QueueRingStress.produce;
import static io.jvmipc.queue.QueueRingStress.read;
import static io.jvmipc.queue.QueueRingStress.write;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * jcstress tests of the single-producer and single-consumer modes of {@link QueueRing}: a single producer claims
 * without a CAS (its slot stays FREE while it writes, one release store publishes READY, the tail hint is stored
 * after that), a single consumer takes without a CAS (the slot stays READY while it reads, {@link
 * QueueRing#release(long)} frees it and only then moves the head or pass hint the take deferred). Each test has a
 * ring of its own in native memory, created in the mode under test, with one view per actor, and uses the helpers
 * and result codes of {@link QueueRingStress} (collapsed form: 5 = blocked, 6 = junk a dead producer wrote,
 * 9 = torn). A "next role holder" is a new view of the same ring created in the arbiter, as the attachment that
 * takes a role after its holder died or detached: it finds the role word held by the old holder's entry, recovers
 * that entry (which frees the role word) and takes the role ({@link #handOver}), then works from the hints alone.
 * <p>
 * Two actors each, so that they run on a 2-CPU machine (jcstress runs a test only with a CPU per actor).
 */
public final class QueueRingSingleStress
{
    static final long SPSC = QueueDescriptor.SINGLE_PRODUCER | QueueDescriptor.SINGLE_CONSUMER;
    static final long SP = QueueDescriptor.SINGLE_PRODUCER;
    static final long SC = QueueDescriptor.SINGLE_CONSUMER;

    private QueueRingSingleStress()
    {
    }

    /** Views of one new ring created in {@code mode}, one per owner, over a fresh zeroed segment. */
    static QueueRing[] rings(final long mode, final int capacity, final int... owners)
    {
        // ofAuto: like a shared arena, usable from every actor thread, and freed when the test state is collected
        final MemorySegment segment = Arena.ofAuto().allocate(QueueDescriptor.bodyLength(capacity, SLOT_LENGTH), 128);
        QueueRing.initialize(segment, 0, capacity, SLOT_LENGTH);
        final QueueRing[] views = new QueueRing[owners.length];
        for (int i = 0; i < owners.length; i++)
        {
            views[i] = new QueueRing(segment, 0, capacity, SLOT_LENGTH, MAX_MESSAGE, owners[i], mode);
        }
        return views;
    }

    /** A new view of the ring {@code other} is a view of, in {@code mode}, stamped {@code owner}. */
    static QueueRing view(final QueueRing other, final int owner, final long mode)
    {
        return new QueueRing(other.segment(), 0, other.capacity(), SLOT_LENGTH, MAX_MESSAGE, owner, mode);
    }

    /** Takes a role for a view of a new ring (a test's setup): it must be free. */
    static QueueRing holding(final QueueRing ring, final boolean producer)
    {
        if (ring.acquireRole(producer) != -1)
        {
            throw new IllegalStateException("the role of a new ring is held");
        }
        return ring;
    }

    /**
     * The next holder {@code next} takes a role whose holder {@code dead} died (or detached): the role must be held
     * by {@code dead}, its recovery frees it, and {@code next} then takes it.
     *
     * @return how many words the recovery of {@code dead} freed (1 expected: the role word; a single producer's
     *         open claim is FREE and a single consumer's open take READY, neither of them stamped with the holder),
     *         or {@link QueueRingStress#TORN} if the role was not {@code dead}'s before or not {@code next}'s after.
     */
    static int handOver(final QueueRing next, final boolean producer, final int dead)
    {
        if (next.acquireRole(producer) != dead)
        {
            return TORN;
        }
        final int recovered = next.recover(dead);
        return next.acquireRole(producer) == -1 ? recovered : TORN;
    }

    /**
     * One take that is never released (its consumer dies after reading): the tag read, 0 when empty, 5 when
     * blocked, 8 when too long.
     */
    static int takeAndDie(final QueueRing ring)
    {
        final long position = ring.tryTake(MAX_MESSAGE);
        if (position == QueueRing.NONE)
        {
            return NOTHING;
        }
        if (QueueRing.isBlocked(position))
        {
            return BLOCKED;
        }
        if (QueueRing.isTooLong(position))
        {
            return TOO_LONG;
        }
        return read(ring, position);
    }

    /** Claims a position and writes junk there, bytes and length, without committing (a producer that dies). */
    static long claimJunkAndDie(final QueueRing ring)
    {
        final long claimed = ring.tryClaim();
        if (claimed >= 0)
        {
            write(ring, claimed, JUNK);
            ring.segment().set(JAVA_INT, ring.slotOffset(claimed) + QueueDescriptor.LENGTH_OFFSET, lengthOf(JUNK));
        }
        return claimed;
    }

    /**
     * SPSC, two messages through a ring of 2 while the consumer takes twice.
     */
    @JCStressTest
    @Description("Single producer and single consumer, capacity 2: the producer claims (no CAS), writes and commits "
        + "messages 1 and 2 while the consumer takes (no CAS), reads and releases twice. Every message is seen "
        + "exactly once, intact, in order. r1, r2 = the consumer's takes, r3 = what the arbiter drains after.")
    @Outcome(id = {"0, 0, 12", "0, 1, 2", "1, 0, 2", "1, 2, 0"}, expect = ACCEPTABLE,
        desc = "Each message once, intact, in order; the consumer took none, the first, or both.")
    @Outcome(expect = FORBIDDEN, desc = "A message lost, taken twice, torn (the READY word seen before the bytes), "
        + "taken before an older one, or a take blocked (no slot is ever WRITING or READING in this mode).")
    @State
    public static class SpscTwoMessages
    {
        private final QueueRing[] views = rings(SPSC, 2, PRODUCER_1, CONSUMER_1);

        public SpscTwoMessages()
        {
            holding(views[0], true);
            holding(views[1], false);
        }

        @Actor
        public void producer()
        {
            produce(views[0], 1);
            produce(views[0], 2);
        }

        @Actor
        public void consumer(final III_Result r)
        {
            r.r1 = consumeCollapsed(views[1]);
            r.r2 = consumeCollapsed(views[1]);
        }

        @Arbiter
        public void arbiter(final III_Result r)
        {
            r.r3 = drain(views[1]);
        }
    }

    /**
     * SPSC wrap-around on a ring of 1: the producer's next-lap claim never overwrites a message being read.
     */
    @JCStressTest
    @Description("Single producer and single consumer, capacity 1: the producer commits message 1, then claims again "
        + "and commits message 2 if it got the slot's next lap; the consumer takes, reads and releases twice. The "
        + "consumer's slot stays READY while it reads, so the producer's second claim finds it full until the "
        + "release, and never overwrites message 1 under the reader. r1 = the consumer's takes as digits, r2 = the "
        + "producer's two claims as digits (1 or 2 = committed, 0 = full), r3 = what the arbiter drains after.")
    @Outcome(id = {"0, 10, 1", "1, 10, 0", "1, 12, 2", "10, 10, 0", "10, 12, 2", "12, 12, 0"}, expect = ACCEPTABLE,
        desc = "Each message once, intact; the second claim found the ring full before the release of message 1, "
            + "or got position 1 after it.")
    @Outcome(expect = FORBIDDEN, desc = "Message 1 overwritten under its reader (torn, or 2 read for it), a message "
        + "lost or taken twice, a claim of position 1 before message 1 was released, or a claim blocked by an "
        + "owner (no slot is ever WRITING or READING in this mode).")
    @State
    public static class SpscWrapAroundCapacityOne
    {
        private final QueueRing[] views = rings(SPSC, 1, PRODUCER_1, CONSUMER_1);

        public SpscWrapAroundCapacityOne()
        {
            holding(views[0], true);
            holding(views[1], false);
        }

        @Actor
        public void producer(final III_Result r)
        {
            final int first = claimCode(produce(views[0], 1), 1);
            r.r2 = 10 * first + claimCode(produce(views[0], 2), 2);
        }

        @Actor
        public void consumer(final III_Result r)
        {
            final int first = consumeCollapsed(views[1]);
            r.r1 = 10 * first + consumeCollapsed(views[1]);
        }

        @Arbiter
        public void arbiter(final III_Result r)
        {
            r.r3 = drain(views[1]);
        }
    }

    /**
     * Single consumer, two CAS producers (2-thread form): passing a slot being written defers the pass hint.
     */
    @JCStressTest
    @Description("Single consumer, any number of producers, capacity 2, on two threads: thread 1 commits message 1 "
        + "(a CAS claim) while thread 2 commits message 2 and then takes twice as the single consumer (no CAS). "
        + "r1, r2 = thread 2's takes, r3 = what the arbiter drains after, r4 = the tag that got position 0.")
    @Outcome(id = {"1, 2, 0, 1", "2, 0, 1, 2", "2, 1, 0, 2"}, expect = ACCEPTABLE,
        desc = "Each message once, intact, in position order.")
    @Outcome(id = {"2, 1, 0, 1", "2, 5, 1, 1"}, expect = ACCEPTABLE,
        desc = "The consumer passed thread 1's position 0, still being written, and took thread 2's later message "
            + "first (the order is per producer); message 1 was taken after its commit.")
    @Outcome(id = {"2, 5, 1, 2"}, expect = ACCEPTABLE_INTERESTING,
        desc = "The consumer found thread 1's position still being written after its own (it would wait).")
    @Outcome(expect = FORBIDDEN, desc = "A message lost, duplicated, torn or out of order, a failed claim, or a "
        + "take that skipped position 0 for good (a hint moved past a slot being written).")
    @State
    public static class SingleConsumerTwoProducersOnTwoThreads
    {
        private final QueueRing[] views = rings(SC, 2, PRODUCER_1, PRODUCER_2, CONSUMER_1);
        private long position1;
        private long position2;

        public SingleConsumerTwoProducersOnTwoThreads()
        {
            holding(views[2], false);
        }

        @Actor
        public void producer()
        {
            position1 = produce(views[0], 1);
        }

        @Actor
        public void producerThenConsumer(final IIII_Result r)
        {
            position2 = produce(views[1], 2);
            r.r1 = consumeCollapsed(views[2]);
            r.r2 = consumeCollapsed(views[2]);
        }

        @Arbiter
        public void arbiter(final IIII_Result r)
        {
            r.r3 = drain(views[2]);
            r.r4 = position1 == 0 && position2 == 1 ? 1 : position2 == 0 && position1 == 1 ? 2 : TORN;
        }
    }

    /**
     * Single producer, two CAS consumers (2-thread form): the slot that stays FREE while written is never taken.
     */
    @JCStressTest
    @Description("Single producer, any number of consumers, capacity 2, on two threads: thread 1 commits messages 1 "
        + "and 2 as the single producer (no CAS), then takes once as consumer 2 (a CAS take); thread 2 takes twice "
        + "as consumer 1. r1 = thread 1's take, r2 = thread 2's takes as digits, r3 = what the arbiter drains after.")
    @Outcome(id = {"1, 0, 2", "2, 1, 0", "1, 2, 0", "2, 10, 0", "0, 12, 0", "1, 20, 0"}, expect = ACCEPTABLE,
        desc = "Each message taken once, intact, by one consumer; each consumer's takes in position order, and 2 "
            + "never taken while 1 was left behind.")
    @Outcome(expect = FORBIDDEN, desc = "A message lost, taken twice, torn (the READY word seen before the bytes), "
        + "taken before an older one left behind, or a take blocked (no slot is ever WRITING in this mode, and "
        + "a slot another consumer is reading is passed).")
    @State
    public static class SingleProducerTwoConsumersOnTwoThreads
    {
        private final QueueRing[] views = rings(SP, 2, PRODUCER_1, CONSUMER_1, CONSUMER_2);

        public SingleProducerTwoConsumersOnTwoThreads()
        {
            holding(views[0], true);
        }

        @Actor
        public void producerThenConsumer(final III_Result r)
        {
            produce(views[0], 1);
            produce(views[0], 2);
            r.r1 = consumeCollapsed(views[2]);
        }

        @Actor
        public void consumer(final III_Result r)
        {
            final int first = consumeCollapsed(views[1]);
            r.r2 = 10 * first + consumeCollapsed(views[1]);
        }

        @Arbiter
        public void arbiter(final III_Result r)
        {
            r.r3 = drain(views[1]);
        }
    }

    /**
     * Single consumer: messages it released are not delivered again to the next role holder, the others are.
     */
    @JCStressTest
    @Description("Single consumer, capacity 4: message 1 is ready; the consumer takes, reads and releases twice "
        + "(message 1, then message 2 or nothing) while a CAS producer commits message 2. The consumer then leaves "
        + "(detaches); the arbiter, as the next role holder, recovers it, takes the role and drains with a new view "
        + "that knows only the hints: it finds exactly the messages not yet released. r1 = the consumer's takes as "
        + "digits, r2 = words the hand-over recovered (1: the role word), r3 = what the next holder drains.")
    @Outcome(id = {"10, 1, 2", "12, 1, 0"}, expect = ACCEPTABLE,
        desc = "Each message delivered once, to one holder or the other.")
    @Outcome(id = {"15, 1, 2"}, expect = ACCEPTABLE_INTERESTING,
        desc = "The consumer found position 1 being written (it would wait); the next holder takes message 2.")
    @Outcome(expect = FORBIDDEN, desc = "A released message delivered again to the next holder, a message lost (a "
        + "hint moved past it), torn or out of order, or a role hand-over that failed (9).")
    @State
    public static class SingleConsumerReleasesThenNextHolder
    {
        private final QueueRing[] views = rings(SC, 4, PRODUCER_1, CONSUMER_1);

        public SingleConsumerReleasesThenNextHolder()
        {
            holding(views[1], false);
            produce(views[0], 1);
        }

        @Actor
        public void producer()
        {
            produce(views[0], 2);
        }

        @Actor
        public void consumer(final III_Result r)
        {
            final int first = consumeCollapsed(views[1]);
            r.r1 = 10 * first + consumeCollapsed(views[1]);
        }

        @Arbiter
        public void arbiter(final III_Result r)
        {
            final QueueRing next = view(views[1], CONSUMER_2, SC);
            r.r2 = handOver(next, false, CONSUMER_1);
            r.r3 = drain(next);
        }
    }

    /**
     * Single consumer that dies holding a take: the head hint it deferred lets the next holder take it again.
     */
    @JCStressTest
    @Description("Single producer and single consumer, capacity 4: message 1 is ready; the consumer takes, reads "
        + "and releases it, then takes again and reads (message 2 or nothing) but dies before releasing, while the "
        + "producer commits message 2. The next role holder (the arbiter: recovery of the dead consumer, a new "
        + "view) must take message 2 in either case: a take not released is delivered again (the take moves the "
        + "head hint only at its release), a released one is not. r1 = the dead consumer's takes as digits, r2 = "
        + "words the hand-over recovered (1: the role word; the open take is READY, not the dead one's), r3 = what "
        + "the next holder drains.")
    @Outcome(id = {"10, 1, 2", "12, 1, 2"}, expect = ACCEPTABLE,
        desc = "Message 2 reaches the next holder, whether or not the dead consumer had taken it.")
    @Outcome(expect = FORBIDDEN, desc = "Message 2, taken but not released, lost for the next holder (the head hint "
        + "moved at take time), message 1 delivered again after its release, a message torn, or a role hand-over "
        + "that failed (9).")
    @State
    public static class SingleConsumerDiesHoldingTake
    {
        private final QueueRing[] views = rings(SPSC, 4, PRODUCER_1, CONSUMER_1);

        public SingleConsumerDiesHoldingTake()
        {
            holding(views[0], true);
            holding(views[1], false);
            produce(views[0], 1);
        }

        @Actor
        public void producer()
        {
            produce(views[0], 2);
        }

        @Actor
        public void consumer(final III_Result r)
        {
            final int first = consumeCollapsed(views[1]);
            r.r1 = 10 * first + takeAndDie(views[1]);
        }

        @Arbiter
        public void arbiter(final III_Result r)
        {
            final QueueRing next = view(views[1], CONSUMER_2, SPSC);
            r.r2 = handOver(next, false, CONSUMER_1);
            r.r3 = drain(next);
        }
    }

    /**
     * Single consumer that dies holding a take past a slot being written: the pass hint it deferred stays behind.
     */
    @JCStressTest
    @Description("Single consumer, capacity 4: producer 1 has claimed position 0 and is still writing it (slow, or "
        + "dead); producer 2 commits message 2 at position 1 while the consumer takes once, past position 0, and "
        + "dies before releasing what it took. The next role holder (the arbiter: recovery, a new view) must still "
        + "take message 2: the pass hint, which a take past a held slot moves, moves only at the release. r1 = the "
        + "dead consumer's take (2, or 5 = blocked by the writers), r2 = words the hand-over recovered (1: the role "
        + "word), r3 = what the next holder drains (2, then 5 = blocked by producer 1's position 0).")
    @Outcome(id = {"2, 1, 25"}, expect = ACCEPTABLE,
        desc = "The dead consumer took message 2 past position 0; the next holder takes it again.")
    @Outcome(id = {"5, 1, 25"}, expect = ACCEPTABLE_INTERESTING,
        desc = "The dead consumer looked before message 2 was committed (it would wait); the next holder takes it.")
    @Outcome(expect = FORBIDDEN, desc = "Message 2, taken but not released, lost for the next holder (the pass hint "
        + "moved at take time: 5 alone), taken twice, torn, or a role hand-over that failed (9).")
    @State
    public static class SingleConsumerDiesHoldingTakePastWriter
    {
        private final QueueRing[] views = rings(SC, 4, PRODUCER_1, PRODUCER_2, CONSUMER_1);

        public SingleConsumerDiesHoldingTakePastWriter()
        {
            holding(views[2], false);
            if (views[0].tryClaim() != 0)
            {
                throw new IllegalStateException("position 0 not claimed");
            }
        }

        @Actor
        public void producer()
        {
            produce(views[1], 2);
        }

        @Actor
        public void consumer(final III_Result r)
        {
            r.r1 = takeAndDie(views[2]);
        }

        @Arbiter
        public void arbiter(final III_Result r)
        {
            final QueueRing next = view(views[2], CONSUMER_2, SC);
            r.r2 = handOver(next, false, CONSUMER_1);
            r.r3 = drain(next);
        }
    }

    /**
     * Single producer that dies with an open claim: nothing of it is taken, and the next holder claims it again.
     */
    @JCStressTest
    @Description("Single producer, capacity 4: the producer commits message 1, then claims position 1, writes junk "
        + "there (bytes and length) and dies without committing, while a CAS consumer takes twice. The slot of an "
        + "open claim stays FREE, so no consumer takes the junk, and the tail hint is stored only at a commit, so "
        + "the next role holder (the arbiter: recovery, a new view) claims position 1 again and commits message 2 "
        + "there. r1 = the consumer's takes as digits, r2 = words the hand-over recovered (1: the role word; the "
        + "open claim is FREE, not the dead one's), r3 = the dead claim's and the next holder's positions as "
        + "digits, r4 = what the arbiter drains after the next holder's commit.")
    @Outcome(id = {"0, 1, 11, 12", "1, 1, 11, 2", "10, 1, 11, 2"}, expect = ACCEPTABLE,
        desc = "Message 1 taken once, by the consumer or the arbiter; the next holder claimed the dead one's "
            + "position, and message 2 follows message 1.")
    @Outcome(expect = FORBIDDEN, desc = "The junk of the open claim taken (6) or torn, a take blocked (no slot is "
        + "ever WRITING in this mode), the next holder claiming past the open claim (a tail hint stored at the "
        + "claim: position 1 left FREE for good, message 2 stranded behind it), a message lost, or a role "
        + "hand-over that failed (9).")
    @State
    public static class SingleProducerDiesWithOpenClaim
    {
        private final QueueRing[] views = rings(SP, 4, PRODUCER_1, CONSUMER_1);
        private long deadClaim;

        public SingleProducerDiesWithOpenClaim()
        {
            holding(views[0], true);
        }

        @Actor
        public void producer()
        {
            produce(views[0], 1);
            deadClaim = claimJunkAndDie(views[0]);
        }

        @Actor
        public void consumer(final IIII_Result r)
        {
            final int first = consumeCollapsed(views[1]);
            r.r1 = 10 * first + consumeCollapsed(views[1]);
        }

        @Arbiter
        public void arbiter(final IIII_Result r)
        {
            final QueueRing next = view(views[0], PRODUCER_2, SP);
            r.r2 = handOver(next, true, PRODUCER_1);
            final long claimed = produce(next, 2);
            r.r3 = (int)(10 * deadClaim + claimed);
            r.r4 = drain(views[1]);
        }
    }
}
