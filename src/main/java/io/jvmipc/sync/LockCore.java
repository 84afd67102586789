package io.jvmipc.sync;

import io.jvmipc.file.CorruptFileException;
import io.jvmipc.file.ObjectKind;
import io.jvmipc.file.SharedFile;
import io.jvmipc.file.SharedObjectException;
import io.jvmipc.file.SlowPath;
import io.jvmipc.wait.Signal;
import io.jvmipc.wait.WaitLoop;
import io.jvmipc.wait.WaitStrategy;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

import static io.jvmipc.sync.LockDescriptor.OWNER_DIED;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The shared part of both lock kinds: the lock word, acquiring through {@link WaitLoop}, dead-holder recovery.
 * Ownership by thread (reentrancy) is layered on top by {@link SharedReentrantLock}.
 * <p>
 * <b>The owner field names an entry without its generation, and needs none.</b> The word says "held by entry E"
 * only while E's attachment holds it: its process sets it (CAS from free) while attached, and clears it by
 * unlock, by close (which runs {@link #recover} for itself before detaching), or it is cleared by the recovery of
 * E, which runs under E's entry lock while E still reads as attached. E reads as free, and can be taken by a new
 * process, only after that recovery has completed ({@link SharedFile#recoverIfDead(int)} marks it free last), and
 * {@link SharedFile#attach} runs the recovery of a dead previous owner before it reuses the entry. The recovery is
 * one CAS of the whole word (tag E to free + owner-died), so a recoverer that dies leaves the word as it was and
 * the next one, or the next attacher, does it again. Hence no process attached as E ever finds E's tag left by an
 * earlier process, and a stale reader (one that read "held by E" before E was reused) only probes E, which a live
 * new owner answers with "alive", and then reads the word again. The same holds for the owner thread and hold
 * count, which are written only by the owning thread and zeroed by the recovery before it frees the word.
 */
final class LockCore
{
    static final int FAILED = 0;
    static final int ACQUIRED = LockWord.ACQUIRED;
    static final int ACQUIRED_OWNER_DIED = LockWord.ACQUIRED_OWNER_DIED;

    private static final VarHandle LONG = JAVA_LONG.varHandle();
    private static final WaitLoop.Attempt<LockCore> ATTEMPT = LockCore::attempt;

    final SharedFile file;
    private final MemorySegment segment;
    private final long wordOffset;
    private final long ownerThreadOffset;
    private final long holdCountOffset;
    private final WaitStrategy strategy;
    private final int entry;
    private final long tag;
    private final int capacity;
    private final Signal signal;

    /**
     * Opens through the one open path: the binder binds the signal and names the recovery, which works on the
     * file alone (it needs no handle, so it can never see a half-built one); the handle, which needs this
     * attachment's entry for its owner tag, is built once attached.
     */
    LockCore(final SyncBuilder<?> builder, final ObjectKind kind, final SharedFile.OpenMode mode)
    {
        final SharedFile.Spec spec = new SharedFile.Spec(kind, LockDescriptor.VERSION, new long[0],
            LockDescriptor.LENGTH, builder.processTableCapacity, null);
        final SyncCores.Attached attached = builder.open(spec, mode, opened -> new SharedFile.Bound<>(
            new SyncCores.Attached(opened, Signal.of(opened, LockDescriptor.SIGNAL_NUMBER,
                opened.bodyOffset() + LockDescriptor.SIGNAL_OFFSET)),
            SharedFile.DeadOwnerRecovery.idempotent(dead -> recover(opened, dead))));
        this.file = attached.file();
        this.signal = attached.signal();
        this.segment = file.segment();
        final long body = file.bodyOffset();
        this.wordOffset = body + LockDescriptor.WORD_OFFSET;
        this.ownerThreadOffset = body + LockDescriptor.OWNER_THREAD_OFFSET;
        this.holdCountOffset = body + LockDescriptor.HOLD_COUNT_OFFSET;
        this.strategy = builder.waitStrategy;
        this.entry = file.entry();
        this.tag = LockDescriptor.ownerTag(entry);
        this.capacity = file.processTableCapacity();
    }

    /**
     * One attempt: {@link #ACQUIRED} or {@link #ACQUIRED_OWNER_DIED}, else "wait for the holder" (this
     * process's own entry is never a suspect).
     */
    private long attempt()
    {
        final int result = LockWord.tryAcquire(segment, wordOffset, tag);
        if (result > 0)
        {
            return result;
        }
        final int owner = -1 - result;
        if (owner >= capacity)
        {
            // no process can ever be attached as that entry, so nobody would free the lock: every waiter would
            // wait for ever
            throw corrupt(LockDescriptor.ownerTag(owner));
        }
        return owner == entry ? WaitLoop.WAIT : WaitLoop.waitFor(owner);
    }

    /**
     * A lock word read from the file, checked: its owner bits, which another program or a bug may have set to
     * anything, name an entry of the process table or nobody.
     */
    private long checked(final long word)
    {
        if (LockDescriptor.owner(word) >= capacity)
        {
            throw corrupt(word);
        }
        return word;
    }

    /** The exception for a lock word, or its owner bits, that names an entry outside the table. */
    private CorruptFileException corrupt(final long word)
    {
        return new CorruptFileException(file.path(), "lock word 0x" + Long.toHexString(word) +
            " names process-table entry " + LockDescriptor.owner(word) + " as the holder, outside the table of " +
            capacity + " entries");
    }

    /**
     * Acquires, waiting at most {@code timeoutNanos} ({@code <= 0}: one attempt, with the holder's liveness probe
     * when it is due). A dead holder is found within {@link SharedFile#PROBE_INTERVAL_NANOS} of the first
     * attempt after its death, whatever the timeout.
     *
     * @return the result of the successful attempt, or {@link #FAILED} on timeout.
     */
    int acquire(final long timeoutNanos, final boolean interruptible) throws InterruptedException
    {
        try
        {
            return result(WaitLoop.await(file, signal, strategy, this, ATTEMPT, timeoutNanos, interruptible));
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    /** {@link #acquire} ignoring interrupts (the flag is restored on return). */
    int acquireUninterruptibly(final long timeoutNanos)
    {
        try
        {
            return result(WaitLoop.awaitUninterruptibly(file, signal, strategy, this, ATTEMPT, timeoutNanos));
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    private static int result(final long result)
    {
        return WaitLoop.isWait(result) ? FAILED : (int)result;
    }

    /**
     * Frees the lock whoever holds it, keeping the owner-died mark, and wakes waiters.
     *
     * @param requiredOwner the entry that must hold it, or -1 for any holder.
     * @return false if the lock was not held (by {@code requiredOwner}).
     */
    boolean release(final int requiredOwner)
    {
        try
        {
            // volatile: checked before the release, which would otherwise free a lock no entry can hold
            checked((long)LONG.getVolatile(segment, wordOffset));
            if (!LockWord.release(segment, wordOffset, requiredOwner))
            {
                return false;
            }
            signal.signalAll();
            return true;
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    /** Clears the owner-died mark; false if this entry does not hold the lock. Throws if not marked. */
    boolean markConsistent()
    {
        try
        {
            while (true)
            {
                // volatile: the current word, to CAS from
                final long word = checked((long)LONG.getVolatile(segment, wordOffset));
                if (LockDescriptor.owner(word) != entry)
                {
                    return false;
                }
                if ((word & OWNER_DIED) == 0)
                {
                    throw new IllegalStateException(file.path() + ": the lock is not in the owner-died state");
                }
                // CAS (volatile): the repaired state is published by the later release
                if (LONG.compareAndSet(segment, wordOffset, word, word & ~OWNER_DIED))
                {
                    return true;
                }
            }
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    /** The lock word now. */
    long word()
    {
        try
        {
            // volatile: a snapshot for queries
            return checked((long)LONG.getVolatile(segment, wordOffset));
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    int entry()
    {
        return entry;
    }

    boolean heldByThisAttachment()
    {
        return LockDescriptor.owner(word()) == entry;
    }

    long ownerThread()
    {
        try
        {
            // acquire: pairs with the owner's setRelease
            return (long)LONG.getAcquire(segment, ownerThreadOffset);
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    void ownerThread(final long threadId)
    {
        try
        {
            // release: readers in other processes (diagnostics) see a whole value
            LONG.setRelease(segment, ownerThreadOffset, threadId);
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    long holdCount()
    {
        try
        {
            // opaque: written only by the owning thread, read by it or for diagnostics
            return (long)LONG.getOpaque(segment, holdCountOffset);
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    void holdCount(final long count)
    {
        try
        {
            // opaque: written only by the owning thread
            LONG.setOpaque(segment, holdCountOffset, count);
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    OwnerDiedException ownerDied()
    {
        try
        {
            file.count(SlowPath.OWNER_DIED);
        }
        catch (final InternalError e)
        {
            // the file was truncated: the statistic is lost with it, the hand-over to this thread stands
        }
        final OwnerDiedEvent event = new OwnerDiedEvent();
        if (event.shouldCommit())
        {
            event.path = file.path().toString();
            event.commit();
        }
        return new OwnerDiedException(file.path(), "the previous holder died while holding the lock; this " +
            "thread now holds it; repair the guarded state and call markConsistent()");
    }

    /**
     * Recovery for a dead (or closed) entry: a lock it held becomes free and marked owner-died. Its waiter
     * registrations are released by the file before this runs. Restartable: a recoverer that dies before the CAS
     * leaves the word for the next one.
     */
    private static void recover(final SharedFile file, final int dead)
    {
        final MemorySegment segment = file.segment();
        final long body = file.bodyOffset();
        final long wordOffset = body + LockDescriptor.WORD_OFFSET;
        // volatile: the holder now; a read before any write, so a truncated file faults here
        if (LockDescriptor.owner((long)LONG.getVolatile(segment, wordOffset)) == dead)
        {
            // the dead holder's thread id must not be mistaken for a thread of the entry's next process; only a
            // recoverer of the dead entry writes here now, and it frees the word after
            // release: as the owner's own store of the thread id
            LONG.setRelease(segment, body + LockDescriptor.OWNER_THREAD_OFFSET, 0L);
            // opaque: as the owner's own store of the count
            LONG.setOpaque(segment, body + LockDescriptor.HOLD_COUNT_OFFSET, 0L);
        }
        LockWord.recover(segment, wordOffset, dead);
        new Signal(segment, body + LockDescriptor.SIGNAL_OFFSET, -1).signalAll();
    }

    /**
     * Closing while holding the lock counts as dying while holding it; then detaches. Always completes: a fault
     * in the mapping (the file was truncated) is swallowed, the file is closed all the same.
     */
    void close()
    {
        synchronized (this)
        {
            if (file.isClosed())
            {
                return;
            }
            try
            {
                if (entry >= 0 && heldByThisAttachment())
                {
                    recover(file, entry);
                }
            }
            catch (final InternalError | SharedObjectException e)
            {
                // the mapping is gone: there is nothing left to hand over; detaching below still completes
            }
            finally
            {
                file.close();
            }
        }
    }

    void unlink()
    {
        file.unlink();
    }
}
