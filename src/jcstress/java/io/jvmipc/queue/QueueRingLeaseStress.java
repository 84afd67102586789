package io.jvmipc.queue;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

import static io.jvmipc.queue.QueueRingStress.BLOCKED;
import static io.jvmipc.queue.QueueRingStress.CONSUMER_1;
import static io.jvmipc.queue.QueueRingStress.CONSUMER_2;
import static io.jvmipc.queue.QueueRingStress.DEAD;
import static io.jvmipc.queue.QueueRingStress.MAX_MESSAGE;
import static io.jvmipc.queue.QueueRingStress.NOTHING;
import static io.jvmipc.queue.QueueRingStress.PRODUCER_1;
import static io.jvmipc.queue.QueueRingStress.TOO_LONG;
import static io.jvmipc.queue.QueueRingStress.consumeCollapsed;
import static io.jvmipc.queue.QueueRingStress.drain;
import static io.jvmipc.queue.QueueRingStress.produce;
import static io.jvmipc.queue.QueueRingStress.read;
import static io.jvmipc.queue.QueueRingStress.rings;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * jcstress tests of the {@link QueueRing} lease transitions (READY to LEASED by a leased take, LEASED to FREE by
 * an ack, LEASED to READY by a release or the recovery of a dead holder) racing plain takes, with the helpers and
 * result codes of {@link QueueRingStress} (collapsed form: 5 = blocked). Two actors each, so they run on a 2-CPU
 * machine.
 */
public final class QueueRingLeaseStress
{
    private QueueRingLeaseStress()
    {
    }

    /** One leased take, then an ack ({@code ack}) or a release: the tag read, 0 when empty, 5 when blocked. */
    static int leaseAndEnd(final QueueRing ring, final boolean ack)
    {
        final long position = ring.tryTake(MAX_MESSAGE, true);
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
        final int tag = read(ring, position);
        final boolean ended = ack ? ring.ack(position) : ring.releaseLease(position);
        return ended ? tag : 7;
    }

    @JCStressTest
    @Description("A leased take that acks races a plain take of the one message: exactly one of them gets it. "
        + "r1 = the leased take, r2 = the plain take, r3 = what the arbiter drains after.")
    @Outcome(id = {"1, 0, 0", "1, 5, 0", "0, 1, 0"}, expect = ACCEPTABLE,
        desc = "One of them got the message, once; the other found it empty or held by the lease.")
    @Outcome(expect = FORBIDDEN, desc = "Delivered twice, lost, torn, or an ack that failed (7).")
    @State
    public static class LeaseAckVersusTake
    {
        private final QueueRing[] views = rings(4, PRODUCER_1, CONSUMER_1, CONSUMER_2);

        public LeaseAckVersusTake()
        {
            produce(views[0], 1);
        }

        @Actor
        public void leaser(final III_Result r)
        {
            r.r1 = leaseAndEnd(views[1], true);
        }

        @Actor
        public void taker(final III_Result r)
        {
            r.r2 = consumeCollapsed(views[2]);
        }

        @Arbiter
        public void arbiter(final III_Result r)
        {
            r.r3 = drain(views[0]);
        }
    }

    @JCStressTest
    @Description("A leased take that releases message 1 races two plain takes of messages 1 and 2: the released "
        + "message is found again although a later one was taken past it (the head hint never passes a lease). "
        + "r1 = the leased take's tag, r2 = the two plain takes as digits, r3 = what the arbiter drains after.")
    @Outcome(id = {"1, 21, 0", "1, 12, 0", "2, 12, 0", "0, 12, 0"}, expect = ACCEPTABLE,
        desc = "Every message taken once by the plain takes.")
    @Outcome(id = {"1, 25, 1", "2, 15, 2"}, expect = ACCEPTABLE_INTERESTING,
        desc = "The second plain take came while the lease was held; the arbiter takes the released message.")
    @Outcome(expect = FORBIDDEN, desc = "A released message stranded (lost), a message taken twice or torn.")
    @State
    public static class ReleasedLeaseIsFoundAgain
    {
        private final QueueRing[] views = rings(4, PRODUCER_1, CONSUMER_1, CONSUMER_2);

        public ReleasedLeaseIsFoundAgain()
        {
            produce(views[0], 1);
            produce(views[0], 2);
        }

        @Actor
        public void leaser(final III_Result r)
        {
            r.r1 = leaseAndEnd(views[1], false);
        }

        @Actor
        public void taker(final III_Result r)
        {
            final int first = consumeCollapsed(views[2]);
            final int second = consumeCollapsed(views[2]);
            r.r2 = first * 10 + second;
        }

        @Arbiter
        public void arbiter(final III_Result r)
        {
            r.r3 = drain(views[0]);
        }
    }

    @JCStressTest
    @Description("A dead process (owner 5) holds message 1 under a lease; one actor recovers its slots while a "
        + "consumer takes once: the message is redelivered exactly once. r1 = slots recovered, r2 = the take, "
        + "r3 = what the arbiter drains after.")
    @Outcome(id = {"1, 1, 0"}, expect = ACCEPTABLE, desc = "The consumer took the redelivered message.")
    @Outcome(id = {"1, 5, 1"}, expect = ACCEPTABLE_INTERESTING,
        desc = "The consumer looked before the recovery and named the dead holder; the arbiter took it after.")
    @Outcome(expect = FORBIDDEN, desc = "The message lost, taken twice or torn, or the recovery missed the lease.")
    @State
    public static class RecoverLeaseWhileConsumerTakes
    {
        private final QueueRing[] views = rings(4, PRODUCER_1, CONSUMER_1, DEAD);

        public RecoverLeaseWhileConsumerTakes()
        {
            produce(views[0], 1);
            views[2].tryTake(MAX_MESSAGE, true);
        }

        @Actor
        public void recoverer(final III_Result r)
        {
            r.r1 = views[0].recover(DEAD);
        }

        @Actor
        public void consumer(final III_Result r)
        {
            r.r2 = consumeCollapsed(views[1]);
        }

        @Arbiter
        public void arbiter(final III_Result r)
        {
            r.r3 = drain(views[1]);
        }
    }
}
