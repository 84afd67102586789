package io.jvmipc.agrona;

import io.jvmipc.queue.SharedQueue;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A slot of a {@link SharedQueue} claimed through {@link AgronaQueue#tryClaim()}, as an Agrona
 * {@link MutableDirectBuffer} over the slot's message bytes: encode in place (an SBE encoder
 * {@code wrap(claim.buffer(), 0)}), then {@link #commit(int)} or {@link #abort()}.
 * <p>
 * One instance per {@link AgronaQueue}, reused for every claim: it allocates nothing. The buffer's capacity is
 * the queue's {@link SharedQueue#maxMessageSize()}, so a write past the slot fails Agrona's bounds check (on by
 * default; never run with {@code agrona.disable.bounds.checks=true} with this adapter, or a wrong write
 * corrupts other slots, which other processes trust). Once the claim is committed or aborted the buffer is
 * re-pointed at an empty array, so a stale reference fails its bounds check instead of writing into the queue.
 * Confined to the thread that uses its {@link AgronaQueue}.
 */
// shows Agrona types: the module requires it static, not transitive (an application using this adapter
// requires it itself)
@SuppressWarnings("exports")
public final class QueueClaim
{
    private static final byte[] EMPTY = new byte[0];

    private final SharedQueue<?> queue;
    private final UnsafeBuffer buffer = new UnsafeBuffer(EMPTY);
    private long claim = -1;

    QueueClaim(final SharedQueue<?> queue)
    {
        this.queue = queue;
    }

    /** Points the buffer at the message bytes of {@code newClaim}, which is open. */
    void open(final long newClaim)
    {
        final long address = queue.buffer().address() + queue.offset(newClaim);
        claim = newClaim;
        buffer.wrap(address, queue.maxMessageSize());
    }

    /**
     * The claimed slot's message bytes, from offset 0, with a capacity of {@link SharedQueue#maxMessageSize()}.
     * Valid until {@link #commit(int)} or {@link #abort()}.
     *
     * @return the buffer (the same instance for every claim of this adapter).
     * @throws IllegalStateException if no claim is open.
     */
    public MutableDirectBuffer buffer()
    {
        ensureOpen();
        return buffer;
    }

    /**
     * The most bytes a message may have: the queue's {@link SharedQueue#maxMessageSize()}.
     *
     * @return the buffer's capacity.
     */
    public int capacity()
    {
        return queue.maxMessageSize();
    }

    /**
     * Whether a claim is open (claimed and neither committed nor aborted).
     *
     * @return {@code true} between a successful {@link AgronaQueue#tryClaim()} and its commit or abort.
     */
    public boolean isOpen()
    {
        return claim >= 0;
    }

    /**
     * Publishes the first {@code length} bytes of the buffer as one message and wakes waiting consumers.
     *
     * @param length the message's length.
     * @throws IllegalStateException                if no claim is open.
     * @throws IllegalArgumentException             if {@code length} is negative (the claim stays open).
     * @throws io.jvmipc.MessageTooLargeException   if {@code length} exceeds {@link #capacity()} (the claim stays
     *                                              open).
     * @throws io.jvmipc.file.SharedObjectException if the file was truncated or replaced under this process.
     */
    public void commit(final int length)
    {
        ensureOpen();
        queue.commit(claim, length);
        close();
    }

    /**
     * Gives the slot back without a message; consumers skip it.
     *
     * @throws IllegalStateException                if no claim is open.
     * @throws io.jvmipc.file.SharedObjectException if the file was truncated or replaced under this process.
     */
    public void abort()
    {
        ensureOpen();
        try
        {
            queue.abort(claim);
        }
        finally
        {
            close();
        }
    }

    private void close()
    {
        claim = -1;
        buffer.wrap(EMPTY);
    }

    private void ensureOpen()
    {
        if (claim < 0)
        {
            throw new IllegalStateException(queue.path() + ": no open claim (committed, aborted or never claimed)");
        }
    }

    @Override
    public String toString()
    {
        return "QueueClaim[" + queue.name() + (claim >= 0 ? ", claim " + claim + "]" : ", none open]");
    }
}
