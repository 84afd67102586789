package io.jvmipc.agrona;

import io.jvmipc.queue.MessageHandler;
import io.jvmipc.queue.SharedQueue;
import io.jvmipc.wait.WaitStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

import java.lang.foreign.MemorySegment;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A {@link SharedQueue}'s zero-copy paths through Agrona buffers: a claimed slot as a
 * {@link org.agrona.MutableDirectBuffer} ({@link #tryClaim()}) and a received message as a
 * {@link org.agrona.DirectBuffer} ({@link #poll(DirectBufferHandler)}), so that SBE flyweights (or any code written
 * against Agrona's buffers) encode and decode in the shared slot with no copy. The queue's codec is not used:
 * these are the queue's byte paths ({@link SharedQueue#tryClaim()}, {@link SharedQueue#poll(MessageHandler)}).
 * <pre>{@code
 * AgronaQueue out = AgronaQueue.of(queue);
 * QueueClaim claim = out.tryClaim();
 * if (claim != null) {
 *     encoder.wrap(claim.buffer(), 0).price(42).quantity(7);
 *     claim.commit(encoder.encodedLength());
 * }
 * in.poll((buffer, offset, length) -> decoder.wrap(buffer, offset, BLOCK_LENGTH, VERSION).price());
 * }</pre>
 * <b>JVM flag</b>: Agrona's {@link UnsafeBuffer} uses {@code jdk.internal.misc.Unsafe}, so on JDK 25 every JVM
 * that uses this class needs {@code --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED} (on the module path,
 * export it to {@code org.agrona}); without it {@link #of(SharedQueue)} throws {@link IllegalStateException}
 * saying so. The rest of the library needs no such flag, and {@link AgronaWaitStrategy} needs none either.
 * <p>
 * <b>Threads</b>: an instance holds one buffer for claims and one for received messages, reused for every
 * message, so it allocates nothing per message and is confined to one thread at a time; give each thread its own
 * (they are cheap; any number may share one queue). It holds at most one open claim, and a handler must not call
 * back into the instance that called it. Close the queue only when no claim is open and no handler is running:
 * the buffers hold raw addresses into the mapping.
 * <p>
 * <b>Crashes</b>: as for the queue's own claims: a claim whose process dies before its commit is skipped once the
 * death is detected; a message whose handler's process dies during the call is lost (that one message only).
 */
// shows Agrona types: the module requires it static, not transitive (an application using this adapter
// requires it itself)
@SuppressWarnings("exports")
public final class AgronaQueue
{
    private static final byte[] EMPTY = new byte[0];

    private final SharedQueue<?> queue;
    private final QueueClaim claim;
    private final UnsafeBuffer received = new UnsafeBuffer(EMPTY);
    private final MessageHandler adapter = this::onMessage;
    private DirectBufferHandler handler;

    private AgronaQueue(final SharedQueue<?> queue)
    {
        this.queue = queue;
        this.claim = new QueueClaim(queue);
    }

    /**
     * An adapter over {@code queue}, for use by one thread at a time.
     *
     * @param queue an open queue (any codec: the adapter uses its byte paths).
     * @return a new adapter.
     * @throws IllegalStateException if the JVM lacks {@code --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED},
     *                               without which Agrona's buffers cannot work.
     */
    public static AgronaQueue of(final SharedQueue<?> queue)
    {
        Objects.requireNonNull(queue, "queue");
        try
        {
            return new AgronaQueue(queue);
        }
        catch (final IllegalAccessError | NoClassDefFoundError e)
        {
            throw new IllegalStateException("Agrona's UnsafeBuffer cannot reach jdk.internal.misc.Unsafe: run the " +
                "JVM with --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED (on the module path, " +
                "--add-exports=java.base/jdk.internal.misc=org.agrona)", e);
        }
    }

    /**
     * The queue this adapter reads and writes.
     *
     * @return the queue.
     */
    public SharedQueue<?> queue()
    {
        return queue;
    }

    /**
     * Claims a slot to encode a message into in place if there is room now; never blocks (probes a due slot owner
     * in the way, as {@link SharedQueue#tryClaim()}).
     *
     * @return this adapter's claim, open on the new slot, or {@code null} if the queue is full.
     * @throws IllegalStateException                if this adapter's claim is still open, or the queue is closed.
     * @throws io.jvmipc.file.SharedObjectException if the file was truncated or replaced under this process.
     */
    public QueueClaim tryClaim()
    {
        ensureNoOpenClaim();
        final long slot = queue.tryClaim();
        if (slot < 0)
        {
            return null;
        }
        return openClaim(slot);
    }

    /**
     * Claims a slot, waiting up to the timeout for room, between attempts idling with {@code idleStrategy} (which
     * never registers with the queue's futex: producers' wakes do not reach it, it polls).
     *
     * @param idleStrategy how to wait between attempts; reset before the first; confined to this thread.
     * @param timeout      how long to wait; zero or less means one attempt.
     * @param unit         the timeout's unit.
     * @return this adapter's claim, open on the new slot, or {@code null} at the timeout.
     * @throws InterruptedException                 if the thread is interrupted while waiting.
     * @throws IllegalStateException                if this adapter's claim is still open, or the queue is closed.
     * @throws io.jvmipc.file.SharedObjectException if the file was truncated or replaced under this process.
     */
    public QueueClaim claim(final IdleStrategy idleStrategy, final long timeout, final TimeUnit unit)
        throws InterruptedException
    {
        Objects.requireNonNull(idleStrategy, "idleStrategy");
        final long deadline = WaitStrategy.deadline(timeout, unit);
        ensureNoOpenClaim();
        idleStrategy.reset();
        while (true)
        {
            final long slot = queue.tryClaim();
            if (slot >= 0)
            {
                return openClaim(slot);
            }
            if (System.nanoTime() - deadline >= 0)
            {
                return null;
            }
            if (Thread.interrupted())
            {
                throw new InterruptedException();
            }
            idleStrategy.idle();
        }
    }

    /**
     * Removes the oldest message, if any, and hands it to {@code messageHandler} in place as a
     * {@link org.agrona.DirectBuffer}; never blocks.
     *
     * @param messageHandler reads the message during the call.
     * @return {@code true} if a message was handled, {@code false} if the queue is empty.
     * @throws IllegalStateException                if called from a handler of this adapter, or the queue is
     *                                              closed.
     * @throws io.jvmipc.file.CorruptFileException  if the oldest slot's length is corrupt (the slot is skipped).
     * @throws io.jvmipc.file.SharedObjectException if the file was truncated or replaced under this process.
     */
    public boolean poll(final DirectBufferHandler messageHandler)
    {
        enter(messageHandler);
        try
        {
            return queue.poll(adapter);
        }
        finally
        {
            handler = null;
        }
    }

    /**
     * Removes the oldest message, waiting up to the timeout for one (with the queue's wait strategy), and hands it
     * to {@code messageHandler} in place.
     *
     * @param messageHandler reads the message during the call.
     * @param timeout        how long to wait; zero or less means one attempt.
     * @param unit           the timeout's unit.
     * @return {@code true} if a message was handled, {@code false} if none arrived before the timeout.
     * @throws InterruptedException                 if interrupted while waiting.
     * @throws IllegalStateException                if called from a handler of this adapter, or the queue is
     *                                              closed.
     * @throws io.jvmipc.file.CorruptFileException  if the oldest slot's length is corrupt (the slot is skipped).
     * @throws io.jvmipc.file.SharedObjectException if the file was truncated or replaced under this process.
     */
    public boolean poll(final DirectBufferHandler messageHandler, final long timeout, final TimeUnit unit)
        throws InterruptedException
    {
        Objects.requireNonNull(unit, "unit");
        enter(messageHandler);
        try
        {
            return queue.poll(adapter, timeout, unit);
        }
        finally
        {
            handler = null;
        }
    }

    /**
     * Hands up to {@code limit} messages available now to {@code messageHandler}, in order, in place.
     *
     * @param messageHandler reads each message during its call.
     * @param limit          the most messages to handle.
     * @return how many were handled.
     * @throws IllegalStateException                if called from a handler of this adapter, or the queue is
     *                                              closed.
     * @throws io.jvmipc.file.SharedObjectException if the file was truncated or replaced under this process.
     */
    public int drain(final DirectBufferHandler messageHandler, final int limit)
    {
        enter(messageHandler);
        try
        {
            return queue.drain(adapter, limit);
        }
        finally
        {
            handler = null;
        }
    }

    private void enter(final DirectBufferHandler messageHandler)
    {
        Objects.requireNonNull(messageHandler, "messageHandler");
        if (handler != null)
        {
            throw new IllegalStateException(queue.path() + ": AgronaQueue called from its own handler (an instance " +
                "holds one receive buffer: use another instance)");
        }
        handler = messageHandler;
    }

    private void onMessage(final MemorySegment buffer, final long offset, final int length)
    {
        received.wrap(buffer.address() + offset, length);
        try
        {
            handler.onMessage(received, 0, length);
        }
        finally
        {
            received.wrap(EMPTY);
        }
    }

    private QueueClaim openClaim(final long slot)
    {
        try
        {
            claim.open(slot);
            return claim;
        }
        catch (final RuntimeException | Error e)
        {
            queue.abort(slot);
            throw e;
        }
    }

    private void ensureNoOpenClaim()
    {
        if (claim.isOpen())
        {
            throw new IllegalStateException(queue.path() + ": this AgronaQueue's claim is still open: commit or " +
                "abort it first, or use another instance for a second claim");
        }
    }

    @Override
    public String toString()
    {
        return "AgronaQueue[" + queue.name() + "]";
    }
}
