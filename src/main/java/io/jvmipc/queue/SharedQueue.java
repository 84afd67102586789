package io.jvmipc.queue;

import io.jvmipc.MessageTooLargeException;
import io.jvmipc.codec.Codec;
import io.jvmipc.file.CorruptFileException;
import io.jvmipc.file.ObjectKind;
import io.jvmipc.file.SharedDirectory;
import io.jvmipc.file.SharedFile;
import io.jvmipc.file.SharedHandle;
import io.jvmipc.wait.BusySpinWaitStrategy;
import io.jvmipc.wait.Signal;
import io.jvmipc.wait.WaitLoop;
import io.jvmipc.wait.WaitStrategy;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.AbstractQueue;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * A bounded, multi-producer multi-consumer, lock-free queue shared by any number of processes and threads
 * on one host, in a memory-mapped file: Python's {@code multiprocessing.Queue} for JVMs.
 * <p>
 * <b>Use</b>: every process opens the queue by name with the same codec; messages are encoded straight into
 * a slot of the shared ring (at most {@link #maxMessageSize()} bytes each) and decoded by whichever consumer
 * takes them. Order is FIFO per producer: the messages one queue object (one attachment) puts, from any of its
 * threads, are taken in the order their puts claimed slots. Between producers there is no order to rely on (as in
 * Python): a consumer does not wait behind a message another process is still writing (its producer may be
 * descheduled between claim and commit, or dead), it takes the later messages of other producers first.
 * {@code put}/{@code take} block; {@code offer}/{@code poll}
 * with a timeout wait at most that long and never return before it; blocked threads use no CPU with the
 * default {@link WaitStrategy#blocking()} (sleeping on a futex in the mapping) and are woken by the other
 * side, in any process. Interrupts are honoured within the strategy's sleep slice (50 ms by default).
 * <p>
 * <b>What survives a crash</b> (a process killed at any instruction):
 * <ul>
 *   <li>a message whose {@code put}/{@code offer} returned is delivered exactly once, unless the process that
 *       takes it dies before its {@code take}/{@code poll} returns (then that one message is lost);</li>
 *   <li>a message taken under a {@link Lease} ({@link #takeLease()}, {@link #pollLease(long, TimeUnit)},
 *       {@link #pollLease()}) is never lost: it stays in its slot until {@link Lease#ack()} returns, and if the
 *       holder dies (or closes the queue) first, it is given back and taken by another consumer. That is
 *       at-least-once delivery: a message whose holder died before its {@code ack} returned may be delivered
 *       again, even if the holder had done its work;</li>
 *   <li>a message whose producer died before its {@code put} returned is never delivered, and its slot does not
 *       block the queue: consumers take the other producers' later messages past it at once, and once the
 *       producer's death is detected the slot is freed for producers; likewise a slot held by a dead consumer is
 *       freed for producers. Every call that finds a slot owned by another process in its way,
 *       blocking or not and whatever its timeout, probes that owner when the owner is due (at most once per
 *       {@link SharedFile#PROBE_INTERVAL_NANOS} per owner, shared by every thread and call of this process),
 *       so a dead owner is found within that interval of the first such call after its death;</li>
 *   <li>death is judged by the kernel's release of the process's lock on its process-table entry, so a live
 *       process is never taken for dead, whatever PIDs are reused.</li>
 * </ul>
 * <b>Corrupt slots</b>: a slot whose length word is outside 0 to {@link #maxMessageSize()} (the file was written
 * by something other than this library) is reported once, to the consumer that takes it, as a
 * {@link CorruptFileException} naming the file and the position, and is then skipped as a gap; {@link #peek()}
 * reports it without consuming it. Its bytes are never decoded or copied.
 * <p>
 * <b>Faults</b>: if the file is truncated or replaced under a live process, every method throws
 * {@link io.jvmipc.file.SharedObjectException} naming the file instead of the JVM's {@link InternalError};
 * {@link #close()} still completes.
 * <b>Refused messages</b>: a message over {@link #maxMessageSize()} is refused before anything is claimed
 * when the codec knows its encoded length ({@link Codec#encodedLength(Object)}); otherwise it is found too
 * long while being encoded into a claimed slot, and the slot is given back as a gap that consumers skip
 * (until they pass it, it holds one slot of capacity; {@link #size()} does not count it). The same holds for a
 * codec that throws, and for {@link #abort(long)}.
 * <p>
 * <b>Allocation</b>: the byte paths ({@link #offerBytes}, {@link #pollBytes}, {@link #tryClaim()} /
 * {@link #commit}, {@link #poll(MessageHandler)}, and the batches {@link #fill(MessageWriter, int)} and
 * {@link #drain(MessageHandler, int)}) allocate nothing per message.
 * <p>
 * <b>Collection views and removal</b>: {@link #iterator()} is weakly consistent (it returns messages that were
 * in the queue at some point while it ran, and never throws {@link java.util.ConcurrentModificationException});
 * {@link #spliterator()} is {@code CONCURRENT | NONNULL | ORDERED}; {@link #toString()} is the collection
 * format ({@code [a, b]}) and {@link #describe()} gives the file, capacity and size. {@link #contains},
 * {@link #remove(Object)}, {@link #removeIf}, {@link #removeAll}, {@link #retainAll} and the iterator's
 * {@code remove} are O(n) scans from the head that decode each message with the queue's codec and compare with
 * {@code equals}. A removal takes the message's slot by the same compare-and-set as a consumer's take, so of a
 * removal and a take of one message, in any processes, exactly one gets it; it leaves a gap that consumers skip;
 * a process killed during a removal loses at most the message it was removing, and its slot is freed like a
 * dead consumer's. {@link #size()} does not count gaps; {@link #remainingCapacity()} counts a gap as used until
 * the messages before it are gone.
 * <p>
 * <b>What the {@code java.util} contract cannot give across processes</b>:
 * <ul>
 *   <li>a consumer gets an equal copy of a message, decoded from the bytes in the slot, never the object that
 *       was offered, even in the process that offered it: identity ({@code ==}), identity-based
 *       {@code equals}, and changes made to the object after {@code offer} are not carried; {@code contains} and
 *       the removals compare decoded copies with {@code equals};</li>
 *   <li>a thread blocked in {@code take}, {@code put} or a timed {@code offer}/{@code poll} with the default
 *       {@link WaitStrategy#blocking()} sleeps in the kernel through a native {@code futex} call, so
 *       {@link Thread#getState()} and thread dumps ({@code jstack}, {@code jcmd Thread.print}) show it
 *       {@code RUNNABLE}, not {@code WAITING}/{@code TIMED_WAITING}. The top of its stack shows that it is
 *       asleep: {@code io.jvmipc.internal.LibC.syscall} called from {@code io.jvmipc.wait.Futex.await} (itself
 *       under {@code io.jvmipc.wait.Signal.await} and {@code io.jvmipc.wait.FutexWaitStrategy.idle}). Under
 *       {@link WaitStrategy#busySpin()} it really is running;</li>
 *   <li>{@link #size()}, {@link #isEmpty()}, {@link #contains}, iteration and {@link #toString()} are snapshots:
 *       other processes may add or take messages at any time;</li>
 *   <li>{@code equals} and {@code hashCode} are those of {@link Object}: two instances attached to the same
 *       queue are not equal.</li>
 * </ul>
 *
 * <table class="striped">
 * <caption>Python {@code multiprocessing.Queue} and this class</caption>
 * <tr><th>Python</th><th>jvmipc</th></tr>
 * <tr><td>{@code Queue(maxsize)}</td><td>{@code SharedQueue.builder(name, codec).capacity(maxsize).openOrCreate()}</td></tr>
 * <tr><td>{@code put(obj)}</td><td>{@link #put(Object)}</td></tr>
 * <tr><td>{@code put(obj, True, timeout)}</td><td>{@link #offer(Object, long, TimeUnit)} (false, not {@code Full})</td></tr>
 * <tr><td>{@code put_nowait(obj)}</td><td>{@link #offer(Object)} (false), or {@link #add(Object)} (throws)</td></tr>
 * <tr><td>{@code get()}</td><td>{@link #take()}</td></tr>
 * <tr><td>{@code get(True, timeout)}</td><td>{@link #poll(long, TimeUnit)} (null, not {@code Empty})</td></tr>
 * <tr><td>{@code get_nowait()}</td><td>{@link #poll()} (null), or {@link #remove()} (throws)</td></tr>
 * <tr><td>{@code qsize()}, {@code empty()}, {@code full()}</td><td>{@link #size()}, {@link #isEmpty()}, {@link #isFull()}</td></tr>
 * <tr><td>{@code close()}</td><td>{@link #close()}</td></tr>
 * <tr><td>(none: no loss when a consumer dies)</td><td>{@link #takeLease()}, then {@link Lease#ack()}</td></tr>
 * </table>
 *
 * @param <T> the type of message.
 */
public final class SharedQueue<T> extends AbstractQueue<T> implements BlockingQueue<T>, AutoCloseable
{
    /** One claim attempt for {@link WaitLoop}: non-capturing, so no call allocates. */
    private static final WaitLoop.Attempt<SharedQueue<?>> CLAIM = SharedQueue::claimAttempt;
    /** One take attempt of a message of any length. */
    private static final WaitLoop.Attempt<SharedQueue<?>> TAKE =
        queue -> queue.takeAttempt(Integer.MAX_VALUE, false);
    /** One leased take attempt of a message of any length. */
    private static final WaitLoop.Attempt<SharedQueue<?>> LEASE =
        queue -> queue.takeAttempt(Integer.MAX_VALUE, true);
    /** One look for the oldest published message, naming the owner of a slot passed on the way if none is found. */
    private static final WaitLoop.Attempt<SharedQueue<?>> PEEK = SharedQueue::peekAttempt;
    /** The destination limit of a byte take, passed to its attempt without allocating. */
    private static final ThreadLocal<int[]> TAKE_LIMIT = ThreadLocal.withInitial(() -> new int[1]);

    private final SharedFile file;
    private final QueueRing ring;
    private final Codec<T> codec;
    private final WaitStrategy waitStrategy;
    /** Whether the strategy busy-spins: then a blocking call spins through attempts before the wait loop. */
    private final boolean spins;
    private final Signal notEmpty;
    private final Signal notFull;
    private final int maxMessageSize;
    private final String name;
    /** The slot region of the mapping: what {@link #buffer()} exposes. */
    private final MemorySegment slots;
    /** One take attempt with a destination limit (from {@link #TAKE_LIMIT}); created once. */
    private final WaitLoop.Attempt<int[]> limitedTake = limit -> takeAttempt(limit[0], false);
    /** The most leases this attachment may hold at once. */
    private final int maxLeases;
    /** The leases this attachment holds, or is taking. */
    private final AtomicInteger leases = new AtomicInteger();
    /**
     * Whether this attachment's last claim found room at its first attempt: only then does the next claim start
     * with the blind CAS ({@link QueueRing#tryClaimPredicted()}); on a queue that stays full it would pull the
     * slot's line away from the consumer reading it. A heuristic: a plain field, racy between threads by design,
     * and written only when it changes: the consumers' threads of this process read the fields beside it.
     */
    private boolean roomSeen = true;
    /**
     * Attempts a busy-spinning blocking call makes before it enters the wait loop, whose entry and per-attempt
     * bookkeeping (liveness cadence, deadline, interrupt) delay how soon a spinning consumer sees a message:
     * about 50 microseconds of spinning, well within the probe interval and the interrupt bound. Across two
     * processes it cut the queue's busy-spin round trip p50 at 32 bytes by 9 to 19% (three alternated runs). A
     * call that succeeds within these attempts does not count as a wait ({@link io.jvmipc.file.SlowPath#WAITS}).
     */
    private static final int SPIN_ATTEMPTS = 1024;
    /** The shortest timeout for which a call spins through {@link #SPIN_ATTEMPTS} first (so it cannot overrun). */
    private static final long SPIN_MIN_TIMEOUT_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    /** Created for one producer at a time ({@link SharedQueueBuilder#singleProducer()}). */
    private final boolean singleProducer;
    /** Created for one consumer at a time ({@link SharedQueueBuilder#singleConsumer()}). */
    private final boolean singleConsumer;
    /**
     * The thread of this attachment holding the producer role of a single-producer queue, or {@code null}: written
     * under {@link #roleLock}, read plainly by the hot path, which goes to {@link #acquireRole} on any other value.
     */
    private Thread producerThread;
    /** As {@link #producerThread}, for the consumer role of a single-consumer queue. */
    private Thread consumerThread;
    private final Object roleLock = new Object();

    /** The handle on a mapped file not yet attached: the builder attaches it through the one open path. */
    SharedQueue(final SharedFile file, final Codec<T> codec, final WaitStrategy waitStrategy,
        final String name, final int maxLeases)
    {
        this.file = file;
        this.codec = codec;
        this.waitStrategy = waitStrategy;
        this.spins = waitStrategy instanceof BusySpinWaitStrategy;
        this.name = name;
        final int capacity = (int)file.parameter(QueueDescriptor.CAPACITY_PARAMETER);
        this.maxMessageSize = (int)file.parameter(QueueDescriptor.MAX_MESSAGE_SIZE_PARAMETER);
        final int slotLength = (int)file.parameter(QueueDescriptor.SLOT_LENGTH_PARAMETER);
        final MemorySegment segment = file.segment();
        final long body = file.bodyOffset();
        // registered before attaching: the recovery of a dead entry (here or later) then drops its registrations.
        // Fence-free: signalled per message, so sleepers pay the store-load barrier and sleep bounded (see Signal)
        this.notEmpty = Signal.ofFenceFreeWakers(file, QueueDescriptor.NOT_EMPTY_SIGNAL,
            body + QueueDescriptor.NOT_EMPTY_SIGNAL_OFFSET);
        this.notFull = Signal.ofFenceFreeWakers(file, QueueDescriptor.NOT_FULL_SIGNAL,
            body + QueueDescriptor.NOT_FULL_SIGNAL_OFFSET);
        final long mode = file.parameter(QueueDescriptor.MODE_PARAMETER);
        this.singleProducer = (mode & QueueDescriptor.SINGLE_PRODUCER) != 0;
        this.singleConsumer = (mode & QueueDescriptor.SINGLE_CONSUMER) != 0;
        this.ring = new QueueRing(segment, body, capacity, slotLength, maxMessageSize, file, mode);
        this.slots = segment.asSlice(ring.slotsOffset(), ring.slotsLength());
        this.maxLeases = maxLeases > 0 ? maxLeases : Math.clamp(capacity / 2, 1, 16);
    }

    /**
     * Starts building (creating or attaching) the queue named {@code name}.
     *
     * @param name  the object's name (see {@link SharedDirectory#requireValidName(String)}).
     * @param codec turns messages into bytes and back; every process must use an equivalent one.
     * @param <T>   the type of message.
     * @return a builder.
     */
    public static <T> SharedQueueBuilder<T> builder(final String name, final Codec<T> codec)
    {
        return new SharedQueueBuilder<>(name, codec);
    }

    /**
     * Starts building an anonymous object of this kind, Python's unnamed one: it gets a fresh name
     * ({@link SharedDirectory#newAnonymousName()}) and is marked anonymous, and its file is removed when the last
     * attached process closes it (or, if every process died, by the next open of its name or a cleanup). Create
     * it with the builder's {@code create()} (an anonymous builder names one object) and pass its
     * {@code handle()} to the processes that share it.
     *
     * @param codec turns messages into bytes and back; every process must use an equivalent one.
     * @param <T>   the type of message.
     * @return a builder.
     */
    public static <T> SharedQueueBuilder<T> anonymous(final Codec<T> codec)
    {
        return builder(SharedDirectory.newAnonymousName(), codec);
    }

    /**
     * Attaches to the queue a handle names ({@link #handle()} in another process), as a child does with an
     * anonymous queue it was given.
     *
     * @param handle the queue's handle.
     * @param codec  turns messages into bytes and back; equivalent to the creator's.
     * @param <T>    the type of message.
     * @return the attached queue.
     * @throws io.jvmipc.file.WrongKindException          if the handle names another kind of object.
     * @throws io.jvmipc.file.NoSuchSharedObjectException if the queue is gone (an anonymous queue whose last
     *                                                    attachment closed).
     */
    public static <T> SharedQueue<T> open(final SharedHandle handle, final Codec<T> codec)
    {
        return builder(handle.requireKind(ObjectKind.QUEUE).name(), codec).directory(handle.sharedDirectory()).open();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Producing
    // ---------------------------------------------------------------------------------------------------------

    /**
     * Adds a message if there is room now; never blocks. If a slot held by another process is in the way and
     * that process is due for a liveness probe, probes it (and retries once if it was dead and is now recovered).
     *
     * @param message the message.
     * @return {@code true} if added, {@code false} if the queue is full.
     * @throws MessageTooLargeException if the encoded message exceeds {@link #maxMessageSize()} (not added).
     * @throws IllegalStateException    if this queue is closed in this process.
     * @throws io.jvmipc.file.SharedObjectException if the file was truncated or replaced under this process.
     */
    @Override
    public boolean offer(final T message)
    {
        checkEncodedLength(message);
        try
        {
            final long claim = claimNow();
            if (claim < 0)
            {
                return false;
            }
            encodeAndCommit(message, claim);
            return true;
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    /**
     * Adds a message, waiting up to the timeout for room.
     *
     * @param message the message.
     * @param timeout how long to wait; zero or less means not at all (one attempt).
     * @param unit    the timeout's unit.
     * @return {@code true} if added, {@code false} if the queue stayed full until the timeout.
     * @throws InterruptedException     if interrupted while waiting (nothing added).
     * @throws MessageTooLargeException if the encoded message exceeds {@link #maxMessageSize()} (not added).
     * @throws IllegalStateException    if this queue is closed in this process.
     * @throws io.jvmipc.file.SharedObjectException if the file was truncated or replaced under this process.
     */
    @Override
    public boolean offer(final T message, final long timeout, final TimeUnit unit) throws InterruptedException
    {
        checkEncodedLength(message);
        final long timeoutNanos = WaitStrategy.timeoutNanos(timeout, unit);
        try
        {
            final long claim = awaitClaim(timeoutNanos);
            if (claim < 0)
            {
                return false;
            }
            encodeAndCommit(message, claim);
            return true;
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    /**
     * Adds a message, waiting as long as needed for room.
     *
     * @param message the message.
     * @throws InterruptedException     if interrupted while waiting (nothing added).
     * @throws MessageTooLargeException if the encoded message exceeds {@link #maxMessageSize()} (not added).
     * @throws IllegalStateException    if this queue is closed in this process.
     * @throws io.jvmipc.file.SharedObjectException if the file was truncated or replaced under this process.
     */
    @Override
    public void put(final T message) throws InterruptedException
    {
        checkEncodedLength(message);
        try
        {
            encodeAndCommit(message, awaitClaim(Long.MAX_VALUE));
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    /**
     * Adds {@code length} bytes of {@code source} from {@code offset} as one message if there is room now; never
     * blocks (probes a due slot owner in the way, as {@link #offer(Object)}). Allocates nothing.
     *
     * @param source the bytes.
     * @param offset where the message starts.
     * @param length its length.
     * @return {@code true} if added, {@code false} if full.
     * @throws MessageTooLargeException  if {@code length} exceeds {@link #maxMessageSize()}.
     * @throws IndexOutOfBoundsException if the range is outside {@code source}.
     * @throws IllegalStateException     if this queue is closed in this process.
     * @throws io.jvmipc.file.SharedObjectException if the file was truncated or replaced under this process.
     */
    public boolean offerBytes(final byte[] source, final int offset, final int length)
    {
        Objects.checkFromIndexSize(offset, length, source.length);
        checkLength(length);
        try
        {
            final long claim = claimNow();
            if (claim < 0)
            {
                return false;
            }
            MemorySegment.copy(source, offset, ring.segment(), JAVA_BYTE, ring.messageOffset(claim), length);
            publish(claim, length);
            return true;
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    /**
     * Adds {@code length} bytes of {@code source} from {@code offset} as one message, waiting up to the timeout
     * for room. Allocates nothing.
     *
     * @param source  the bytes.
     * @param offset  where the message starts.
     * @param length  its length.
     * @param timeout how long to wait; zero or less means not at all (one attempt).
     * @param unit    the timeout's unit.
     * @return {@code true} if added, {@code false} if still full at the timeout.
     * @throws InterruptedException      if interrupted while waiting.
     * @throws MessageTooLargeException  if {@code length} exceeds {@link #maxMessageSize()}.
     * @throws IndexOutOfBoundsException if the range is outside {@code source}.
     * @throws IllegalStateException     if this queue is closed in this process.
     * @throws io.jvmipc.file.SharedObjectException if the file was truncated or replaced under this process.
     */
    public boolean offerBytes(final byte[] source, final int offset, final int length, final long timeout,
        final TimeUnit unit) throws InterruptedException
    {
        Objects.checkFromIndexSize(offset, length, source.length);
        checkLength(length);
        final long timeoutNanos = WaitStrategy.timeoutNanos(timeout, unit);
        try
        {
            final long claim = awaitClaim(timeoutNanos);
            if (claim < 0)
            {
                return false;
            }
            MemorySegment.copy(source, offset, ring.segment(), JAVA_BYTE, ring.messageOffset(claim), length);
            publish(claim, length);
            return true;
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    /**
     * Claims a slot to write a message into in place (zero copy): write at most {@link #maxMessageSize()} bytes
     * into {@link #buffer()} from {@link #offset(long)}, then {@link #commit(long, int)} or
     * {@link #abort(long)}. Until then consumers take other producers' later messages past this slot, but not the
     * later messages of this queue object (its order is kept), and producers cannot claim past it a lap later, so
     * commit promptly; if this process dies first, the slot is skipped once its death is detected. Never blocks; probes a due slot owner in the way, as
     * {@link #offer(Object)}.
     *
     * @return a claim, or -1 if the queue is full.
     * @throws IllegalStateException if this queue is closed in this process.
     * @throws io.jvmipc.file.SharedObjectException if the file was truncated or replaced under this process.
     */
    public long tryClaim()
    {
        try
        {
            return claimNow();
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    /**
     * Where to write the message of a claim in {@link #buffer()}.
     *
     * @param claim an open claim of this attachment, from {@link #tryClaim()}.
     * @return the offset of the first message byte in {@link #buffer()}.
     * @throws IllegalArgumentException if {@code claim} is negative (never a claim).
     * @throws IllegalStateException    if {@code claim} is not an open claim of this attachment, or this queue
     *                                  is closed in this process.
     * @throws io.jvmipc.file.SharedObjectException if the file was truncated or replaced under this process.
     */
    public long offset(final long claim)
    {
        try
        {
            checkClaim(claim);
            return ring.messageOffset(claim) - ring.slotsOffset();
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    /**
     * Publishes a claimed slot holding {@code length} bytes and wakes waiting consumers.
     *
     * @param claim  a claim from {@link #tryClaim()}, committed or aborted at most once.
     * @param length the message's length.
     * @throws IllegalArgumentException if {@code length} is negative, or {@code claim} is (the claim stays open).
     * @throws MessageTooLargeException if {@code length} exceeds {@link #maxMessageSize()} (the claim stays open).
     * @throws IllegalStateException    if {@code claim} is not an open claim of this attachment.
     * @throws io.jvmipc.file.SharedObjectException if the file was truncated or replaced under this process.
     */
    public void commit(final long claim, final int length)
    {
        if (length < 0)
        {
            throw new IllegalArgumentException(file.path() + ": negative length " + length + " for claim " + claim);
        }
        checkLength(length);
        try
        {
            checkClaim(claim);
            publish(claim, length);
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    private void publish(final long claim, final int length)
    {
        ring.commit(claim, length);
        notEmpty.signalAll();
    }

    /**
     * Gives a claimed slot back without a message; consumers skip it.
     *
     * @param claim a claim from {@link #tryClaim()}, committed or aborted at most once.
     * @throws IllegalArgumentException if {@code claim} is negative.
     * @throws IllegalStateException    if {@code claim} is not an open claim of this attachment.
     * @throws io.jvmipc.file.SharedObjectException if the file was truncated or replaced under this process.
     */
    public void abort(final long claim)
    {
        try
        {
            checkClaim(claim);
            ring.abort(claim);
            notFull.signalAll();
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    /**
     * Writes up to {@code limit} messages into the queue in place, in order, while there is room: each slot is
     * claimed, handed to {@code writer}, and published as soon as the call returns, so consumers that spin or poll
     * take it at once; sleeping consumers are signalled once, after the batch (one waker check per batch, not one
     * per message), so keep the writer quick. If this process dies inside a batch, every message it published
     * stays, and sleeping consumers find them at their next wake-up, within the wait strategy's sleep slice
     * ({@link io.jvmipc.wait.FutexWaitStrategy#sliceNanos()}); the slot it was writing is skipped once its death is
     * detected. Never blocks; probes a due slot owner in the way, as {@link #tryClaim()}. The counterpart of
     * {@link #drain(MessageHandler, int)}.
     *
     * @param writer writes each message during its call, and returns its length.
     * @param limit  the most messages to write, at least 0.
     * @return how many were published: fewer than {@code limit} if the queue filled up or {@code writer} ended
     *         the batch.
     * @throws IllegalArgumentException if {@code limit} is negative.
     * @throws MessageTooLargeException if {@code writer} returns a length above {@link #maxMessageSize()}: that
     *                                  slot is given back, the messages before it stay published.
     * @throws IllegalStateException    if this queue is closed in this process.
     * @throws io.jvmipc.file.SharedObjectException if the file was truncated or replaced under this process.
     */
    public int fill(final MessageWriter writer, final int limit)
    {
        if (!checkFill(writer, limit))
        {
            return 0;
        }
        try
        {
            return fillFrom(claimNow(), writer, limit);
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    /**
     * As {@link #fill(MessageWriter, int)}, but waits up to the timeout for room for the first message; the rest
     * of the batch is written while there is room, without waiting.
     *
     * @param writer  writes each message during its call, and returns its length.
     * @param limit   the most messages to write, at least 0.
     * @param timeout how long to wait for room for the first message; zero or less means not at all.
     * @param unit    the timeout's unit.
     * @return how many were published; 0 if the queue stayed full up to the timeout.
     * @throws InterruptedException     if interrupted while waiting for room (nothing was written).
     * @throws IllegalArgumentException if {@code limit} is negative.
     * @throws MessageTooLargeException as {@link #fill(MessageWriter, int)}.
     * @throws IllegalStateException    if this queue is closed in this process.
     * @throws io.jvmipc.file.SharedObjectException if the file was truncated or replaced under this process.
     */
    public int fill(final MessageWriter writer, final int limit, final long timeout, final TimeUnit unit)
        throws InterruptedException
    {
        final long timeoutNanos = WaitStrategy.timeoutNanos(timeout, unit);
        if (!checkFill(writer, limit))
        {
            return 0;
        }
        try
        {
            return fillFrom(awaitClaim(timeoutNanos), writer, limit);
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    /** Checks a fill's arguments and that this queue is open: {@code false} if there is nothing to write. */
    private boolean checkFill(final MessageWriter writer, final int limit)
    {
        Objects.requireNonNull(writer, "writer");
        if (limit < 0)
        {
            throw new IllegalArgumentException(file.path() + ": negative fill limit " + limit);
        }
        file.ensureOpen();
        return limit > 0;
    }

    /** Writes and publishes messages from an open claim (or none, if {@code claim} is negative) on; see fill. */
    private int fillFrom(final long first, final MessageWriter writer, final int limit)
    {
        int published = 0;
        try
        {
            long claim = first;
            while (claim >= 0)
            {
                final int length = writeClaimed(writer, claim);
                if (length < 0)
                {
                    break;
                }
                ring.commit(claim, length);
                if (++published == limit)
                {
                    break;
                }
                claim = claimNow();
            }
        }
        finally
        {
            if (published > 0)
            {
                notEmpty.signalAll();
            }
        }
        return published;
    }

    /**
     * Has {@code writer} write the message of an open claim: its length, or -1 if it wrote none (the slot is given
     * back). The slot is given back too when the writer throws or returns a length that does not fit.
     */
    private int writeClaimed(final MessageWriter writer, final long claim)
    {
        final int length;
        try
        {
            length = writer.write(slots, ring.messageOffset(claim) - ring.slotsOffset(), maxMessageSize);
        }
        catch (final RuntimeException | Error e)
        {
            giveBack(claim);
            throw e;
        }
        if (length < 0)
        {
            giveBack(claim);
            return -1;
        }
        if (length > maxMessageSize)
        {
            giveBack(claim);
            throw new MessageTooLargeException(file.path().toString(), length, maxMessageSize);
        }
        return length;
    }

    /** Gives a claim of this call back unused, and wakes producers waiting for room. */
    private void giveBack(final long claim)
    {
        ring.abort(claim);
        notFull.signalAll();
    }

    /**
     * The slot region of the mapping (not the header or the process table), for writing claimed slots at
     * {@link #offset(long)} and reading in {@link MessageHandler}s. Write only inside a claimed slot's message
     * bytes: the rest holds other slots' state, which other processes trust.
     *
     * @return the mapped slots, a slice of the mapping starting at slot 0.
     * @throws IllegalStateException if this queue is closed in this process.
     */
    public MemorySegment buffer()
    {
        file.ensureOpen();
        return slots;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Consuming
    // ---------------------------------------------------------------------------------------------------------

    /**
     * Removes and returns the oldest message if there is one now; never blocks (probes a due slot owner in the
     * way, as {@link #offer(Object)}).
     *
     * @return the message, or {@code null} if the queue is empty.
     * @throws io.jvmipc.codec.CodecException if the message cannot be decoded (it is consumed).
     * @throws CorruptFileException           if the oldest slot's length is corrupt (the slot is skipped).
     * @throws IllegalStateException          if this queue is closed in this process.
     * @throws io.jvmipc.file.SharedObjectException if the file was truncated or replaced under this process.
     */
    @Override
    public T poll()
    {
        try
        {
            final long position = takeNow(Integer.MAX_VALUE);
            return position < 0 ? null : decodeAndRelease(position);
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    /**
     * Removes and returns the oldest message, waiting up to the timeout for one.
     *
     * @param timeout how long to wait; zero or less means not at all (one attempt).
     * @param unit    the timeout's unit.
     * @return the message, or {@code null} if none arrived before the timeout (never earlier).
     * @throws InterruptedException           if interrupted while waiting.
     * @throws io.jvmipc.codec.CodecException if the message cannot be decoded (it is consumed).
     * @throws CorruptFileException           if the oldest slot's length is corrupt (the slot is skipped).
     * @throws IllegalStateException          if this queue is closed in this process.
     * @throws io.jvmipc.file.SharedObjectException if the file was truncated or replaced under this process.
     */
    @Override
    public T poll(final long timeout, final TimeUnit unit) throws InterruptedException
    {
        final long timeoutNanos = WaitStrategy.timeoutNanos(timeout, unit);
        try
        {
            final long position = awaitTake(timeoutNanos);
            return position < 0 ? null : decodeAndRelease(position);
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    /**
     * Removes and returns the oldest message, waiting as long as needed.
     *
     * @return the message.
     * @throws InterruptedException           if interrupted while waiting.
     * @throws io.jvmipc.codec.CodecException if the message cannot be decoded (it is consumed).
     * @throws CorruptFileException           if the oldest slot's length is corrupt (the slot is skipped).
     * @throws IllegalStateException          if this queue is closed in this process.
     * @throws io.jvmipc.file.SharedObjectException if the file was truncated or replaced under this process.
     */
    @Override
    public T take() throws InterruptedException
    {
        try
        {
            return decodeAndRelease(awaitTake(Long.MAX_VALUE));
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    /**
     * Takes the oldest message under a {@link Lease}, waiting as long as needed: the message stays in its slot
     * until {@link Lease#ack()}, and is given back to the queue by {@link Lease#release()}, by
     * {@link Lease#close()} without an ack, or when this process dies or closes the queue first (then another
     * consumer takes it: at-least-once delivery). A released or redelivered message is the oldest one a taker
     * finds. While a lease is held its slot counts against the capacity. Taking a lease when this attachment
     * already holds {@link SharedQueueBuilder#maxLeasesPerProcess(int)} of them is refused at once, without
     * waiting: only this process can end them, so waiting for one to end could wait forever.
     * <p>
     * A message that cannot be decoded, or whose slot is corrupt, is consumed (not redelivered: it would fail
     * again) and reported, as by {@link #take()}. While a lease is held and the queue is otherwise empty, a
     * waiting consumer wakes to probe the holder every {@link SharedFile#PROBE_INTERVAL_NANOS}, so that a dead
     * holder's message is redelivered within that interval of the probe finding it dead.
     *
     * @return the lease.
     * @throws InterruptedException           if interrupted while waiting (nothing is taken).
     * @throws IllegalStateException          if this queue is closed in this process, or this attachment holds
     *                                        the most leases it may.
     * @throws io.jvmipc.codec.CodecException if the message cannot be decoded (it is consumed).
     * @throws CorruptFileException           if the oldest slot's length is corrupt (the slot is skipped).
     * @throws io.jvmipc.file.SharedObjectException if the file was truncated or replaced under this process.
     */
    public Lease<T> takeLease() throws InterruptedException
    {
        return lease(Long.MAX_VALUE, null);
    }

    /**
     * Takes the oldest message under a {@link Lease}, waiting up to the timeout for one; see {@link #takeLease()}.
     *
     * @param timeout how long to wait; zero or less means not at all (one attempt).
     * @param unit    the timeout's unit.
     * @return the lease, or {@code null} if no message arrived before the timeout (never earlier).
     * @throws InterruptedException           if interrupted while waiting (nothing is taken).
     * @throws IllegalStateException          if this queue is closed in this process, or this attachment holds
     *                                        the most leases it may.
     * @throws io.jvmipc.codec.CodecException if the message cannot be decoded (it is consumed).
     * @throws CorruptFileException           if the oldest slot's length is corrupt (the slot is skipped).
     * @throws io.jvmipc.file.SharedObjectException if the file was truncated or replaced under this process.
     */
    public Lease<T> pollLease(final long timeout, final TimeUnit unit) throws InterruptedException
    {
        final long timeoutNanos = WaitStrategy.timeoutNanos(timeout, unit);
        return lease(timeoutNanos <= 0 ? 0 : timeoutNanos, null);
    }

    /**
     * Takes the oldest message under a {@link Lease} if there is one now; never blocks (probes a due slot owner in
     * the way, as {@link #poll()}); see {@link #takeLease()}.
     *
     * @return the lease, or {@code null} if the queue is empty.
     * @throws IllegalStateException          if this queue is closed in this process, or this attachment holds
     *                                        the most leases it may.
     * @throws io.jvmipc.codec.CodecException if the message cannot be decoded (it is consumed).
     * @throws CorruptFileException           if the oldest slot's length is corrupt (the slot is skipped).
     * @throws io.jvmipc.file.SharedObjectException if the file was truncated or replaced under this process.
     */
    public Lease<T> pollLease()
    {
        try
        {
            return lease(0, null);
        }
        catch (final InterruptedException e)
        {
            // a take that does not wait is never interrupted
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * The most leases this attachment may hold at once ({@link SharedQueueBuilder#maxLeasesPerProcess(int)}).
     *
     * @return the bound.
     */
    public int maxLeasesPerProcess()
    {
        return maxLeases;
    }

    /**
     * The leases this attachment holds now (taken and not yet acknowledged or released).
     *
     * @return the count.
     */
    public int heldLeases()
    {
        return leases.get();
    }

    /**
     * A leased take ({@code timeoutNanos} 0: one attempt; {@code Long.MAX_VALUE}: no deadline); {@code afterAck}
     * runs after the lease's ack ({@link JoinableQueue}'s wake of its joiners), or is {@code null}.
     */
    Lease<T> lease(final long timeoutNanos, final Runnable afterAck) throws InterruptedException
    {
        file.ensureOpen();
        reserveLease();
        boolean leased = false;
        try
        {
            final long position = timeoutNanos <= 0 ? leaseNow() : awaitLease(timeoutNanos);
            if (position < 0)
            {
                return null;
            }
            final T value;
            try
            {
                final int length = ring.length(position);
                if (!ring.isValidLength(length))
                {
                    throw corrupt(position, length, "the slot is skipped");
                }
                value = codec.decode(ring.segment(), ring.messageOffset(position), length);
            }
            catch (final RuntimeException e)
            {
                // consumed: given back, it would fail the same way for every taker
                consumeLease(position);
                throw e;
            }
            leased = true;
            return new Lease<>(this, position, value, afterAck);
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
        finally
        {
            if (!leased)
            {
                leases.decrementAndGet();
            }
        }
    }

    /** Counts one more lease for this attachment, refusing one over the bound. */
    private void reserveLease()
    {
        while (true)
        {
            final int held = leases.get();
            if (held >= maxLeases)
            {
                throw new IllegalStateException(file.path() + ": this process already holds " + held +
                    " leases, its bound (maxLeasesPerProcess " + maxLeases + "); ack or release one first");
            }
            if (leases.compareAndSet(held, held + 1))
            {
                return;
            }
        }
    }

    private void consumeLease(final long position)
    {
        ring.ack(position);
        notFull.signalAll();
    }

    /**
     * Ends a lease of this attachment: acknowledged (the slot is freed) or given back (READY again).
     *
     * @throws IllegalStateException if this queue is closed here (closing gave the message back), or the slot is
     *                               no longer this attachment's lease.
     */
    void endLease(final long position, final boolean ack)
    {
        file.ensureOpen();
        final boolean ended;
        try
        {
            ended = ack ? ring.ack(position) : ring.releaseLease(position);
            if (ended)
            {
                if (ack)
                {
                    notFull.signalAll();
                }
                else
                {
                    notEmpty.signalAll();
                }
            }
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
        leases.decrementAndGet();
        if (!ended)
        {
            throw new IllegalStateException(file.path() + ": the slot of lease position " + position +
                " is no longer held by this process");
        }
    }

    /** One leased take attempt, with the probe of a due owner in the way; -1 if empty. */
    private long leaseNow()
    {
        final long result = WaitLoop.attemptAndProbe(file, this, LEASE);
        return WaitLoop.isWait(result) ? -1 : result;
    }

    /** A leased take, waiting on the not-empty signal up to the timeout; -1 at the timeout. */
    private long awaitLease(final long timeoutNanos) throws InterruptedException
    {
        final long result = WaitLoop.await(file, notEmpty, waitStrategy, this, LEASE, timeoutNanos, true);
        return WaitLoop.isWait(result) ? -1 : result;
    }

    /**
     * Removes the oldest message into {@code destination} from {@code offset} if there is one now; never blocks.
     * Allocates nothing.
     *
     * @param destination where to copy the message.
     * @param offset      where in {@code destination}.
     * @return the message's length, or -1 if the queue is empty.
     * @throws MessageTooLargeException if the message does not fit in the rest of {@code destination}; it stays
     *                                  in the queue.
     * @throws CorruptFileException     if the oldest slot's length is corrupt (the slot is skipped).
     * @throws IllegalStateException    if this queue is closed in this process.
     * @throws io.jvmipc.file.SharedObjectException if the file was truncated or replaced under this process.
     */
    public int pollBytes(final byte[] destination, final int offset)
    {
        Objects.checkIndex(offset, destination.length + 1);
        try
        {
            return copyOut(takeNow(destination.length - offset), destination, offset);
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    /**
     * Removes the oldest message into {@code destination} from {@code offset}, waiting up to the timeout for
     * one. Allocates nothing.
     *
     * @param destination where to copy the message.
     * @param offset      where in {@code destination}.
     * @param timeout     how long to wait; zero or less means not at all (one attempt).
     * @param unit        the timeout's unit.
     * @return the message's length, or -1 if none arrived before the timeout.
     * @throws InterruptedException     if interrupted while waiting.
     * @throws MessageTooLargeException if the message does not fit; it stays in the queue.
     * @throws CorruptFileException     if the oldest slot's length is corrupt (the slot is skipped).
     * @throws IllegalStateException    if this queue is closed in this process.
     * @throws io.jvmipc.file.SharedObjectException if the file was truncated or replaced under this process.
     */
    public int pollBytes(final byte[] destination, final int offset, final long timeout, final TimeUnit unit)
        throws InterruptedException
    {
        Objects.checkIndex(offset, destination.length + 1);
        final long timeoutNanos = WaitStrategy.timeoutNanos(timeout, unit);
        try
        {
            return copyOut(awaitTake(destination.length - offset, timeoutNanos), destination, offset);
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    /**
     * Removes the oldest message, if any, and hands it to {@code handler} in place (zero copy, no allocation);
     * never blocks.
     *
     * @param handler reads the message during the call, in {@link #buffer()}.
     * @return {@code true} if a message was handled, {@code false} if the queue is empty.
     * @throws CorruptFileException  if the oldest slot's length is corrupt (the slot is skipped).
     * @throws IllegalStateException if this queue is closed in this process.
     * @throws io.jvmipc.file.SharedObjectException if the file was truncated or replaced under this process.
     */
    public boolean poll(final MessageHandler handler)
    {
        try
        {
            final long position = takeNow(Integer.MAX_VALUE);
            if (position < 0)
            {
                return false;
            }
            handleAndRelease(handler, position);
            return true;
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    /**
     * Removes the oldest message, waiting up to the timeout for one, and hands it to {@code handler} in place.
     *
     * @param handler reads the message during the call, in {@link #buffer()}.
     * @param timeout how long to wait; zero or less means not at all (one attempt).
     * @param unit    the timeout's unit.
     * @return {@code true} if a message was handled, {@code false} if none arrived before the timeout.
     * @throws InterruptedException  if interrupted while waiting.
     * @throws CorruptFileException  if the oldest slot's length is corrupt (the slot is skipped).
     * @throws IllegalStateException if this queue is closed in this process.
     * @throws io.jvmipc.file.SharedObjectException if the file was truncated or replaced under this process.
     */
    public boolean poll(final MessageHandler handler, final long timeout, final TimeUnit unit)
        throws InterruptedException
    {
        final long timeoutNanos = WaitStrategy.timeoutNanos(timeout, unit);
        try
        {
            final long position = awaitTake(timeoutNanos);
            if (position < 0)
            {
                return false;
            }
            handleAndRelease(handler, position);
            return true;
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    /**
     * Hands up to {@code limit} messages available now to {@code handler}, in order, in place. Each slot is freed
     * as soon as its handler call returns; producers waiting for room are signalled once, after the batch (so a
     * batch costs one waker check, not one per message).
     *
     * @param handler reads each message during its call.
     * @param limit   the most messages to handle.
     * @return how many were handled.
     * @throws CorruptFileException  if a slot's length is corrupt (the slot is skipped; the messages handled
     *                               before it are gone, the rest stay).
     * @throws IllegalStateException if this queue is closed in this process.
     * @throws io.jvmipc.file.SharedObjectException if the file was truncated or replaced under this process.
     */
    public int drain(final MessageHandler handler, final int limit)
    {
        try
        {
            int handled = 0;
            boolean freed = false;
            try
            {
                while (handled < limit)
                {
                    final long position = takeNow(Integer.MAX_VALUE);
                    if (position < 0)
                    {
                        break;
                    }
                    final int length = ring.length(position);
                    if (!ring.isValidLength(length))
                    {
                        ring.release(position);
                        freed = true;
                        throw corrupt(position, length, "the slot is skipped");
                    }
                    try
                    {
                        handler.onMessage(slots, ring.messageOffset(position) - ring.slotsOffset(), length);
                    }
                    finally
                    {
                        ring.release(position);
                        freed = true;
                    }
                    handled++;
                }
            }
            finally
            {
                if (freed)
                {
                    notFull.signalAll();
                }
            }
            return handled;
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    /**
     * The oldest message, without removing it: looks past gaps (aborted claims, failed encodes, slots of dead
     * producers) and slots being read, as {@link #take()} does, and probes a due writer holding the line, as
     * {@link #poll()} does. Never blocks.
     *
     * @return a copy of the oldest message, or {@code null} if none is published ahead of an unwritten slot.
     * @throws io.jvmipc.codec.CodecException if the oldest message cannot be decoded (it stays in the queue).
     * @throws CorruptFileException           if the oldest slot's length is corrupt (it stays in the queue).
     * @throws IllegalStateException          if this queue is closed in this process.
     * @throws io.jvmipc.file.SharedObjectException if the file was truncated or replaced under this process.
     */
    @Override
    public T peek()
    {
        file.ensureOpen();
        try
        {
            for (int attempt = 0; attempt < 100; attempt++)
            {
                final long position = WaitLoop.attemptAndProbe(file, this, PEEK);
                if (WaitLoop.isWait(position))
                {
                    return null;
                }
                final Snapshot<T> snapshot = snapshotAt(position);
                if (snapshot != null)
                {
                    return snapshot.value;
                }
            }
            return null;
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    @Override
    public int drainTo(final Collection<? super T> collection)
    {
        return drainTo(collection, Integer.MAX_VALUE);
    }

    @Override
    public int drainTo(final Collection<? super T> collection, final int maxElements)
    {
        Objects.requireNonNull(collection, "collection");
        if (collection == this)
        {
            throw new IllegalArgumentException("cannot drain a queue into itself");
        }
        int drained = 0;
        T message;
        while (drained < maxElements && (message = poll()) != null)
        {
            collection.add(message);
            drained++;
        }
        return drained;
    }

    // ---------------------------------------------------------------------------------------------------------
    // State
    // ---------------------------------------------------------------------------------------------------------

    /**
     * An estimate of the number of messages in the queue (exact when no other thread or process is using it),
     * like Python's {@code qsize()}: the messages published or being written between the head and the tail,
     * counted slot by slot (O(n)), so gaps (aborted claims, removed messages, recovered dead producers) do not
     * count.
     *
     * @return between 0 and {@link #capacity()}.
     */
    @Override
    public int size()
    {
        file.ensureOpen();
        try
        {
            return ring.size();
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    /**
     * Whether the queue holds no message now (an estimate under concurrent use), like Python's {@code empty()}.
     * Stops at the first message found.
     *
     * @return {@code true} if empty.
     */
    @Override
    public boolean isEmpty()
    {
        file.ensureOpen();
        try
        {
            return ring.count(1) == 0;
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    /**
     * Whether no message can be added now (an estimate under concurrent use), like Python's {@code full()}:
     * {@link #remainingCapacity()} is 0.
     *
     * @return {@code true} if full.
     */
    public boolean isFull()
    {
        return remainingCapacity() == 0;
    }

    /**
     * How many messages could be added now without waiting (an estimate under concurrent use, exact when no
     * other thread or process is using the queue). A gap left by a removal, an aborted claim or a dead producer
     * keeps its slot until every message before it is gone (producers fill the ring in order), so
     * {@code size() + remainingCapacity()} may be below {@link #capacity()} while gaps are in the queue.
     *
     * @return between 0 and {@link #capacity()}.
     * @throws IllegalStateException if this queue is closed in this process.
     */
    @Override
    public int remainingCapacity()
    {
        file.ensureOpen();
        try
        {
            return ring.capacity() - ring.occupied();
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    /**
     * The most messages the queue holds.
     *
     * @return the capacity, fixed at creation.
     */
    public int capacity()
    {
        return ring.capacity();
    }

    /**
     * The largest message in bytes, fixed at creation.
     *
     * @return the maximum message size.
     */
    public int maxMessageSize()
    {
        return maxMessageSize;
    }

    /**
     * Whether this queue was created for one producer at a time ({@link SharedQueueBuilder#singleProducer()}).
     *
     * @return {@code true} for a single-producer queue.
     */
    public boolean isSingleProducer()
    {
        return singleProducer;
    }

    /**
     * Whether this queue was created for one consumer at a time ({@link SharedQueueBuilder#singleConsumer()}).
     *
     * @return {@code true} for a single-consumer queue.
     */
    public boolean isSingleConsumer()
    {
        return singleConsumer;
    }

    /**
     * The queue's name.
     *
     * @return the name.
     */
    public String name()
    {
        return name;
    }

    /**
     * A handle naming this object, to pass to another process (it is serializable, so a {@code JvmProcess} target
     * may capture it), which opens the object with it; see {@link SharedHandle}.
     *
     * @return the handle.
     */
    public SharedHandle handle()
    {
        return file.handle();
    }

    /**
     * The queue's file.
     *
     * @return its path.
     */
    public Path path()
    {
        return file.path();
    }

    /**
     * The processes attached to this queue now, with their liveness (for tools and diagnostics).
     *
     * @return the process-table entries in use.
     */
    public List<SharedFile.ProcessEntry> processes()
    {
        try
        {
            return file.processes();
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    /**
     * Probes every other process attached to this queue now and recovers the dead ones (their leases are given
     * back, the slots they were writing or reading are freed), without waiting for a take to find them in its way.
     * A consumer that must see a dead predecessor's leases redelivered before it takes newer messages (the Aeron
     * bridge, io.jvmipc.aeron) calls it once that predecessor is known to be dead. Never blocks.
     *
     * @return whether a dead process was recovered.
     * @throws IllegalStateException if this queue is closed in this process.
     * @throws io.jvmipc.file.SharedObjectException if the file was truncated or replaced under this process.
     */
    public boolean recoverDeadProcesses()
    {
        file.ensureOpen();
        try
        {
            final boolean recovered = file.recoverDeadEntries();
            if (recovered)
            {
                notEmpty.signalAll();
                notFull.signalAll();
            }
            return recovered;
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    /**
     * How many threads, over all processes, are asleep waiting for a message.
     *
     * @return the number of registered consumers.
     */
    public int waitingConsumers()
    {
        file.ensureOpen();
        try
        {
            return notEmpty.waiters();
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    /**
     * How many threads, over all processes, are asleep waiting for room.
     *
     * @return the number of registered producers.
     */
    public int waitingProducers()
    {
        file.ensureOpen();
        try
        {
            return notFull.waiters();
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    /**
     * Detaches this process: later calls on this instance throw {@link IllegalStateException}, like Python's
     * {@code ValueError} on a closed queue. The queue and its messages stay for other processes. Threads of this
     * process still blocked in it get {@link IllegalStateException}. Idempotent.
     */
    @Override
    public void close()
    {
        file.close();
    }

    /**
     * Whether {@link #close()} was called on this instance.
     *
     * @return {@code true} once closed.
     */
    public boolean isClosed()
    {
        return file.isClosed();
    }

    /**
     * Removes the queue's name so no process can attach to it any more; refused while another live process is
     * attached. This instance stays usable until closed.
     *
     * @throws IllegalStateException if another live process is attached (it also works after close).
     */
    public void unlink()
    {
        try
        {
            file.unlink();
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Collection contract: scans from the head, removal of a message anywhere in the queue
    // ---------------------------------------------------------------------------------------------------------

    /**
     * A weakly consistent iterator over the messages in the queue, oldest first: it returns, in order, messages
     * that were in the queue at some point while it ran (decoded copies), up to the tail as it was when the
     * iterator was made, and never throws {@link java.util.ConcurrentModificationException}. Its {@code remove}
     * takes the message last returned out of the queue, if no consumer took it first (then it does nothing).
     * It holds no resource: an abandoned iterator costs nothing.
     *
     * @return an iterator supporting {@code remove}.
     * @throws IllegalStateException if this queue is closed in this process (also from {@code hasNext}/{@code next}
     *                               once it is closed).
     * @throws io.jvmipc.codec.CodecException if a message cannot be decoded (from {@code hasNext}/{@code next};
     *                                        it stays in the queue).
     * @throws CorruptFileException           if a slot's message length is outside the queue's limits (from
     *                                        {@code hasNext}/{@code next}, and so from every scan: contains,
     *                                        removals, toString).
     */
    @Override
    public Iterator<T> iterator()
    {
        file.ensureOpen();
        try
        {
            return new Scan();
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    /**
     * A spliterator over {@link #iterator()}: {@code CONCURRENT | NONNULL | ORDERED}, of unknown size (other
     * threads and processes change the queue while it runs).
     *
     * @return a weakly consistent spliterator, bound to the queue's head and tail when this is called.
     */
    @Override
    public Spliterator<T> spliterator()
    {
        return Spliterators.spliteratorUnknownSize(iterator(),
            Spliterator.CONCURRENT | Spliterator.NONNULL | Spliterator.ORDERED);
    }

    /**
     * Whether the queue holds a message equal ({@link Object#equals}) to {@code o}: an O(n) scan from the head
     * that decodes each message. Across processes the answer is a snapshot: another process may take or add
     * the message at any time.
     *
     * @param o the message to look for.
     * @return {@code true} if found; {@code false} for {@code null}, which the queue never holds.
     * @throws IllegalStateException          if this queue is closed in this process.
     * @throws io.jvmipc.codec.CodecException if a message met on the way cannot be decoded.
     */
    @Override
    public boolean contains(final Object o)
    {
        if (o == null)
        {
            file.ensureOpen();
            return false;
        }
        final Scan scan = (Scan)iterator();
        while (scan.hasNext())
        {
            if (o.equals(scan.next()))
            {
                return true;
            }
        }
        return false;
    }

    /**
     * Removes the first message, from the head, equal ({@link Object#equals}) to {@code o}: an O(n) scan that
     * decodes each message with the queue's codec. The removal takes the message's slot with the same
     * compare-and-set as a consumer's take and leaves a gap that consumers skip, so:
     * <ul>
     *   <li>a message that a consumer, in any process, takes at the same instant is either removed here or
     *       taken there, never both;</li>
     *   <li>if this process dies during the removal, at most the message it was removing is lost (removed), as
     *       for a consumer that dies during {@code take}; its slot is freed once the death is detected, like a
     *       dead consumer's, and no other message is affected;</li>
     *   <li>the gap holds one slot of capacity until the consumers pass it ({@link #remainingCapacity()}).</li>
     * </ul>
     *
     * @param o the message to remove.
     * @return {@code true} if this call removed one message equal to {@code o}; {@code false} if none was found
     *         (or each one found was taken by another consumer first), and for {@code null}.
     * @throws IllegalStateException          if this queue is closed in this process.
     * @throws io.jvmipc.codec.CodecException if a message met on the way cannot be decoded (it stays).
     */
    @Override
    public boolean remove(final Object o)
    {
        if (o == null)
        {
            file.ensureOpen();
            return false;
        }
        return removeMatching(o::equals, true);
    }

    /**
     * Removes every message, up to the tail as it was when the call began, for which {@code filter} returns
     * {@code true}: an O(n) scan from the head that decodes each message and removes it as
     * {@link #remove(Object)} does (same guarantees across processes).
     *
     * @param filter which messages to remove.
     * @return {@code true} if this call removed at least one message.
     * @throws NullPointerException           if {@code filter} is null.
     * @throws IllegalStateException          if this queue is closed in this process.
     * @throws io.jvmipc.codec.CodecException if a message met on the way cannot be decoded (it stays).
     */
    @Override
    public boolean removeIf(final Predicate<? super T> filter)
    {
        Objects.requireNonNull(filter, "filter");
        return removeMatching(filter, false);
    }

    /**
     * Removes every message equal to one in {@code c}, as {@link #removeIf(Predicate)} does (O(n) scan, each
     * message tested with {@code c.contains}).
     *
     * @param c the messages to remove.
     * @return {@code true} if this call removed at least one message.
     * @throws NullPointerException           if {@code c} is null.
     * @throws IllegalStateException          if this queue is closed in this process.
     * @throws io.jvmipc.codec.CodecException if a message met on the way cannot be decoded (it stays).
     */
    @Override
    public boolean removeAll(final Collection<?> c)
    {
        Objects.requireNonNull(c, "c");
        return removeMatching(c::contains, false);
    }

    /**
     * Removes every message not equal to one in {@code c}, as {@link #removeIf(Predicate)} does (O(n) scan, each
     * message tested with {@code c.contains}).
     *
     * @param c the messages to keep.
     * @return {@code true} if this call removed at least one message.
     * @throws NullPointerException           if {@code c} is null.
     * @throws IllegalStateException          if this queue is closed in this process.
     * @throws io.jvmipc.codec.CodecException if a message met on the way cannot be decoded (it stays).
     */
    @Override
    public boolean retainAll(final Collection<?> c)
    {
        Objects.requireNonNull(c, "c");
        return removeMatching(message -> !c.contains(message), false);
    }

    /**
     * The messages in the queue, oldest first, in the {@link java.util.AbstractCollection#toString()} format
     * ({@code [a, b]}): a weakly consistent snapshot ({@link #iterator()}), decoded. For the queue's file,
     * capacity and state, see {@link #describe()}, which this returns once the queue is closed.
     *
     * @return the messages, or the description of a closed queue.
     * @throws io.jvmipc.codec.CodecException if a message cannot be decoded.
     */
    @Override
    public String toString()
    {
        if (file.isClosed())
        {
            return describe();
        }
        try
        {
            return super.toString();
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    /**
     * The queue's metadata, for logs and tools: file, capacity, largest message and size (or that it is closed
     * in this process), e.g. {@code SharedQueue{/dev/shm/jvmipc-alice/jobs, capacity=8, maxMessageSize=64, size=2}}.
     *
     * @return a one-line description; never throws for a closed queue.
     */
    public String describe()
    {
        if (file.isClosed())
        {
            return "SharedQueue{" + file.path() + ", capacity=" + ring.capacity() + ", maxMessageSize=" +
                maxMessageSize + ", closed}";
        }
        try
        {
            return "SharedQueue{" + file.path() + ", capacity=" + ring.capacity() + ", maxMessageSize=" +
                maxMessageSize + ", size=" + ring.size() + '}';
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    /**
     * Takes, for removal, the first message from the head that {@code filter} accepts, leaving its slot READING
     * and owned by this attachment; {@link #finishRemoval(long)} turns it into a gap. Package-private so that a
     * test can kill a process holding a slot taken for removal.
     *
     * @return the position taken, or -1 if none matched (or each match was taken first).
     */
    long takeForRemoval(final Predicate<? super T> filter)
    {
        final Scan scan = (Scan)iterator();
        while (scan.hasNext())
        {
            if (filter.test(scan.next()) && scan.take())
            {
                return scan.lastPosition;
            }
        }
        return -1;
    }

    /** Turns a slot taken by {@link #takeForRemoval} (or {@link Scan#take()}) into a gap and wakes producers. */
    void finishRemoval(final long position)
    {
        try
        {
            ring.removeTaken(position);
            notFull.signalAll();
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    private boolean removeMatching(final Predicate<? super T> filter, final boolean firstOnly)
    {
        final Scan scan = (Scan)iterator();
        boolean removed = false;
        while (scan.hasNext())
        {
            if (filter.test(scan.next()) && scan.take())
            {
                finishRemoval(scan.lastPosition);
                if (firstOnly)
                {
                    return true;
                }
                removed = true;
            }
        }
        return removed;
    }

    /**
     * The scan under {@link #iterator()} and the removals: walks the positions from the head hint to the tail
     * hint read at its start, decoding each published message with a seqlock-style check (the slot's word read
     * before and after), and remembering the word so that a removal takes exactly the message returned.
     */
    private final class Scan implements Iterator<T>
    {
        private final long end;
        private long position;
        private T next;
        private long nextPosition;
        private long nextWord = QueueRing.NONE;
        private long lastPosition;
        private long lastWord = QueueRing.NONE;

        Scan()
        {
            // head first: reading the tail second can only widen the range; a position already consumed is skipped
            position = ring.head();
            end = position + Math.max(0, Math.min(ring.capacity(), ring.tail() - position));
        }

        @Override
        public boolean hasNext()
        {
            if (nextWord != QueueRing.NONE)
            {
                return true;
            }
            file.ensureOpen();
            try
            {
                while (position < end)
                {
                    final long at = position++;
                    final long word = ring.publishedWord(at);
                    if (word != QueueRing.NONE && decode(at, word))
                    {
                        return true;
                    }
                }
                return false;
            }
            catch (final InternalError e)
            {
                throw file.faulted(e);
            }
        }

        /** Decodes the message published at {@code at} with {@code word} into {@link #next}; false if it moved on. */
        private boolean decode(final long at, final long word)
        {
            final int length = ring.length(at);
            if (length < 0 || length > maxMessageSize)
            {
                if (!ring.stillPublished(at, word))
                {
                    return false;
                }
                throw new CorruptFileException(file.path(), "the message at position " + at + " has length " + length +
                    ", outside 0.." + maxMessageSize + " (it stays in the queue)");
            }
            final T value;
            try
            {
                value = codec.decode(ring.segment(), ring.messageOffset(at), length);
            }
            catch (final RuntimeException e)
            {
                // a torn read of a slot that a consumer took meanwhile is not a bad message; a stable one is
                if (ring.stillPublished(at, word))
                {
                    throw e;
                }
                return false;
            }
            if (!ring.stillPublished(at, word))
            {
                return false;
            }
            next = value;
            nextPosition = at;
            nextWord = word;
            return true;
        }

        @Override
        public T next()
        {
            if (!hasNext())
            {
                throw new NoSuchElementException();
            }
            final T value = next;
            lastPosition = nextPosition;
            lastWord = nextWord;
            next = null;
            nextWord = QueueRing.NONE;
            return value;
        }

        @Override
        public void remove()
        {
            if (lastWord == QueueRing.NONE)
            {
                throw new IllegalStateException("next() was not called, or remove() was already called after it");
            }
            if (take())
            {
                finishRemoval(lastPosition);
            }
        }

        /**
         * Takes the slot of the message last returned, if it is still that message; forgets it either way.
         *
         * @return {@code true} if this attachment now holds the slot (READING), to finish with
         *         {@link #finishRemoval(long)}.
         */
        boolean take()
        {
            final long word = lastWord;
            lastWord = QueueRing.NONE;
            file.ensureOpen();
            // a removal takes a message, as a take does: in a single-consumer queue only the consumer may
            requireConsumer();
            try
            {
                return ring.tryTakeAt(lastPosition, word);
            }
            catch (final InternalError e)
            {
                throw file.faulted(e);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Internals
    // ---------------------------------------------------------------------------------------------------------

    private record Snapshot<T>(T value)
    {
    }

    private Snapshot<T> snapshotAt(final long position)
    {
        final long word = ring.publishedWord(position);
        if (word == QueueRing.NONE)
        {
            return null;
        }
        final int length = ring.length(position);
        if (!ring.isValidLength(length))
        {
            if (ring.stillPublished(position, word))
            {
                throw corrupt(position, length, "it stays in the queue until a consumer takes and skips it");
            }
            return null;
        }
        try
        {
            final T value = codec.decode(ring.segment(), ring.messageOffset(position), length);
            return ring.stillPublished(position, word) ? new Snapshot<>(value) : null;
        }
        catch (final RuntimeException e)
        {
            // the slot changed under us (a consumer took it): a torn read, not a bad message, unless it is stable
            if (ring.stillPublished(position, word))
            {
                throw e;
            }
            return null;
        }
    }

    private CorruptFileException corrupt(final long position, final int length, final String fate)
    {
        return new CorruptFileException(file.path(), "the slot of position " + position + " (at byte " +
            ring.slotOffset(position) + ") holds message length " + length + ", outside 0.." + maxMessageSize +
            "; " + fate);
    }

    /** Validates a claim passed in by a caller: one of this attachment's open claims. */
    private void checkClaim(final long claim)
    {
        file.ensureOpen();
        requireProducer();
        if (claim < 0)
        {
            throw new IllegalArgumentException(file.path() + ": " + claim + " is not a claim (claims are >= 0)");
        }
        if (!ring.isClaimedBySelf(claim))
        {
            throw new IllegalStateException(file.path() + ": " + claim +
                " is not an open claim of this attachment (already committed or aborted, or never claimed here)");
        }
    }

    private void checkLength(final int length)
    {
        if (length < 0 || length > maxMessageSize)
        {
            throw new MessageTooLargeException(file.path().toString(), length, maxMessageSize);
        }
    }

    /** Refuses a message whose encoded length the codec knows to be too large, before anything is claimed. */
    private void checkEncodedLength(final T message)
    {
        Objects.requireNonNull(message, "message");
        final int known = codec.encodedLength(message);
        if (known > maxMessageSize)
        {
            throw new MessageTooLargeException(file.path().toString(), known, maxMessageSize);
        }
    }

    private void encodeAndCommit(final T message, final long claim)
    {
        final int length;
        try
        {
            length = codec.encode(message, ring.segment(), ring.messageOffset(claim), maxMessageSize);
        }
        catch (final InternalError e)
        {
            // the mapping faulted: the slot cannot be given back through it either
            throw e;
        }
        catch (final RuntimeException | Error e)
        {
            ring.abort(claim);
            notFull.signalAll();
            throw e;
        }
        if (length < 0 || length > maxMessageSize)
        {
            ring.abort(claim);
            notFull.signalAll();
            throw new MessageTooLargeException(file.path().toString(), length, maxMessageSize);
        }
        publish(claim, length);
    }

    /**
     * The length of the message at a taken position, checked against the queue's limits before any use: a
     * corrupt one frees the slot (a gap, so the queue moves on) and is reported.
     */
    private int takenLength(final long position)
    {
        final int length = ring.length(position);
        if (!ring.isValidLength(length))
        {
            release(position);
            throw corrupt(position, length, "the slot is skipped");
        }
        return length;
    }

    private T decodeAndRelease(final long position)
    {
        final int length = takenLength(position);
        try
        {
            return codec.decode(ring.segment(), ring.messageOffset(position), length);
        }
        finally
        {
            release(position);
        }
    }

    private void handleAndRelease(final MessageHandler handler, final long position)
    {
        final int length = takenLength(position);
        try
        {
            handler.onMessage(slots, ring.messageOffset(position) - ring.slotsOffset(), length);
        }
        finally
        {
            release(position);
        }
    }

    private int copyOut(final long position, final byte[] destination, final int offset)
    {
        if (position < 0)
        {
            return -1;
        }
        final int length = takenLength(position);
        MemorySegment.copy(ring.segment(), JAVA_BYTE, ring.messageOffset(position), destination, offset, length);
        release(position);
        return length;
    }

    private void release(final long position)
    {
        ring.release(position);
        notFull.signalAll();
    }

    /**
     * One claim attempt for {@link WaitLoop}: the position, or "wait", naming the owner of a previous lap's slot
     * still in the way (a reader or a writer, possibly dead).
     */
    private long claimAttempt()
    {
        requireProducer();
        return blame(ring.tryClaim());
    }

    /** A claim's ring result for {@link WaitLoop}: the position, or "wait", naming the owner in the way if any. */
    private static long blame(final long result)
    {
        if (result >= 0)
        {
            return result;
        }
        return QueueRing.isBlocked(result) ? WaitLoop.waitFor(QueueRing.blockingOwner(result)) : WaitLoop.WAIT;
    }

    /**
     * One take attempt for {@link WaitLoop}: the position, or "wait", naming the owner of the slots passed (being
     * written or leased) if nothing was found after them. A message longer than {@code maxLength} throws, ending the wait; it stays in the queue.
     */
    private long takeAttempt(final int maxLength, final boolean lease)
    {
        requireConsumer();
        final long result = ring.tryTake(maxLength, lease);
        if (result >= 0)
        {
            return result;
        }
        if (QueueRing.isTooLong(result))
        {
            throw new MessageTooLargeException("the destination buffer", QueueRing.tooLongLength(result), maxLength);
        }
        return QueueRing.isBlocked(result) ? WaitLoop.waitFor(QueueRing.blockingOwner(result)) : WaitLoop.WAIT;
    }

    /** One peek attempt for {@link WaitLoop}: as {@link #takeAttempt(int, boolean)}, without taking. */
    private long peekAttempt()
    {
        final long result = ring.firstPublished();
        if (result >= 0)
        {
            return result;
        }
        return QueueRing.isBlocked(result) ? WaitLoop.waitFor(QueueRing.blockingOwner(result)) : WaitLoop.WAIT;
    }

    /** One claim attempt, with the probe of a due owner in the way; -1 if full. */
    private long claimNow()
    {
        file.ensureOpen();
        final long first = firstClaim();
        if (first >= 0)
        {
            return first;
        }
        final long result = blame(first);
        // as WaitLoop.attemptAndProbe, with the attempt called directly (the hot path pays no lambda or lookup)
        return result != WaitLoop.WAIT && WaitLoop.probe(file, (int)result) ? orNone(claimAttempt()) : -1;
    }

    /** One take attempt, with the probe of a due owner in the way; -1 if empty. */
    private long takeNow(final int maxLength)
    {
        file.ensureOpen();
        final long result = takeAttempt(maxLength, false);
        if (!WaitLoop.isWait(result))
        {
            return result;
        }
        // as WaitLoop.attemptAndProbe, with the attempt called directly (the hot path pays no lambda or lookup)
        return result != WaitLoop.WAIT && WaitLoop.probe(file, (int)result) ? orNone(takeAttempt(maxLength, false))
            : -1;
    }

    /** A call's first claim attempt: the blind CAS while claims have been finding room, else read-first. */
    private long firstClaim()
    {
        requireProducer();
        requireNoOpenClaim();
        final long result = roomSeen ? ring.tryClaimPredicted() : ring.tryClaim();
        final boolean room = result >= 0;
        if (room != roomSeen)
        {
            // stored only when it changes: a store on every claim keeps this object's line bouncing between a
            // producer thread and a consumer thread of one process that share the queue (it cut their throughput
            // to a third, QueueContendedBenchmark.spsc)
            roomSeen = room;
        }
        return result;
    }

    private static long orNone(final long result)
    {
        return WaitLoop.isWait(result) ? -1 : result;
    }

    /**
     * Whether a blocking call may first try once without the wait loop: open and not interrupted (an interrupted
     * call goes to the loop, which throws {@link InterruptedException} before trying, as it always did).
     */
    private boolean mayTryDirectly()
    {
        file.ensureOpen();
        return !Thread.currentThread().isInterrupted();
    }

    /**
     * In a single-producer queue, makes sure the calling thread holds the producer role (taking it if it is free,
     * or held by a thread of this attachment that has ended), and that it has no claim open: it may have one at a
     * time (see {@link QueueRing}). Else nothing.
     *
     * @throws IllegalStateException if another attachment or thread holds the role, or a claim is open.
     */
    private void requireProducer()
    {
        if (singleProducer && producerThread != Thread.currentThread())
        {
            acquireRole(true);
        }
    }

    /** In a single-producer queue, refuses a claim while this producer has one open. */
    private void requireNoOpenClaim()
    {
        if (singleProducer && ring.hasOpenClaim())
        {
            throw new IllegalStateException(file.path() + ": this single-producer queue's producer has claim " +
                ring.openClaim() + " open; commit or abort it before claiming again (one open claim at a time)");
        }
    }

    /**
     * In a single-consumer queue, makes sure the calling thread holds the consumer role (as
     * {@link #requireProducer()}) and is not inside a take of its own (a handler that takes again). Else nothing.
     *
     * @throws IllegalStateException if another attachment or thread holds the role, or a take is open.
     */
    private void requireConsumer()
    {
        if (singleConsumer)
        {
            if (consumerThread != Thread.currentThread())
            {
                acquireRole(false);
            }
            if (ring.hasOpenTake())
            {
                throw new IllegalStateException(file.path() + ": a take of this single-consumer queue is still " +
                    "open (a handler that takes again); the consumer takes one message at a time");
            }
        }
    }

    /** Takes a role for the calling thread, or throws naming who holds it. */
    private void acquireRole(final boolean producer)
    {
        final String role = producer ? "producer" : "consumer";
        final Thread self = Thread.currentThread();
        synchronized (roleLock)
        {
            file.ensureOpen();
            final Thread holder = producer ? producerThread : consumerThread;
            if (holder == self)
            {
                return;
            }
            if (holder != null && holder.isAlive())
            {
                throw new IllegalStateException(file.path() + ": the " + role + " role of this single-" + role +
                    " queue is held by thread \"" + holder.getName() + "\" of this attachment; one thread " +
                    (producer ? "produces" : "consumes") + " at a time (the role passes on when that thread ends)");
            }
            if (holder != null)
            {
                // that thread ended: its open claim is still FREE, its open take still READY; both are redone
                if (producer)
                {
                    ring.forgetOpenClaim();
                }
                else
                {
                    ring.forgetOpenTake();
                }
            }
            else
            {
                long other = ring.acquireRole(producer);
                if (other >= 0 && other < file.processTableCapacity() && file.recoverIfDead((int)other))
                {
                    other = ring.acquireRole(producer);
                }
                if (other >= file.processTableCapacity() || other < -1)
                {
                    throw new CorruptFileException(file.path(), "the " + role + " role word holds entry " + other +
                        ", outside 0.." + (file.processTableCapacity() - 1) + " (the process table's entries)");
                }
                if (other >= 0)
                {
                    throw new IllegalStateException(file.path() + ": the " + role + " role of this single-" + role +
                        " queue is held by another attachment, " + describeEntry((int)other) + "; one attachment " +
                        (producer ? "produces" : "consumes") + " at a time (the role is freed when it closes or dies)");
                }
            }
            if (producer)
            {
                producerThread = self;
            }
            else
            {
                consumerThread = self;
            }
        }
    }

    /** A process-table entry and its process, for a message. */
    private String describeEntry(final int entry)
    {
        for (final SharedFile.ProcessEntry process : file.processes())
        {
            if (process.entry() == entry)
            {
                return "process-table entry " + entry + " (pid " + process.pid() + (process.self() ? ", this process" : "") + ")";
            }
        }
        return "process-table entry " + entry;
    }

    /** Whether a blocking call with this timeout spins through attempts before the wait loop (busy spin only). */
    private boolean spinsFirst(final long timeoutNanos)
    {
        return spins && timeoutNanos >= SPIN_MIN_TIMEOUT_NANOS;
    }

    /** Claims a slot, waiting on the not-full signal up to the timeout; -1 at the timeout. */
    private long awaitClaim(final long timeoutNanos) throws InterruptedException
    {
        if (mayTryDirectly())
        {
            // the hot path: a free slot is claimed without entering the wait loop; a failure is tried again there
            final long claim = firstClaim();
            if (claim >= 0)
            {
                return claim;
            }
            for (int i = 0; spinsFirst(timeoutNanos) && i < SPIN_ATTEMPTS; i++)
            {
                Thread.onSpinWait();
                final long again = ring.tryClaim();
                if (again >= 0)
                {
                    return again;
                }
            }
        }
        final long result = WaitLoop.await(file, notFull, waitStrategy, this, CLAIM, timeoutNanos, true);
        return WaitLoop.isWait(result) ? -1 : result;
    }

    /** Takes a message of any length, waiting on the not-empty signal up to the timeout; -1 at the timeout. */
    private long awaitTake(final long timeoutNanos) throws InterruptedException
    {
        return awaitTake(Integer.MAX_VALUE, timeoutNanos);
    }

    /** Takes a message of at most {@code maxLength} bytes, waiting up to the timeout; -1 at the timeout. */
    private long awaitTake(final int maxLength, final long timeoutNanos) throws InterruptedException
    {
        if (mayTryDirectly())
        {
            // the hot path: a published message is taken without entering the wait loop (a message too long
            // throws here as it would there); a failure is tried again there
            final long position = takeAttempt(maxLength, false);
            if (position >= 0)
            {
                return position;
            }
            for (int i = 0; spinsFirst(timeoutNanos) && i < SPIN_ATTEMPTS; i++)
            {
                Thread.onSpinWait();
                final long again = takeAttempt(maxLength, false);
                if (again >= 0)
                {
                    return again;
                }
            }
        }
        final long result;
        if (maxLength >= maxMessageSize)
        {
            // every message fits: the take of any length, with no destination limit to pass (no thread-local)
            result = WaitLoop.await(file, notEmpty, waitStrategy, this, TAKE, timeoutNanos, true);
        }
        else
        {
            final int[] limit = TAKE_LIMIT.get();
            limit[0] = maxLength;
            result = WaitLoop.await(file, notEmpty, waitStrategy, limit, limitedTake, timeoutNanos, true);
        }
        return WaitLoop.isWait(result) ? -1 : result;
    }

    /** The queue's file (for tests: its process table and probes). */
    SharedFile file()
    {
        return file;
    }

    /**
     * What {@link JoinableQueue} does while a message it takes is still in its slot: counts it as owed by its
     * process before the slot is freed, so that the message is counted all the time, in its slot or as owed.
     */
    interface TakeCounter
    {
        /** The slot is READING for this process; count the message as this process's. */
        void taken();

        /** The message taken by {@link #taken()} was not delivered (a corrupt slot, a codec failure). */
        void untaken();
    }

    /**
     * For {@link JoinableQueue}: a take as {@link #poll(long, TimeUnit)} ({@code timeoutNanos} of zero or less:
     * as {@link #poll()}, {@code Long.MAX_VALUE}: as {@link #take()}) that runs {@code counter.taken()} while the
     * message's slot is still held by this process (READING), before the slot is freed.
     *
     * @return the message, or {@code null} at the timeout.
     */
    T takeCounted(final long timeoutNanos, final TakeCounter counter) throws InterruptedException
    {
        try
        {
            final long position = timeoutNanos <= 0 ? takeNow(Integer.MAX_VALUE) : awaitTake(timeoutNanos);
            if (position < 0)
            {
                return null;
            }
            boolean delivered = false;
            try
            {
                final int length = ring.length(position);
                if (!ring.isValidLength(length))
                {
                    throw corrupt(position, length, "the slot is skipped");
                }
                counter.taken();
                try
                {
                    final T message = codec.decode(ring.segment(), ring.messageOffset(position), length);
                    delivered = true;
                    return message;
                }
                finally
                {
                    if (!delivered)
                    {
                        counter.untaken();
                    }
                }
            }
            finally
            {
                release(position);
            }
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    /**
     * For {@link JoinableQueue#join()}: the number of slots that hold a message (WRITING, READY, READING or
     * LEASED, of any lap), read slot by slot (O(capacity)). A message counts from its claim until its slot is freed, so a
     * message that this scan did not see in its slot was taken (or given up) before the scan reached it. A slot
     * held by another process that is due for a liveness probe is probed first, and freed if its owner is gone.
     *
     * @return how many slots hold a message.
     */
    int heldMessages()
    {
        try
        {
            return countHeld();
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    private int countHeld()
    {
        final int entries = file.processTableCapacity();
        int held = 0;
        for (int i = 0; i < ring.capacity(); i++)
        {
            long word = ring.slotWordAt(i);
            int state = QueueDescriptor.state(word);
            if (state == QueueDescriptor.WRITING || state == QueueDescriptor.READING ||
                state == QueueDescriptor.LEASED)
            {
                final int owner = QueueDescriptor.owner(word);
                if (owner != file.entry() && owner < entries && file.probeDue(owner) && file.recoverIfDead(owner))
                {
                    word = ring.slotWordAt(i);
                    state = QueueDescriptor.state(word);
                }
            }
            if (state == QueueDescriptor.WRITING || state == QueueDescriptor.READY ||
                state == QueueDescriptor.READING || state == QueueDescriptor.LEASED)
            {
                held++;
            }
        }
        return held;
    }

    /**
     * Frees what a dead (or detached) attachment held (its leases become READY again), and wakes everyone to
     * re-check. Runs holding its entry,
     * after the file has dropped its waiter registrations; restartable: each freed slot is one CAS.
     */
    void recover(final int deadEntry)
    {
        if (ring.recover(deadEntry) > 0)
        {
            notEmpty.wakeAll();
            notFull.wakeAll();
        }
    }
}
