package io.jvmipc.sync;

import io.jvmipc.file.ObjectKind;

import java.nio.file.Path;

/** What {@link SharedCondition} needs from the lock it is bound to. */
interface ConditionLock
{
    /** Whether the calling thread may wait on / signal the condition (holds the lock). */
    boolean isHeldByCurrentThread();

    /** Releases the lock completely; returns what {@link #reacquire(long)} needs to restore it. */
    long releaseFully();

    /** Takes the lock back, uninterruptibly, restoring {@code saved}; may throw {@link OwnerDiedException}. */
    void reacquire(long saved);

    /** The lock's kind. */
    ObjectKind kind();

    /** The lock's file. */
    Path path();
}
