package io.jvmipc.queue;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;
import org.openjdk.jcstress.infra.results.II_Result;

import static io.jvmipc.queue.QueueRingStress.CONSUMER_1;
import static io.jvmipc.queue.QueueRingStress.MAX_MESSAGE;
import static io.jvmipc.queue.QueueRingStress.PRODUCER_1;
import static io.jvmipc.queue.QueueRingStress.PRODUCER_2;
import static io.jvmipc.queue.QueueRingStress.consume;
import static io.jvmipc.queue.QueueRingStress.consumeCollapsed;
import static io.jvmipc.queue.QueueRingStress.drain;
import static io.jvmipc.queue.QueueRingStress.lengthOf;
import static io.jvmipc.queue.QueueRingStress.produce;
import static io.jvmipc.queue.QueueRingStress.write;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * jcstress tests of takes that pass a slot still being written ({@link QueueRing#tryTake(int)}): a consumer takes
 * other producers' later messages past it, but never a producer's later message before the one that producer is
 * still writing. Two actors each, so that they run on a 2-CPU machine. Result codes as in {@link QueueRingStress}.
 */
public final class QueueRingPassingStress
{
    private QueueRingPassingStress()
    {
    }

    @JCStressTest
    @Description("One producer's order against a consumer that passes slots being written: position 0 is claimed "
        + "and written with message 1 before the actors start; the producer commits it, then claims, writes and "
        + "commits message 2 (position 1), while the consumer takes twice. A consumer that reads slot 0 while it is "
        + "still WRITING and slot 1 once it is READY must not take message 2 first. r1, r2 = the consumer's takes, "
        + "r3 = what the arbiter drains after.")
    @Outcome(id = {"1, 0, 2", "1, 2, 0"}, expect = ACCEPTABLE,
        desc = "Message 1 before message 2; the consumer took the first, or both.")
    @Outcome(id = {"5, 5, 12", "1, 5, 2", "5, 1, 2"}, expect = ACCEPTABLE_INTERESTING,
        desc = "The consumer found message 1 still being written (alone, or with message 2 after it) and reported "
            + "its writer (it would wait); nothing lost, nothing reordered.")
    @Outcome(expect = FORBIDDEN, desc = "Message 2 taken before message 1, a message lost, duplicated or torn.")
    @State
    public static class OneProducersOrderKept
    {
        private final QueueRing[] views = QueueRingStress.rings(4, PRODUCER_1, CONSUMER_1);
        private final long first;

        public OneProducersOrderKept()
        {
            first = views[0].tryClaim();
            write(views[0], first, 1);
        }

        @Actor
        public void producer()
        {
            views[0].commit(first, lengthOf(1));
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
            r.r3 = first == 0 ? drain(views[1]) : QueueRingStress.TORN;
        }
    }

    @JCStressTest
    @Description("A consumer passes another producer's slot being written: producer 2 claimed position 0 before "
        + "the actors start and is still writing it; producer 1 claims and commits message 1 (position 1) while the "
        + "consumer takes twice. Then producer 2 commits message 2 and the arbiter drains. r1, r2 = the consumer's "
        + "takes (1 = message 1, 12 = blocked by producer 2, 7 = blocked by several: producer 2 and producer 1 "
        + "still writing message 1), r3 = the drain.")
    @Outcome(id = {"1, 12, 2", "12, 1, 2", "7, 1, 2"}, expect = ACCEPTABLE,
        desc = "Message 1 was taken past the slot still being written; the other take named its writer (or both "
            + "writers); the late commit is then the oldest message.")
    @Outcome(id = {"12, 12, 21", "12, 7, 21", "7, 7, 21"}, expect = ACCEPTABLE_INTERESTING,
        desc = "The consumer looked before message 1 was committed, and named the writers of the slots it passed.")
    @Outcome(expect = FORBIDDEN, desc = "A take that waited behind the slot being written with message 1 published "
        + "after it and seen (the old behaviour), that passed it without naming its writer (a dead writer would "
        + "never be probed), or a message lost, duplicated or torn.")
    @State
    public static class OtherProducersSlotPassed
    {
        private final QueueRing[] views = QueueRingStress.rings(4, PRODUCER_1, CONSUMER_1, PRODUCER_2);
        private final long held;

        public OtherProducersSlotPassed()
        {
            held = views[2].tryClaim();
        }

        @Actor
        public void producer()
        {
            produce(views[0], 1);
        }

        @Actor
        public void consumer(final III_Result r)
        {
            r.r1 = consumeNamingWriters(views[1]);
            r.r2 = consumeNamingWriters(views[1]);
        }

        @Arbiter
        public void arbiter(final III_Result r)
        {
            if (held != 0)
            {
                r.r3 = QueueRingStress.TORN;
                return;
            }
            write(views[2], held, 2);
            views[2].commit(held, lengthOf(2));
            // the drain stops at the first non-tag code: a message taken twice or a torn one shows as a digit
            r.r3 = drain(views[1]);
            if (views[1].tryTake(MAX_MESSAGE) != QueueRing.NONE)
            {
                r.r3 = QueueRingStress.TORN;
            }
        }
    }

    /** {@link QueueRingStress#consume(QueueRing)}, with "blocked by several owners" as 7. */
    static int consumeNamingWriters(final QueueRing ring)
    {
        final int code = consume(ring);
        return code == 10 + (int)QueueDescriptor.OWNER_MASK ? 7 : code;
    }

    @JCStressTest
    @Description("The pass hint under a late commit: producer 2 holds position 0 (claimed before the actors start); "
        + "producer 1 committed messages 1 and 2 (positions 1, 2) and the consumer took message 1 past the held slot, "
        + "so the pass hint is 2. Then the consumer takes twice while producer 2 commits message 3 into position 0 "
        + "and producer 1 commits message 4 (position 3). r1 = 1 if messages 2, 3 and 4 were each taken exactly "
        + "once, intact, by the consumer or the arbiter's drain, and 2 before 4; r2 = the consumer's first take.")
    @Outcome(id = {"1, 2", "1, 3"}, expect = ACCEPTABLE,
        desc = "Every message once; the consumer took message 2 past the held slot, or the late commit first.")
    @Outcome(expect = FORBIDDEN, desc = "A message lost (the late commit behind a hint), duplicated, torn or out of "
        + "its producer's order.")
    @State
    public static class LateCommitBehindThePassHint
    {
        private final QueueRing[] views = QueueRingStress.rings(4, PRODUCER_1, CONSUMER_1, PRODUCER_2);
        private final long held;
        private final int before;
        private int first;
        private int second;

        public LateCommitBehindThePassHint()
        {
            held = views[2].tryClaim();
            produce(views[0], 1);
            produce(views[0], 2);
            before = consume(views[1]);
        }

        @Actor
        public void consumer()
        {
            first = consumeCollapsed(views[1]);
            second = consumeCollapsed(views[1]);
        }

        @Actor
        public void producers()
        {
            write(views[2], held, 3);
            views[2].commit(held, lengthOf(3));
            produce(views[0], 4);
        }

        @Arbiter
        public void arbiter(final II_Result r)
        {
            final String taken = "" + (first == QueueRingStress.BLOCKED ? "" : first)
                + (second == QueueRingStress.BLOCKED ? "" : second) + drain(views[1]);
            final String all = taken.replace("0", "");
            final boolean once = all.length() == 3 && all.contains("2") && all.contains("3") && all.contains("4");
            r.r1 = held == 0 && before == 1 && once && all.indexOf('2') < all.indexOf('4') ? 1 : QueueRingStress.TORN;
            r.r2 = first;
        }
    }

    @JCStressTest
    @Description("Two consumers jump past the same held slot: producer 2 holds position 0, messages 1 and 2 are "
        + "committed at positions 1 and 2, and both consumers take once, each jumping to the pass hint and racing "
        + "for the slots after it. Then producer 2 commits message 3 and the arbiter drains. r1, r2 = the takes, "
        + "r3 = the drain.")
    @Outcome(id = {"1, 2, 3", "2, 1, 3"}, expect = ACCEPTABLE,
        desc = "Each message taken by exactly one consumer; the late commit is found behind the pass hint.")
    @Outcome(expect = FORBIDDEN, desc = "A message taken twice, left behind, torn, or a consumer finding nothing while "
        + "a message was ready for it.")
    @State
    public static class TwoConsumersPastAHeldSlot
    {
        private final QueueRing[] views = QueueRingStress.rings(4, PRODUCER_1, CONSUMER_1, PRODUCER_2,
            QueueRingStress.CONSUMER_2);
        private final long held;

        public TwoConsumersPastAHeldSlot()
        {
            held = views[2].tryClaim();
            produce(views[0], 1);
            produce(views[0], 2);
        }

        @Actor
        public void consumer1(final III_Result r)
        {
            r.r1 = consumeCollapsed(views[1]);
        }

        @Actor
        public void consumer2(final III_Result r)
        {
            r.r2 = consumeCollapsed(views[3]);
        }

        @Arbiter
        public void arbiter(final III_Result r)
        {
            write(views[2], held, 3);
            views[2].commit(held, lengthOf(3));
            r.r3 = held == 0 ? drain(views[1]) : QueueRingStress.TORN;
        }
    }
}
