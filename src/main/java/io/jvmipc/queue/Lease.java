package io.jvmipc.queue;

/**
 * A message taken from a {@link SharedQueue} (or a {@link JoinableQueue}) that stays in its slot until the taker
 * says it is done with it: the delivery is at-least-once, not at-most-once as a plain {@code take}'s.
 * <ul>
 *   <li>{@link #ack()}: done; the message leaves the queue for good (its slot is freed for producers). Only an
 *       {@code ack} that returned is final: a holder killed before or during it (at any instruction) has its
 *       message redelivered;</li>
 *   <li>{@link #release()}: not done; the message goes back to the queue and is the oldest one the next taker
 *       gets, in this or any process;</li>
 *   <li>{@link #close()}: {@code release()} if the lease is still held, nothing otherwise, so that
 *       {@code try (Lease<T> lease = queue.takeLease()) { work(lease.value()); lease.ack(); }} gives the message
 *       back when {@code work} throws;</li>
 *   <li>the holder's process dies (or closes the queue) while holding it: the recovery of its process-table entry
 *       gives it back as {@code release()} would, so another consumer takes it, once that death is detected (a
 *       consumer that finds nothing else to take probes the holder at most every
 *       {@link io.jvmipc.file.SharedFile#PROBE_INTERVAL_NANOS}).</li>
 * </ul>
 * A message is never held by two live holders at once: taking it is one compare-and-set of its slot from
 * published to leased-by-me, and only the holder (or, once the holder is gone, its recovery) ends the lease. A
 * message may be delivered more than once only if a holder died, or closed its queue, before its {@code ack}
 * returned; consumers whose work is not idempotent must tolerate that duplicate.
 * <p>
 * A lease occupies its message's slot: while held, producers see one slot fewer ({@link SharedQueue#isFull()},
 * {@link SharedQueue#remainingCapacity()}), and since the ring is filled in order, producers can put at most
 * {@code capacity - 1} messages past the oldest held lease before they wait for it to end. A held message is not
 * in the queue for {@link SharedQueue#size()}, {@link SharedQueue#peek()}, iteration or {@code contains}. While a
 * lease is held, each take scans from it over the positions taken since (at most the capacity). The number of
 * leases one attachment (one open handle) may hold is bounded
 * ({@link SharedQueueBuilder#maxLeasesPerProcess(int)}).
 * <p>
 * Thread-safe: of concurrent {@code ack}, {@code release} and {@code close} calls, exactly one ends the lease.
 *
 * @param <T> the type of message.
 */
public final class Lease<T> implements AutoCloseable
{
    private static final int HELD = 0;
    private static final int ACKED = 1;
    private static final int RELEASED = 2;

    private final SharedQueue<T> queue;
    private final long position;
    private final T value;
    /** Run after a successful ack (a {@link JoinableQueue}'s wake of its joiners), or {@code null}. */
    private final Runnable afterAck;
    /** HELD, ACKED or RELEASED; guarded by {@code this}. */
    private int state = HELD;

    Lease(final SharedQueue<T> queue, final long position, final T value, final Runnable afterAck)
    {
        this.queue = queue;
        this.position = position;
        this.value = value;
        this.afterAck = afterAck;
    }

    /**
     * The message, decoded when the lease was taken; still available once the lease has ended.
     *
     * @return the message.
     */
    public T value()
    {
        return value;
    }

    /**
     * The message's position in its queue: unique to the message for the life of the queue's file, kept when the
     * message is redelivered, and increasing in each producer's order (the order of the puts that returned, for
     * any one producer thread). A consumer that must drop a redelivered message it has already handled (the
     * Aeron bridge, io.jvmipc.aeron) uses it as the message's identity.
     *
     * @return the position, 0 or more.
     */
    public long position()
    {
        return position;
    }

    /**
     * Whether this lease is still held (neither acknowledged nor given back by this process).
     *
     * @return {@code true} while held.
     */
    public synchronized boolean isHeld()
    {
        return state == HELD;
    }

    /**
     * Acknowledges the message: it leaves the queue for good and is never delivered again (for a
     * {@link JoinableQueue}'s lease this is also its {@code taskDone()}). One compare-and-set of the slot.
     *
     * @throws IllegalStateException if the lease was already acknowledged, released or closed, or the queue was
     *                               closed in this process (which gave the message back).
     * @throws io.jvmipc.file.SharedObjectException if the file was truncated or replaced under this process.
     */
    public synchronized void ack()
    {
        requireHeld("ack()");
        end(true);
        state = ACKED;
        if (afterAck != null)
        {
            afterAck.run();
        }
    }

    /**
     * Gives the message back to the queue, unacknowledged: it is the oldest message the next taker gets.
     *
     * @throws IllegalStateException if the lease was already acknowledged, released or closed, or the queue was
     *                               closed in this process (which gave the message back).
     * @throws io.jvmipc.file.SharedObjectException if the file was truncated or replaced under this process.
     */
    public synchronized void release()
    {
        requireHeld("release()");
        end(false);
        state = RELEASED;
    }

    /**
     * Gives the message back if the lease is still held ({@link #release()}); does nothing once it was acknowledged
     * or released, or once the queue was closed in this process (closing it gave the message back). Idempotent.
     *
     * @throws io.jvmipc.file.SharedObjectException if the file was truncated or replaced under this process.
     */
    @Override
    public synchronized void close()
    {
        if (state != HELD)
        {
            return;
        }
        if (queue.isClosed())
        {
            state = RELEASED;
            return;
        }
        end(false);
        state = RELEASED;
    }

    @Override
    public synchronized String toString()
    {
        return "Lease{" + queue.path() + ", position=" + position + ", " +
            (state == HELD ? "held" : state == ACKED ? "acked" : "released") + '}';
    }

    private void requireHeld(final String call)
    {
        if (state != HELD)
        {
            throw new IllegalStateException(call + " on a lease of " + queue.path() + " that was already " +
                (state == ACKED ? "acknowledged" : "released"));
        }
    }

    /** Ends the lease in the queue; once the queue is closed here the message was given back, so nothing is left. */
    private void end(final boolean ack)
    {
        try
        {
            queue.endLease(position, ack);
        }
        catch (final IllegalStateException e)
        {
            state = RELEASED;
            throw e;
        }
    }
}
