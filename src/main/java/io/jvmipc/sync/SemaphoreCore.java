package io.jvmipc.sync;

import io.jvmipc.file.ObjectKind;
import io.jvmipc.file.ProcessTableDescriptor;
import io.jvmipc.file.SharedFile;
import io.jvmipc.wait.Signal;
import io.jvmipc.wait.WaitStrategy;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The shared part of both semaphore kinds: the permit count, per-process holdings, waiting, recovery.
 * <p>
 * Order of the two stores (chosen so that a crash between them can only lose a permit, never create one):
 * acquire takes from the count first, then adds to the process's holding; release subtracts from the holding
 * first, then adds to the count.
 */
final class SemaphoreCore implements SyncCores.Attempt
{
    private static final VarHandle LONG = JAVA_LONG.varHandle();

    final SharedFile file;
    final long initialPermits;
    private final boolean bounded;
    private final MemorySegment segment;
    private final long countOffset;
    private final long signalOffset;
    private final WaitStrategy strategy;
    private final int entry;
    private final long heldOffset;
    private final Signal signal;
    private final Signal wakeOnly;

    SemaphoreCore(final SyncBuilder<?> builder, final ObjectKind kind, final long permits,
        final SharedFile.OpenMode mode)
    {
        if (permits < 0)
        {
            throw new IllegalArgumentException("negative initial permits: " + permits);
        }
        this.bounded = kind == ObjectKind.BOUNDED_SEMAPHORE;
        this.initialPermits = permits;
        final SharedFile.Spec spec = new SharedFile.Spec(kind, SemaphoreDescriptor.VERSION, new long[] {permits},
            SemaphoreDescriptor.LENGTH, builder.processTableCapacity,
            (file, body, length) -> file.set(JAVA_LONG, body + SemaphoreDescriptor.COUNT_OFFSET, permits));
        this.file = builder.map(spec, mode);
        this.segment = file.segment();
        this.countOffset = file.bodyOffset() + SemaphoreDescriptor.COUNT_OFFSET;
        this.signalOffset = file.bodyOffset() + SemaphoreDescriptor.SIGNAL_OFFSET;
        this.strategy = builder.waitStrategy;
        this.wakeOnly = new Signal(segment, signalOffset, -1);
        file.requireParameter(SemaphoreDescriptor.INITIAL_PERMITS_PARAMETER, "initial permits", permits);
        final int attached = SyncCores.attachOrClose(file, dead -> recover(dead, true));
        this.entry = attached;
        this.heldOffset = ProcessTableDescriptor.kindWordOffset(attached, SemaphoreDescriptor.HELD_KIND_WORD);
        this.signal = new Signal(segment, signalOffset,
            ProcessTableDescriptor.waitingOffset(attached, SemaphoreDescriptor.SIGNAL_NUMBER));
    }

    /** One attempt: {@link LockCore#ACQUIRED} if a permit was taken, else {@link LockCore#FAILED}. */
    @Override
    public int tryAcquireOnce()
    {
        // volatile: the current count, to CAS from
        final long count = (long)LONG.getVolatile(segment, countOffset);
        // CAS (volatile): takes a permit; acquire side of the releaser's CAS
        if (count <= 0 || !LONG.compareAndSet(segment, countOffset, count, count - 1))
        {
            return LockCore.FAILED;
        }
        // volatile add: recorded after the take, so a crash in between loses the permit rather than doubling it
        LONG.getAndAdd(segment, heldOffset, 1L);
        return LockCore.ACQUIRED;
    }

    boolean acquire(final long timeoutNanos, final boolean interruptible) throws InterruptedException
    {
        return SyncCores.acquire(file, this, strategy, signal, timeoutNanos, interruptible) != LockCore.FAILED;
    }

    /** {@link #acquire} ignoring interrupts (the flag is restored on return). */
    boolean acquireUninterruptibly(final long timeoutNanos)
    {
        return SyncCores.acquireUninterruptibly(file, this, strategy, signal, timeoutNanos) != LockCore.FAILED;
    }

    void release(final int permits)
    {
        file.ensureOpen();
        if (permits < 0)
        {
            throw new IllegalArgumentException("negative permits: " + permits);
        }
        // volatile add: forget the holding first, so a crash before the count update loses permits, never adds
        LONG.getAndAdd(segment, heldOffset, (long)-permits);
        while (true)
        {
            // volatile: the current count, to CAS from
            final long count = (long)LONG.getVolatile(segment, countOffset);
            if (bounded && count + permits > initialPermits)
            {
                // volatile add: undo, nothing was released
                LONG.getAndAdd(segment, heldOffset, (long)permits);
                throw new IllegalStateException(file.path() + ": bounded semaphore released too many times (" +
                    count + " available + " + permits + " > initial " + initialPermits + ")");
            }
            if (count > Long.MAX_VALUE - permits)
            {
                // volatile add: undo, nothing was released
                LONG.getAndAdd(segment, heldOffset, (long)permits);
                throw new IllegalStateException(file.path() + ": permit count would overflow");
            }
            // CAS (volatile): release side; the releaser's writes are visible to the next acquirer
            if (LONG.compareAndSet(segment, countOffset, count, count + permits))
            {
                break;
            }
        }
        signal.signalAll();
    }

    long available()
    {
        // volatile: a snapshot
        return (long)LONG.getVolatile(segment, countOffset);
    }

    long heldByThisProcess()
    {
        // volatile: written by this process's threads
        return (long)LONG.getVolatile(segment, heldOffset);
    }

    /** Checks every other entry holding permits; true if some dead holder's permits were returned. */
    @Override
    public boolean recoverDeadHolders()
    {
        boolean recovered = false;
        for (int other = 0; other < file.processTableCapacity(); other++)
        {
            if (other == entry)
            {
                continue;
            }
            final long otherHeld = ProcessTableDescriptor.kindWordOffset(other, SemaphoreDescriptor.HELD_KIND_WORD);
            // volatile: whether the entry holds anything worth a liveness check
            if ((long)LONG.getVolatile(segment, otherHeld) > 0 && file.recoverIfDead(other))
            {
                recovered = true;
            }
        }
        return recovered;
    }

    /** Returns the positive holding of a dead or closing entry (bounded: up to the bound) and wakes waiters. */
    private void recover(final int dead, final boolean releaseWaiters)
    {
        final long deadHeld = ProcessTableDescriptor.kindWordOffset(dead, SemaphoreDescriptor.HELD_KIND_WORD);
        // volatile swap: the holding is returned once
        final long held = (long)LONG.getAndSet(segment, deadHeld, 0L);
        if (held > 0)
        {
            while (true)
            {
                // volatile: the current count, to CAS from
                final long count = (long)LONG.getVolatile(segment, countOffset);
                final long returned = bounded ? Math.min(held, initialPermits - count) : held;
                // CAS (volatile): gives the permits back
                if (returned <= 0 || LONG.compareAndSet(segment, countOffset, count, count + returned))
                {
                    break;
                }
            }
        }
        if (releaseWaiters)
        {
            Signal.releaseWaitersOf(segment, signalOffset,
                ProcessTableDescriptor.waitingOffset(dead, SemaphoreDescriptor.SIGNAL_NUMBER));
        }
        wakeOnly.signalAll();
    }

    void close()
    {
        synchronized (this)
        {
            if (file.isClosed())
            {
                return;
            }
            recover(entry, false);
            file.close();
        }
    }
}
