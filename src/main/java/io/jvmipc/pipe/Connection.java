package io.jvmipc.pipe;

import io.jvmipc.MessageTooLargeException;
import io.jvmipc.codec.Codec;
import io.jvmipc.file.CorruptFileException;
import io.jvmipc.file.ProcessTableDescriptor;
import io.jvmipc.file.SharedFile;
import io.jvmipc.wait.Signal;
import io.jvmipc.wait.WaitStrategy;

import java.io.EOFException;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

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
 * liveness check (a system call that PID reuse cannot fool) made only while this end would otherwise block:
 * within {@link #LIVENESS_INTERVAL_MILLIS} ms of blocking plus one futex sleep slice (50 ms by default). A send
 * to a dead peer that does not block succeeds silently unless the death is already known.
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
    /** How often, at most, a blocked end checks whether the peer's process is still alive. */
    public static final long LIVENESS_INTERVAL_MILLIS = 20;

    private static final long LIVENESS_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(LIVENESS_INTERVAL_MILLIS);
    private static final VarHandle INT = JAVA_INT.varHandle();
    private static final long EOF_READY = -2;
    private static final int QUICK_SPINS = 32;
    private static final int CLOCK_EVERY = 64;
    private static final long NOT_ARMED = Long.MIN_VALUE;

    private final SharedFile file;
    private final MemorySegment segment;
    private final End end;
    private final Codec<T> codec;
    private final WaitStrategy strategy;
    private final int maxMessage;
    private final RingWriter writer;
    private final RingReader reader;
    private final long myStateOffset;
    private final long peerStateOffset;
    private final long peerHolderOffset;
    private final Signal[] allSignals;
    private final long readSignalOffset;
    private final long spaceSignalOffset;
    private byte[] scratch = new byte[0];
    private volatile boolean closed;

    Connection(final SharedFile file, final End end, final boolean duplex, final int capacity, final int maxMessage,
        final Codec<T> codec, final WaitStrategy strategy)
    {
        this.file = file;
        this.segment = file.segment();
        this.end = end;
        this.codec = codec;
        this.strategy = strategy;
        this.maxMessage = maxMessage;
        final long body = file.bodyOffset();
        final End peer = end.peer();
        this.myStateOffset = body + PipeDescriptor.endOffset(end) + PipeDescriptor.STATE_FIELD;
        this.peerStateOffset = body + PipeDescriptor.endOffset(peer) + PipeDescriptor.STATE_FIELD;
        this.peerHolderOffset = body + PipeDescriptor.endOffset(peer) + PipeDescriptor.HOLDER_FIELD;
        final long peerFlags = body + PipeDescriptor.endOffset(peer) + PipeDescriptor.FLAGS_FIELD;
        final long outRing = body + PipeDescriptor.ringOffset(end, capacity);
        final long inRing = body + PipeDescriptor.ringOffset(peer, capacity);
        final Signal outData = signal(outRing + RingDescriptor.DATA_SIGNAL_OFFSET, end, PipeDescriptor.DATA_SIGNAL);
        final Signal outSpace = signal(outRing + RingDescriptor.SPACE_SIGNAL_OFFSET, end, PipeDescriptor.SPACE_SIGNAL);
        final Signal inData = signal(inRing + RingDescriptor.DATA_SIGNAL_OFFSET, peer, PipeDescriptor.DATA_SIGNAL);
        final Signal inSpace = signal(inRing + RingDescriptor.SPACE_SIGNAL_OFFSET, peer, PipeDescriptor.SPACE_SIGNAL);
        this.allSignals = new Signal[] {outData, outSpace, inData, inSpace};
        this.readSignalOffset = inRing + RingDescriptor.DATA_SIGNAL_OFFSET;
        this.spaceSignalOffset = outRing + RingDescriptor.SPACE_SIGNAL_OFFSET;
        final boolean sends = duplex || end == End.B;
        final boolean receives = duplex || end == End.A;
        this.writer = sends ? new RingWriter(segment, outRing, capacity, peerFlags, outData, outSpace) : null;
        this.reader = receives ?
            new RingReader(segment, file.path(), inRing, capacity, peerFlags, inData, inSpace) : null;
    }

    private Signal signal(final long offset, final End sender, final int which)
    {
        return new Signal(segment, offset,
            ProcessTableDescriptor.waitingOffset(file.entry(), PipeDescriptor.signalNumber(sender, which)));
    }

    /**
     * Waits until at least one of {@code connections} has a message or end-of-file to report, like Python's
     * {@code multiprocessing.connection.wait}. Sleeps on all their futex words at once with Linux
     * {@code futex_waitv} where available; elsewhere it re-polls every connection between 1 ms sleeps on one of
     * them (see {@link ConnectionWaiter}). Checks dead peers as {@link #recv()} does.
     *
     * @param connections receiving ends, open, at most 128.
     * @param timeout     how long to wait; zero polls once.
     * @param unit        the unit of {@code timeout}.
     * @return the ready connections, in the order given; empty on timeout.
     * @throws InterruptedException     if interrupted while waiting.
     * @throws IllegalArgumentException if the timeout is negative, or there are more than 128 connections.
     * @throws IllegalStateException    if a connection is closed, or cannot receive (the sending end of a one-way
     *                                  pipe).
     */
    public static List<Connection<?>> wait(final Collection<? extends Connection<?>> connections, final long timeout,
        final TimeUnit unit) throws InterruptedException
    {
        if (timeout < 0)
        {
            throw new IllegalArgumentException("timeout must not be negative: " + timeout + " " + unit);
        }
        return ConnectionWaiter.await(connections, WaitStrategy.deadline(unit.toNanos(timeout)));
    }

    /**
     * {@link #wait(Collection, long, TimeUnit)} without a timeout ({@code timeout=None} in Python).
     *
     * @param connections receiving ends, open, at most 128.
     * @return the ready connections, never empty.
     * @throws InterruptedException     if interrupted while waiting.
     * @throws IllegalArgumentException if there are more than 128 connections.
     * @throws IllegalStateException    if a connection is closed, or cannot receive.
     */
    public static List<Connection<?>> wait(final Collection<? extends Connection<?>> connections)
        throws InterruptedException
    {
        return ConnectionWaiter.await(connections, WaitStrategy.NO_DEADLINE);
    }

    /**
     * Sends {@code value}, encoded with the pipe's codec. Blocks while the ring is full.
     *
     * @param value the value, not {@code null}.
     * @throws BrokenPipeException       if the peer closed its end or its process died.
     * @throws MessageTooLargeException  if the encoding exceeds the pipe's maximum message length; nothing is sent.
     * @throws InterruptedException      if interrupted while waiting for space; nothing is sent.
     * @throws IllegalStateException     if this end is closed or cannot send (receiving end of a one-way pipe).
     */
    public void send(final T value) throws BrokenPipeException, InterruptedException
    {
        Objects.requireNonNull(value, "value");
        ensureCanSend();
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

    /**
     * Sends all of {@code bytes} as one message.
     *
     * @param bytes the message.
     * @throws BrokenPipeException      if the peer closed its end or its process died.
     * @throws MessageTooLargeException if longer than the pipe's maximum message length.
     * @throws InterruptedException     if interrupted while waiting for space.
     * @throws IllegalStateException    if this end is closed or cannot send.
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
     * @throws BrokenPipeException       if the peer closed its end or its process died (a fragmented message
     *                                   interrupted this way is discarded by the receiver).
     * @throws MessageTooLargeException  if longer than the pipe's maximum message length; nothing is sent.
     * @throws IndexOutOfBoundsException if the range is outside {@code bytes}.
     * @throws InterruptedException      if interrupted while waiting for space.
     * @throws IllegalStateException     if this end is closed or cannot send.
     */
    public void sendBytes(final byte[] bytes, final int offset, final int length)
        throws BrokenPipeException, InterruptedException
    {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        ensureCanSend();
        sendFrom(bytes, offset, length);
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
            long payload = writer.claim(length);
            if (payload < 0)
            {
                payload = awaitSpace(length);
            }
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
     * @throws EOFException                      if the peer closed or died and everything it sent has been read.
     * @throws io.jvmipc.codec.CodecException    if the bytes do not decode.
     * @throws InterruptedException              if interrupted while waiting; nothing is consumed.
     * @throws IllegalStateException             if this end is closed or cannot receive.
     */
    public T recv() throws EOFException, InterruptedException
    {
        ensureCanReceive();
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

    /**
     * Receives one message as a new array (Python's {@code recv_bytes()}). Blocks while none is available.
     *
     * @return the message.
     * @throws EOFException          if the peer closed or died and everything it sent has been read.
     * @throws InterruptedException  if interrupted while waiting; nothing is consumed.
     * @throws IllegalStateException if this end is closed or cannot receive.
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
     * @throws MessageTooLargeException if the next message is longer; it stays in the pipe, unconsumed.
     * @throws EOFException             if the peer closed or died and everything it sent has been read.
     * @throws InterruptedException     if interrupted while waiting; nothing is consumed.
     * @throws IllegalArgumentException if {@code maxLength} is negative.
     * @throws IllegalStateException    if this end is closed or cannot receive.
     */
    public byte[] recvBytes(final int maxLength) throws EOFException, InterruptedException
    {
        if (maxLength < 0)
        {
            throw new IllegalArgumentException("maxLength must not be negative: " + maxLength);
        }
        ensureCanReceive();
        while (true)
        {
            final long payload = firstRecord();
            final int total = reader.info();
            if (total > maxLength)
            {
                throw new MessageTooLargeException("the maxLength of recvBytes on " + describe(), total, maxLength);
            }
            final byte[] message = new byte[total];
            if (assemble(payload, message, 0))
            {
                return message;
            }
        }
    }

    /**
     * Receives one message into {@code buffer} from index 0 (Python's {@code recv_bytes_into}); allocates nothing.
     *
     * @param buffer where to copy the message.
     * @return the message's length.
     * @throws MessageTooLargeException if the message does not fit; it stays in the pipe, unconsumed.
     * @throws EOFException             if the peer closed or died and everything it sent has been read.
     * @throws InterruptedException     if interrupted while waiting; nothing is consumed.
     * @throws IllegalStateException    if this end is closed or cannot receive.
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
     * @throws MessageTooLargeException  if the message does not fit; it stays in the pipe, unconsumed.
     * @throws IndexOutOfBoundsException if {@code offset} is outside the buffer.
     * @throws EOFException              if the peer closed or died and everything it sent has been read.
     * @throws InterruptedException      if interrupted while waiting; nothing is consumed.
     * @throws IllegalStateException     if this end is closed or cannot receive.
     */
    public int recvBytesInto(final byte[] buffer, final int offset) throws EOFException, InterruptedException
    {
        Objects.checkIndex(offset, buffer.length + 1);
        ensureCanReceive();
        final long first = reader.peek();
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
                throw new MessageTooLargeException("a buffer of " + (buffer.length - offset) + " bytes", total,
                    buffer.length - offset);
            }
            if (assemble(payload, buffer, offset))
            {
                return total;
            }
        }
    }

    /**
     * Whether {@link #recv()} would return at once: a message is waiting, or the peer has closed or is known to
     * have died (then {@code recv} reports end-of-file). Never blocks; makes no system call.
     *
     * @return {@code true} if readable.
     * @throws IllegalStateException if this end is closed or cannot receive.
     */
    public boolean poll()
    {
        ensureCanReceive();
        return readyNow();
    }

    /**
     * Waits up to {@code timeout} until {@link #poll()} would return {@code true} (Python's {@code poll(timeout)}).
     * Checks the peer's liveness while waiting, as {@link #recv()} does.
     *
     * @param timeout how long to wait, at least 0.
     * @param unit    the unit of {@code timeout}.
     * @return {@code true} if readable, {@code false} on timeout.
     * @throws InterruptedException     if interrupted while waiting.
     * @throws IllegalArgumentException if {@code timeout} is negative.
     * @throws IllegalStateException    if this end is closed or cannot receive.
     */
    public boolean poll(final long timeout, final TimeUnit unit) throws InterruptedException
    {
        if (timeout < 0)
        {
            throw new IllegalArgumentException("timeout must not be negative: " + timeout + " " + unit);
        }
        ensureCanReceive();
        if (readyNow())
        {
            return true;
        }
        try
        {
            return awaitRecord(WaitStrategy.deadline(unit.toNanos(timeout)), true) != -1;
        }
        catch (final EOFException impossible)
        {
            throw new AssertionError(impossible);
        }
    }

    /**
     * Closes this end (Python's {@code close()}): the peer's receives report end-of-file once they have read what
     * this end sent, and its sends fail. Detaches from the file. Idempotent; the end cannot be attached again.
     */
    @Override
    public synchronized void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        // release: every message this end published is visible before the peer can see it closed
        INT.setRelease(segment, myStateOffset, PipeDescriptor.CLOSED);
        for (final Signal signal : allSignals)
        {
            signal.signalAll();
        }
        file.close();
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
     * @throws IllegalStateException if another live process is attached, or this end is closed.
     */
    public void unlink()
    {
        file.unlink();
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

    // ---- package-private, for ConnectionWaiter ----

    boolean readyNow()
    {
        ensureOpen();
        // acquire: a closed state is published after everything the peer sent
        return reader.peek() >= 0 || (int)INT.getAcquire(segment, peerStateOffset) != PipeDescriptor.OPEN;
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

    void ensureReceivable()
    {
        ensureCanReceive();
    }

    void checkPeerAlive()
    {
        // acquire: the holder as last claimed
        final int holder = (int)INT.getAcquire(segment, peerHolderOffset);
        if (holder != 0)
        {
            file.recoverIfDead(holder - 1);
        }
    }

    // ---- internals ----

    private long firstRecord() throws EOFException, InterruptedException
    {
        while (true)
        {
            long payload = reader.peek();
            if (payload < 0)
            {
                payload = awaitRecord(WaitStrategy.NO_DEADLINE, false);
            }
            if (reader.info() != RingDescriptor.CONTINUATION)
            {
                if (reader.info() < reader.length())
                {
                    throw corrupt();
                }
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
                next = awaitRecord(WaitStrategy.NO_DEADLINE, false);
            }
            if (reader.info() != RingDescriptor.CONTINUATION)
            {
                // the sender died part-way and a new holder of its end started another message
                return false;
            }
            final int length = reader.length();
            if (length > total - got)
            {
                throw corrupt();
            }
            MemorySegment.copy(segment, JAVA_BYTE, next, destination, offset + got, length);
            reader.advance();
            got += length;
        }
        return true;
    }

    /** Blocks for the next record; returns its payload offset, -1 on timeout, or EOF_READY when polling. */
    private long awaitRecord(final long deadline, final boolean polling) throws EOFException, InterruptedException
    {
        // short spin without the clock or the strategy: a streaming peer is usually about to publish
        for (int i = 0; i < QUICK_SPINS; i++)
        {
            Thread.onSpinWait();
            final long payload = reader.peek();
            if (payload >= 0)
            {
                return payload;
            }
        }
        final Signal signal = reader.dataSignal();
        long state = WaitStrategy.INITIAL;
        long armed = NOT_ARMED;
        int idles = 0;
        long nextCheck = System.nanoTime() + LIVENESS_INTERVAL_NANOS;
        try
        {
            while (true)
            {
                long payload = reader.peek();
                if (payload >= 0)
                {
                    return payload;
                }
                // acquire: the peer publishes CLOSED after its last message
                if ((int)INT.getAcquire(segment, peerStateOffset) != PipeDescriptor.OPEN)
                {
                    payload = reader.peek();
                    if (payload >= 0)
                    {
                        return payload;
                    }
                    if (polling)
                    {
                        return EOF_READY;
                    }
                    throw new EOFException(describe() + ": the peer " + peerFate() +
                        " and everything it sent has been received");
                }
                ensureOpen();
                state = strategy.idle(signal, state, deadline);
                if (state == WaitStrategy.TIMED_OUT)
                {
                    return -1;
                }
                armed = arm(signal, readSignalOffset, armed);
                if (timeToCheck(armed != NOT_ARMED, ++idles, nextCheck))
                {
                    nextCheck = System.nanoTime() + LIVENESS_INTERVAL_NANOS;
                    checkPeerAlive();
                }
            }
        }
        finally
        {
            strategy.done(signal, state);
        }
    }

    private long claim(final int length) throws BrokenPipeException, InterruptedException
    {
        final long payload = writer.claim(length);
        return payload >= 0 ? payload : awaitSpace(length);
    }

    private long awaitSpace(final int length) throws BrokenPipeException, InterruptedException
    {
        final Signal signal = writer.spaceSignal();
        long state = WaitStrategy.INITIAL;
        long armed = NOT_ARMED;
        int idles = 0;
        long nextCheck = System.nanoTime() + LIVENESS_INTERVAL_NANOS;
        try
        {
            while (true)
            {
                final long payload = writer.claim(length);
                if (payload >= 0)
                {
                    return payload;
                }
                checkPeerForSend();
                ensureOpen();
                state = strategy.idle(signal, state, WaitStrategy.NO_DEADLINE);
                armed = arm(signal, spaceSignalOffset, armed);
                if (timeToCheck(armed != NOT_ARMED, ++idles, nextCheck))
                {
                    nextCheck = System.nanoTime() + LIVENESS_INTERVAL_NANOS;
                    checkPeerAlive();
                }
            }
        }
        finally
        {
            strategy.done(signal, state);
        }
    }

    /**
     * Whether a waiting loop should check the peer's liveness now. Reads the clock only every
     * {@value #CLOCK_EVERY} idles while spinning, and after every idle once registered to sleep (each such idle
     * is a futex sleep), so the check stays within {@link #LIVENESS_INTERVAL_MILLIS} plus one sleep slice.
     */
    private static boolean timeToCheck(final boolean sleeping, final int idles, final long nextCheck)
    {
        return (sleeping || (idles & (CLOCK_EVERY - 1)) == 0) && System.nanoTime() - nextCheck >= 0;
    }

    /**
     * The sleeper's half of the wake-up handshake (see {@link Doorbell}): once this thread has registered with
     * {@code signal} (the waiter count is then non-zero: only this end's thread waits on it), and again whenever
     * the sequence moved since our last bump (we were woken and keep waiting), bump it and issue a barrier before
     * the caller's next re-check.
     *
     * @return the sequence after our last bump, or {@link #NOT_ARMED} while not registered.
     */
    private long arm(final Signal signal, final long signalOffset, final long armed)
    {
        if (signal.waiters() == 0 || (armed != NOT_ARMED && signal.sequence() == (int)armed))
        {
            return armed;
        }
        final int sequence = Doorbell.bump(segment, signalOffset);
        Doorbell.barrier();
        return sequence;
    }

    private void checkPeerForSend() throws BrokenPipeException
    {
        // acquire: the peer's closing or death as published
        if ((int)INT.getAcquire(segment, peerStateOffset) != PipeDescriptor.OPEN)
        {
            throw new BrokenPipeException(describe() + ": cannot send, the peer " + peerFate());
        }
    }

    private String peerFate()
    {
        // acquire: pairs with the peer's release of its end state; read only to word the exception message
        final int state = (int)INT.getAcquire(segment, peerStateOffset);
        final int holder = (int)INT.getAcquire(segment, peerHolderOffset);
        final String who = "end " + end.peer() + (holder == 0 ? "" : " (pid " + EndClaim.pidOf(segment, holder - 1) +
            ")");
        return who + (state == PipeDescriptor.CLOSED ? " closed its end" : " died without closing its end");
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

    private CorruptFileException corrupt()
    {
        return new CorruptFileException(file.path(), "has an inconsistent message record (length " +
            reader.length() + ", info " + reader.info() + ")");
    }

    private String describe()
    {
        return "pipe " + file.path() + " end " + end;
    }
}
