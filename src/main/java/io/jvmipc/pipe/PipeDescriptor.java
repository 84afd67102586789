package io.jvmipc.pipe;

/**
 * Layout of a pipe's body: one block per end, then one ring per direction ({@link RingDescriptor}).
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |  End A: Claim (long), changed only by one CAS of all of it:    |  0
 *  |    bits 0-7 state (OPEN, CLOSED, DIED), bits 16-31 holder's   |
 *  |    process-table entry + 1 (0 = never attached), bits 32-63   |
 *  |    the holder entry's generation when it claimed the end      |
 *  +---------------------------------------------------------------+
 *  |  End A: Reserved up to 128 bytes                             ...|  8
 *  +---------------------------------------------------------------+
 *  |  End B: same fields                                          ...| 128
 *  +---------------------------------------------------------------+
 *  |  Ring A to B (RingDescriptor.length(capacity) bytes)         ...| 256
 *  +---------------------------------------------------------------+
 *  |  Ring B to A (RingDescriptor.length(capacity) bytes)         ...|
 *  +---------------------------------------------------------------+
 * </pre>
 * Kind parameters: 0 ring capacity, 1 duplex (1) or one-way (0), 2 maximum message length, 3 the hash of the
 * identity of the codec the pipe was created with ({@link io.jvmipc.codec.Codecs#identityHash}).
 * Process-table signal numbers: ring A to B uses 0 (data) and 1 (space), ring B to A 2 and 3.
 */
public final class PipeDescriptor
{
    /**
     * Layout version of the pipe body and parameters (2: one 64-bit claim word per end carrying the holder's
     * generation, and parameter 3 holds the codec's identity hash; 3: records are published by a check word
     * the consumer polls, {@link RingDescriptor}).
     */
    public static final int VERSION = 3;

    /** Kind parameter: data capacity of each ring. */
    public static final int PARAM_CAPACITY = 0;
    /** Kind parameter: 1 if both ends send and receive. */
    public static final int PARAM_DUPLEX = 1;
    /** Kind parameter: the largest message. */
    public static final int PARAM_MAX_MESSAGE = 2;
    /** Kind parameter: the identity hash of the codec the pipe was created with. */
    public static final int PARAM_CODEC = 3;

    /** Offset of the claim word (state, holder and the holder's generation; see {@link EndClaim}). */
    public static final int CLAIM_FIELD = 0;
    /** Bytes of an end block. */
    public static final int END_BLOCK_LENGTH = 128;
    /** Offset of end A's block. */
    public static final int END_A_OFFSET = 0;
    /** Offset of end B's block. */
    public static final int END_B_OFFSET = END_A_OFFSET + END_BLOCK_LENGTH;
    /** Offset of the ring carrying messages from A to B. */
    public static final int RING_A_TO_B_OFFSET = END_B_OFFSET + END_BLOCK_LENGTH;

    /** End state: attached (or never attached) and not closed. */
    public static final int OPEN = 0;
    /** End state: its holder closed it; final. */
    public static final int CLOSED = 1;
    /** End state: its holder's process died without closing; another process may take the end over. */
    public static final int DIED = 2;

    /** Signal number of a ring's data signal: 2 * direction. */
    public static final int DATA_SIGNAL = 0;
    /** Signal number of a ring's space signal: 2 * direction + 1. */
    public static final int SPACE_SIGNAL = 1;

    /** Default data capacity of each ring. */
    static final int DEFAULT_CAPACITY = 1 << 20;
    /** Default largest message. */
    static final int DEFAULT_MAX_MESSAGE = 64 << 20;
    /** Largest message any pipe allows. */
    static final int MAX_MESSAGE_LIMIT = 1 << 30;

    private PipeDescriptor()
    {
    }

    /**
     * Offset in the body of an end's block.
     *
     * @param end the end.
     * @return its offset.
     */
    public static long endOffset(final End end)
    {
        return end == End.A ? END_A_OFFSET : END_B_OFFSET;
    }

    /**
     * Offset in the body of the ring that {@code sender} writes.
     *
     * @param sender   the end that produces into the ring.
     * @param capacity data capacity of each ring.
     * @return its offset.
     */
    public static long ringOffset(final End sender, final int capacity)
    {
        return sender == End.A ? RING_A_TO_B_OFFSET : RING_A_TO_B_OFFSET + RingDescriptor.length(capacity);
    }

    /**
     * The process-table signal number of a ring's signal.
     *
     * @param sender the end that produces into the ring.
     * @param which  {@link #DATA_SIGNAL} or {@link #SPACE_SIGNAL}.
     * @return 0 to 3.
     */
    public static int signalNumber(final End sender, final int which)
    {
        return (sender == End.A ? 0 : 2) + which;
    }

    /**
     * The state in an end's claim word ({@link #CLAIM_FIELD}).
     *
     * @param word the claim word.
     * @return {@link #OPEN}, {@link #CLOSED} or {@link #DIED}.
     */
    public static int claimState(final long word)
    {
        return EndClaim.state(word);
    }

    /**
     * The holder's process-table entry in an end's claim word.
     *
     * @param word the claim word.
     * @return the entry, or -1 if the end was never claimed.
     */
    public static int claimHolder(final long word)
    {
        return EndClaim.holder(word);
    }

    /**
     * The low 32 bits of the holder entry's generation in an end's claim word.
     *
     * @param word the claim word.
     * @return the generation's low 32 bits.
     */
    public static int claimGeneration(final long word)
    {
        return EndClaim.generation(word);
    }

    /**
     * Body length of a pipe.
     *
     * @param capacity data capacity of each ring.
     * @return the body length.
     */
    public static long bodyLength(final int capacity)
    {
        return RING_A_TO_B_OFFSET + 2 * RingDescriptor.length(capacity);
    }
}
