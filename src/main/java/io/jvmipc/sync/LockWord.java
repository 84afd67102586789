package io.jvmipc.sync;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

import static io.jvmipc.sync.LockDescriptor.OWNER_DIED;
import static io.jvmipc.sync.LockDescriptor.OWNER_MASK;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The lock word's protocol ({@link LockDescriptor}) over a segment, without the file, the waiting or the owner
 * block: what {@link LockCore} does to the word, and what the jcstress tests exercise. Every change is one CAS of
 * the whole word.
 */
final class LockWord
{
    /** {@link #tryAcquire} result: taken. */
    static final int ACQUIRED = 1;
    /** {@link #tryAcquire} result: taken, and the previous holder had died (the owner-died mark is set). */
    static final int ACQUIRED_OWNER_DIED = 2;

    private static final VarHandle LONG = JAVA_LONG.varHandle();

    private LockWord()
    {
    }

    /**
     * Takes the lock for the entry whose tag is {@code tag} if it is free. Never blocks.
     *
     * @return {@link #ACQUIRED}, {@link #ACQUIRED_OWNER_DIED}, or {@code -1 - owner} if entry {@code owner} holds
     *         it.
     */
    static int tryAcquire(final MemorySegment segment, final long offset, final long tag)
    {
        while (true)
        {
            // volatile: the current word, to CAS from
            final long word = (long)LONG.getVolatile(segment, offset);
            final int owner = LockDescriptor.owner(word);
            if (owner >= 0)
            {
                return -1 - owner;
            }
            // CAS (volatile): takes the lock; acquire side of the previous holder's release
            if (LONG.compareAndSet(segment, offset, word, word | tag))
            {
                return (word & OWNER_DIED) != 0 ? ACQUIRED_OWNER_DIED : ACQUIRED;
            }
        }
    }

    /**
     * Frees the lock, keeping the owner-died mark.
     *
     * @param requiredOwner the entry that must hold it, or -1 for any holder.
     * @return {@code false} if it was not held (by {@code requiredOwner}).
     */
    static boolean release(final MemorySegment segment, final long offset, final int requiredOwner)
    {
        while (true)
        {
            // volatile: the current word, to CAS from
            final long word = (long)LONG.getVolatile(segment, offset);
            final int owner = LockDescriptor.owner(word);
            if (owner < 0 || (requiredOwner >= 0 && owner != requiredOwner))
            {
                return false;
            }
            // CAS (volatile): release side; everything done under the lock is visible to the next holder
            if (LONG.compareAndSet(segment, offset, word, word & OWNER_DIED))
            {
                return true;
            }
        }
    }

    /**
     * The recovery of a dead (or closed) entry: if it holds the lock, frees it with the owner-died mark. A no-op
     * otherwise, so a re-run by the next survivor, after anyone took the lock, changes nothing.
     *
     * @return {@code true} if this call freed it.
     */
    static boolean recover(final MemorySegment segment, final long offset, final int dead)
    {
        final long deadTag = LockDescriptor.ownerTag(dead);
        while (true)
        {
            // volatile: the current word, to CAS from
            final long word = (long)LONG.getVolatile(segment, offset);
            if ((word & OWNER_MASK) != deadTag)
            {
                return false;
            }
            // CAS (volatile): frees the lock with the owner-died mark
            if (LONG.compareAndSet(segment, offset, word, (word & ~OWNER_MASK) | OWNER_DIED))
            {
                return true;
            }
        }
    }
}
