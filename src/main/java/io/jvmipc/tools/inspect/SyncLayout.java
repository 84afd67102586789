package io.jvmipc.tools.inspect;

/**
 * The body layouts of the synchronisation kinds and of the counter region's allocation signal, as documented by
 * {@code io.jvmipc.sync.LockDescriptor}, {@code SemaphoreDescriptor}, {@code EventDescriptor},
 * {@code ConditionDescriptor}, {@code BarrierDescriptor} and {@code io.jvmipc.counters.CountersDescriptor}, whose
 * constants are not public. Every offset is relative to the body. {@code InspectorTest} checks each against a
 * live object, so a change of those layouts fails a test here.
 */
final class SyncLayout
{
    /** Every sync kind and the counter region keep their one signal here, as signal number 0. */
    static final int SIGNAL_OFFSET = 128;

    /** Lock word (long): owner entry + 1 in bits 0-15 (0 = free), bit 16 the owner-died flag. */
    static final int LOCK_WORD_OFFSET = 0;
    static final long LOCK_OWNER_MASK = 0xFFFFL;
    static final long LOCK_OWNER_DIED = 1L << 16;
    /** Reentrant lock: owner thread id (long) and hold count (long). */
    static final int LOCK_OWNER_THREAD_OFFSET = 256;
    static final int LOCK_HOLD_COUNT_OFFSET = 264;

    /** Semaphore: available permits (long); parameter 0 the initial permits; kind word 0 the permits held. */
    static final int SEMAPHORE_COUNT_OFFSET = 0;
    static final int SEMAPHORE_INITIAL_PARAMETER = 0;
    static final int SEMAPHORE_HELD_WORD = 0;

    /** Event: state (int), bit 0 the flag, the set count above it. */
    static final int EVENT_STATE_OFFSET = 0;

    /** Condition: state (long), permits in the low half, registered waiters in the high half. */
    static final int CONDITION_STATE_OFFSET = 0;
    static final int CONDITION_LOCK_KIND_PARAMETER = 0;

    /** Barrier: state (long), arrived in bits 0-30, broken bit 31, generation in the high half. */
    static final int BARRIER_STATE_OFFSET = 0;
    static final long BARRIER_BROKEN = 1L << 31;
    static final int BARRIER_PARTIES_PARAMETER = 0;

    private SyncLayout()
    {
    }
}
