package io.jvmipc.sync;

import io.jvmipc.file.CorruptFileException;
import io.jvmipc.file.ObjectKind;
import io.jvmipc.file.ProcessTableDescriptor;
import io.jvmipc.file.SharedFile;
import io.jvmipc.file.SharedObjectException;
import io.jvmipc.wait.Signal;
import io.jvmipc.wait.WaitLoop;
import io.jvmipc.wait.WaitStrategy;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

import static io.jvmipc.sync.SemaphoreDescriptor.MAX_PERMITS;
import static io.jvmipc.sync.SemaphoreDescriptor.permits;
import static io.jvmipc.sync.SemaphoreDescriptor.recovering;
import static io.jvmipc.sync.SemaphoreDescriptor.recoveringBits;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The shared part of both semaphore kinds: the permit count, per-process holdings, waiting, recovery.
 * <p>
 * Order of the two stores (chosen so that a crash between them can only lose a permit, never create one):
 * acquire takes from the count first, then adds to the process's holding; release subtracts from the holding
 * first, then adds to the count. The recovery of a dead holder loses nothing and doubles nothing, however many
 * recoverers die half-way (see {@link #recover(SharedFile, boolean, long, int)}).
 */
final class SemaphoreCore
{
    private static final VarHandle LONG = JAVA_LONG.varHandle();
    private static final WaitLoop.Attempt<SemaphoreCore> ATTEMPT = SemaphoreCore::attempt;

    /** Test seam: runs after a recovery's first step (the count CAS), so a test can kill the process there. */
    static volatile Runnable afterRecoveryFirstStep;

    final SharedFile file;
    final long initialPermits;
    private final boolean bounded;
    private final MemorySegment segment;
    private final long countOffset;
    private final WaitStrategy strategy;
    private final int entry;
    private final long heldOffset;
    private final Signal signal;

    SemaphoreCore(final SyncBuilder<?> builder, final ObjectKind kind, final long permits,
        final SharedFile.OpenMode mode)
    {
        if (permits < 0 || permits > MAX_PERMITS)
        {
            throw new IllegalArgumentException("initial permits outside 0.." + MAX_PERMITS + ": " + permits);
        }
        this.bounded = kind == ObjectKind.BOUNDED_SEMAPHORE;
        this.initialPermits = permits;
        final SharedFile.Spec spec = new SharedFile.Spec(kind, SemaphoreDescriptor.VERSION, new long[] {permits},
            SemaphoreDescriptor.LENGTH, builder.processTableCapacity,
            (file, body, length) -> file.set(JAVA_LONG, body + SemaphoreDescriptor.COUNT_OFFSET, permits));
        // the one open path: the binder checks the parameter, binds the signal and names the recovery, which works
        // on the file alone; the handle, which needs this attachment's entry for its holding word, comes after
        final boolean isBounded = bounded;
        final SyncCores.Attached attached = builder.open(spec, mode, opened ->
        {
            opened.requireParameter(SemaphoreDescriptor.INITIAL_PERMITS_PARAMETER, "initial permits", permits);
            final Signal bound = Signal.of(opened, SemaphoreDescriptor.SIGNAL_NUMBER,
                opened.bodyOffset() + SemaphoreDescriptor.SIGNAL_OFFSET);
            return new SharedFile.Bound<>(new SyncCores.Attached(opened, bound),
                dead -> recover(opened, isBounded, permits, dead));
        });
        this.file = attached.file();
        this.signal = attached.signal();
        this.segment = file.segment();
        this.countOffset = file.bodyOffset() + SemaphoreDescriptor.COUNT_OFFSET;
        this.strategy = builder.waitStrategy;
        this.entry = file.entry();
        this.heldOffset = ProcessTableDescriptor.kindWordOffset(entry, SemaphoreDescriptor.HELD_KIND_WORD);
    }

    /** One attempt: {@link LockCore#ACQUIRED} if a permit was taken, else "wait for any process". */
    private long attempt()
    {
        while (true)
        {
            // volatile: the current count, to CAS from
            final long word = checked((long)LONG.getVolatile(segment, countOffset));
            if (permits(word) <= 0)
            {
                // whoever holds the permits may be dead: probe every attached process
                return WaitLoop.waitForAny();
            }
            // CAS (volatile): takes a permit (the recovering bits stay); acquire side of the releaser's CAS
            if (LONG.compareAndSet(segment, countOffset, word, word - 1))
            {
                // volatile add: recorded after the take, so a crash in between loses the permit, never doubles it
                LONG.getAndAdd(segment, heldOffset, 1L);
                return LockCore.ACQUIRED;
            }
        }
    }

    /**
     * A count word read from the file, checked: its top bit is always zero, and a bounded semaphore never has more
     * permits than its bound. Another program or a bug may have written anything there; taking or counting on
     * such permits would let more holders in than the semaphore allows.
     */
    private long checked(final long word)
    {
        if (isCorrupt(word))
        {
            throw corrupt(word);
        }
        return word;
    }

    private boolean isCorrupt(final long word)
    {
        return word < 0 || bounded && permits(word) > initialPermits;
    }

    private CorruptFileException corrupt(final long word)
    {
        return new CorruptFileException(file.path(), word < 0 ?
            "semaphore count word 0x" + Long.toHexString(word) + " has its top bit set" :
            "bounded semaphore count word 0x" + Long.toHexString(word) + " holds " + permits(word) +
                " permits available, above its bound of " + initialPermits);
    }

    boolean acquire(final long timeoutNanos, final boolean interruptible) throws InterruptedException
    {
        try
        {
            return !WaitLoop.isWait(WaitLoop.await(file, signal, strategy, this, ATTEMPT, timeoutNanos,
                interruptible));
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    /** {@link #acquire} ignoring interrupts (the flag is restored on return). */
    boolean acquireUninterruptibly(final long timeoutNanos)
    {
        try
        {
            return !WaitLoop.isWait(WaitLoop.awaitUninterruptibly(file, signal, strategy, this, ATTEMPT,
                timeoutNanos));
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    void release(final int permits)
    {
        file.ensureOpen();
        if (permits < 0)
        {
            throw new IllegalArgumentException("negative permits: " + permits);
        }
        try
        {
            // a plain read of the count first: on a truncated file it faults here, and a corrupt count is refused
            // here, before the holding changes
            checked(segment.get(JAVA_LONG, countOffset));
            // volatile add: forget the holding first, so a crash before the count update loses permits, never adds
            LONG.getAndAdd(segment, heldOffset, (long)-permits);
            while (true)
            {
                // volatile: the current count, to CAS from
                final long word = (long)LONG.getVolatile(segment, countOffset);
                if (isCorrupt(word))
                {
                    // corrupted since the check above: volatile add: undo, nothing was released
                    LONG.getAndAdd(segment, heldOffset, (long)permits);
                    throw corrupt(word);
                }
                final long count = permits(word);
                if (bounded && count + permits > initialPermits)
                {
                    // volatile add: undo, nothing was released
                    LONG.getAndAdd(segment, heldOffset, (long)permits);
                    throw new IllegalStateException(file.path() + ": bounded semaphore released too many times (" +
                        count + " available + " + permits + " > initial " + initialPermits + ")");
                }
                if (count > MAX_PERMITS - permits)
                {
                    // volatile add: undo, nothing was released
                    LONG.getAndAdd(segment, heldOffset, (long)permits);
                    throw new IllegalStateException(file.path() + ": permit count would pass " + MAX_PERMITS);
                }
                // CAS (volatile): release side (recovering bits kept); the releaser's writes reach the next acquirer
                if (LONG.compareAndSet(segment, countOffset, word, word + permits))
                {
                    break;
                }
            }
            signal.signalAll();
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    long available()
    {
        try
        {
            // volatile: a snapshot
            return permits(checked((long)LONG.getVolatile(segment, countOffset)));
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    long heldByThisProcess()
    {
        try
        {
            // volatile: written by this process's threads
            return (long)LONG.getVolatile(segment, heldOffset);
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    /**
     * Returns the positive holding of a dead or closing entry (bounded: up to the bound) and wakes waiters.
     * Runs under the dead entry's lock (or, for a close, by the entry's own process), so one recoverer at a time
     * works on {@code dead}; each may die at any instruction, and the next one (or the next attacher of the
     * entry) runs this again.
     * <p>
     * <b>Why it is restartable.</b> The amount moves from the entry's holding word H into the count word C.
     * Two words cannot change at once, so the move is recorded in C itself: step 1 is one CAS of C that adds the
     * amount <em>and</em> writes {@code dead + 1} into C's recovering bits; step 2 zeroes H; step 3 is a CAS that
     * clears the recovering bits. A re-run reads C first: if it names {@code dead}, step 1 is done (C names an
     * entry only from its step 1 to its step 3, and H is zero from step 2 on), so it only finishes steps 2 and 3;
     * otherwise step 1 is not done or step 3 is (then H is already zero), so H holds exactly what is still owed
     * and step 1 is done now. Acquirers and releasers keep the recovering bits when they CAS the count. Only one
     * recovery at a time can be half done: a recovery that finds another entry named finishes that entry's
     * recovery first (through {@link SharedFile#recoverIfDead(int)}, that is under its lock; a named entry still
     * reads as attached, since it is marked free only after its recovery, so it cannot have been reused), and
     * the recovery of the named entry never waits for anything, so they cannot wait for each other.
     */
    private static void recover(final SharedFile file, final boolean bounded, final long initialPermits,
        final int dead)
    {
        final MemorySegment segment = file.segment();
        final long countOffset = file.bodyOffset() + SemaphoreDescriptor.COUNT_OFFSET;
        final long deadHeld = ProcessTableDescriptor.kindWordOffset(dead, SemaphoreDescriptor.HELD_KIND_WORD);
        final long named = recoveringBits(dead);
        while (true)
        {
            // volatile: the current count word, to CAS from
            final long word = (long)LONG.getVolatile(segment, countOffset);
            final int half = recovering(word);
            if (half == dead)
            {
                // steps 2 and 3: the amount is in the count; H may still show it
                // volatile: H is zero before the count stops naming the entry
                LONG.setVolatile(segment, deadHeld, 0L);
                // CAS (volatile): the recovery is complete
                if (LONG.compareAndSet(segment, countOffset, word, word & ~SemaphoreDescriptor.RECOVERING_MASK))
                {
                    break;
                }
                continue;
            }
            // volatile: what the dead entry still holds (exactly what is owed: see above)
            final long held = (long)LONG.getVolatile(segment, deadHeld);
            if (held <= 0)
            {
                // volatile: a negative holding (released more than acquired) owes nothing
                LONG.setVolatile(segment, deadHeld, 0L);
                break;
            }
            if (half >= file.processTableCapacity())
            {
                // a corrupt name: no entry's recovery can finish it; its amount is in the count already
                // CAS (volatile): drops the name so that recoveries can proceed
                LONG.compareAndSet(segment, countOffset, word, word & ~SemaphoreDescriptor.RECOVERING_MASK);
                continue;
            }
            if (half >= 0)
            {
                // another entry's recovery is half done, perhaps by a dead recoverer: finish it first
                if (!file.recoverIfDead(half))
                {
                    Thread.onSpinWait();  // its recoverer (or attacher) is alive and finishing it
                }
                continue;
            }
            final long count = permits(word);
            final long room = bounded ? initialPermits - count : MAX_PERMITS - count;
            final long returned = Math.max(0, Math.min(held, room));
            // CAS (volatile), step 1: the permits become available and the count names the entry, in one step
            if (LONG.compareAndSet(segment, countOffset, word, (word + returned) | named))
            {
                final Runnable hook = afterRecoveryFirstStep;
                if (hook != null)
                {
                    hook.run();
                }
            }
        }
        new Signal(segment, file.bodyOffset() + SemaphoreDescriptor.SIGNAL_OFFSET, -1).signalAll();
    }

    /** Gives back this process's holding and detaches; always completes, even if the mapping faults. */
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
                recover(file, bounded, initialPermits, entry);
            }
            catch (final InternalError | SharedObjectException e)
            {
                // the mapping is gone: nothing can be given back; detaching below still completes
            }
            finally
            {
                file.close();
            }
        }
    }
}
