package io.jvmipc.queue;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;
import org.openjdk.jcstress.infra.results.II_Result;
import org.openjdk.jcstress.infra.results.III_Result;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * jcstress tests of the {@link QueueRing} protocol (claim, commit, take, release, abort, recover), each on a small
 * ring of its own in native memory, with one {@link QueueRing} view per actor so that each has its own owner
 * stamp, as each process has in a real queue.
 * <p>
 * Messages are recognisable: message {@code t} is {@code 8 * (1 + t)} bytes long (at most 56, under the 64 the ring is
 * built for) and its long {@code k} holds
 * {@code (t << 32) | (k + 1)}, so a reader detects a stale or mixed message (wrong length for its tag, or a long
 * that does not fit). Result codes used by every test:
 * <ul>
 *   <li>{@code 1..6}: the tag of a message taken intact;</li>
 *   <li>{@code 0}: nothing to take ({@link QueueRing#NONE});</li>
 *   <li>{@code 5} in the collapsed form, {@code 10 + owner} in the raw form: the oldest slot is held by a writer
 *       (the consumer would wait for it);</li>
 *   <li>{@code 8}: the message was reported too long (impossible here);</li>
 *   <li>{@code 9}: a torn message (length and bytes do not belong together, or stale bytes).</li>
 * </ul>
 * A drain by the arbiter concatenates the tags it takes, in order, as decimal digits ({@code 12} = message 1
 * then message 2; {@code 0} = empty); it stops at the first code that is not a tag.
 * <p>
 * jcstress runs a test only with a CPU per actor: the three-actor tests ({@link TwoProducersOneConsumer},
 * {@link OneProducerTwoConsumers}, {@link RecoverWhileOthersWork}) need 3 CPUs; each has a two-actor form that
 * also runs on a 2-CPU machine.
 */
public final class QueueRingStress
{
    static final int MAX_MESSAGE = 64;
    static final int SLOT_LENGTH = QueueDescriptor.slotLength(MAX_MESSAGE);
    static final int NOTHING = 0;
    static final int BLOCKED = 5;
    static final int TOO_LONG = 8;
    static final int TORN = 9;
    static final int JUNK = 6;

    static final int PRODUCER_1 = 1;
    static final int PRODUCER_2 = 2;
    static final int CONSUMER_1 = 3;
    static final int CONSUMER_2 = 4;
    static final int DEAD = 5;

    private QueueRingStress()
    {
    }

    /** Views of one new ring, one per owner, over a fresh zeroed segment. */
    static QueueRing[] rings(final int capacity, final int... owners)
    {
        // ofAuto: like a shared arena, usable from every actor thread, and freed when the test state is collected
        final MemorySegment segment = Arena.ofAuto().allocate(QueueDescriptor.bodyLength(capacity, SLOT_LENGTH), 128);
        QueueRing.initialize(segment, 0, capacity, SLOT_LENGTH);
        final QueueRing[] views = new QueueRing[owners.length];
        for (int i = 0; i < owners.length; i++)
        {
            views[i] = new QueueRing(segment, 0, capacity, SLOT_LENGTH, MAX_MESSAGE, owners[i]);
        }
        return views;
    }

    static int lengthOf(final int tag)
    {
        return 8 * (1 + tag);
    }

    /** Writes message {@code tag} (bytes and length) into a claimed position, with plain stores. */
    static void write(final QueueRing ring, final long position, final int tag)
    {
        final long offset = ring.messageOffset(position);
        final int longs = lengthOf(tag) / 8;
        for (int k = 0; k < longs; k++)
        {
            ring.segment().set(JAVA_LONG, offset + 8L * k, ((long)tag << 32) | (k + 1));
        }
    }

    /** Claims, writes and commits message {@code tag}: returns the position, or the failed claim's result. */
    static long produce(final QueueRing ring, final int tag)
    {
        final long position = ring.tryClaim();
        if (position >= 0)
        {
            write(ring, position, tag);
            ring.commit(position, lengthOf(tag));
        }
        return position;
    }

    /** As {@link #produce(QueueRing, int)}, claiming with {@link QueueRing#tryClaimPredicted()} (the blind CAS). */
    static long producePredicted(final QueueRing ring, final int tag)
    {
        final long position = ring.tryClaimPredicted();
        if (position >= 0)
        {
            write(ring, position, tag);
            ring.commit(position, lengthOf(tag));
        }
        return position;
    }

    /** Claim result as a code: the tag when committed, 0 when full, 10 + owner when blocked, 9 otherwise. */
    static int claimCode(final long result, final int tag)
    {
        if (result >= 0)
        {
            return tag;
        }
        if (result == QueueRing.NONE)
        {
            return NOTHING;
        }
        return QueueRing.isBlocked(result) ? 10 + QueueRing.blockingOwner(result) : TORN;
    }

    /** Reads the message at a taken position with plain loads: its tag, or {@link #TORN}. */
    static int read(final QueueRing ring, final long position)
    {
        final int length = ring.length(position);
        if (length < 8 || length > MAX_MESSAGE || length % 8 != 0)
        {
            return TORN;
        }
        final long offset = ring.messageOffset(position);
        final int tag = (int)(ring.segment().get(JAVA_LONG, offset) >>> 32);
        if (tag < 1 || tag > JUNK || lengthOf(tag) != length)
        {
            return TORN;
        }
        for (int k = 0; k < length / 8; k++)
        {
            if (ring.segment().get(JAVA_LONG, offset + 8L * k) != (((long)tag << 32) | (k + 1)))
            {
                return TORN;
            }
        }
        return tag;
    }

    /** One take: the tag read (then released), 0 when empty, 10 + owner when blocked, 8 when too long. */
    static int consume(final QueueRing ring)
    {
        final long position = ring.tryTake(MAX_MESSAGE);
        if (position == QueueRing.NONE)
        {
            return NOTHING;
        }
        if (QueueRing.isBlocked(position))
        {
            return 10 + QueueRing.blockingOwner(position);
        }
        if (QueueRing.isTooLong(position))
        {
            return TOO_LONG;
        }
        final int tag = read(ring, position);
        ring.release(position);
        return tag;
    }

    /** {@link #consume(QueueRing)} with every blocked result mapped to {@link #BLOCKED}. */
    static int consumeCollapsed(final QueueRing ring)
    {
        final int code = consume(ring);
        return code > 10 ? BLOCKED : code;
    }

    /** Takes until empty (at most 4): the tags as decimal digits; a non-tag code is appended and ends it. */
    static int drain(final QueueRing ring)
    {
        int digits = 0;
        for (int i = 0; i < 4; i++)
        {
            final int code = consumeCollapsed(ring);
            if (code == NOTHING)
            {
                break;
            }
            digits = digits * 10 + code;
            if (code >= BLOCKED && code != JUNK)
            {
                break;
            }
        }
        return digits;
    }

    @JCStressTest
    @Description("Two producers each claim and commit one message while one consumer takes twice: every message is "
        + "taken exactly once, intact, in position order. r1, r2 = the consumer's takes, r3 = what the arbiter "
        + "drains after, r4 = the tag of the producer that claimed position 0.")
    @Outcome(id = {"0, 0, 12, 1", "1, 0, 2, 1", "0, 1, 2, 1", "1, 2, 0, 1",
        "0, 0, 21, 2", "2, 0, 1, 2", "0, 2, 1, 2", "2, 1, 0, 2"}, expect = ACCEPTABLE,
        desc = "Each message once, intact, in claim order; the consumer took 0, 1 or 2 of them.")
    @Outcome(id = {"0, 5, 12, 1", "5, 5, 12, 1", "1, 5, 2, 1", "5, 1, 2, 1",
        "0, 5, 21, 2", "5, 5, 21, 2", "2, 5, 1, 2", "5, 2, 1, 2"}, expect = ACCEPTABLE_INTERESTING,
        desc = "The consumer found the oldest position still being written and reported its writer (it would wait); "
            + "nothing lost or duplicated.")
    @Outcome(expect = FORBIDDEN, desc = "A message lost, duplicated, torn, taken out of order, a claim that failed, "
        + "or a slot left held after both producers finished.")
    @State
    public static class TwoProducersOneConsumer
    {
        private final QueueRing[] views = rings(2, PRODUCER_1, PRODUCER_2, CONSUMER_1);
        private long position1;
        private long position2;

        @Actor
        public void producer1()
        {
            position1 = produce(views[0], 1);
        }

        @Actor
        public void producer2()
        {
            position2 = produce(views[1], 2);
        }

        @Actor
        public void consumer(final IIII_Result r)
        {
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

    @JCStressTest
    @Description("One producer commits messages 1 then 2 while two consumers take once each: each message is taken "
        + "by exactly one of them, and 2 is never taken while 1 is left behind. r1, r2 = the consumers' takes, "
        + "r3 = what the arbiter drains after.")
    @Outcome(id = {"0, 0, 12", "1, 0, 2", "0, 1, 2", "1, 2, 0", "2, 1, 0"}, expect = ACCEPTABLE,
        desc = "Each message once, intact; the consumers took none, the first, or both.")
    @Outcome(id = {"5, 0, 12", "0, 5, 12", "5, 5, 12", "1, 5, 2", "5, 1, 2"}, expect = ACCEPTABLE_INTERESTING,
        desc = "A consumer found the oldest position still being written (it would wait); nothing lost or duplicated.")
    @Outcome(expect = FORBIDDEN, desc = "A message lost, taken twice, torn, or taken before an older one.")
    @State
    public static class OneProducerTwoConsumers
    {
        private final QueueRing[] views = rings(2, PRODUCER_1, CONSUMER_1, CONSUMER_2);

        @Actor
        public void producer()
        {
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
            r.r2 = consumeCollapsed(views[2]);
        }

        @Arbiter
        public void arbiter(final III_Result r)
        {
            r.r3 = drain(views[1]);
        }
    }

    @JCStressTest
    @Description("Commit publication: a consumer that sees a slot READY sees the length and the 32 bytes written "
        + "before the commit (plain stores, published by the release store of the state word). r1 = the "
        + "consumer's take, r2 = what the arbiter drains after.")
    @Outcome(id = {"0, 3"}, expect = ACCEPTABLE, desc = "The consumer looked before the claim; the message waits.")
    @Outcome(id = {"3, 0"}, expect = ACCEPTABLE, desc = "The consumer saw READY and read the whole message.")
    @Outcome(id = {"5, 3"}, expect = ACCEPTABLE_INTERESTING,
        desc = "The consumer saw the slot WRITING (it would wait); the message waits.")
    @Outcome(id = {"9, 0"}, expect = FORBIDDEN, desc = "READY seen with a stale length or payload.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else (message lost, duplicated or reported too long).")
    @State
    public static class CommitPublication
    {
        private final QueueRing[] views = rings(2, PRODUCER_1, CONSUMER_1);

        @Actor
        public void producer()
        {
            produce(views[0], 3);
        }

        @Actor
        public void consumer(final II_Result r)
        {
            r.r1 = consumeCollapsed(views[1]);
        }

        @Arbiter
        public void arbiter(final II_Result r)
        {
            r.r2 = drain(views[1]);
        }
    }

    @JCStressTest
    @Description("Too-long check against a slot that moves on (issue 8 item 10), capacity 1: message 1 (16 bytes) is "
        + "at position 0. A consumer with a 24-byte limit takes once while another consumer takes message 1, "
        + "releases it, claims position 1 (the same slot, next lap), writes a 48-byte length there as a producer "
        + "filling it would, and aborts: no message longer than 24 bytes is ever published, so 'too long' would "
        + "be a length read for a message that was never at the head. r1 = the limited take (1 = message 1, "
        + "0 = empty, 14 = blocked by the next lap's writer, 8 = too long), r2 = the other take (1 or 0), "
        + "r3 = its claim (7 = claimed, written and aborted, 13 = blocked by the first consumer's read).")
    @Outcome(id = {"1, 0, 7", "1, 0, 13", "0, 1, 7"}, expect = ACCEPTABLE,
        desc = "One consumer took message 1; the other found nothing; the claim waited for the read or did not.")
    @Outcome(id = {"14, 1, 7"}, expect = ACCEPTABLE_INTERESTING,
        desc = "The limited take came while the next lap's slot was claimed: blocked by its writer, which it names.")
    @Outcome(id = {"8, 1, 7"}, expect = FORBIDDEN,
        desc = "A spurious 'too long': the length of the next lap's unpublished slot, read for message 1.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else (message 1 lost, taken twice or torn).")
    @State
    public static class TooLongReadsOnlyThePublishedLength
    {
        static final int LIMIT = 24;
        static final int LONG_LENGTH = 48;
        static final int ABORTED = 7;
        private final QueueRing[] views = rings(1, PRODUCER_1, CONSUMER_1, CONSUMER_2);

        public TooLongReadsOnlyThePublishedLength()
        {
            produce(views[0], 1);
        }

        @Actor
        public void limitedConsumer(final III_Result r)
        {
            final long position = views[1].tryTake(LIMIT);
            if (position == QueueRing.NONE)
            {
                r.r1 = NOTHING;
            }
            else if (QueueRing.isBlocked(position))
            {
                r.r1 = 10 + QueueRing.blockingOwner(position);
            }
            else if (QueueRing.isTooLong(position))
            {
                r.r1 = TOO_LONG;
            }
            else
            {
                r.r1 = read(views[1], position);
                views[1].release(position);
            }
        }

        @Actor
        public void consumerThenNextLapWriter(final III_Result r)
        {
            final QueueRing ring = views[2];
            r.r2 = consume(ring);
            final long claim = ring.tryClaim();
            if (claim >= 0)
            {
                ring.segment().set(JAVA_INT, ring.slotOffset(claim) + QueueDescriptor.LENGTH_OFFSET, LONG_LENGTH);
                ring.abort(claim);
                r.r3 = ABORTED;
            }
            else
            {
                r.r3 = claimCode(claim, ABORTED);
            }
        }
    }

    @JCStressTest
    @Description("Wrap-around, capacity 1: message 1 at position 0 has been taken and is being read; the consumer "
        + "reads it and releases it while the producer tries to claim position 1 (the same slot, next lap) and "
        + "commit message 2. r1 = what the consumer read, r2 = the claim (2 = committed, 13 = blocked by the "
        + "reading consumer), r3 = what the arbiter drains after.")
    @Outcome(id = {"1, 2, 2"}, expect = ACCEPTABLE, desc = "The claim came after the release; nothing overwritten.")
    @Outcome(id = {"1, 13, 0"}, expect = ACCEPTABLE_INTERESTING,
        desc = "The claim came before the release: full, blocked by the reader (owner 3), which it names.")
    @Outcome(expect = FORBIDDEN, desc = "The unreleased slot was overwritten (the reader saw message 2 or a torn one), "
        + "the claim reported full without an owner, or a message was lost.")
    @State
    public static class WrapAroundCapacityOne
    {
        private final QueueRing[] views = rings(1, PRODUCER_1, CONSUMER_1);
        private final long taken;

        public WrapAroundCapacityOne()
        {
            produce(views[0], 1);
            taken = views[1].tryTake(MAX_MESSAGE);
        }

        @Actor
        public void consumer(final III_Result r)
        {
            if (taken != 0)
            {
                r.r1 = TORN;
                return;
            }
            r.r1 = read(views[1], taken);
            views[1].release(taken);
        }

        @Actor
        public void producer(final III_Result r)
        {
            r.r2 = claimCode(produce(views[0], 2), 2);
        }

        @Arbiter
        public void arbiter(final III_Result r)
        {
            r.r3 = drain(views[1]);
        }
    }

    @JCStressTest
    @Description("The predicted claim (a blind CAS of the tail's slot from FREE) against a plain claim, capacity 2: "
        + "producer 1 claims with tryClaimPredicted, producer 2 with tryClaim, both commit. r1 = what the arbiter "
        + "drains after (in position order), r2 = 1 if they got positions 0 and 1 (in either order).")
    @Outcome(id = {"12, 1", "21, 1"}, expect = ACCEPTABLE, desc = "Each claimed its own position; both published.")
    @Outcome(expect = FORBIDDEN, desc = "A position claimed twice, a claim that failed, or a message lost or torn.")
    @State
    public static class PredictedClaimRace
    {
        private final QueueRing[] views = rings(2, PRODUCER_1, PRODUCER_2);
        private long position1;
        private long position2;

        @Actor
        public void producer1()
        {
            position1 = producePredicted(views[0], 1);
        }

        @Actor
        public void producer2()
        {
            position2 = produce(views[1], 2);
        }

        @Arbiter
        public void arbiter(final II_Result r)
        {
            r.r1 = drain(views[1]);
            r.r2 = position1 + position2 == 1 && position1 * position2 == 0 ? 1 : TORN;
        }
    }

    @JCStressTest
    @Description("Wrap-around, capacity 1, with the predicted claim: message 1 at position 0 is being read; the "
        + "consumer reads and releases it while the producer claims position 1 (the same slot, next lap) with "
        + "tryClaimPredicted and commits message 2. r1 = what the consumer read, r2 = the claim (2 = committed, "
        + "13 = blocked by the reading consumer), r3 = what the arbiter drains after.")
    @Outcome(id = {"1, 2, 2"}, expect = ACCEPTABLE, desc = "The claim came after the release; nothing overwritten.")
    @Outcome(id = {"1, 13, 0"}, expect = ACCEPTABLE_INTERESTING,
        desc = "The claim came before the release: full, blocked by the reader (owner 3), which it names.")
    @Outcome(expect = FORBIDDEN, desc = "The unreleased slot was overwritten (the reader saw message 2 or a torn one), "
        + "the claim reported full without an owner, or a message was lost.")
    @State
    public static class PredictedClaimWrapAround
    {
        private final QueueRing[] views = rings(1, PRODUCER_1, CONSUMER_1);
        private final long taken;

        public PredictedClaimWrapAround()
        {
            produce(views[0], 1);
            taken = views[1].tryTake(MAX_MESSAGE);
        }

        @Actor
        public void consumer(final III_Result r)
        {
            if (taken != 0)
            {
                r.r1 = TORN;
                return;
            }
            r.r1 = read(views[1], taken);
            views[1].release(taken);
        }

        @Actor
        public void producer(final III_Result r)
        {
            r.r2 = claimCode(producePredicted(views[0], 2), 2);
        }

        @Arbiter
        public void arbiter(final III_Result r)
        {
            r.r3 = drain(views[1]);
        }
    }

    @JCStressTest
    @Description("Wrap-around, capacity 2: messages 1 (position 0, being read) and 2 (position 1, ready) fill the "
        + "ring. The consumer finishes reading 1, releases it, then takes 2; meanwhile the producer tries twice to "
        + "claim and commit (message 3, then message 4). r1, r2 = what the consumer read, r3 = the two claims as "
        + "digits (3 or 4 = committed, 7 = blocked by the consumer, 0 = full behind a ready message), r4 = what the "
        + "arbiter drains after.")
    @Outcome(id = {"1, 2, 30, 3", "1, 2, 34, 34"}, expect = ACCEPTABLE,
        desc = "Claims came after the releases they needed; nothing overwritten, nothing lost.")
    @Outcome(id = {"1, 2, 77, 0", "1, 2, 74, 4", "1, 2, 37, 3"}, expect = ACCEPTABLE_INTERESTING,
        desc = "A claim ran into a slot the consumer was still reading and named it (owner 3).")
    @Outcome(expect = FORBIDDEN, desc = "The consumer read an overwritten or torn message, a claim failed without "
        + "cause, or a committed message was lost.")
    @State
    public static class WrapAroundCapacityTwo
    {
        private final QueueRing[] views = rings(2, PRODUCER_1, CONSUMER_1);
        private final long taken;

        public WrapAroundCapacityTwo()
        {
            produce(views[0], 1);
            produce(views[0], 2);
            taken = views[1].tryTake(MAX_MESSAGE);
        }

        @Actor
        public void consumer(final IIII_Result r)
        {
            r.r1 = taken == 0 ? read(views[1], taken) : TORN;
            views[1].release(taken);
            r.r2 = consumeCollapsed(views[1]);
        }

        @Actor
        public void producer(final IIII_Result r)
        {
            r.r3 = 10 * producerCode(produce(views[0], 3), 3) + producerCode(produce(views[0], 4), 4);
        }

        private static int producerCode(final long result, final int tag)
        {
            final int code = claimCode(result, tag);
            return code == 10 + CONSUMER_1 ? 7 : code > 10 ? 8 : code;
        }

        @Arbiter
        public void arbiter(final IIII_Result r)
        {
            r.r4 = drain(views[1]);
        }
    }

    @JCStressTest
    @Description("Abort: the producer claims position 0, writes junk (message 6, length included) and aborts, then "
        + "commits message 1 at position 1, while the consumer takes once. r1 = the consumer's take, r2 = what the "
        + "arbiter drains after, r3 = the producer's two positions as digits.")
    @Outcome(id = {"0, 1, 1", "1, 0, 1"}, expect = ACCEPTABLE,
        desc = "The aborted position was skipped; message 1 taken once, by the consumer or the arbiter.")
    @Outcome(id = {"5, 1, 1"}, expect = ACCEPTABLE_INTERESTING,
        desc = "The consumer found a position being written (the claim before its abort, or message 1) and would wait.")
    @Outcome(expect = FORBIDDEN, desc = "The aborted slot was returned (6), a message torn or lost, or odd positions.")
    @State
    public static class AbortWhileConsumerPolls
    {
        private final QueueRing[] views = rings(2, PRODUCER_1, CONSUMER_1);

        @Actor
        public void producer(final III_Result r)
        {
            final long aborted = views[0].tryClaim();
            if (aborted >= 0)
            {
                write(views[0], aborted, JUNK);
                views[0].segment().set(JAVA_INT,
                    views[0].slotOffset(aborted) + QueueDescriptor.LENGTH_OFFSET, lengthOf(JUNK));
                views[0].abort(aborted);
            }
            final long committed = produce(views[0], 1);
            r.r3 = (int)(10 * aborted + committed);
        }

        @Actor
        public void consumer(final III_Result r)
        {
            r.r1 = consumeCollapsed(views[1]);
        }

        @Arbiter
        public void arbiter(final III_Result r)
        {
            r.r2 = drain(views[1]);
        }
    }

    @JCStressTest
    @Description("Recovery: a dead process (owner 5) had claimed position 0 and written junk. One actor recovers its "
        + "slots (as the holder of its process-table entry), a producer commits message 1, a consumer takes once. "
        + "r1 = slots recovered, r2 = the producer's position, r3 = the consumer's take (raw: 15 = blocked by the "
        + "dead owner, 11 = blocked by the producer), r4 = what the arbiter drains after.")
    @Outcome(id = {"1, 1, 0, 1", "1, 1, 1, 0"}, expect = ACCEPTABLE,
        desc = "The dead claim was skipped; message 1 taken once, by the consumer or the arbiter.")
    @Outcome(id = {"1, 1, 15, 1"}, expect = ACCEPTABLE_INTERESTING,
        desc = "The consumer looked before the recovery and named the dead owner (the queue would recover it).")
    @Outcome(id = {"1, 1, 11, 1"}, expect = ACCEPTABLE_INTERESTING,
        desc = "The consumer looked after the recovery, while message 1 was being written (it would wait).")
    @Outcome(id = {"1, 1, 65545, 1"}, expect = ACCEPTABLE_INTERESTING,
        desc = "The consumer passed the dead claim before the recovery and message 1 being written, and named "
            + "several owners (65535: it would probe every entry).")
    @Outcome(expect = FORBIDDEN, desc = "The dead owner's junk returned (6), the recovery missed or freed a live "
        + "slot, a message lost or torn.")
    @State
    public static class RecoverWhileOthersWork
    {
        private final QueueRing[] views = rings(2, PRODUCER_1, CONSUMER_1, DEAD);

        public RecoverWhileOthersWork()
        {
            final long claimed = views[2].tryClaim();
            write(views[2], claimed, JUNK);
            views[2].segment().set(JAVA_INT,
                views[2].slotOffset(claimed) + QueueDescriptor.LENGTH_OFFSET, lengthOf(JUNK));
        }

        @Actor
        public void recoverer(final IIII_Result r)
        {
            r.r1 = views[0].recover(DEAD);
        }

        @Actor
        public void producer(final IIII_Result r)
        {
            r.r2 = (int)produce(views[0], 1);
        }

        @Actor
        public void consumer(final IIII_Result r)
        {
            r.r3 = consume(views[1]);
        }

        @Arbiter
        public void arbiter(final IIII_Result r)
        {
            r.r4 = drain(views[1]);
        }
    }

    @JCStressTest
    @Description("Two producers and one consumer on two threads (jcstress needs a CPU per actor; this one runs on a "
        + "2-CPU machine): thread 1 commits message 1 while thread 2 commits message 2 and then takes twice. r1, r2 "
        + "= thread 2's takes, r3 = what the arbiter drains after, r4 = the tag that got position 0.")
    @Outcome(id = {"1, 2, 0, 1", "2, 0, 1, 2", "2, 1, 0, 2"}, expect = ACCEPTABLE,
        desc = "Each message once, intact, in position order.")
    @Outcome(id = {"2, 1, 0, 1", "2, 5, 1, 1"}, expect = ACCEPTABLE,
        desc = "The consumer passed thread 1's position 0, still being written, and took thread 2's later message "
            + "first (the order is per producer); message 1 was taken after its commit.")
    @Outcome(id = {"2, 5, 1, 2"}, expect = ACCEPTABLE_INTERESTING,
        desc = "The consumer found thread 1's position still being written after its own (it would wait).")
    @Outcome(expect = FORBIDDEN, desc = "A message lost, duplicated, torn or out of order, a failed claim, or a "
        + "consumer that waited behind thread 1's position while its own message was published after it.")
    @State
    public static class TwoProducersOneConsumerOnTwoThreads
    {
        private final QueueRing[] views = rings(2, PRODUCER_1, PRODUCER_2);
        private long position1;
        private long position2;

        @Actor
        public void producer()
        {
            position1 = produce(views[0], 1);
        }

        @Actor
        public void producerThenConsumer(final IIII_Result r)
        {
            position2 = produce(views[1], 2);
            r.r1 = consumeCollapsed(views[1]);
            r.r2 = consumeCollapsed(views[1]);
        }

        @Arbiter
        public void arbiter(final IIII_Result r)
        {
            r.r3 = drain(views[1]);
            r.r4 = position1 == 0 && position2 == 1 ? 1 : position2 == 0 && position1 == 1 ? 2 : TORN;
        }
    }

    @JCStressTest
    @Description("Two consumers race for two committed messages, taking once each (2-CPU form of the SPMC test): "
        + "both CAS the oldest READY slot, the loser moves on to the next. r1, r2 = the takes, r3 = what the "
        + "arbiter drains after.")
    @Outcome(id = {"1, 2, 0", "2, 1, 0"}, expect = ACCEPTABLE, desc = "Each message taken by exactly one consumer.")
    @Outcome(expect = FORBIDDEN, desc = "A message taken twice, torn, left behind, or a consumer finding nothing "
        + "while a message was ready for it.")
    @State
    public static class TwoConsumersRace
    {
        private final QueueRing[] views = rings(2, PRODUCER_1, CONSUMER_1, CONSUMER_2);

        public TwoConsumersRace()
        {
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
            r.r2 = consumeCollapsed(views[2]);
        }

        @Arbiter
        public void arbiter(final III_Result r)
        {
            r.r3 = drain(views[1]);
        }
    }

    @JCStressTest
    @Description("Recovery on two threads (2-CPU form): a dead process (owner 5) had claimed position 0 and written "
        + "junk; thread 1 recovers its slots then commits message 1, thread 2 takes once. r1 = slots recovered, "
        + "r2 = the producer's position, r3 = the take (raw: 15 = blocked by the dead owner, 11 = blocked by the "
        + "producer, 65545 = by both), r4 = what the arbiter drains after.")
    @Outcome(id = {"1, 1, 0, 1", "1, 1, 1, 0"}, expect = ACCEPTABLE,
        desc = "The dead claim was skipped; message 1 taken once, by the consumer or the arbiter.")
    @Outcome(id = {"1, 1, 15, 1"}, expect = ACCEPTABLE_INTERESTING,
        desc = "The consumer looked before the recovery and named the dead owner (the queue would recover it).")
    @Outcome(id = {"1, 1, 11, 1"}, expect = ACCEPTABLE_INTERESTING,
        desc = "The consumer looked after the recovery, while message 1 was being written (it would wait).")
    @Outcome(id = {"1, 1, 65545, 1"}, expect = ACCEPTABLE_INTERESTING,
        desc = "The consumer passed the dead claim before the recovery and message 1 being written, and named "
            + "several owners (65535: it would probe every entry).")
    @Outcome(expect = FORBIDDEN, desc = "The dead owner's junk returned (6), the recovery missed or freed a live "
        + "slot, a message lost or torn.")
    @State
    public static class RecoverThenProduceWhileConsumerPolls
    {
        private final QueueRing[] views = rings(2, PRODUCER_1, CONSUMER_1, DEAD);

        public RecoverThenProduceWhileConsumerPolls()
        {
            final long claimed = views[2].tryClaim();
            write(views[2], claimed, JUNK);
            views[2].segment().set(JAVA_INT, views[2].slotOffset(claimed) + QueueDescriptor.LENGTH_OFFSET,
                lengthOf(JUNK));
        }

        @Actor
        public void recovererThenProducer(final IIII_Result r)
        {
            r.r1 = views[0].recover(DEAD);
            r.r2 = (int)produce(views[0], 1);
        }

        @Actor
        public void consumer(final IIII_Result r)
        {
            r.r3 = consume(views[1]);
        }

        @Arbiter
        public void arbiter(final IIII_Result r)
        {
            r.r4 = drain(views[1]);
        }
    }

    @JCStressTest
    @Description("Peek (seqlock-style, as SharedQueue.peek does): capacity 1, message 1 ready at position 0. The "
        + "peeker snapshots the state word, reads the message with plain loads and re-checks the word; meanwhile "
        + "the other thread takes and releases message 1 and commits message 2 into the same slot. r1 = the peek "
        + "(1 = validated message 1, 0 = nothing published at position 0, 7 = read but discarded by the re-check), "
        + "r2 = the other thread's take and commit as digits, r3 = what the arbiter drains after.")
    @Outcome(id = {"1, 12, 2", "0, 12, 2"}, expect = ACCEPTABLE,
        desc = "The peek saw message 1 whole, or looked after it was taken.")
    @Outcome(id = {"7, 12, 2"}, expect = ACCEPTABLE_INTERESTING,
        desc = "The slot changed while the peeker read it, and the re-check caught it: the peek retries.")
    @Outcome(expect = FORBIDDEN, desc = "A validated peek returned message 2 or a torn message, or a message was lost.")
    @State
    public static class PeekWhileSlotIsRefilled
    {
        private final QueueRing[] views = rings(1, PRODUCER_1, CONSUMER_1, CONSUMER_2);

        public PeekWhileSlotIsRefilled()
        {
            produce(views[0], 1);
        }

        @Actor
        public void peeker(final III_Result r)
        {
            final long word = views[2].publishedWord(0);
            if (word == QueueRing.NONE)
            {
                r.r1 = NOTHING;
                return;
            }
            final int tag = read(views[2], 0);
            r.r1 = views[2].stillPublished(0, word) ? tag : 7;
        }

        @Actor
        public void takerThenProducer(final III_Result r)
        {
            final int taken = consumeCollapsed(views[1]);
            r.r2 = 10 * taken + claimCode(produce(views[0], 2), 2);
        }

        @Arbiter
        public void arbiter(final III_Result r)
        {
            r.r3 = drain(views[1]);
        }
    }

    @JCStressTest
    @Description("Tail hint under contention: two producers commit two messages each (1, 2 and 3, 4) into a ring of 8; "
        + "each stores the tail hint after a claim with a plain release store, so the hint may end behind the true "
        + "tail. r1 = what the arbiter drains (all four, each producer's in its order), r2 = the tail hint when "
        + "both are done, r3 = the position the arbiter's own claim gets from that hint (must be 4).")
    @Outcome(id = {"1234, 4, 4", "1324, 4, 4", "1342, 4, 4", "3124, 4, 4", "3142, 4, 4", "3412, 4, 4"},
        expect = ACCEPTABLE,
        desc = "All four messages once, each producer's in order; the hint ended at the tail; the next claim got 4.")
    @Outcome(id = {"1234, 2, 4", "1324, 2, 4", "1342, 2, 4", "3124, 2, 4", "3142, 2, 4", "3412, 2, 4",
        "1234, 3, 4", "1324, 3, 4", "1342, 3, 4", "3124, 3, 4", "3142, 3, 4", "3412, 3, 4"},
        expect = ACCEPTABLE_INTERESTING,
        desc = "The hint was stored back behind the tail by the slower producer; the next claim still skipped the "
            + "claimed slots and got position 4.")
    @Outcome(expect = FORBIDDEN, desc = "A message lost, duplicated, torn or reordered within its producer, or a "
        + "claim from a lagging hint that did not get position 4.")
    @State
    public static class TailHintUnderContention
    {
        private final QueueRing[] views = rings(8, PRODUCER_1, PRODUCER_2, CONSUMER_1);

        @Actor
        public void producer1()
        {
            produce(views[0], 1);
            produce(views[0], 2);
        }

        @Actor
        public void producer2()
        {
            produce(views[1], 3);
            produce(views[1], 4);
        }

        @Arbiter
        public void arbiter(final III_Result r)
        {
            r.r2 = (int)views[2].tail();
            r.r1 = drain(views[2]);
            r.r3 = (int)views[2].tryClaim();
        }
    }

    @JCStressTest
    @Description("Head hint under contention: messages 1..4 are ready in a ring of 4; two consumers take twice "
        + "each, storing the head hint after each take with a plain release store, so it may end behind the true "
        + "head. r1, r2 = each consumer's takes as digits, r3 = the head hint when both are done, r4 = what a take "
        + "from that hint returns after the arbiter commits message 5 (must be 5, not an old slot).")
    @Outcome(id = {"12, 34, 4, 5", "13, 24, 4, 5", "14, 23, 4, 5", "23, 14, 4, 5", "24, 13, 4, 5",
        "34, 12, 4, 5"}, expect = ACCEPTABLE,
        desc = "Each message taken once, each consumer's in position order; the hint ended at the head.")
    @Outcome(id = {"12, 34, 2, 5", "13, 24, 2, 5", "14, 23, 2, 5", "23, 14, 2, 5", "24, 13, 2, 5", "34, 12, 2, 5",
        "12, 34, 3, 5", "13, 24, 3, 5", "14, 23, 3, 5", "23, 14, 3, 5", "24, 13, 3, 5", "34, 12, 3, 5"},
        expect = ACCEPTABLE_INTERESTING,
        desc = "The hint was stored back behind the head; a take from it still skipped the freed slots and got 5.")
    @Outcome(expect = FORBIDDEN, desc = "A message taken twice, missed, torn or out of order within a consumer, or "
        + "a take from a lagging hint that returned something other than message 5.")
    @State
    public static class HeadHintUnderContention
    {
        private final QueueRing[] views = rings(4, PRODUCER_1, CONSUMER_1, CONSUMER_2);

        public HeadHintUnderContention()
        {
            for (int tag = 1; tag <= 4; tag++)
            {
                produce(views[0], tag);
            }
        }

        @Actor
        public void consumer1(final IIII_Result r)
        {
            r.r1 = 10 * consumeCollapsed(views[1]) + consumeCollapsed(views[1]);
        }

        @Actor
        public void consumer2(final IIII_Result r)
        {
            r.r2 = 10 * consumeCollapsed(views[2]) + consumeCollapsed(views[2]);
        }

        @Arbiter
        public void arbiter(final IIII_Result r)
        {
            r.r3 = (int)views[1].head();
            r.r4 = claimCode(produce(views[0], 5), 5) == 5 ? consumeCollapsed(views[1]) : TORN;
        }
    }
}
