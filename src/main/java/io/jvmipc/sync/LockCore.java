package io.jvmipc.sync;

import io.jvmipc.file.ObjectKind;
import io.jvmipc.file.ProcessTableDescriptor;
import io.jvmipc.file.SharedFile;
import io.jvmipc.wait.Signal;
import io.jvmipc.wait.WaitStrategy;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;

import static io.jvmipc.sync.LockDescriptor.OWNER_DIED;
import static io.jvmipc.sync.LockDescriptor.OWNER_MASK;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The shared part of both lock kinds: the lock word, acquiring with a wait strategy, dead-holder recovery.
 * Ownership by thread (reentrancy) is layered on top by {@link SharedReentrantLock}.
 */
final class LockCore implements SyncCores.Attempt
{
    /** How often a blocked acquirer checks whether the holder died. */
    static final long DEAD_OWNER_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(SharedLock.DEAD_OWNER_CHECK_MILLIS);

    static final int FAILED = 0;
    static final int ACQUIRED = 1;
    static final int ACQUIRED_OWNER_DIED = 2;

    private static final VarHandle LONG = JAVA_LONG.varHandle();

    final SharedFile file;
    private final MemorySegment segment;
    private final long wordOffset;
    private final long signalOffset;
    private final long ownerThreadOffset;
    private final long holdCountOffset;
    private final WaitStrategy strategy;
    private final int entry;
    private final long tag;
    private final Signal signal;
    private final Signal wakeOnly;

    LockCore(final SyncBuilder<?> builder, final ObjectKind kind, final SharedFile.OpenMode mode)
    {
        final SharedFile.Spec spec = new SharedFile.Spec(kind, LockDescriptor.VERSION, new long[0],
            LockDescriptor.LENGTH, builder.processTableCapacity, null);
        this.file = builder.map(spec, mode);
        this.segment = file.segment();
        final long body = file.bodyOffset();
        this.wordOffset = body + LockDescriptor.WORD_OFFSET;
        this.signalOffset = body + LockDescriptor.SIGNAL_OFFSET;
        this.ownerThreadOffset = body + LockDescriptor.OWNER_THREAD_OFFSET;
        this.holdCountOffset = body + LockDescriptor.HOLD_COUNT_OFFSET;
        this.strategy = builder.waitStrategy;
        this.wakeOnly = new Signal(segment, signalOffset, -1);
        final int attached = SyncCores.attachOrClose(file, dead -> recover(dead, true));
        this.entry = attached;
        this.tag = LockDescriptor.ownerTag(attached);
        this.signal = new Signal(segment, signalOffset,
            ProcessTableDescriptor.waitingOffset(attached, LockDescriptor.SIGNAL_NUMBER));
    }

    /** One attempt: {@link #FAILED}, {@link #ACQUIRED} or {@link #ACQUIRED_OWNER_DIED}. */
    @Override
    public int tryAcquireOnce()
    {
        // volatile: the current word, to CAS from
        final long word = (long)LONG.getVolatile(segment, wordOffset);
        if ((word & OWNER_MASK) != 0)
        {
            return FAILED;
        }
        // CAS (volatile): takes the lock; acquire side of the previous holder's release
        if (!LONG.compareAndSet(segment, wordOffset, word, word | tag))
        {
            return FAILED;
        }
        return (word & OWNER_DIED) != 0 ? ACQUIRED_OWNER_DIED : ACQUIRED;
    }

    /**
     * Acquires, waiting at most {@code timeoutNanos} ({@code <= 0}: one attempt plus one dead-holder check).
     *
     * @return the result of the successful attempt, or {@link #FAILED} on timeout.
     */
    int acquire(final long timeoutNanos, final boolean interruptible) throws InterruptedException
    {
        return SyncCores.acquire(file, this, strategy, signal, timeoutNanos, interruptible);
    }

    /** {@link #acquire} ignoring interrupts (the flag is restored on return). */
    int acquireUninterruptibly(final long timeoutNanos)
    {
        return SyncCores.acquireUninterruptibly(file, this, strategy, signal, timeoutNanos);
    }

    /** If the lock's holder is another entry whose process is gone, recovers it; true if it did. */
    @Override
    public boolean recoverDeadHolders()
    {
        // volatile: who holds it now
        final int owner = LockDescriptor.owner((long)LONG.getVolatile(segment, wordOffset));
        return owner >= 0 && owner != entry && file.recoverIfDead(owner);
    }

    /**
     * Frees the lock whoever holds it, keeping the owner-died mark, and wakes waiters.
     *
     * @param requiredOwner the entry that must hold it, or -1 for any holder.
     * @return false if the lock was not held (by {@code requiredOwner}).
     */
    boolean release(final int requiredOwner)
    {
        while (true)
        {
            // volatile: the current word, to CAS from
            final long word = (long)LONG.getVolatile(segment, wordOffset);
            final int owner = LockDescriptor.owner(word);
            if (owner < 0 || (requiredOwner >= 0 && owner != requiredOwner))
            {
                return false;
            }
            // CAS (volatile): release side; everything done under the lock is visible to the next holder
            if (LONG.compareAndSet(segment, wordOffset, word, word & OWNER_DIED))
            {
                signal.signalAll();
                return true;
            }
        }
    }

    /** Clears the owner-died mark; false if this entry does not hold the lock. Throws if not marked. */
    boolean markConsistent()
    {
        while (true)
        {
            // volatile: the current word, to CAS from
            final long word = (long)LONG.getVolatile(segment, wordOffset);
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

    /** The lock word now. */
    long word()
    {
        // volatile: a snapshot for queries
        return (long)LONG.getVolatile(segment, wordOffset);
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
        // acquire: pairs with the owner's setRelease
        return (long)LONG.getAcquire(segment, ownerThreadOffset);
    }

    void ownerThread(final long threadId)
    {
        // release: readers in other processes (diagnostics) see a whole value
        LONG.setRelease(segment, ownerThreadOffset, threadId);
    }

    long holdCount()
    {
        // opaque: written only by the owning thread, read by it or for diagnostics
        return (long)LONG.getOpaque(segment, holdCountOffset);
    }

    void holdCount(final long count)
    {
        // opaque: written only by the owning thread
        LONG.setOpaque(segment, holdCountOffset, count);
    }

    OwnerDiedException ownerDied()
    {
        return new OwnerDiedException(file.path(), "the previous holder died while holding the lock; this " +
            "thread now holds it; repair the guarded state and call markConsistent()");
    }

    /** Recovery for a dead (or closed) entry: a lock it held becomes free and marked owner-died. */
    private void recover(final int dead, final boolean releaseWaiters)
    {
        final long deadTag = LockDescriptor.ownerTag(dead);
        while (true)
        {
            // volatile: the current word, to CAS from
            final long word = (long)LONG.getVolatile(segment, wordOffset);
            if ((word & OWNER_MASK) != deadTag)
            {
                break;
            }
            // the dead holder's thread id must not be mistaken for a thread of the entry's next process
            ownerThread(0);
            holdCount(0);
            // CAS (volatile): frees the lock with the owner-died mark
            if (LONG.compareAndSet(segment, wordOffset, word, (word & ~OWNER_MASK) | OWNER_DIED))
            {
                break;
            }
        }
        if (releaseWaiters)
        {
            Signal.releaseWaitersOf(segment, signalOffset,
                ProcessTableDescriptor.waitingOffset(dead, LockDescriptor.SIGNAL_NUMBER));
        }
        wakeOnly.signalAll();
    }

    /** Closing while holding the lock counts as dying while holding it; then detaches. */
    void close()
    {
        synchronized (this)
        {
            if (file.isClosed())
            {
                return;
            }
            if (entry >= 0 && heldByThisAttachment())
            {
                recover(entry, false);
            }
            file.close();
        }
    }

    void unlink()
    {
        file.unlink();
    }
}
