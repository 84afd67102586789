package io.jvmipc.queue;

import io.jvmipc.file.CorruptFileException;
import io.jvmipc.file.SharedFile;
import io.jvmipc.file.SlowPath;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;

import static io.jvmipc.queue.QueueDescriptor.FREE;
import static io.jvmipc.queue.QueueDescriptor.LEASED;
import static io.jvmipc.queue.QueueDescriptor.LENGTH_OFFSET;
import static io.jvmipc.queue.QueueDescriptor.MESSAGE_OFFSET;
import static io.jvmipc.queue.QueueDescriptor.OWNER_BITS;
import static io.jvmipc.queue.QueueDescriptor.OWNER_MASK;
import static io.jvmipc.queue.QueueDescriptor.POSITION_SHIFT;
import static io.jvmipc.queue.QueueDescriptor.READING;
import static io.jvmipc.queue.QueueDescriptor.READY;
import static io.jvmipc.queue.QueueDescriptor.WRITING;
import static io.jvmipc.queue.QueueDescriptor.owner;
import static io.jvmipc.queue.QueueDescriptor.positionDelta;
import static io.jvmipc.queue.QueueDescriptor.state;
import static io.jvmipc.queue.QueueDescriptor.stateWord;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The lock-free protocol of a {@link SharedQueue} on its mapping: claim, commit, take, release and the
 * recovery of slots a dead process held. No waiting, no codecs, no allocation.
 * <p>
 * Each slot carries a state word holding its position, its state and, while a process works on it, that
 * process's table entry. A producer claims position {@code p} by a CAS of its slot from FREE(p) to
 * WRITING(p, me), fills it, and publishes with a release store of READY(p). A consumer takes READY(p) by a
 * CAS to READING(p, me), reads, and frees the slot for the next lap with a release store of
 * FREE(p + capacity). Because the owner is written by the same CAS that claims the slot, a slot whose owner
 * died is always attributable, and {@link #recover(int)} (run while holding the dead owner's entry) frees it.
 * The head and tail are hints: stored by whoever claims or takes a slot, CASed forward by whoever finds their
 * slot already moved on; a hint that lags only costs a scan, it never changes an outcome.
 * <p>
 * <b>Passing held slots.</b> A take does not wait behind a slot that is WRITING (its producer may be descheduled
 * between claim and commit, or dead) or LEASED: it goes on to the later messages. The promise is each producer's
 * FIFO order, not a global one: a READY word keeps its writer's entry (stamped by the commit), and a take that has
 * passed a WRITING slot of that writer passes a later READY slot of the same writer too, as if it were held (if
 * nothing else is taken, the writer is reported as blocking, and the caller tries again). Without that check a
 * scan that reads slot p WRITING and then slot p + 1 READY could take one producer's later message first, the
 * older one having been committed just after the scan read it; with it, that race waits instead. The set of passed writers is kept as one bit per entry modulo 64, so a
 * bit shared by two writers only makes a take wait that need not. Messages of one process's threads through one
 * attachment share its entry, so they do not pass each other either.
 * <p>
 * <b>Leases.</b> A leased take CASes READY(p) to LEASED(p, me) instead of READING; {@link #ack(long)} CASes
 * LEASED(p, me) to FREE(p + capacity), {@link #releaseLease(long)} and the recovery of a dead holder CAS it back
 * to READY(p), so the message is taken again.
 * <p>
 * <b>The head hint.</b> A READY(p) behind the head hint would never be seen by a taker, so the head hint never
 * passes a WRITING or LEASED slot. The invariant: <i>every position below the head hint is gone for good</i> (its
 * slot is READING for it, which only becomes a later lap, or already holds a later lap). It holds because the
 * hint moves only (a) to {@code p + 1} by a plain take that has just made p READING and has not passed a held
 * (WRITING or LEASED) slot in its scan, (b) past p by {@link #advance} or {@link #removeTaken(long)} after reading
 * p's slot as READING(p) or a later lap, again only by a scan that has not passed a held slot, or (c) backwards
 * (a stale store), which keeps the invariant. A scan that finds a held slot goes on past it by its own count and
 * moves the hint no more; a leased take does not move it either. So a held slot is at or after the hint, and
 * every scan reaches it: a message committed late, released or recovered is the oldest a taker finds, before newer
 * ones (a released lease keeps its producer's FIFO order, except that messages after it may have been delivered
 * while it was held). The cost: while a slot is held, each take scans from the oldest held slot over the positions
 * taken since, but see the pass hint. A take that finds nothing to take after passing held slots names their
 * owner (or any process, if several) as the one to blame, so that a waiting consumer probes it, a dead writer's
 * slot is freed and a dead holder's message is redelivered.
 * <p>
 * <b>The pass hint.</b> Without it, a producer descheduled for a few milliseconds between claim and commit would
 * make every take scan from its slot over all the positions taken since (thousands). The pass hint S is the
 * invariant's second half: <i>every position below S is gone for good, except at most one, and that one is the
 * oldest position not gone</i>. A scan whose first held slot is h (so every position before h is gone, and h is
 * the oldest one not gone) therefore goes on from max(h + 1, S) without reading the positions in between. Only
 * such a scan, and only while it has passed no other held slot since the jump, moves S: forward past a position
 * it finds gone (CAS), or to q + 1 after its plain take of q (a release store; it passed only gone positions from
 * where it went on). A stale store moves S back, which keeps the invariant; a second held slot, or a lease taken,
 * leaves S where it is, so no held slot other than the oldest is ever below S. A new queue's S is 0.
 * <p>
 * <b>Single-producer and single-consumer modes.</b> A queue created for one producer at a time
 * ({@link QueueDescriptor#SINGLE_PRODUCER}) has its producer claim without a CAS: the role holder is the only one
 * that changes a FREE word of the current lap, so it leaves the slot FREE while it writes and publishes it with one
 * release store of READY(p, me). No slot is ever WRITING, so a producer that dies leaves nothing to recover: its
 * slot is still FREE, and the next holder claims it again. The tail hint is stored after the publication (not at
 * the claim), so the next holder starts at or before the slot it left FREE; it has at most one open claim, so no
 * slot after that one is published. A queue created for one consumer at a time
 * ({@link QueueDescriptor#SINGLE_CONSUMER}) has its plain take return a READY slot without a CAS: only the role
 * holder takes (leases and removals too), so the word stays READY while it reads and {@link #release(long)} frees
 * it. The head (or pass) hint a take would move is moved after that release, so a consumer that dies before its
 * take returns leaves the message READY and at or after the hint: it is delivered to the next holder, not lost. The
 * roles are held in role words ({@link #acquireRole}), freed by the recovery of a dead or detached holder.
 * <p>
 * <b>Faults.</b> Every compare-and-set here follows a volatile read of the same word (or of a word on a later
 * page, which a truncation removes first: {@link #tryClaimPredicted()} reads the mapping's last word) in the same
 * call: on a file truncated under a live process that read raises the JVM's {@link InternalError}, which the caller turns into a {@code SharedObjectException}, whereas a
 * compare-and-set executed by the interpreter on a removed page crashes the JVM (its native entry has no fault
 * guard).
 * <p>
 * Results are encoded in a {@code long} to stay allocation-free: a position (>= 0), {@link #NONE}, a slot
 * blocked by an owner ({@link #isBlocked(long)}, {@link #blockingOwner(long)}), or a message too long for
 * the caller ({@link #isTooLong(long)}, {@link #tooLongLength(long)}).
 */
final class QueueRing
{
    /** Empty (for takes) or full (for claims), with nobody to suspect. */
    static final long NONE = -1;
    private static final long BLOCKED_BASE = -(1L << 32);
    private static final long TOO_LONG_BASE = -2;

    private static final VarHandle LONG = JAVA_LONG.varHandle();
    private static final VarHandle INT = JAVA_INT.varHandle();

    private final MemorySegment segment;
    private final long tailOffset;
    private final long headOffset;
    private final long passOffset;
    private final long slotsOffset;
    private final int capacity;
    private final long mask;
    private final int slotLength;
    private final int maxMessageSize;
    /**
     * This attachment's file: its process-table entry, known once attached, is the owner of the slots it holds
     * ({@code null}: {@link #fixedSelf} is).
     */
    private final SharedFile file;
    private final int fixedSelf;
    /** The mapping's last word (in the last slot): on the last page, read as the fault guard of a blind CAS. */
    private final long guardOffset;
    private final long producerRoleOffset;
    private final long consumerRoleOffset;
    /** One producer at a time, which claims without a CAS (see the class). */
    private final boolean singleProducer;
    /** One consumer at a time, which takes without a CAS (see the class). */
    private final boolean singleConsumer;
    // The four fields below are this attachment's, plain: only the thread holding the role reads and writes them
    // (SharedQueue checks it on every call), and a hand-over to another thread of the attachment follows the end of
    // the thread that held it, which happens-before the new holder's Thread.isAlive() check returns false.
    /** Single producer: the next position to claim, or -1 until this holder has read the tail hint. */
    private long producerTail = -1;
    /** Single producer: the position of this holder's open claim, or -1. */
    private long openClaim = -1;
    /** Single consumer: the position of the plain take this holder has not released yet, or -1. */
    private long openTake = -1;
    /** Single consumer: the hint the open take moves when it is released ({@link #headOffset} or {@link #passOffset}), or -1. */
    private long deferredHintOffset = -1;

    /** A ring whose slots this attachment of {@code file} holds are stamped with its entry, read once attached. */
    QueueRing(final MemorySegment segment, final long bodyOffset, final int capacity, final int slotLength,
        final int maxMessageSize, final SharedFile file, final long mode)
    {
        this(segment, bodyOffset, capacity, slotLength, maxMessageSize, file, -1, mode);
    }

    /** A ring on a bare segment whose holder stamps are {@code self} (jcstress tests: no file). */
    QueueRing(final MemorySegment segment, final long bodyOffset, final int capacity, final int slotLength,
        final int maxMessageSize, final int self)
    {
        this(segment, bodyOffset, capacity, slotLength, maxMessageSize, null, self, 0);
    }

    /** As {@link #QueueRing(MemorySegment, long, int, int, int, int)}, in a mode (jcstress tests: no file). */
    QueueRing(final MemorySegment segment, final long bodyOffset, final int capacity, final int slotLength,
        final int maxMessageSize, final int self, final long mode)
    {
        this(segment, bodyOffset, capacity, slotLength, maxMessageSize, null, self, mode);
    }

    private QueueRing(final MemorySegment segment, final long bodyOffset, final int capacity, final int slotLength,
        final int maxMessageSize, final SharedFile file, final int fixedSelf, final long mode)
    {
        this.producerRoleOffset = bodyOffset + QueueDescriptor.PRODUCER_ROLE_OFFSET;
        this.consumerRoleOffset = bodyOffset + QueueDescriptor.CONSUMER_ROLE_OFFSET;
        this.singleProducer = (mode & QueueDescriptor.SINGLE_PRODUCER) != 0;
        this.singleConsumer = (mode & QueueDescriptor.SINGLE_CONSUMER) != 0;
        this.maxMessageSize = maxMessageSize;
        this.segment = segment;
        this.tailOffset = bodyOffset + QueueDescriptor.TAIL_OFFSET;
        this.headOffset = bodyOffset + QueueDescriptor.HEAD_OFFSET;
        this.passOffset = bodyOffset + QueueDescriptor.PASS_OFFSET;
        this.slotsOffset = bodyOffset + QueueDescriptor.SLOTS_OFFSET;
        this.capacity = capacity;
        this.mask = Integer.bitCount(capacity) == 1 ? capacity - 1 : -1;
        this.slotLength = slotLength;
        this.file = file;
        this.fixedSelf = fixedSelf;
        this.guardOffset = slotsOffset + (long)capacity * slotLength - Long.BYTES;
    }

    /** The owner stamp of the slots this attachment claims or takes. */
    private int self()
    {
        return file != null ? file.entry() : fixedSelf;
    }

    /** Writes FREE(i) into every slot i of a new queue. */
    static void initialize(final MemorySegment file, final long bodyOffset, final int capacity, final int slotLength)
    {
        for (int i = 0; i < capacity; i++)
        {
            file.set(JAVA_LONG, bodyOffset + QueueDescriptor.SLOTS_OFFSET + (long)i * slotLength,
                stateWord(i, FREE, 0));
        }
    }

    static boolean isBlocked(final long result)
    {
        return result <= BLOCKED_BASE;
    }

    static int blockingOwner(final long result)
    {
        return (int)(BLOCKED_BASE - result);
    }

    static boolean isTooLong(final long result)
    {
        return result <= TOO_LONG_BASE && result > BLOCKED_BASE;
    }

    static int tooLongLength(final long result)
    {
        return (int)(TOO_LONG_BASE - result);
    }

    /** Offset in the mapping of the slot for {@code position}. */
    long slotOffset(final long position)
    {
        final long index = mask >= 0 ? position & mask : position % capacity;
        return slotsOffset + index * slotLength;
    }

    /** Offset in the mapping of the message bytes of the slot for {@code position}. */
    long messageOffset(final long position)
    {
        return slotOffset(position) + MESSAGE_OFFSET;
    }

    /**
     * Claims the next position for writing.
     *
     * @return the position, {@link #NONE} if full, or blocked by the owner of the previous lap's slot.
     */
    long tryClaim()
    {
        if (singleProducer)
        {
            return tryClaimSingle();
        }
        // volatile: only a starting hint; the slot's state word below decides
        long tail = (long)LONG.getVolatile(segment, tailOffset);
        while (true)
        {
            final long slot = slotOffset(tail);
            // volatile: the slot's state decides everything below
            final long word = (long)LONG.getVolatile(segment, slot);
            final long delta = positionDelta(word, tail);
            if (delta == 0)
            {
                if (state(word) == FREE)
                {
                    // CAS: claims the slot and records this process as its owner in one step
                    if (LONG.compareAndSet(segment, slot, word, stateWord(tail, WRITING, self())))
                    {
                        // release, not CAS: the tail is only a hint. Another producer may have moved it further and
                        // this store may move it back a little; a producer starting from a stale tail finds the slot
                        // claimed or a lap ahead (never an older lap, so never a false "full") and advances past it
                        LONG.setRelease(segment, tailOffset, tail + 1);
                        return tail;
                    }
                    continue;
                }
                tail = advance(tailOffset, tail);
            }
            else if (delta > 0)
            {
                tail = advance(tailOffset, tail);
            }
            else
            {
                // the slot still holds the previous lap's message: full
                final int state = state(word);
                checkPreviousLap(delta, state, "tail hint", tail, word);
                return state == WRITING || state == READING || state == LEASED ? BLOCKED_BASE - owner(word) : NONE;
            }
        }
    }

    /**
     * As {@link #tryClaim()}, but first one compare-and-exchange of the tail hint's slot from the FREE word it holds
     * when nobody has claimed that position yet: one coherence transaction for the slot's line (an exclusive
     * fetch) instead of two (a shared copy for the read, then its upgrade for the CAS), when the line was last
     * written by the consumer that freed it. On any other word it goes on as {@link #tryClaim()}. For a first
     * attempt only: while the queue stays full, repeated blind CASes would pull the line away from the consumer.
     *
     * @return as {@link #tryClaim()}.
     */
    long tryClaimPredicted()
    {
        if (singleProducer)
        {
            return tryClaimSingle();
        }
        // volatile: only a starting hint; the CAS below decides
        final long tail = (long)LONG.getVolatile(segment, tailOffset);
        // opaque (a read that is not elided): the mapping's last word is on its last page, which a truncation
        // removes first, so a truncated file raises the JVM's InternalError here rather than crash the JVM in the
        // interpreter's unguarded CAS below (see the class comment)
        LONG.getOpaque(segment, guardOffset);
        final long free = stateWord(tail, FREE, 0);
        // CAS: claims the slot if it is FREE for the tail and records this process as its owner, in one step
        final long witness = (long)LONG.compareAndExchange(segment, slotOffset(tail), free,
            stateWord(tail, WRITING, self()));
        if (witness == free)
        {
            // release, not CAS: the tail is only a hint (as in tryClaim)
            LONG.setRelease(segment, tailOffset, tail + 1);
            return tail;
        }
        return tryClaim();
    }

    /**
     * The claim of the single producer (the role holder, so no CAS): the first position at or after its tail whose
     * slot is FREE for it, left FREE while it is written (see the class). Positions a previous holder published
     * after its last tail store (READY) or that a consumer has freed since (a later lap) are passed.
     *
     * @return as {@link #tryClaim()}.
     */
    private long tryClaimSingle()
    {
        // volatile: the hint is where the last holder's last publication left it (see the class)
        long tail = producerTail >= 0 ? producerTail : (long)LONG.getVolatile(segment, tailOffset);
        while (true)
        {
            // volatile: the slot's state decides; a consumer's FREE store of it (release) is read with its reads
            // of the old message done
            final long word = (long)LONG.getVolatile(segment, slotOffset(tail));
            final long delta = positionDelta(word, tail);
            if (delta == 0 && state(word) == FREE)
            {
                producerTail = tail;
                openClaim = tail;
                return tail;
            }
            if (delta < 0)
            {
                // the slot still holds the previous lap's message: full
                final int state = state(word);
                checkPreviousLap(delta, state, "tail hint", tail, word);
                return state == READING || state == LEASED ? BLOCKED_BASE - owner(word) : NONE;
            }
            // published by a previous holder after its last tail store, or already freed for a later lap
            tail++;
        }
    }

    /** Whether this attachment, as the single producer, has an open claim ({@link #openClaim()}). */
    boolean hasOpenClaim()
    {
        return openClaim >= 0;
    }

    /** The single producer's open claim, or -1. */
    long openClaim()
    {
        return openClaim;
    }

    /** Publishes a claimed position holding {@code length} bytes. */
    void commit(final long position, final int length)
    {
        final long slot = slotOffset(position);
        segment.set(JAVA_INT, slot + LENGTH_OFFSET, length);
        // release: the length and message bytes are visible before the slot reads as READY; the word keeps the
        // writer's entry, so that a consumer that passed an older slot this writer is still writing does not take
        // this one first (see tryTake)
        LONG.setRelease(segment, slot, stateWord(position, READY, self()));
        if (singleProducer)
        {
            endSingleClaim(position);
        }
    }

    /** The single producer's claim of {@code position} is published or given back: the tail moves past it. */
    private void endSingleClaim(final long position)
    {
        openClaim = -1;
        producerTail = position + 1;
        // release: after the slot's word, so that the next holder starts at or before a slot still FREE (see class)
        LONG.setRelease(segment, tailOffset, position + 1);
    }

    /** Whether the slot of {@code position} is claimed for that position by this attachment. */
    boolean isClaimedBySelf(final long position)
    {
        if (singleProducer)
        {
            return openClaim == position && position >= 0;
        }
        // volatile: reads our own earlier CAS; cheap, the line is in our cache
        return (long)LONG.getVolatile(segment, slotOffset(position)) == stateWord(position, WRITING, self());
    }

    /** Gives a claimed position back unused: consumers skip it. */
    void abort(final long position)
    {
        // release: a gap, which consumers pass (as a slot already taken)
        LONG.setRelease(segment, slotOffset(position), stateWord(position + capacity, FREE, 0));
        if (singleProducer)
        {
            endSingleClaim(position);
        }
    }

    /**
     * Forgets the open claim of a thread of this attachment that ended while it held the producer role: its slot
     * is still FREE, and the next holder starts from the tail hint, at or before it.
     */
    void forgetOpenClaim()
    {
        openClaim = -1;
        producerTail = -1;
    }

    /**
     * Forgets the open take of a thread of this attachment that ended while it held the consumer role: its slot is
     * still READY and at or after the hints, so it is taken again.
     */
    void forgetOpenTake()
    {
        openTake = -1;
        deferredHintOffset = -1;
    }

    /** Whether this attachment, as the single consumer, has a take it has not released yet. */
    boolean hasOpenTake()
    {
        return openTake >= 0;
    }

    /**
     * Takes a role of a single-producer or single-consumer queue for this attachment: a CAS of the role word from
     * free to this attachment's entry.
     *
     * @param producer the producer role, else the consumer role.
     * @return -1 if this attachment holds it now, else the process-table entry that holds it (as stored: a
     *         corrupt word may name no entry, which the caller reports).
     */
    long acquireRole(final boolean producer)
    {
        final long offset = producer ? producerRoleOffset : consumerRoleOffset;
        final long mine = self() + 1L;
        // volatile read first: a truncated file raises the JVM's InternalError here, before the CAS (see the class)
        final long seen = (long)LONG.getVolatile(segment, offset);
        if (seen == mine)
        {
            return -1;
        }
        // CAS: the role is free, or held by another entry; the holder's word is cleared only by its recovery
        final long witness = seen != 0 ? seen : (long)LONG.compareAndExchange(segment, offset, 0L, mine);
        return witness == 0 || witness == mine ? -1 : witness - 1;
    }

    /**
     * Takes the oldest published message for reading, unless it is longer than {@code maxLength} (a plain take).
     *
     * @param maxLength the longest message the caller can take.
     * @return as {@link #tryTake(int, boolean)}.
     */
    long tryTake(final int maxLength)
    {
        return tryTake(maxLength, false);
    }

    /**
     * Takes the oldest published message, unless it is longer than {@code maxLength}: plainly (READING, freed by
     * {@link #release(long)}) or under a lease (LEASED, ended by {@link #ack(long)} or {@link #releaseLease(long)}).
     *
     * @param maxLength the longest message the caller can take.
     * @param lease     whether to take it under a lease.
     * @return the position, {@link #NONE} if nothing is published, blocked by the writer of the oldest slot (or,
     *         with nothing to take, by the holder of a lease passed on the way; {@link QueueDescriptor#OWNER_MASK}
     *         if several), or too long (the message stays in the queue).
     */
    long tryTake(final int maxLength, final boolean lease)
    {
        // The two common cases first, in a method small enough for the JIT to inline into the caller (the scan
        // below is not): the head hint's slot is FREE for that position (nothing published), or it holds a
        // message the caller can take whatever its length. Each returns what the scan would, from the same reads.
        // volatile: only a starting hint; the slot's state word decides
        final long head = (long)LONG.getVolatile(segment, headOffset);
        final long slot = slotOffset(head);
        // volatile (acquire suffices): a READY state makes the producer's length and bytes visible
        final long word = (long)LONG.getVolatile(segment, slot);
        if (word == stateWord(head, FREE, 0))
        {
            return NONE;
        }
        if (word >>> OWNER_BITS == stateWord(head, READY, 0) >>> OWNER_BITS && maxLength >= maxMessageSize)
        {
            if (singleConsumer && !lease)
            {
                // as in the scan: no CAS, the hint is moved after the release
                openTake = head;
                deferredHintOffset = headOffset;
                return head;
            }
            // CAS: as in the scan
            if (LONG.compareAndSet(segment, slot, word, stateWord(head, lease ? LEASED : READING, self())))
            {
                if (!lease)
                {
                    // release, not CAS: a hint, as in the scan (which passed no held slot to get here)
                    LONG.setRelease(segment, headOffset, head + 1);
                }
                return head;
            }
        }
        return scanTake(maxLength, lease);
    }

    /** {@link #tryTake(int, boolean)} in full: the scan from the head hint past gone and held slots. */
    private long scanTake(final int maxLength, final boolean lease)
    {
        // volatile: only a starting hint; the slot's state word below decides
        long head = (long)LONG.getVolatile(segment, headOffset);
        // -1 while no held slot was passed: from the first one on, the head hint stays where it is (see the class);
        // else the owner of the slots passed, OWNER_MASK if several
        int heldBy = -1;
        // one bit (entry modulo 64) per writer whose WRITING slot was passed: a READY slot of such a writer may be
        // its later message, which must not overtake the one it is still writing (a false match only waits)
        long passedWriters = 0;
        // whether this scan jumped from the oldest held slot to the pass hint and has passed nothing held since:
        // only then may it move the pass hint (see the class)
        boolean onPassHint = false;
        while (true)
        {
            final long slot = slotOffset(head);
            // volatile (acquire suffices): a READY state makes the producer's length and bytes visible
            final long word = (long)LONG.getVolatile(segment, slot);
            final long delta = positionDelta(word, head);
            if (delta == 0)
            {
                final int state = state(word);
                if (state == READY && (passedWriters & writerBit(owner(word))) == 0)
                {
                    if (maxLength < maxMessageSize)
                    {
                        // acquire: the length is read before the state word is read again below
                        final int length = (int)INT.getAcquire(segment, slot + LENGTH_OFFSET);
                        if (length > maxLength && length <= maxMessageSize)
                        {
                            // volatile: the length is message head's only if the slot still holds that published
                            // message; else another consumer took it (and a later lap may have reused the slot)
                            if ((long)LONG.getVolatile(segment, slot) != word)
                            {
                                continue;
                            }
                            return TOO_LONG_BASE - length;
                        }
                        // a length outside 0..maxMessageSize is corrupt: taken below, for the caller to report
                    }
                    if (singleConsumer && !lease)
                    {
                        // the single consumer: no CAS, the slot stays READY until release(head) frees it, and the
                        // hint this take moves is moved after that (see the class)
                        openTake = head;
                        deferredHintOffset = heldBy < 0 ? headOffset : onPassHint ? passOffset : -1;
                        return head;
                    }
                    // CAS: takes the message and records this process as its reader or holder in one step
                    if (LONG.compareAndSet(segment, slot, word, stateWord(head, lease ? LEASED : READING, self())))
                    {
                        if (!lease && heldBy < 0)
                        {
                            // release, not CAS: a hint, as for the tail; a consumer starting from a stale head finds
                            // the slot taken or freed for a later lap and advances past it. Never past a held slot:
                            // this scan passed none, and our own is READING
                            LONG.setRelease(segment, headOffset, head + 1);
                        }
                        else if (!lease && onPassHint)
                        {
                            // release, not CAS: a hint; every position from the pass hint to ours was gone when this
                            // scan passed it, and ours is READING now (a stale store only costs a scan)
                            LONG.setRelease(segment, passOffset, head + 1);
                        }
                        return head;
                    }
                    continue;
                }
                if (state == FREE)
                {
                    return nothingAfter(heldBy);
                }
                if (isImpossible(word))
                {
                    throw replaceImpossible(head, word);
                }
                if (state == WRITING || state == LEASED || state == READY)
                {
                    // held: a message being written (its producer may be descheduled, or dead), one under a lease, or
                    // a later message of a writer passed. Later messages are taken past it; the hints stay before it
                    final int owner = owner(word);
                    if (state == WRITING)
                    {
                        passedWriters |= writerBit(owner);
                    }
                    final boolean oldest = heldBy < 0;
                    heldBy = oldest || heldBy == owner ? owner : (int)OWNER_MASK;
                    if (oldest)
                    {
                        // the oldest position not gone (everything before it is): every position after it and
                        // before the pass hint is gone (see the class), so the scan goes on from there
                        onPassHint = true;
                        // volatile: only a hint, whose invariant the class states
                        head = Math.max(head + 1, (long)LONG.getVolatile(segment, passOffset));
                    }
                    else
                    {
                        onPassHint = false;
                        head++;
                    }
                    continue;
                }
                head = passGone(head, heldBy, onPassHint);
            }
            else if (delta > 0)
            {
                head = passGone(head, heldBy, onPassHint);
            }
            else
            {
                // the previous lap's message is still being read or held: this position is not written yet
                checkPreviousLap(delta, state(word), "head or pass hint", head, word);
                return nothingAfter(heldBy);
            }
        }
    }

    /**
     * Checks a slot word found behind the position a scan reached (from a hint). In a consistent queue that word
     * is the previous lap's, exactly one capacity behind, and not FREE: every position before the tail hint was
     * claimed (the hint is stored after a claim, or in a single-producer queue after a publication), and every
     * position before the head and pass hints was taken, so the slot of the position one lap before has at least
     * been claimed. A word further behind, or a FREE one, means that a hint or the slot word was overwritten:
     * without this check the queue would look full (or empty) forever, holding its messages.
     *
     * @throws CorruptFileException naming the file, the hint, the position, the slot and its word.
     */
    private void checkPreviousLap(final long delta, final int state, final String hint, final long position,
        final long word)
    {
        if (delta == -capacity && isImpossible(word))
        {
            throw replaceImpossible(position - capacity, word);
        }
        if (delta != -capacity || state == FREE)
        {
            // volatile: the pass hint, for the message only
            throw corruptSlot(position, word, ") where the " + hint + " puts position " + position + " (tail hint " +
                tail() + ", head hint " + head() + ", pass hint " + (long)LONG.getVolatile(segment, passOffset) +
                ", capacity " + capacity + "): a queue holds that position there, or the previous lap's claimed " +
                "message, so a hint or the slot word was overwritten");
        }
    }

    /**
     * Whether no process can have stored this slot word: a state outside FREE..LEASED, or a slot held (WRITING,
     * READING or LEASED) by an entry outside the process table. Left in place, such a slot would be held for ever:
     * producers a lap later would find the queue full there, and consumers would wait for its owner.
     */
    private boolean isImpossible(final long word)
    {
        final int state = state(word);
        return state > LEASED || state != FREE && state != READY && file != null &&
            owner(word) >= file.processTableCapacity();
    }

    /**
     * Replaces an impossible slot word of {@code position} ({@link #isImpossible(long)}) as the recovery of a dead
     * owner would (one CAS from the word read: a lease made READY again, anything else freed for the next lap), so
     * that the queue goes on, and returns the exception that reports it.
     */
    private CorruptFileException replaceImpossible(final long position, final long word)
    {
        final boolean lease = state(word) == LEASED;
        final long next = lease ? stateWord(position, READY, 0) : stateWord(position + capacity, FREE, 0);
        // CAS: only if the slot still holds that word (nobody else replaced it first)
        LONG.compareAndSet(segment, slotOffset(position), word, next);
        return corruptSlot(position, word, ", owner entry " + owner(word) + "), which no process can store (states 0 " +
            "to " + LEASED + ", owners 0 to " + (file != null ? file.processTableCapacity() - 1 : OWNER_MASK) + "); " +
            (lease ? "its message is delivered again" : "the slot is freed, and any message in it is lost"));
    }

    /** A corrupt slot word of {@code position}: the slot, the word, its position and state, then {@code detail}. */
    private CorruptFileException corruptSlot(final long position, final long word, final String detail)
    {
        return new CorruptFileException(file != null ? file.path() : Path.of("(a ring without a file)"),
            "slot " + (slotOffset(position) - slotsOffset) / slotLength + " holds word 0x" + Long.toHexString(word) +
            " (position " + (word >>> POSITION_SHIFT) + ", state " + state(word) + detail);
    }

    /** The next position for a take's scan after {@code position}, which is gone, moving a hint past it if allowed. */
    private long passGone(final long position, final int heldBy, final boolean onPassHint)
    {
        if (heldBy < 0)
        {
            return advance(headOffset, position);
        }
        return onPassHint ? Math.max(position + 1, advance(passOffset, position)) : position + 1;
    }

    /** The bit of a writer's entry in a set of passed writers (entries modulo 64: a shared bit is a false match). */
    private static long writerBit(final int owner)
    {
        return 1L << owner;
    }

    /** Nothing to take: {@link #NONE}, or blocked by the owner of the held slots passed (-1: none). */
    private static long nothingAfter(final int heldBy)
    {
        return heldBy < 0 ? NONE : BLOCKED_BASE - heldBy;
    }

    /**
     * Acknowledges a position this attachment holds under a lease: LEASED(position, me) becomes FREE for the next
     * lap, so the message is gone for good.
     *
     * @return {@code true} if done; {@code false} if the slot is no longer this attachment's lease (it was given
     *         back by a recovery of this attachment's entry, which happens only once it is closed).
     */
    boolean ack(final long position)
    {
        return endLease(position, stateWord(position + capacity, FREE, 0));
    }

    /**
     * Gives a position this attachment holds under a lease back to the queue: LEASED(position, me) becomes
     * READY(position), the oldest message a taker finds (see the class).
     *
     * @return {@code true} if done; {@code false} as {@link #ack(long)}.
     */
    boolean releaseLease(final long position)
    {
        return endLease(position, stateWord(position, READY, 0));
    }

    private boolean endLease(final long position, final long next)
    {
        final long slot = slotOffset(position);
        final long held = stateWord(position, LEASED, self());
        // volatile read first: the lease was taken by an earlier call and the file may have been truncated since;
        // the read raises the JVM's InternalError, where an interpreted CAS on the removed page would crash the JVM
        if ((long)LONG.getVolatile(segment, slot) != held)
        {
            return false;
        }
        // CAS (release semantics): our reads of the slot complete before it is freed or taken again; only we change
        // our LEASED word while attached, so this fails only if we are not
        return LONG.compareAndSet(segment, slot, held, next);
    }

    /**
     * The length word of the slot of a position taken by {@link #tryTake(int)} (or being peeked), as stored: the
     * caller checks it against {@link #isValidLength(int)} before using it.
     */
    int length(final long position)
    {
        return segment.get(JAVA_INT, slotOffset(position) + LENGTH_OFFSET);
    }

    /** Whether a length read from a slot is one a producer can have committed: 0 to the maximum message size. */
    boolean isValidLength(final int length)
    {
        return length >= 0 && length <= maxMessageSize;
    }

    /**
     * The oldest position whose message is published, scanning from the head past slots already taken or freed
     * (gaps: aborted claims, failed encodes, recovered dead producers), held under a lease, or being written,
     * exactly as {@link #tryTake(int)} does (from the oldest held slot on, from the pass hint), but without taking
     * anything or moving a hint.
     *
     * @return the position, {@link #NONE} if nothing is published before the first unwritten slot, or blocked by
     *         the writer of a slot passed (as {@link #tryTake(int)} reports it).
     */
    long firstPublished()
    {
        long position = head();
        int writer = -1;
        long passedWriters = 0;
        boolean passedHeld = false;
        while (true)
        {
            // volatile: as in tryTake, the slot's state word decides
            final long word = (long)LONG.getVolatile(segment, slotOffset(position));
            final long delta = positionDelta(word, position);
            final int state = state(word);
            if (delta == 0 && state == READY && (passedWriters & writerBit(owner(word))) == 0)
            {
                return position;
            }
            if (delta == 0 && state == WRITING)
            {
                passedWriters |= writerBit(owner(word));
                writer = writer < 0 ? owner(word) : writer;
            }
            else if (delta == 0 && state == FREE || delta < 0)
            {
                if (delta < 0)
                {
                    checkPreviousLap(delta, state, "head or pass hint", position, word);
                }
                return writer < 0 ? NONE : BLOCKED_BASE - writer;
            }
            if (!passedHeld && delta == 0 && (state == WRITING || state == LEASED))
            {
                // the oldest position not gone, as in tryTake: every position after it and before the pass hint is
                // gone (see the class), so the scan goes on from there instead of reading each of them.
                // Volatile: only a hint, whose invariant the class states
                passedHeld = true;
                position = Math.max(position + 1, (long)LONG.getVolatile(segment, passOffset));
                continue;
            }
            position++;
        }
    }

    /** Frees a position taken by {@link #tryTake(int)} or {@link #tryTakeAt(long, long)} for the next lap. */
    void release(final long position)
    {
        // release: our reads of the slot complete before a producer of the next lap may claim it
        LONG.setRelease(segment, slotOffset(position), stateWord(position + capacity, FREE, 0));
        if (position == openTake)
        {
            openTake = -1;
            if (deferredHintOffset >= 0)
            {
                // release, not CAS: a hint, moved as the take would have moved it, now that the slot is gone
                LONG.setRelease(segment, deferredHintOffset, position + 1);
                deferredHintOffset = -1;
            }
        }
    }

    /**
     * Frees every slot that process-table entry {@code entry} was writing or reading, and makes every slot it held
     * under a lease READY again (redelivered). Called only while holding that entry's lock after its owner died
     * or detached, so no live thread owns those slots. A message it was writing was never published; one it was
     * reading is lost (its take never returned); one it held under a lease is taken again by the next taker (the
     * head hint is at or before it, see the class). Each slot is one CAS, so a recoverer that dies half-way
     * leaves every slot either recovered or still the dead entry's, for the next recoverer.
     *
     * @return how many slots were freed or made READY.
     */
    int recover(final int entry)
    {
        int recovered = freeRole(producerRoleOffset, entry) + freeRole(consumerRoleOffset, entry);
        for (int i = 0; i < capacity; i++)
        {
            final long slot = slotsOffset + (long)i * slotLength;
            final long word = (long)LONG.getVolatile(segment, slot);
            final int state = state(word);
            if ((state == WRITING || state == READING || state == LEASED) && owner(word) == entry)
            {
                final long position = word >>> POSITION_SHIFT;
                final long next = state == LEASED ? stateWord(position, READY, 0)
                    : stateWord(position + capacity, FREE, 0);
                // CAS: only the dead owner could have changed this word, so this succeeds; it frees the slot, or
                // publishes the leased message again
                if (LONG.compareAndSet(segment, slot, word, next))
                {
                    recovered++;
                    if (state == LEASED && file != null)
                    {
                        file.count(SlowPath.REDELIVERIES);
                    }
                }
            }
        }
        return recovered;
    }

    /** Frees a role word held by a dead or detached entry (one CAS, so a recoverer that dies leaves it held). */
    private int freeRole(final long offset, final int entry)
    {
        final long held = entry + 1L;
        // volatile read first, then CAS: only the recovery of the holder's entry clears its word
        return (long)LONG.getVolatile(segment, offset) == held && LONG.compareAndSet(segment, offset, held, 0L) ? 1 : 0;
    }

    /**
     * A snapshot of the message at {@code position} if it is published, for peeking: returns the state word to
     * pass to {@link #stillPublished(long, long)} after reading, or {@link #NONE}.
     */
    long publishedWord(final long position)
    {
        // volatile: a READY word makes the message bytes read after it visible (seqlock-style, re-checked)
        final long word = (long)LONG.getVolatile(segment, slotOffset(position));
        return positionDelta(word, position) == 0 && state(word) == READY ? word : NONE;
    }

    /** Whether the slot of {@code position} still holds the same published message (a seqlock-style check). */
    boolean stillPublished(final long position, final long word)
    {
        // acquire fence: the reads of the message complete before this re-read of the state word
        VarHandle.acquireFence();
        return (long)LONG.getVolatile(segment, slotOffset(position)) == word;
    }

    /**
     * Takes the message at {@code position} out of the queue for removal, if its slot still holds {@code word}
     * (a READY word from {@link #publishedWord(long)}): the same CAS to READING(position, this attachment) that
     * {@link #tryTake(int)} makes, so a concurrent take and removal of one message cannot both succeed, and a
     * remover that dies holding the slot is recovered like a dead consumer ({@link #recover(int)} frees it).
     * Finish with {@link #removeTaken(long)}.
     *
     * @return {@code true} if this attachment now holds the slot; {@code false} if the message was taken first.
     */
    boolean tryTakeAt(final long position, final long word)
    {
        final long slot = slotOffset(position);
        // volatile read first: the word was read by an earlier call (the iterator's next()), and the file may have
        // been truncated since; the read then raises the JVM's InternalError, where an interpreted CAS on the
        // removed page would crash the JVM
        if ((long)LONG.getVolatile(segment, slot) != word)
        {
            return false;
        }
        // CAS: READY is left only by a take, so success means nobody else took this message; records us as owner
        return LONG.compareAndSet(segment, slot, word, stateWord(position, READING, self()));
    }

    /**
     * Turns a slot taken by {@link #tryTakeAt(long, long)} into a gap that consumers skip (as {@link #abort(long)}
     * does), then moves the head hint past gaps at the head so that it does not lag behind removed messages.
     */
    void removeTaken(final long position)
    {
        release(position);
        // volatile: only a starting hint; each slot's word below decides whether the hint may pass it
        long head = (long)LONG.getVolatile(segment, headOffset);
        for (int i = 0; i < capacity; i++)
        {
            // volatile: a word of a later lap means this position is gone (taken or a gap)
            final long word = (long)LONG.getVolatile(segment, slotOffset(head));
            if (positionDelta(word, head) <= 0)
            {
                return;
            }
            // CAS: a hint moved forward past a position that is gone, as tryTake's advance does; failure: it moved
            if (!LONG.compareAndSet(segment, headOffset, head, head + 1))
            {
                return;
            }
            head++;
        }
    }

    /**
     * The number of messages held, counted slot by slot between the head and tail hints (O(size)): a position
     * counts while its slot is WRITING or READY for it, so gaps (aborted claims, removed messages, recovered
     * writers) and messages already taken do not. Exact when nobody else is using the queue.
     *
     * @param limit stop counting at this many.
     * @return between 0 and {@code min(limit, capacity)}.
     */
    int count(final int limit)
    {
        // head first: reading tail second can only widen the range, which the clamp to the capacity bounds
        final long head = head();
        final long end = head + Math.max(0, Math.min(capacity, tail() - head));
        int count = 0;
        for (long position = head; position < end && count < limit; position++)
        {
            // volatile: each slot's own state says whether its message is still there
            final long word = (long)LONG.getVolatile(segment, slotOffset(position));
            final int state = state(word);
            if (positionDelta(word, position) == 0 && (state == WRITING || state == READY))
            {
                count++;
            }
        }
        return count;
    }

    /**
     * How many slots producers cannot claim now: those from the oldest position whose slot is not yet free for
     * its next lap (past released positions and gaps at the head, which the head hint may lag behind) up to the
     * tail hint. Gaps after that position still count: the tail cannot pass them before the head does.
     *
     * @return between 0 and the capacity.
     */
    int occupied()
    {
        long head = head();
        final long tail = tail();
        final long end = head + Math.max(0, Math.min(capacity, tail - head));
        while (head < end)
        {
            // volatile: a word of a later lap means this position's slot is free for producers again
            final long word = (long)LONG.getVolatile(segment, slotOffset(head));
            if (positionDelta(word, head) <= 0)
            {
                break;
            }
            head++;
        }
        return (int)(end - head);
    }

    /** The head hint. */
    long head()
    {
        // volatile: a hint for size() and iteration; never decides an outcome
        return (long)LONG.getVolatile(segment, headOffset);
    }

    /** The tail hint. */
    long tail()
    {
        // volatile: a hint for size() and iteration; never decides an outcome
        return (long)LONG.getVolatile(segment, tailOffset);
    }

    /** The number of messages held (see {@link #count(int)}): an estimate under concurrent use. */
    int size()
    {
        return count(capacity);
    }

    int capacity()
    {
        return capacity;
    }

    /** The state word of slot {@code index} (0 to capacity - 1), whatever its position. */
    long slotWordAt(final int index)
    {
        // volatile: a snapshot of one slot for a count that must not miss a message it had already seen
        return (long)LONG.getVolatile(segment, slotsOffset + (long)index * slotLength);
    }

    /** Offset in the mapping of slot 0: where the region that {@link SharedQueue#buffer()} exposes starts. */
    long slotsOffset()
    {
        return slotsOffset;
    }

    /** Bytes of all slots. */
    long slotsLength()
    {
        return (long)capacity * slotLength;
    }

    MemorySegment segment()
    {
        return segment;
    }

    private long advance(final long hintOffset, final long seen)
    {
        // CAS: move the hint past a position that is already claimed or taken; failure means it moved already
        LONG.compareAndSet(segment, hintOffset, seen, seen + 1);
        return (long)LONG.getVolatile(segment, hintOffset);
    }
}
