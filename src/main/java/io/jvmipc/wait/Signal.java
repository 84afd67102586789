package io.jvmipc.wait;

import io.jvmipc.file.SharedFile;
import io.jvmipc.file.SlowPath;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * An event count in a shared mapping, on which threads of any process sleep until another signals it.
 * <p>
 * Protocol (a waiter never misses a signal that follows a condition change it did not see):
 * <ol>
 *   <li>waiter: {@link #prepareWait()} adds itself to the waiter count (a full fence) and reads the sequence;</li>
 *   <li>waiter: re-checks its condition, and if it still cannot proceed, {@link #await(int, long)} sleeps on
 *       the futex while the sequence equals what it read;</li>
 *   <li>waker: changes the condition, then {@link #signalAll()} reads the waiter count; only when it is non-zero
 *       does it bump the sequence and enter the kernel.</li>
 * </ol>
 * Either the waiter's re-check sees the change, or the waker sees the waiter and bumps the sequence, so the
 * futex wait returns at once or is woken. That is Dekker's handshake: each side needs a store-load barrier
 * between its store and its load.
 * <p>
 * The waiter's barrier is its registration (an atomic add, a full fence). The waker's is a full fence in
 * {@link #signalAll()}, except on signals made by {@link #ofFenceFreeWakers} (a queue's and a pipe's, signalled
 * per message):
 * <p>
 * <b>Sleepers pay, wakers do not.</b> On those, the waker's fence, which would cost every message a
 * {@code lock}-prefixed instruction, is paid by the waiter when the kernel allows it
 * ({@link RemoteBarrier#AVAILABLE}): after registering, {@link #prepareWait()} calls
 * {@code membarrier(MEMBARRIER_CMD_GLOBAL_EXPEDITED)}, which makes every running thread of every process
 * registered for it execute a full barrier before the call returns (binding a fence-free signal reads
 * {@link RemoteBarrier#AVAILABLE}, which registers the process before its first fence-free read); a thread not
 * running has passed a context switch, a full barrier too. So a waker's publishing store that precedes its read
 * of the waiter count in program order is visible to the re-check that follows the barrier, or its read follows
 * the barrier and sees the registration. Without membarrier (an old kernel, a seccomp filter, or
 * {@code -Djvmipc.pipe.noMembarrier=true}) {@link #signalAll()} takes the full fence.
 * <p>
 * <b>The memory-model caveat, and the bound.</b> The argument holds on x86-64 and AArch64 while the waker's
 * store and load stay in program order. The Java memory model does not promise that (a JIT may move a load
 * above a release store). So on such a signal no lost wake-up can cost more than a bounded delay: every futex
 * sleep on it is at most {@link #LOST_WAKE_BOUND_NANOS} long ({@link #await(int, long)} caps it;
 * {@code ConnectionWaiter} slices its multi-connection waits no longer), after which the sleeper re-checks its
 * condition. A waiter never hangs, and a sleeper costs at most one wake-up per bound (0% CPU). A waiter in a
 * process without membarrier, woken by a fence-free waker in another, relies on the bound alone.
 * <p>
 * <b>One wake per sleep.</b> On a signal made by {@link #ofFenceFreeWakers}, a woken sleeper stays registered until
 * it runs; on a busy machine (two cores, four processes) that can take a scheduling slice, and a waker that
 * entered the kernel for every message meanwhile would cost each message a system call. So a sleeper also sets a
 * "wake wanted" word when it registers ({@link #prepareWait()}) and again before it sleeps after a wake that took
 * it ({@link #rearm()}), and a waker that finds waiters enters the kernel only if it is the one that swaps that
 * word from 1 to 0. No wake-up is lost by that: the sleeper reads its key <em>before</em> it sets the word, so a
 * waker that takes the word bumps the sequence after the key was read, and the futex wait returns at once; a
 * waker that finds the word already taken follows the waker that took it, whose bump came after every key read
 * before the word was set; the sleeper's store of the word is ordered before its re-check by the registration's
 * barrier (the remote barrier, or the fence the fallback waker takes), as the waiter count is. A waker killed
 * between taking the word and its bump leaves the sleepers to the bound once (their next sleep arms the word
 * again): a delay, not a hang.
 * <p>
 * Each registration is also counted in a per-process word (the caller's process-table entry), so that when a
 * process dies while registered, the recovery of its entry removes its share and wakers stop entering the kernel
 * for it. A signal made by {@link #of(SharedFile, int, long)} is registered with its file, whose process table
 * does that for every signal of the object before the object's own recovery runs.
 * <p>
 * The two counts change in an order that makes a death between them leave the shared count too high, never too
 * low: registering adds to the shared count first, deregistering subtracts from the process's count first. Too
 * high costs wakers a system call; too low would let a waker skip a real sleeper.
 * <p>
 * A signal made by {@link #of(SharedFile, int, long)} counts its futex sleeps and wakes in its file
 * ({@link SlowPath#FUTEX_SLEEPS}, {@link SlowPath#FUTEX_WAKES}), next to the system call each already makes.
 * <p>
 * <b>Faults.</b> On a file truncated under a live process every method here raises the JVM's
 * {@link InternalError} (the primitives turn it into a {@code SharedObjectException}) and none crashes the JVM:
 * this class uses no bare compare-and-set (which the interpreter executes in a native entry without fault guard,
 * crashing the JVM on a removed page), only get-and-add and get-and-set, which the JDK implements as a volatile
 * read followed by a compare-and-set loop, so the read faults first (checked by {@code WaitFaultTest} under
 * {@code -Xint}). A futex call on a removed page fails with {@code EFAULT} instead ({@link Futex}).
 */
public final class Signal
{
    /**
     * The longest single futex sleep on a signal: what a wake-up lost to a reordering the Java memory model allows
     * a fence-free waker (see the class comment) can cost at most, in nanoseconds (50 ms).
     */
    public static final long LOST_WAKE_BOUND_NANOS = 50_000_000L;

    private static final VarHandle INT = JAVA_INT.varHandle();

    private final MemorySegment segment;
    private final long sequenceOffset;
    private final long waitersOffset;
    private final long wakeWantedOffset;
    private final long ownerCountOffset;
    private final SharedFile file;
    private final int number;
    /**
     * Made by a fence-free factory: sleeps are bounded, whether or not this process has membarrier, and wakers wake
     * once per sleep (the "wake wanted" word, see the class comment).
     */
    private final boolean bounded;
    /** Wakers skip the store-load fence and sleepers issue the remote barrier (see the class comment). */
    private final boolean fenceFree;

    /**
     * Binds a signal laid out by {@link SignalDescriptor} at {@code offset} of {@code segment}.
     *
     * @param segment          the shared mapping.
     * @param offset           where the signal's block starts.
     * @param ownerCountOffset where this process's count of registrations on this signal is kept (in its
     *                         process-table entry), or {@code -1} for none.
     */
    public Signal(final MemorySegment segment, final long offset, final long ownerCountOffset)
    {
        this(segment, offset, ownerCountOffset, false);
    }

    /** As the public constructor, fence-free if asked (jcstress tests: no file). */
    Signal(final MemorySegment segment, final long offset, final long ownerCountOffset, final boolean fenceFree)
    {
        this(segment, offset, ownerCountOffset, fenceFree, fenceFree && RemoteBarrier.AVAILABLE);
    }

    /**
     * As the public constructor, bounded (one wake per sleep, capped sleeps) and fence-free as asked (jcstress
     * tests: the bounded signal's fallback without membarrier, whatever this kernel has).
     */
    Signal(final MemorySegment segment, final long offset, final long ownerCountOffset, final boolean bounded,
        final boolean fenceFree)
    {
        this.segment = segment;
        this.sequenceOffset = offset + SignalDescriptor.SEQUENCE_OFFSET;
        this.waitersOffset = offset + SignalDescriptor.WAITERS_OFFSET;
        this.wakeWantedOffset = offset + SignalDescriptor.WAKE_WANTED_OFFSET;
        this.ownerCountOffset = ownerCountOffset;
        this.file = null;
        this.number = -1;
        this.bounded = bounded;
        this.fenceFree = bounded && fenceFree;
    }

    private Signal(final SharedFile file, final int number, final long offset, final boolean fenceFree)
    {
        this.segment = file.segment();
        this.sequenceOffset = offset + SignalDescriptor.SEQUENCE_OFFSET;
        this.waitersOffset = offset + SignalDescriptor.WAITERS_OFFSET;
        this.wakeWantedOffset = offset + SignalDescriptor.WAKE_WANTED_OFFSET;
        this.ownerCountOffset = -1;
        this.file = file;
        this.number = number;
        this.bounded = fenceFree;
        // reading AVAILABLE registers this process for remote barriers before any fence-free wake
        this.fenceFree = fenceFree && RemoteBarrier.AVAILABLE;
        file.registerSignal(number, waitersOffset);
    }

    /**
     * The signal laid out by {@link SignalDescriptor} at {@code offset} of {@code file}'s mapping, registered
     * with the file as signal {@code number}: a registration is counted in this attachment's process-table entry,
     * and the process table removes a dead entry's registrations on its own. Call before
     * {@link SharedFile#attach(SharedFile.DeadOwnerRecovery)}, in every process, with the same numbers.
     *
     * @param file   the object's file.
     * @param number the signal's number within the object, 0 to 7.
     * @param offset where the signal's block starts in {@link SharedFile#segment()}.
     * @return the signal.
     * @throws IllegalArgumentException if the number is out of range or already used for another offset.
     */
    public static Signal of(final SharedFile file, final int number, final long offset)
    {
        return new Signal(file, number, offset, false);
    }

    /**
     * As {@link #of(SharedFile, int, long)}, for a signal whose wakers signal per message (a queue's, a pipe's):
     * its wakers take no store-load fence where membarrier works, its sleepers issue the remote barrier instead,
     * and every sleep on it lasts at most {@link #LOST_WAKE_BOUND_NANOS} (see the class comment). Every process
     * must bind the signal the same way.
     *
     * @param file   the object's file.
     * @param number the signal's number within the object, 0 to 7.
     * @param offset where the signal's block starts in {@link SharedFile#segment()}.
     * @return the signal.
     * @throws IllegalArgumentException if the number is out of range or already used for another offset.
     */
    public static Signal ofFenceFreeWakers(final SharedFile file, final int number, final long offset)
    {
        return new Signal(file, number, offset, true);
    }

    private long ownCount()
    {
        return file == null ? ownerCountOffset : file.ownWaitingOffset(number);
    }

    /**
     * Registers the calling thread as a waiter and returns the sequence to pass to {@link #await(int, long)}.
     * The caller must re-check its condition after this call, and end with {@link #cancelWait()}.
     *
     * @return the current sequence.
     */
    public int prepareWait()
    {
        // volatile, and first on a bounded signal: a waker that takes our "wake wanted" below bumps the sequence
        // after it, so the key is stale by then and the futex wait returns at once (see the class comment)
        final int early = bounded ? (int)INT.getVolatile(segment, sequenceOffset) : 0;
        if (bounded)
        {
            // volatile store (ordered before the registration's fence below): the next waker wakes
            INT.setVolatile(segment, wakeWantedOffset, 1);
        }
        // full fence (volatile read-modify-write): orders the registration before the caller's re-check. Shared
        // count first: a death before the own count's add leaves the shared count one high, never one low
        INT.getAndAdd(segment, waitersOffset, 1);
        final long own = ownCount();
        if (own >= 0)
        {
            // atomic: recovery in another process swaps it to zero once this process is dead
            INT.getAndAdd(segment, own, 1);
        }
        if (fenceFree)
        {
            // remote barrier: a fence-free waker's publishing store is visible to our re-check, or its read of the
            // waiter count sees our registration (see the class comment)
            RemoteBarrier.tryIssue();
        }
        // volatile: a waker's bump after this read makes the futex wait return at once
        return bounded ? early : (int)INT.getVolatile(segment, sequenceOffset);
    }

    /**
     * For a registered waiter that woke and must sleep again: the key for its next {@link #await(int, long)}. On a
     * bounded signal it also arms "wake wanted" again if a waker took it (with the registration's barrier, so that
     * a fence-free waker's publish is visible to the re-check that follows, or its read sees the arm); otherwise
     * the same as {@link #sequence()}. The caller re-checks its condition after this call.
     *
     * @return the sequence to sleep on.
     */
    public int rearm()
    {
        // volatile, before the arm: as in prepareWait, a waker that takes the arm bumps the sequence after this read
        final int key = (int)INT.getVolatile(segment, sequenceOffset);
        // volatile: still armed (by us or a later sleeper) means the next waker still wakes every sleeper
        if (bounded && (int)INT.getVolatile(segment, wakeWantedOffset) == 0)
        {
            // volatile store, then the barrier a registration issues: see prepareWait
            INT.setVolatile(segment, wakeWantedOffset, 1);
            if (fenceFree)
            {
                RemoteBarrier.tryIssue();
            }
        }
        return key;
    }

    /** Deregisters a thread registered by {@link #prepareWait()}. */
    public void cancelWait()
    {
        final long own = ownCount();
        if (own >= 0)
        {
            // atomic, and before the shared count: a death in between leaves the shared count one high
            INT.getAndAdd(segment, own, -1);
        }
        // atomic: other processes register and deregister concurrently
        INT.getAndAdd(segment, waitersOffset, -1);
    }

    /**
     * Sleeps while the sequence equals {@code key}, for at most {@code timeoutNanos} (and, on a signal made by
     * {@link #ofFenceFreeWakers}, at most {@link #LOST_WAKE_BOUND_NANOS}). May return spuriously; the caller
     * re-checks its condition.
     *
     * @param key          the sequence returned by {@link #prepareWait()} or {@link #sequence()}.
     * @param timeoutNanos the longest sleep, positive.
     * @return the result of {@link Futex#await(MemorySegment, long, int, long)}.
     */
    public int await(final int key, final long timeoutNanos)
    {
        if (file != null)
        {
            file.count(SlowPath.FUTEX_SLEEPS);
        }
        return Futex.await(segment, sequenceOffset, key, bounded ? Math.min(timeoutNanos, LOST_WAKE_BOUND_NANOS) :
            timeoutNanos);
    }

    /**
     * The current sequence, with a volatile read.
     *
     * @return the sequence.
     */
    public int sequence()
    {
        // volatile: a key read here makes the futex wait fail if a waker bumped the sequence since
        return (int)INT.getVolatile(segment, sequenceOffset);
    }

    /**
     * How many threads, over all processes, are registered to sleep on this signal.
     *
     * @return the waiter count.
     */
    public int waiters()
    {
        // volatile: a snapshot for diagnostics and tests
        return (int)INT.getVolatile(segment, waitersOffset);
    }

    /**
     * Wakes every registered waiter, in any process. Costs a fence and a read when nobody waits (a read alone on
     * a signal made by {@link #ofFenceFreeWakers} where membarrier works); a system call only when someone does.
     * Call after the change the waiters wait for has been published.
     */
    public void signalAll()
    {
        if (!fenceFree)
        {
            signalAllFenced();
            return;
        }
        // volatile (a plain load on x86-64): no fence; the sleeper's remote barrier stands in for it (see class doc)
        if ((int)INT.getVolatile(segment, waitersOffset) > 0 && takeWakeWanted())
        {
            wakeAll();
        }
    }

    /**
     * On a bounded signal, whether this waker is the one to wake: "wake wanted" was armed by a sleeper since the
     * last wake, and this call took it. Always {@code true} on other signals.
     */
    private boolean takeWakeWanted()
    {
        // volatile read first (no write while nobody armed it), then an atomic swap: of all wakers, one takes it
        return !bounded || (int)INT.getVolatile(segment, wakeWantedOffset) != 0 &&
            (int)INT.getAndSet(segment, wakeWantedOffset, 0) != 0;
    }

    /** {@link #signalAll()} where wakers take the store-load fence themselves: the fallback without membarrier. */
    private void signalAllFenced()
    {
        // full fence: orders the caller's publishing store before the read of the waiter count (see class doc)
        VarHandle.fullFence();
        if ((int)INT.getVolatile(segment, waitersOffset) > 0 && takeWakeWanted())
        {
            wakeAll();
        }
    }

    /** Whether {@link #signalAll()} and {@link Doorbell#ring()} skip the fence (see the class comment). */
    boolean fenceFreeWakers()
    {
        return fenceFree;
    }

    /** Bumps the sequence and wakes all sleepers, whether or not any is registered. */
    public void wakeAll()
    {
        // volatile add: a waiter that read the old sequence now fails its futex compare, one that reads the new
        // one sees everything published before this call
        INT.getAndAdd(segment, sequenceOffset, 1);
        if (file != null)
        {
            file.count(SlowPath.FUTEX_WAKES);
        }
        Futex.wake(segment, sequenceOffset, Integer.MAX_VALUE);
    }

    /**
     * Removes the registrations that a dead process left on a signal. Call only while holding the dead
     * process's process-table entry (so that no live thread is using that count).
     *
     * @param segment          the shared mapping.
     * @param signalOffset     where the signal's block starts.
     * @param ownerCountOffset the dead process's registration count for this signal.
     */
    public static void releaseWaitersOf(final MemorySegment segment, final long signalOffset,
        final long ownerCountOffset)
    {
        // atomic swap: taken once, so a second recovery cannot subtract it again
        final int registered = (int)INT.getAndSet(segment, ownerCountOffset, 0);
        if (registered > 0)
        {
            // atomic: live processes register and deregister concurrently
            INT.getAndAdd(segment, signalOffset + SignalDescriptor.WAITERS_OFFSET, -registered);
        }
    }
}
