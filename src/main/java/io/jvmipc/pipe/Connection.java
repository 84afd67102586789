package io.jvmipc.pipe;

import io.jvmipc.MessageTooLargeException;
import io.jvmipc.codec.Codec;
import io.jvmipc.file.CorruptFileException;
import io.jvmipc.file.SharedFile;
import io.jvmipc.file.SharedHandle;
import io.jvmipc.file.SharedObjectException;
import io.jvmipc.wait.Signal;
import io.jvmipc.wait.WaitLoop;
import io.jvmipc.wait.WaitStrategy;

import java.io.EOFException;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * One end of a {@link Pipe}: Python's {@code multiprocessing.connection.Connection}, between JVM processes over
 * shared memory. Obtain one with {@link Pipe.Builder#connect(End)}, {@link Pipe#attach} or {@link Pipe#a()} /
 * {@link Pipe#b()}.
 * <p>
 * <b>Threads</b>: one thread at a time may send and one thread at a time may receive (the two may differ).
 * <b>Blocking</b>: {@link #send} blocks while the ring towards the peer is full, {@link #recv} while it is empty,
 * with the connection's {@link WaitStrategy} (futex sleep by default; busy-spin for latency). Waits honour
 * interrupts ({@link InterruptedException}).
 * <p>
 * <b>End of file</b>: once the peer has closed its end, or its process has died, and every message it sent has
 * been received, {@code recv*} throw {@link EOFException} (Python's {@code EOFError}) instead of blocking, and
 * {@code send*} throw {@link BrokenPipeException}. A closed peer is seen at once. A dead peer is detected by a
 * liveness probe (a system call that PID reuse cannot fool) made whenever this end cannot proceed: by every
 * blocking or timed call ({@link #recv}, {@link #poll(long, TimeUnit)} with any timeout, zero included,
 * {@link #wait(Collection, long, TimeUnit)}, a send into a full ring), at most once per
 * {@link SharedFile#PROBE_INTERVAL_NANOS} (10 ms) per peer, shared by all calls and threads of the process, on the
 * first attempt, while waiting and at the deadline. So a receiver that blocks, or polls in a loop with any
 * timeout, sees end-of-file within 10 ms of the first attempt after the death plus scheduling delay, whatever the
 * timeout. A send that does not block, and {@link #poll()}, make no probe: a send to a dead peer that does not
 * block succeeds silently unless the death is already known.
 * <p>
 * <b>Faults</b>: if the file is truncated or replaced under this process, every method throws a
 * {@link SharedObjectException} naming the file (never the JVM's {@link InternalError}); {@link #close()} still
 * completes.
 * <p>
 * <b>Crash</b>: a message whose send returned is delivered unless the receiving process dies while receiving it
 * (a receiver taking over the dead one's end then receives it again). A large message whose sender died part-way
 * is discarded. Messages of up to {@link Pipe.Builder#maxMessageLength(int)} bytes (64 MiB by default, at most
 * 1 GiB) are allowed; a message larger than a quarter of the ring is sent in fragments as space frees up.
 *
 * @param <T> the type of value {@link #send(Object)} and {@link #recv()} carry.
 */
public final class Connection<T> implements AutoCloseable
{
    private static final long EOF_READY = -2;
    private static final long BROKEN = -3;
    private static final int QUICK_SPINS = 32;
    private static final WaitLoop.Attempt<Connection<?>> NEXT_RECORD = Connection::tryRecord;
    private static final WaitLoop.Attempt<Connection<?>> SPACE = Connection::trySpace;

    private final SharedFile file;
    private final MemorySegment segment;
    private final End end;
    private final Codec<T> codec;
    private final int maxMessage;
    private final RingWriter writer;
    private final RingReader reader;
    private final WaitStrategy readStrategy;
    private final WaitStrategy writeStrategy;
    private final long myClaimOffset;
    private final long peerClaimOffset;
    private final long claimed;
    private final Signal[] allSignals;
    private final long readSignalOffset;
    private byte[] scratch = new byte[0];
    /** The space the sending thread waits for; read by {@link #trySpace()}. */
    private int wantedSpace;
    private volatile boolean closed;

    Connection(final SharedFile file, final End end, final boolean duplex, final int capacity, final int maxMessage,
        final Codec<T> codec, final WaitStrategy strategy, final Signal[] signals, final long claimed)
    {
        this.file = file;
        this.segment = file.segment();
        this.end = end;
        this.codec = codec;
        this.maxMessage = maxMessage;
        this.claimed = claimed;
        final long body = file.bodyOffset();
        final End peer = end.peer();
        this.myClaimOffset = body + PipeDescriptor.endOffset(end) + PipeDescriptor.CLAIM_FIELD;
        this.peerClaimOffset = body + PipeDescriptor.endOffset(peer) + PipeDescriptor.CLAIM_FIELD;
        final long outRing = body + PipeDescriptor.ringOffset(end, capacity);
        final long inRing = body + PipeDescriptor.ringOffset(peer, capacity);
        final Signal outData = signals[PipeDescriptor.signalNumber(end, PipeDescriptor.DATA_SIGNAL)];
        final Signal outSpace = signals[PipeDescriptor.signalNumber(end, PipeDescriptor.SPACE_SIGNAL)];
        final Signal inData = signals[PipeDescriptor.signalNumber(peer, PipeDescriptor.DATA_SIGNAL)];
        final Signal inSpace = signals[PipeDescriptor.signalNumber(peer, PipeDescriptor.SPACE_SIGNAL)];
        this.allSignals = signals.clone();
        this.readSignalOffset = inRing + RingDescriptor.DATA_SIGNAL_OFFSET;
        final boolean sends = duplex || end == End.B;
        final boolean receives = duplex || end == End.A;
        this.writer = sends ?
            new RingWriter(segment, file.path(), outRing, capacity, ringSeed(file, outRing), outData, outSpace) : null;
        this.reader = receives ? new RingReader(segment, file.path(), inRing, capacity, maxMessage,
            ringSeed(file, inRing), inData, inSpace) : null;
        this.readStrategy = new SleeperStrategy(strategy, segment, inRing + RingDescriptor.DATA_SIGNAL_OFFSET);
        this.writeStrategy = new SleeperStrategy(strategy, segment, outRing + RingDescriptor.SPACE_SIGNAL_OFFSET);
    }

    /** The seed of a ring's check words ({@link RingDescriptor#seed}), from the file's header. */
    static long ringSeed(final SharedFile file, final long ringOffset)
    {
        return RingDescriptor.seed(file.creationTimeMillis(), file.creatorPid(), ringOffset);
    }

    /**
     * Binds the pipe's four ring signals with its file, as signals 0 to 3 ({@link PipeDescriptor#signalNumber}),
     * so that the file's recovery of a dead entry removes its waiter registrations. Call before
     * {@link SharedFile#attach(SharedFile.DeadOwnerRecovery)}.
     *
     * @param file     the pipe's file.
     * @param capacity ring capacity.
     * @return the signals, indexed by signal number.
     */
    static Signal[] bindSignals(final SharedFile file, final int capacity)
    {
        final Signal[] signals = new Signal[4];
        for (final End sender : End.values())
        {
            final long ring = file.bodyOffset() + PipeDescriptor.ringOffset(sender, capacity);
            // fence-free: signalled per message; sleepers issue the remote barrier and sleep bounded (Doorbell)
            final int data = PipeDescriptor.signalNumber(sender, PipeDescriptor.DATA_SIGNAL);
            signals[data] = Signal.ofFenceFreeWakers(file, data, ring + RingDescriptor.DATA_SIGNAL_OFFSET);
            final int space = PipeDescriptor.signalNumber(sender, PipeDescriptor.SPACE_SIGNAL);
            signals[space] = Signal.ofFenceFreeWakers(file, space, ring + RingDescriptor.SPACE_SIGNAL_OFFSET);
        }
        return signals;
    }

    /**
     * Waits until at least one of {@code connections} has a message or end-of-file to report, like Python's
     * {@code multiprocessing.connection.wait}. Sleeps on all their futex words at once with Linux
     * {@code futex_waitv} where available; elsewhere it re-polls every connection between 1 ms sleeps on one of
     * them (see {@link ConnectionWaiter}). Probes dead peers as {@link #recv()} does, whatever the timeout: a
     * caller looping with short timeouts sees a dead peer's end-of-file within the same bound.
     *
     * @param connections receiving ends, open, at most 128.
     * @param timeout     how long to wait; zero or less: check once (with a due liveness probe), no wait.
     * @param unit        the unit of {@code timeout}.
     * @return the ready connections, in the order given; empty on timeout.
     * @throws InterruptedException                 if interrupted while waiting.
     * @throws IllegalArgumentException             if there are more than 128 connections.
     * @throws IllegalStateException                if a connection is closed, or cannot receive (the sending end
     *                                              of a one-way pipe).
     * @throws io.jvmipc.file.SharedObjectException if a connection's file was truncated or replaced.
     */
    public static List<Connection<?>> wait(final Collection<? extends Connection<?>> connections, final long timeout,
        final TimeUnit unit) throws InterruptedException
    {
        return ConnectionWaiter.await(connections, WaitStrategy.timeoutNanos(timeout, unit));
    }

    /**
     * {@link #wait(Collection, long, TimeUnit)} without a timeout ({@code timeout=None} in Python).
     *
     * @param connections receiving ends, open, at most 128.
     * @return the ready connections, never empty.
     * @throws InterruptedException                 if interrupted while waiting.
     * @throws IllegalArgumentException             if there are more than 128 connections.
     * @throws IllegalStateException                if a connection is closed, or cannot receive.
     * @throws io.jvmipc.file.SharedObjectException if a connection's file was truncated or replaced.
     */
    public static List<Connection<?>> wait(final Collection<? extends Connection<?>> connections)
        throws InterruptedException
    {
        return ConnectionWaiter.await(connections, Long.MAX_VALUE);
    }

    /**
     * Sends {@code value}, encoded with the pipe's codec. Blocks while the ring is full.
     *
     * @param value the value, not {@code null}.
     * @throws BrokenPipeException                  if the peer closed its end or its process died.
     * @throws MessageTooLargeException             if the encoding exceeds the pipe's maximum message length;
     *                                              nothing is sent.
     * @throws InterruptedException                 if interrupted while waiting for space; nothing is sent.
     * @throws IllegalStateException                if this end is closed or cannot send (receiving end of a
     *                                              one-way pipe).
     * @throws io.jvmipc.file.SharedObjectException if the file was truncated or replaced.
     */
    public void send(final T value) throws BrokenPipeException, InterruptedException
    {
        Objects.requireNonNull(value, "value");
        ensureCanSend();
        try
        {
            final int known = codec.encodedLength(value);
            if (known >= 0 && known <= writer.maxFragment() && known <= maxMessage)
            {
                checkPeerForSend();
                final long payload = claim(known);
                final int written = codec.encode(value, segment, payload, known);
                writer.commit(payload, written, written);
                writer.wakeConsumer();
                return;
            }
            int length = Math.max(256, Math.min(known, maxMessage));
            while (true)
            {
                if (scratch.length < length)
                {
                    scratch = new byte[length];
                }
                try
                {
                    final int written = codec.encode(value, MemorySegment.ofArray(scratch), 0,
                        Math.min(scratch.length, maxMessage));
                    sendFrom(scratch, 0, written);
                    return;
                }
                catch (final MessageTooLargeException e)
                {
                    if (scratch.length >= maxMessage)
                    {
                        throw new MessageTooLargeException(describe(), e.length(), maxMessage);
                    }
                    length = (int)Math.min(maxMessage, 2L * scratch.length);
                }
            }
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    /**
     * Sends all of {@code bytes} as one message.
     *
     * @param bytes the message.
     * @throws BrokenPipeException                  if the peer closed its end or its process died.
     * @throws MessageTooLargeException             if longer than the pipe's maximum message length.
     * @throws InterruptedException                 if interrupted while waiting for space.
     * @throws IllegalStateException                if this end is closed or cannot send.
     * @throws io.jvmipc.file.SharedObjectException if the file was truncated or replaced.
     */
    public void sendBytes(final byte[] bytes) throws BrokenPipeException, InterruptedException
    {
        sendBytes(bytes, 0, bytes.length);
    }

    /**
     * Sends {@code length} bytes of {@code bytes} from {@code offset} as one message (Python's
     * {@code send_bytes(buf, offset, size)}). Copies once into the ring and allocates nothing. Blocks while the
     * ring is full; a message larger than a quarter of the ring is sent in fragments as the receiver frees space.
     *
     * @param bytes  the source.
     * @param offset where the message starts.
     * @param length its length.
     * @throws BrokenPipeException                  if the peer closed its end or its process died (a fragmented
     *                                              message interrupted this way is discarded by the receiver).
     * @throws MessageTooLargeException             if longer than the pipe's maximum message length; nothing is
     *                                              sent.
     * @throws IndexOutOfBoundsException            if the range is outside {@code bytes}.
     * @throws InterruptedException                 if interrupted while waiting for space.
     * @throws IllegalStateException                if this end is closed or cannot send.
     * @throws io.jvmipc.file.SharedObjectException if the file was truncated or replaced.
     */
    public void sendBytes(final byte[] bytes, final int offset, final int length)
        throws BrokenPipeException, InterruptedException
    {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        ensureCanSend();
        try
        {
            sendFrom(bytes, offset, length);
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    private void sendFrom(final byte[] bytes, final int offset, final int length)
        throws BrokenPipeException, InterruptedException
    {
        if (length > maxMessage)
        {
            throw new MessageTooLargeException(describe(), length, maxMessage);
        }
        checkPeerForSend();
        final int maxFragment = writer.maxFragment();
        if (length <= maxFragment)
        {
            final long payload = claim(length);
            MemorySegment.copy(bytes, offset, segment, JAVA_BYTE, payload, length);
            writer.commit(payload, length, length);
            writer.wakeConsumer();
            return;
        }
        int sent = 0;
        while (sent < length)
        {
            final int chunk = Math.min(maxFragment, length - sent);
            final long payload = claim(chunk);
            MemorySegment.copy(bytes, offset + sent, segment, JAVA_BYTE, payload, chunk);
            writer.commit(payload, chunk, sent == 0 ? length : RingDescriptor.CONTINUATION);
            writer.wakeConsumer();
            sent += chunk;
        }
    }

    /**
     * Receives one message and decodes it with the pipe's codec. Blocks while none is available. The message is
     * consumed even if decoding fails.
     *
     * @return the value.
     * @throws EOFException                         if the peer closed or died and everything it sent has been
     *                                              read.
     * @throws io.jvmipc.codec.CodecException       if the bytes do not decode.
     * @throws CorruptFileException                 if the ring holds a record the pipe could not have written.
     * @throws InterruptedException                 if interrupted while waiting; nothing is consumed.
     * @throws IllegalStateException                if this end is closed or cannot receive.
     * @throws io.jvmipc.file.SharedObjectException if the file was truncated or replaced.
     */
    public T recv() throws EOFException, InterruptedException
    {
        ensureCanReceive();
        try
        {
            while (true)
            {
                final long payload = firstRecord();
                final int total = reader.info();
                if (total == reader.length())
                {
                    try
                    {
                        return codec.decode(segment, payload, total);
                    }
                    finally
                    {
                        reader.advance();
                    }
                }
                final byte[] whole = new byte[total];
                if (assemble(payload, whole, 0))
                {
                    return codec.decode(MemorySegment.ofArray(whole), 0, total);
                }
            }
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    /**
     * Receives one message as a new array (Python's {@code recv_bytes()}). Blocks while none is available.
     *
     * @return the message.
     * @throws EOFException                         if the peer closed or died and everything it sent has been
     *                                              read.
     * @throws CorruptFileException                 if the ring holds a record the pipe could not have written.
     * @throws InterruptedException                 if interrupted while waiting; nothing is consumed.
     * @throws IllegalStateException                if this end is closed or cannot receive.
     * @throws io.jvmipc.file.SharedObjectException if the file was truncated or replaced.
     */
    public byte[] recvBytes() throws EOFException, InterruptedException
    {
        return recvBytes(Integer.MAX_VALUE);
    }

    /**
     * Receives one message of at most {@code maxLength} bytes (Python's {@code recv_bytes(maxlength)}).
     *
     * @param maxLength the longest message accepted, at least 0.
     * @return the message.
     * @throws MessageTooLargeException             if the next message is longer; it stays in the pipe,
     *                                              unconsumed.
     * @throws EOFException                         if the peer closed or died and everything it sent has been
     *                                              read.
     * @throws CorruptFileException                 if the ring holds a record the pipe could not have written.
     * @throws InterruptedException                 if interrupted while waiting; nothing is consumed.
     * @throws IllegalArgumentException             if {@code maxLength} is negative.
     * @throws IllegalStateException                if this end is closed or cannot receive.
     * @throws io.jvmipc.file.SharedObjectException if the file was truncated or replaced.
     */
    public byte[] recvBytes(final int maxLength) throws EOFException, InterruptedException
    {
        if (maxLength < 0)
        {
            throw new IllegalArgumentException("maxLength must not be negative: " + maxLength);
        }
        ensureCanReceive();
        try
        {
            while (true)
            {
                final long payload = firstRecord();
                final int total = reader.info();
                if (total > maxLength)
                {
                    throw new MessageTooLargeException("the maxLength of recvBytes on " + describe(), total,
                        maxLength);
                }
                final byte[] message = new byte[total];
                if (assemble(payload, message, 0))
                {
                    return message;
                }
            }
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    /**
     * Receives one message into {@code buffer} from index 0 (Python's {@code recv_bytes_into}); allocates nothing.
     *
     * @param buffer where to copy the message.
     * @return the message's length.
     * @throws MessageTooLargeException             if the message does not fit; it stays in the pipe,
     *                                              unconsumed.
     * @throws EOFException                         if the peer closed or died and everything it sent has been
     *                                              read.
     * @throws CorruptFileException                 if the ring holds a record the pipe could not have written.
     * @throws InterruptedException                 if interrupted while waiting; nothing is consumed.
     * @throws IllegalStateException                if this end is closed or cannot receive.
     * @throws io.jvmipc.file.SharedObjectException if the file was truncated or replaced.
     */
    public int recvBytesInto(final byte[] buffer) throws EOFException, InterruptedException
    {
        return recvBytesInto(buffer, 0);
    }

    /**
     * Receives one message into {@code buffer} from {@code offset}; allocates nothing.
     *
     * @param buffer where to copy the message.
     * @param offset where in {@code buffer} it starts.
     * @return the message's length.
     * @throws MessageTooLargeException             if the message does not fit; it stays in the pipe,
     *                                              unconsumed.
     * @throws IndexOutOfBoundsException            if {@code offset} is outside the buffer.
     * @throws EOFException                         if the peer closed or died and everything it sent has been
     *                                              read.
     * @throws CorruptFileException                 if the ring holds a record the pipe could not have written.
     * @throws InterruptedException                 if interrupted while waiting; nothing is consumed.
     * @throws IllegalStateException                if this end is closed or cannot receive.
     * @throws io.jvmipc.file.SharedObjectException if the file was truncated or replaced.
     */
    public int recvBytesInto(final byte[] buffer, final int offset) throws EOFException, InterruptedException
    {
        Objects.checkIndex(offset, buffer.length + 1);
        ensureCanReceive();
        try
        {
            final long first = reader.poll();
            if (first >= 0)
            {
                // fast path: a whole message is waiting in one record and fits
                final int length = reader.length();
                if (reader.info() == length && length <= buffer.length - offset)
                {
                    MemorySegment.copy(segment, JAVA_BYTE, first, buffer, offset, length);
                    reader.advance();
                    return length;
                }
            }
            while (true)
            {
                final long payload = firstRecord();
                final int total = reader.info();
                if (total > buffer.length - offset)
                {
                    throw new MessageTooLargeException(room(buffer, offset), total, buffer.length - offset);
                }
                if (assemble(payload, buffer, offset))
                {
                    return total;
                }
            }
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    /**
     * Whether {@link #recv()} would return at once: a message is waiting, or the peer has closed or is known to
     * have died (then {@code recv} reports end-of-file). Never blocks; makes no system call, so it does not probe
     * the peer's liveness: {@link #poll(long, TimeUnit)} with a zero timeout does.
     *
     * @return {@code true} if readable.
     * @throws IllegalStateException                if this end is closed or cannot receive.
     * @throws io.jvmipc.file.SharedObjectException if the file was truncated or replaced.
     */
    public boolean poll()
    {
        ensureCanReceive();
        return readyNow();
    }

    /**
     * Waits up to {@code timeout} until {@link #poll()} would return {@code true} (Python's {@code poll(timeout)}).
     * Probes the peer's liveness as {@link #recv()} does, with any timeout: a caller polling in a loop with short
     * (or zero) timeouts sees a dead peer's end-of-file within the bound stated in the class comment.
     *
     * @param timeout how long to wait; zero or less: check once (with a due liveness probe), no wait.
     * @param unit    the unit of {@code timeout}.
     * @return {@code true} if readable, {@code false} on timeout.
     * @throws InterruptedException                 if interrupted while waiting.
     * @throws IllegalStateException                if this end is closed or cannot receive.
     * @throws io.jvmipc.file.SharedObjectException if the file was truncated or replaced.
     */
    public boolean poll(final long timeout, final TimeUnit unit) throws InterruptedException
    {
        final long timeoutNanos = WaitStrategy.timeoutNanos(timeout, unit);
        ensureCanReceive();
        if (readyNow())
        {
            return true;
        }
        try
        {
            return !WaitLoop.isWait(WaitLoop.await(file, reader.dataSignal(), readStrategy, this, NEXT_RECORD,
                timeoutNanos, true));
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    /**
     * Closes this end (Python's {@code close()}): the peer's receives report end-of-file once they have read what
     * this end sent, and its sends fail. Detaches from the file. Idempotent; the end cannot be attached again.
     * Always completes: if the file was truncated or replaced under this process, the end is not marked closed
     * (the peer then sees it as dead) and the file is still closed here.
     */
    @Override
    public synchronized void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        try
        {
            EndClaim.close(segment, myClaimOffset, claimed);
            for (final Signal signal : allSignals)
            {
                signal.wakeAll();
            }
        }
        catch (final InternalError e)
        {
            // the mapping is gone: nothing more can be told to the peer through it
        }
        finally
        {
            file.close();
        }
    }

    /**
     * Whether {@link #close()} has been called.
     *
     * @return {@code true} once closed.
     */
    public boolean isClosed()
    {
        return closed;
    }

    /**
     * Removes the pipe's name so no process can attach to it any more; attached processes keep working.
     *
     * @throws IllegalStateException                if another live process is attached (it also works after close).
     * @throws io.jvmipc.file.SharedObjectException if the file was truncated or replaced.
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

    /**
     * This connection's end.
     *
     * @return {@link End#A} or {@link End#B}.
     */
    public End end()
    {
        return end;
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
     * The pipe's file.
     *
     * @return its path.
     */
    public Path path()
    {
        return file.path();
    }

    /**
     * Whether this end may send ({@code false} for the receiving end of a one-way pipe).
     *
     * @return {@code true} if it sends.
     */
    public boolean canSend()
    {
        return writer != null;
    }

    /**
     * Whether this end may receive ({@code false} for the sending end of a one-way pipe).
     *
     * @return {@code true} if it receives.
     */
    public boolean canReceive()
    {
        return reader != null;
    }

    @Override
    public String toString()
    {
        return describe();
    }

    // ---- package-private, for ConnectionWaiter and tests ----

    boolean readyNow()
    {
        ensureOpen();
        try
        {
            return reader.peek() >= 0 || EndClaim.state(peerWord()) != PipeDescriptor.OPEN;
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    Signal readSignal()
    {
        return reader.dataSignal();
    }

    int peerReceiveWaiters()
    {
        return writer.dataSignal().waiters();
    }

    long readSignalOffset()
    {
        return readSignalOffset;
    }

    MemorySegment segment()
    {
        return segment;
    }

    SharedObjectException faulted(final InternalError fault)
    {
        return file.faulted(fault);
    }

    void ensureReceivable()
    {
        ensureCanReceive();
    }

    /**
     * Probes the peer's process if it holds its end and the file's cadence says a probe is due.
     *
     * @return {@code true} if the probe found it dead and recovered it (its end now reads DIED).
     */
    boolean probePeer()
    {
        final long word = peerWord();
        final int holder = EndClaim.holder(word);
        return holder >= 0 && EndClaim.state(word) == PipeDescriptor.OPEN && WaitLoop.probe(file, holder);
    }

    /**
     * When the peer's process is next due for a probe.
     *
     * @return a {@link System#nanoTime()} value, or {@link WaitStrategy#NO_DEADLINE} if nobody holds the peer end.
     */
    long nextPeerProbe()
    {
        final long word = peerWord();
        final int holder = EndClaim.holder(word);
        if (holder < 0 || EndClaim.state(word) != PipeDescriptor.OPEN)
        {
            return WaitStrategy.NO_DEADLINE;
        }
        return file.nextProbeNanos(holder < file.processTableCapacity() ? holder : SharedFile.ANY_ENTRY);
    }

    // ---- internals ----

    private long peerWord()
    {
        return EndClaim.read(segment, peerClaimOffset);
    }

    /** "Not yet" because of the peer: blame its holder's process, or nobody if the end was never claimed. */
    private static long blame(final long peerWord)
    {
        final int holder = EndClaim.holder(peerWord);
        return holder < 0 ? WaitLoop.WAIT : WaitLoop.waitFor(holder);
    }

    /** Attempt: the next record's payload offset, {@link #EOF_READY}, or "wait" (blaming the peer). */
    private long tryRecord()
    {
        final long payload = reader.peek();
        if (payload >= 0)
        {
            return payload;
        }
        final long word = peerWord();
        if (EndClaim.state(word) != PipeDescriptor.OPEN)
        {
            // the peer published CLOSED (or recovery DIED) after its last message: look once more
            final long last = reader.peek();
            return last >= 0 ? last : EOF_READY;
        }
        return blame(word);
    }

    /** Attempt: a claimed record's payload offset for {@link #wantedSpace} bytes, {@link #BROKEN}, or "wait". */
    private long trySpace()
    {
        final long payload = writer.claim(wantedSpace);
        if (payload >= 0)
        {
            return payload;
        }
        final long word = peerWord();
        return EndClaim.state(word) != PipeDescriptor.OPEN ? BROKEN : blame(word);
    }

    private long firstRecord() throws EOFException, InterruptedException
    {
        while (true)
        {
            // poll: awaitRecord peeks (reads the tail) before it sleeps
            long payload = reader.poll();
            if (payload < 0)
            {
                payload = awaitRecord();
            }
            if (reader.info() != RingDescriptor.CONTINUATION)
            {
                return payload;
            }
            // a fragment of a message whose sender died part-way: discard it
            reader.advance();
        }
    }

    /** Copies the message whose first record is at {@code payload}; {@code false} if its sender abandoned it. */
    private boolean assemble(final long payload, final byte[] destination, final int offset)
        throws EOFException, InterruptedException
    {
        final int total = reader.info();
        int got = reader.length();
        MemorySegment.copy(segment, JAVA_BYTE, payload, destination, offset, got);
        reader.advance();
        while (got < total)
        {
            long next = reader.peek();
            if (next < 0)
            {
                next = awaitRecord();
            }
            if (reader.info() != RingDescriptor.CONTINUATION)
            {
                // the sender died part-way and a new holder of its end started another message
                return false;
            }
            reader.checkContinuation(got, total);
            final int length = reader.length();
            MemorySegment.copy(segment, JAVA_BYTE, next, destination, offset + got, length);
            reader.advance();
            got += length;
        }
        return true;
    }

    /** Blocks for the next record and returns its payload offset. */
    private long awaitRecord() throws EOFException, InterruptedException
    {
        // short spin without the clock or the strategy: a streaming peer is usually about to publish
        for (int i = 0; i < QUICK_SPINS; i++)
        {
            Thread.onSpinWait();
            // poll: only the line the next record arrives in; the wait loop's attempts peek
            final long payload = reader.poll();
            if (payload >= 0)
            {
                return payload;
            }
        }
        final long result = WaitLoop.await(file, reader.dataSignal(), readStrategy, this, NEXT_RECORD,
            Long.MAX_VALUE, true);
        if (result == EOF_READY)
        {
            throw new EOFException(describe() + ": the peer " + peerFate() +
                " and everything it sent has been received");
        }
        return result;
    }

    private long claim(final int length) throws BrokenPipeException, InterruptedException
    {
        final long payload = writer.claim(length);
        if (payload >= 0)
        {
            return payload;
        }
        wantedSpace = length;
        final long result = WaitLoop.await(file, writer.spaceSignal(), writeStrategy, this, SPACE, Long.MAX_VALUE,
            true);
        if (result == BROKEN)
        {
            throw new BrokenPipeException(describe() + ": cannot send, the peer " + peerFate());
        }
        return result;
    }

    private void checkPeerForSend() throws BrokenPipeException
    {
        if (EndClaim.state(peerWord()) != PipeDescriptor.OPEN)
        {
            throw new BrokenPipeException(describe() + ": cannot send, the peer " + peerFate());
        }
    }

    private String peerFate()
    {
        final long word = peerWord();
        final int holder = EndClaim.holder(word);
        final String who = "end " + end.peer() + (holder < 0 || holder >= file.processTableCapacity() ? "" :
            " (pid " + EndClaim.pidOf(segment, holder) + ")");
        return who + (EndClaim.state(word) == PipeDescriptor.CLOSED ? " closed its end" :
            " died without closing its end");
    }

    private void ensureOpen()
    {
        if (closed)
        {
            throw new IllegalStateException(describe() + " is closed");
        }
    }

    private void ensureCanSend()
    {
        ensureOpen();
        if (writer == null)
        {
            throw new IllegalStateException(describe() + " is the receiving end of a one-way pipe; it cannot send");
        }
    }

    private void ensureCanReceive()
    {
        ensureOpen();
        if (reader == null)
        {
            throw new IllegalStateException(describe() + " is the sending end of a one-way pipe; it cannot receive");
        }
    }

    /** The space recvBytesInto has, for messages: the bytes from the offset, and the buffer they are in. */
    private static String room(final byte[] buffer, final int offset)
    {
        return offset == 0 ? "a buffer of " + buffer.length + " bytes" :
            "the " + (buffer.length - offset) + " bytes from offset " + offset + " of a buffer of " + buffer.length +
                " bytes";
    }

    private String describe()
    {
        return "pipe " + file.path() + " end " + end;
    }
}
