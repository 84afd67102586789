package io.jvmipc.queue;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

import static io.jvmipc.queue.QueueRingStress.CONSUMER_1;
import static io.jvmipc.queue.QueueRingStress.CONSUMER_2;
import static io.jvmipc.queue.QueueRingStress.PRODUCER_1;
import static io.jvmipc.queue.QueueRingStress.consumeCollapsed;
import static io.jvmipc.queue.QueueRingStress.drain;
import static io.jvmipc.queue.QueueRingStress.produce;
import static io.jvmipc.queue.QueueRingStress.read;
import static io.jvmipc.queue.QueueRingStress.rings;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * jcstress tests of the removal of a message from the middle of a {@link QueueRing}
 * ({@link QueueRing#tryTakeAt(long, long)} then {@link QueueRing#removeTaken(long)}) racing a consumer's take,
 * with the codes and helpers of {@link QueueRingStress}. Two actors: runs on a 2-CPU machine.
 */
public final class QueueRingRemovalStress
{
    private QueueRingRemovalStress()
    {
    }

    @JCStressTest
    @Description("One message is in the ring; a consumer takes while a remover takes it for removal by its "
        + "published word and turns it into a gap. Exactly one of them gets it, and the ring is whole afterwards: "
        + "r1 = the consumer's take, r2 = 1 if the removal got it (else 0), r3 = what the arbiter drains after "
        + "producing two more messages into the 2-slot ring.")
    @Outcome(id = {"1, 0, 23", "0, 1, 23"}, expect = ACCEPTABLE,
        desc = "Exactly one of the take and the removal got the message; both later messages pass the gap in order.")
    @Outcome(expect = FORBIDDEN, desc = "Both or neither got the message, it was torn, or the ring lost, reordered "
        + "or could not take the later messages (a slot left held).")
    @State
    public static class TakeVersusRemoval
    {
        private final QueueRing[] views = rings(2, PRODUCER_1, CONSUMER_1, CONSUMER_2);

        public TakeVersusRemoval()
        {
            produce(views[0], 1);
        }

        @Actor
        public void consumer(final III_Result r)
        {
            r.r1 = consumeCollapsed(views[1]);
        }

        @Actor
        public void remover(final III_Result r)
        {
            final QueueRing ring = views[2];
            final long word = ring.publishedWord(0);
            if (word != QueueRing.NONE && read(ring, 0) == 1 && ring.tryTakeAt(0, word))
            {
                ring.removeTaken(0);
                r.r2 = 1;
            }
        }

        @Arbiter
        public void arbiter(final III_Result r)
        {
            final boolean produced = produce(views[0], 2) >= 0 && produce(views[0], 3) >= 0;
            r.r3 = produced ? drain(views[1]) : -1;
        }
    }
}
