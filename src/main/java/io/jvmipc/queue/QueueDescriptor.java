package io.jvmipc.queue;

import io.jvmipc.wait.SignalDescriptor;

/**
 * Layout of a {@link SharedQueue}'s body (offsets relative to the body's start) and of its slots.
 * <pre>
 * Body:
 *  +---------------------------------------------------------------+
 *  |  Tail hint (long): next position to produce; CAS forward only ...|    0  (own 128 bytes)
 *  +---------------------------------------------------------------+
 *  |  Head hint (long): next position to consume; CAS forward only ...|  128  (own 64 bytes)
 *  +---------------------------------------------------------------+
 *  |  Pass hint (long): where a take goes on past the oldest held  ...|  192  (own 64 bytes)
 *  |  slot; CAS forward only                                         |
 *  +---------------------------------------------------------------+
 *  |  Not-empty signal (consumers sleep on it)                    ...|  256  (SignalDescriptor)
 *  +---------------------------------------------------------------+
 *  |  Not-full signal (producers sleep on it)                     ...|  384  (SignalDescriptor)
 *  +---------------------------------------------------------------+
 *  |  Slot 0, Slot 1, ... Slot capacity-1 (slotLength bytes each) ...|  512
 *  +---------------------------------------------------------------+
 *
 * Slot:
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |  State word (long): position (45 bits) | state (3) | owner (16)|  0
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                       Message Length                          |  8
 *  +---------------------------------------------------------------+
 *  |                           Reserved                            | 12
 *  +---------------------------------------------------------------+
 *  |                 Message bytes (maxMessageSize)               ...| 16
 *  +---------------------------------------------------------------+
 * </pre>
 * Slot states, for the position {@code p} held in the word: FREE (a producer may claim {@code p}), WRITING (a
 * producer, whose process-table entry is the owner, is filling it), READY (message {@code p} is published; the
 * owner field names its writer when a commit made it READY, and is 0 when a lease was given back),
 * READING (a consumer, the owner, is reading it for a plain take), LEASED (a consumer, the owner, holds it under
 * a {@link Lease} until it acknowledges it). A consumer done with {@code p} stores FREE for
 * {@code p + capacity}.
 * <p>
 * <b>Transitions</b> (each one compare-and-set or release store of the whole word; "E" is the owner entry):
 * <table class="striped">
 * <caption>Slot state transitions</caption>
 * <tr><th>From</th><th>To</th><th>By</th><th>A kill of the actor at any instant leaves</th></tr>
 * <tr><td>FREE(p)</td><td>WRITING(p, E)</td><td>a producer's claim (CAS)</td>
 *     <td>FREE(p) or WRITING(p, E): the latter is freed by E's recovery</td></tr>
 * <tr><td>WRITING(p, E)</td><td>READY(p, E)</td><td>E's commit (release store; the owner field names the writer)</td>
 *     <td>WRITING (freed as a gap by recovery: never published) or READY (published)</td></tr>
 * <tr><td>WRITING(p, E)</td><td>FREE(p + capacity)</td><td>E's abort (release store), or E's recovery (CAS)</td>
 *     <td>either word; recovery is restartable</td></tr>
 * <tr><td>READY(p)</td><td>READING(p, E)</td><td>a plain take or a removal by E (CAS)</td>
 *     <td>READY (not taken) or READING: the latter is freed by recovery (the message is lost: at most once)</td></tr>
 * <tr><td>READY(p)</td><td>LEASED(p, E)</td><td>a leased take by E (CAS)</td>
 *     <td>READY (not taken) or LEASED: the latter is made READY again by recovery (redelivered)</td></tr>
 * <tr><td>READING(p, E)</td><td>FREE(p + capacity)</td><td>E's release after reading (release store), or E's
 *     recovery (CAS)</td><td>either word</td></tr>
 * <tr><td>LEASED(p, E)</td><td>FREE(p + capacity)</td><td>E's {@link Lease#ack()} (CAS)</td>
 *     <td>LEASED (the ack did not happen: recovery redelivers it) or FREE (acknowledged, never redelivered)</td></tr>
 * <tr><td>LEASED(p, E)</td><td>READY(p)</td><td>E's {@link Lease#release()} (CAS), or E's recovery (CAS)</td>
 *     <td>either word; both lead to one redelivery</td></tr>
 * </table>
 * Only E changes a WRITING, READING or LEASED word owned by E while E is attached; recovery changes it only
 * while holding E's entry lock after E's process died or detached, and before E can be reused by a new process,
 * so an owner stamp never outlives its process. READY is left only by a CAS, so of any number of takers, plain or
 * leased, exactly one gets a message each time it is READY: a message is never held by two live holders at once.
 * Header parameters: 0 = capacity (slots), 1 = max message size, 2 = slot length,
 * 3 = the hash of the identity of the codec the queue was created with ({@link io.jvmipc.codec.Codecs#identityHash}).
 */
public final class QueueDescriptor
{
    /**
     * Layout version of a queue's body and parameters (2: parameter 3 holds the codec's identity hash; 3: the state
     * word has 3 state bits, for LEASED; 4: a READY word names its writer, the pass hint, and the signals' "wake
     * wanted" word, which sleepers of an older version would not set; 5: the mode parameter and the role words of
     * single-producer and single-consumer queues, which an older version would ignore).
     */
    public static final int KIND_VERSION = 5;

    /** Offset of the tail hint. */
    public static final int TAIL_OFFSET = 0;
    /**
     * Offset of the producer role word of a single-producer queue: 0 while nobody holds the role, else the holder's
     * process-table entry plus one (on the line after the tail hint's, written only when the role changes hands).
     */
    public static final int PRODUCER_ROLE_OFFSET = TAIL_OFFSET + 64;
    /** Offset of the consumer role word of a single-consumer queue, as {@link #PRODUCER_ROLE_OFFSET}. */
    public static final int CONSUMER_ROLE_OFFSET = PRODUCER_ROLE_OFFSET + Long.BYTES;
    /** Offset of the head hint. */
    public static final int HEAD_OFFSET = TAIL_OFFSET + 128;
    /**
     * Offset of the pass hint: while the slot at the head hint is held (being written or leased), every position
     * after it and before the pass hint is gone, so a take goes on from there (0 in a new queue; it is a hint, see
     * {@code QueueRing}).
     */
    public static final int PASS_OFFSET = HEAD_OFFSET + 64;
    /** Offset of the not-empty signal. */
    public static final int NOT_EMPTY_SIGNAL_OFFSET = HEAD_OFFSET + 128;
    /** Offset of the not-full signal. */
    public static final int NOT_FULL_SIGNAL_OFFSET = NOT_EMPTY_SIGNAL_OFFSET + SignalDescriptor.LENGTH;
    /** Offset of slot 0. */
    public static final int SLOTS_OFFSET = NOT_FULL_SIGNAL_OFFSET + SignalDescriptor.LENGTH;

    /** Signal number (per-process waiting counts) of the not-empty signal. */
    public static final int NOT_EMPTY_SIGNAL = 0;
    /** Signal number of the not-full signal. */
    public static final int NOT_FULL_SIGNAL = 1;

    /** Offset of the state word in a slot. */
    public static final int STATE_OFFSET = 0;
    /** Offset of the message length in a slot. */
    public static final int LENGTH_OFFSET = STATE_OFFSET + Long.BYTES;
    /** Offset of the message bytes in a slot. */
    public static final int MESSAGE_OFFSET = LENGTH_OFFSET + 2 * Integer.BYTES;
    /** Slots are a multiple of this long, so that each small slot is one cache line. */
    public static final int SLOT_ALIGNMENT = 64;

    /** Header parameter: the capacity in messages. */
    public static final int CAPACITY_PARAMETER = 0;
    /** Header parameter: the largest message in bytes. */
    public static final int MAX_MESSAGE_SIZE_PARAMETER = 1;
    /** Header parameter: the slot length in bytes. */
    public static final int SLOT_LENGTH_PARAMETER = 2;
    /** Header parameter: the identity hash of the codec the queue was created with. */
    public static final int CODEC_PARAMETER = 3;
    /** Header parameter: the queue's mode, a set of {@link #SINGLE_PRODUCER} and {@link #SINGLE_CONSUMER} (0: any). */
    public static final int MODE_PARAMETER = 4;
    /** Mode bit: one producer at a time (one attachment, one thread), which claims and publishes without a CAS. */
    public static final long SINGLE_PRODUCER = 1;
    /** Mode bit: one consumer at a time (one attachment, one thread), which takes without a CAS. */
    public static final long SINGLE_CONSUMER = 2;
    /** Every mode bit. */
    public static final long MODE_BITS = SINGLE_PRODUCER | SINGLE_CONSUMER;

    /** The largest capacity. */
    public static final int MAX_CAPACITY = 1 << 30;
    /** The largest message a queue may be created for (64 MiB). */
    public static final int MAX_MESSAGE_SIZE_LIMIT = 64 << 20;
    /** The largest body a queue may have (64 GiB). */
    public static final long MAX_BODY_LENGTH = 64L << 30;

    static final int OWNER_BITS = 16;
    static final int STATE_BITS = 3;
    static final int POSITION_SHIFT = OWNER_BITS + STATE_BITS;
    static final int POSITION_BITS = Long.SIZE - POSITION_SHIFT;
    static final long OWNER_MASK = (1L << OWNER_BITS) - 1;
    static final long POSITION_MASK = (1L << POSITION_BITS) - 1;

    /** Slot state: free for a producer to claim the word's position. */
    public static final int FREE = 0;
    /** Slot state: a producer (the word's owner entry) is writing the word's position. */
    public static final int WRITING = 1;
    /** Slot state: the message of the word's position is published. */
    public static final int READY = 2;
    /** Slot state: a consumer (the word's owner entry) is reading the word's position (a plain take). */
    public static final int READING = 3;
    /**
     * Slot state: a consumer (the word's owner entry) holds the word's position under a {@link Lease}; the message
     * stays in the slot until acknowledged, and is made READY again if the holder dies or releases it.
     */
    public static final int LEASED = 4;

    private QueueDescriptor()
    {
    }

    /**
     * The slot length for a maximum message size.
     *
     * @param maxMessageSize the largest message.
     * @return bytes per slot.
     */
    public static int slotLength(final int maxMessageSize)
    {
        return (MESSAGE_OFFSET + maxMessageSize + SLOT_ALIGNMENT - 1) & -SLOT_ALIGNMENT;
    }

    /**
     * The body length for a queue.
     *
     * @param capacity   slots.
     * @param slotLength bytes per slot.
     * @return bytes of body.
     */
    public static long bodyLength(final int capacity, final int slotLength)
    {
        return SLOTS_OFFSET + (long)capacity * slotLength;
    }

    static long stateWord(final long position, final int state, final int owner)
    {
        return ((position & POSITION_MASK) << POSITION_SHIFT) | ((long)state << OWNER_BITS) | owner;
    }

    /**
     * The state in a slot's state word.
     *
     * @param word a state word.
     * @return {@link #FREE}, {@link #WRITING}, {@link #READY}, {@link #READING} or {@link #LEASED}.
     */
    public static int state(final long word)
    {
        return (int)(word >>> OWNER_BITS) & ((1 << STATE_BITS) - 1);
    }

    /**
     * The owner in a slot's state word: the process-table entry of the producer or consumer holding it.
     *
     * @param word a state word.
     * @return the entry (meaningful for {@link #WRITING}, {@link #READING} and {@link #LEASED}).
     */
    public static int owner(final long word)
    {
        return (int)(word & OWNER_MASK);
    }

    /**
     * Whether a slot's state word is about {@code position} (not an earlier or later lap).
     *
     * @param word     a state word.
     * @param position a queue position.
     * @return {@code true} if the word's position is {@code position} modulo 2^45.
     */
    public static boolean holds(final long word, final long position)
    {
        return positionDelta(word, position) == 0;
    }

    /** The word's position minus {@code position}, as a signed difference modulo 2^45. */
    static long positionDelta(final long word, final long position)
    {
        return ((word >>> POSITION_SHIFT) - position) << POSITION_SHIFT >> POSITION_SHIFT;
    }
}
