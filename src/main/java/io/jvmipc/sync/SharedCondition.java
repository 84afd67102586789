package io.jvmipc.sync;

import io.jvmipc.file.CorruptFileException;
import io.jvmipc.file.ProcessTableDescriptor;
import io.jvmipc.file.SharedDirectory;
import io.jvmipc.file.SharedFile;
import io.jvmipc.file.SharedHandle;
import io.jvmipc.file.SharedObjectException;
import io.jvmipc.wait.Signal;
import io.jvmipc.wait.WaitLoop;
import io.jvmipc.wait.WaitStrategy;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;
import java.util.Date;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.function.BooleanSupplier;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * A condition variable shared by processes, bound to a {@link SharedLock} or a {@link SharedReentrantLock}:
 * Python's {@code multiprocessing.Condition(lock)}. It has its own name (a condition file); every process must
 * bind it to the same lock (checked: kind and file name), else {@link io.jvmipc.file.IncompatibleParametersException}.
 * <p>
 * <b>Use</b>: hold the lock, then {@link #await()} (releases the lock fully, sleeps, and takes it back before
 * returning, with the reentrant lock's hold count restored), or {@link #signal()} / {@link #signalAll()}.
 * Waiting or signalling without holding the lock throws {@link IllegalMonitorStateException} (for a plain
 * {@link SharedLock}, "holding" means this process locked it through the bound handle).
 * <p>
 * <b>Semantics</b>: {@link #signal()} turns one registered waiter into one wake permit; any waiting thread may
 * take that permit, including one that started waiting after the signal (barging). As with every
 * {@code java.util.concurrent} condition, spurious wake-ups may happen: wait in a loop on a predicate,
 * as {@link #awaitFor(BooleanSupplier, long, TimeUnit)} does.
 * <p>
 * <b>Waiting</b>: spin briefly, then sleep on a futex (the builder's wait strategy). Every wait has untimed and
 * timed forms; a timeout of zero or less releases and re-takes the lock without sleeping. Interrupts are honoured
 * within one futex slice (50 ms by default).
 * <p>
 * <b>Process death</b>: a waiter whose signalling partner died is not woken by anyone: use a timed wait, which
 * returns {@code false} (or a non-positive remaining time) at its deadline. If the partner died while holding the
 * lock, re-taking it after the wait throws {@link OwnerDiedException} (the waiter then holds the lock). The
 * registrations of a dead waiter process are removed when its death is noticed (by a process attaching to its
 * entry), so that signals are not spent on it for long; one spent on it is at worst given to another waiter as
 * a spurious wake-up. A crash never loses a wake-up for a live waiter.
 * <p>
 * One handle is one attachment. Thread-safe.
 */
public final class SharedCondition implements Condition, AutoCloseable
{
    private static final VarHandle LONG = JAVA_LONG.varHandle();
    private static final WaitLoop.Attempt<SharedCondition> ATTEMPT = SharedCondition::attempt;

    private final SharedFile file;
    private final ConditionLock lock;
    private final MemorySegment segment;
    private final long stateOffset;
    private final long registeredOffset;
    private final WaitStrategy strategy;
    private final Signal signal;

    private SharedCondition(final Builder builder, final SharedFile.OpenMode mode)
    {
        this.lock = builder.lock;
        final long lockNameHash = lock.path().getFileName().toString().hashCode();
        final SharedFile.Spec spec = new SharedFile.Spec(io.jvmipc.file.ObjectKind.CONDITION,
            ConditionDescriptor.VERSION, new long[] {lock.kind().code(), lockNameHash}, ConditionDescriptor.LENGTH,
            builder.processTableCapacity, null);
        // the one open path: the binder checks the parameters, binds the signal and names the recovery, which
        // works on the file alone; the handle, which needs this attachment's entry, is built once attached
        final int lockKind = lock.kind().code();
        final SyncCores.Attached attached = builder.open(spec, mode, opened ->
        {
            opened.requireParameter(ConditionDescriptor.LOCK_KIND_PARAMETER, "bound lock kind code", lockKind);
            opened.requireParameter(ConditionDescriptor.LOCK_NAME_PARAMETER, "bound lock name hash", lockNameHash);
            final Signal bound = Signal.of(opened, ConditionDescriptor.SIGNAL_NUMBER,
                opened.bodyOffset() + ConditionDescriptor.SIGNAL_OFFSET);
            return new SharedFile.Bound<>(new SyncCores.Attached(opened, bound), dead -> recover(opened, dead));
        });
        this.file = attached.file();
        this.signal = attached.signal();
        this.segment = file.segment();
        this.stateOffset = file.bodyOffset() + ConditionDescriptor.STATE_OFFSET;
        this.strategy = builder.waitStrategy;
        this.registeredOffset = ProcessTableDescriptor.kindWordOffset(file.entry(),
            ConditionDescriptor.REGISTERED_KIND_WORD);
    }

    /**
     * Starts building a condition bound to a plain shared lock.
     *
     * @param name the condition's name in its directory.
     * @param lock the lock it is bound to (must stay open while the condition is used).
     * @return a builder.
     * @throws IllegalArgumentException if the name is invalid.
     */
    public static Builder builder(final String name, final SharedLock lock)
    {
        return new Builder(name, Objects.requireNonNull(lock, "lock").conditionLock());
    }

    /**
     * Starts building an anonymous object of this kind, Python's unnamed one: it gets a fresh name
     * ({@link SharedDirectory#newAnonymousName()}) and is marked anonymous, and its file is removed when the last
     * attached process closes it (or, if every process died, by the next open of its name or a cleanup). Create
     * it with the builder's {@code create()} (an anonymous builder names one object) and pass its
     * {@code handle()} to the processes that share it.
     *
     * @param lock the lock it is bound to (must stay open while the condition is used).
     * @return a builder.
     */
    public static Builder anonymous(final SharedLock lock)
    {
        return builder(SharedDirectory.newAnonymousName(), lock);
    }

    /**
     * Starts building a condition bound to a shared reentrant lock (Python's default for {@code Condition()}).
     *
     * @param name the condition's name in its directory.
     * @param lock the lock it is bound to (must stay open while the condition is used).
     * @return a builder.
     * @throws IllegalArgumentException if the name is invalid.
     */
    public static Builder builder(final String name, final SharedReentrantLock lock)
    {
        return new Builder(name, Objects.requireNonNull(lock, "lock").conditionLock());
    }

    /**
     * Starts building an anonymous object of this kind, Python's unnamed one: it gets a fresh name
     * ({@link SharedDirectory#newAnonymousName()}) and is marked anonymous, and its file is removed when the last
     * attached process closes it (or, if every process died, by the next open of its name or a cleanup). Create
     * it with the builder's {@code create()} (an anonymous builder names one object) and pass its
     * {@code handle()} to the processes that share it.
     *
     * @param lock the lock it is bound to (must stay open while the condition is used).
     * @return a builder.
     */
    public static Builder anonymous(final SharedReentrantLock lock)
    {
        return builder(SharedDirectory.newAnonymousName(), lock);
    }

    /**
     * Releases the lock, waits until signalled (or spuriously woken) or interrupted, and re-takes the lock.
     * Mirrors Python's {@code cond.wait()}.
     *
     * @throws InterruptedException         if interrupted while waiting (the lock is held again first).
     * @throws IllegalMonitorStateException if the calling thread does not hold the lock.
     * @throws OwnerDiedException           if the lock's holder died meanwhile; the caller holds the lock.
     * @throws IllegalStateException        if this handle is closed.
     */
    @Override
    public void await() throws InterruptedException
    {
        awaitInternal(Long.MAX_VALUE, true);
    }

    /**
     * Like {@link #await()} but ignores interrupts (the flag is restored on return).
     *
     * @throws IllegalMonitorStateException if the calling thread does not hold the lock.
     * @throws OwnerDiedException           if the lock's holder died meanwhile; the caller holds the lock.
     * @throws IllegalStateException        if this handle is closed.
     */
    @Override
    public void awaitUninterruptibly()
    {
        try
        {
            awaitInternal(Long.MAX_VALUE, false);
        }
        catch (final InterruptedException e)
        {
            throw new AssertionError("uninterruptible wait was interrupted", e);
        }
    }

    /**
     * Waits at most {@code timeout}. Mirrors Python's {@code cond.wait(timeout)} (which also returns
     * {@code False} on timeout).
     *
     * @param timeout how long to wait; zero: release and re-take the lock without sleeping.
     * @param unit    the timeout's unit.
     * @return {@code false} if the timeout passed without a wake-up, else {@code true}.
     * @throws InterruptedException         if interrupted while waiting (the lock is held again first).
     * @throws IllegalMonitorStateException if the calling thread does not hold the lock.
     * @throws OwnerDiedException           if the lock's holder died meanwhile; the caller holds the lock.
     * @throws IllegalStateException        if this handle is closed.
     */
    @Override
    public boolean await(final long timeout, final TimeUnit unit) throws InterruptedException
    {
        return awaitInternal(WaitStrategy.timeoutNanos(timeout, unit), true) > 0;
    }

    /**
     * Waits at most {@code nanosTimeout}, like {@link Condition#awaitNanos(long)}.
     *
     * @param nanosTimeout how long to wait; zero or negative: do not sleep.
     * @return an estimate of the time left (positive if woken), or zero or less if the timeout passed.
     * @throws InterruptedException         if interrupted while waiting (the lock is held again first).
     * @throws IllegalMonitorStateException if the calling thread does not hold the lock.
     * @throws OwnerDiedException           if the lock's holder died meanwhile; the caller holds the lock.
     * @throws IllegalStateException        if this handle is closed.
     */
    @Override
    public long awaitNanos(final long nanosTimeout) throws InterruptedException
    {
        return awaitInternal(nanosTimeout, true);
    }

    /**
     * Waits until a wall-clock time, like {@link Condition#awaitUntil(Date)}.
     *
     * @param deadline when to give up.
     * @return {@code false} if the deadline passed without a wake-up.
     * @throws InterruptedException         if interrupted while waiting (the lock is held again first).
     * @throws IllegalMonitorStateException if the calling thread does not hold the lock.
     * @throws OwnerDiedException           if the lock's holder died meanwhile; the caller holds the lock.
     * @throws IllegalStateException        if this handle is closed.
     */
    @Override
    public boolean awaitUntil(final Date deadline) throws InterruptedException
    {
        // a deadline already past is not bad input here: it means "do not sleep"
        return await(Math.max(0, deadline.getTime() - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
    }

    /**
     * Waits until {@code predicate} is true, re-checking it (with the lock held) after every wake-up. Mirrors
     * Python's {@code cond.wait_for(predicate)}.
     *
     * @param predicate evaluated with the lock held.
     * @return {@code true} (the predicate's last value).
     * @throws InterruptedException         if interrupted while waiting.
     * @throws IllegalMonitorStateException if the calling thread does not hold the lock.
     * @throws OwnerDiedException           if the lock's holder died meanwhile; the caller holds the lock.
     * @throws IllegalStateException        if this handle is closed.
     */
    public boolean awaitFor(final BooleanSupplier predicate) throws InterruptedException
    {
        requireHeld("awaitFor");
        while (!predicate.getAsBoolean())
        {
            await();
        }
        return true;
    }

    /**
     * Waits until {@code predicate} is true or {@code timeout} passes, re-checking it (with the lock held) after
     * every wake-up. Mirrors Python's {@code cond.wait_for(predicate, timeout)}.
     *
     * @param predicate evaluated with the lock held.
     * @param timeout   how long to wait at most; zero: evaluate once, do not wait.
     * @param unit      the timeout's unit.
     * @return the predicate's last value ({@code false} only if the timeout passed).
     * @throws InterruptedException         if interrupted while waiting.
     * @throws IllegalMonitorStateException if the calling thread does not hold the lock.
     * @throws OwnerDiedException           if the lock's holder died meanwhile; the caller holds the lock.
     * @throws IllegalStateException        if this handle is closed.
     */
    public boolean awaitFor(final BooleanSupplier predicate, final long timeout, final TimeUnit unit)
        throws InterruptedException
    {
        requireHeld("awaitFor");
        final long deadline = System.nanoTime() + WaitStrategy.timeoutNanos(timeout, unit);
        boolean result = predicate.getAsBoolean();
        while (!result)
        {
            final long remaining = deadline - System.nanoTime();
            if (remaining <= 0)
            {
                break;
            }
            awaitInternal(remaining, true);
            result = predicate.getAsBoolean();
        }
        return result;
    }

    /**
     * Wakes one waiter, if any is registered (in any process). Never blocks. Mirrors Python's
     * {@code cond.notify()}.
     *
     * @throws IllegalMonitorStateException if the calling thread does not hold the lock.
     * @throws IllegalStateException        if this handle is closed.
     */
    @Override
    public void signal()
    {
        requireHeld("signal");
        try
        {
            while (true)
            {
                // volatile: the current state, to CAS from
                final long state = checked((long)LONG.getVolatile(segment, stateOffset));
                if (ConditionDescriptor.waiters(state) == 0)
                {
                    return;
                }
                // CAS (volatile): one registration becomes one permit in a single step
                if (LONG.compareAndSet(segment, stateOffset, state, state - ConditionDescriptor.ONE_WAITER + 1))
                {
                    signal.signalAll();
                    return;
                }
            }
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    /**
     * Wakes every registered waiter (in any process). Never blocks. Mirrors Python's {@code cond.notify_all()}.
     *
     * @throws IllegalMonitorStateException if the calling thread does not hold the lock.
     * @throws IllegalStateException        if this handle is closed.
     */
    @Override
    public void signalAll()
    {
        requireHeld("signalAll");
        try
        {
            while (true)
            {
                // volatile: the current state, to CAS from
                final long state = checked((long)LONG.getVolatile(segment, stateOffset));
                final long waiters = ConditionDescriptor.waiters(state);
                if (waiters == 0)
                {
                    return;
                }
                // CAS (volatile): every registration becomes a permit
                if (LONG.compareAndSet(segment, stateOffset, state, ConditionDescriptor.permits(state) + waiters))
                {
                    signal.signalAll();
                    return;
                }
            }
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    /**
     * Registered waiters not yet signalled, over all processes (a snapshot, for diagnostics).
     *
     * @return the count.
     * @throws IllegalStateException if this handle is closed.
     */
    public int waiters()
    {
        file.ensureOpen();
        try
        {
            // volatile: a snapshot
            return (int)ConditionDescriptor.waiters(checked((long)LONG.getVolatile(segment, stateOffset)));
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
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
     * The condition's file.
     *
     * @return the path.
     */
    public Path path()
    {
        return file.path();
    }

    /**
     * Detaches this handle (the bound lock stays open). Idempotent.
     */
    @Override
    public synchronized void close()
    {
        if (file.isClosed())
        {
            return;
        }
        try
        {
            recover(file, file.entry());
        }
        catch (final InternalError | SharedObjectException e)
        {
            // the mapping is gone: nothing to deregister; detaching below still completes
        }
        finally
        {
            file.close();
        }
    }

    /**
     * Removes the condition's name (see {@link SharedFile#unlink()}).
     *
     * @throws IllegalStateException if another live process is attached (it also works after close).
     */
    public void unlink()
    {
        file.unlink();
    }

    @Override
    public String toString()
    {
        return "SharedCondition " + file.path() + " on " + lock.path();
    }

    /** Returns the remaining time: positive if woken, zero or less on timeout. */
    private long awaitInternal(final long timeoutNanos, final boolean interruptible) throws InterruptedException
    {
        requireHeld("await");
        if (interruptible && Thread.interrupted())
        {
            throw new InterruptedException();
        }
        final long start = System.nanoTime();
        try
        {
            // volatile: refused before this thread registers or lets go of the lock
            checked((long)LONG.getVolatile(segment, stateOffset));
            return awaitRegistered(timeoutNanos, interruptible, start);
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    private long awaitRegistered(final long timeoutNanos, final boolean interruptible, final long start)
        throws InterruptedException
    {
        register();
        final long saved = lock.releaseFully();
        boolean woken = false;
        boolean interrupted = false;
        InternalError fault = null;
        try
        {
            // a signal is a permit that nobody dead can hold back: nobody to blame while none is there
            woken = !WaitLoop.isWait(interruptible ?
                WaitLoop.await(file, signal, strategy, this, ATTEMPT, timeoutNanos, true) :
                WaitLoop.awaitUninterruptibly(file, signal, strategy, this, ATTEMPT, timeoutNanos));
        }
        catch (final InterruptedException e)
        {
            interrupted = true;
        }
        catch (final InternalError e)
        {
            fault = e;
        }
        finally
        {
            try
            {
                if (!woken && fault == null)
                {
                    woken = leave();
                }
            }
            catch (final InternalError e)
            {
                fault = e;
            }
            try
            {
                // whatever happened to the condition's mapping, the caller holds the lock again on return
                lock.reacquire(saved);
            }
            finally
            {
                if (interrupted && woken)
                {
                    Thread.currentThread().interrupt();
                }
            }
        }
        if (fault != null)
        {
            throw fault;
        }
        if (interrupted && !woken)
        {
            throw new InterruptedException();
        }
        final long left = timeoutNanos == Long.MAX_VALUE ? Long.MAX_VALUE : timeoutNanos - (System.nanoTime() - start);
        if (woken)
        {
            return Math.max(1, left);
        }
        return Math.min(0, left);
    }

    private long attempt()
    {
        return tryTakePermit() ? 1 : WaitLoop.WAIT;
    }

    /**
     * The state read from the file, checked: each half counts threads, so neither reaches 2^31; a larger count was
     * written by another program or a bug, and would overflow into the other half (signalAll adds the waiters to
     * the permits) or read as a negative number of waiters.
     */
    private long checked(final long state)
    {
        if (ConditionDescriptor.waiters(state) > Integer.MAX_VALUE ||
            ConditionDescriptor.permits(state) > Integer.MAX_VALUE)
        {
            throw new CorruptFileException(file.path(), "condition state 0x" + Long.toHexString(state) + ": " +
                ConditionDescriptor.waiters(state) + " waiters and " + ConditionDescriptor.permits(state) +
                " wake permits, more than " + Integer.MAX_VALUE);
        }
        return state;
    }

    private void register()
    {
        // volatile add: the shared registration first; a crash before the own count leaves a phantom waiter
        // (costs a spurious wake-up), never a removed live one
        LONG.getAndAdd(segment, stateOffset, ConditionDescriptor.ONE_WAITER);
        // volatile add: this process's share, for recovery
        LONG.getAndAdd(segment, registeredOffset, 1L);
    }

    /** Takes a wake permit if there is one; the own count is dropped first (see {@link #register()}). */
    private boolean tryTakePermit()
    {
        // volatile: a cheap look before touching the counts
        if (ConditionDescriptor.permits((long)LONG.getVolatile(segment, stateOffset)) == 0)
        {
            return false;
        }
        // volatile add: drop this process's share before leaving the shared count
        LONG.getAndAdd(segment, registeredOffset, -1L);
        while (true)
        {
            // volatile: the current state, to CAS from
            final long current = (long)LONG.getVolatile(segment, stateOffset);
            if (ConditionDescriptor.permits(current) == 0)
            {
                // volatile add: still registered after all
                LONG.getAndAdd(segment, registeredOffset, 1L);
                return false;
            }
            // CAS (volatile): takes the permit; acquire side of the signaller's CAS
            if (LONG.compareAndSet(segment, stateOffset, current, current - 1))
            {
                return true;
            }
        }
    }

    /** Leaves after a timeout or interrupt: takes a permit if one is there (then woken), else the registration. */
    private boolean leave()
    {
        // volatile add: drop this process's share before leaving the shared count
        LONG.getAndAdd(segment, registeredOffset, -1L);
        while (true)
        {
            // volatile: the current state, to CAS from
            final long current = (long)LONG.getVolatile(segment, stateOffset);
            if (ConditionDescriptor.permits(current) > 0)
            {
                // CAS (volatile): a signal meant for a waiter is consumed here rather than lost
                if (LONG.compareAndSet(segment, stateOffset, current, current - 1))
                {
                    return true;
                }
            }
            else if (ConditionDescriptor.waiters(current) > 0)
            {
                // CAS (volatile): removes one registration
                if (LONG.compareAndSet(segment, stateOffset, current, current - ConditionDescriptor.ONE_WAITER))
                {
                    return false;
                }
            }
            else
            {
                return false;
            }
        }
    }

    /**
     * Removes an entry's registrations (registrations first, then permits) and wakes sleepers. Its waiter
     * registrations on the signal are released by the file before this runs.
     * <p>
     * Restartable: the swap of the entry's count is the only step that a dead recoverer can leave half done, and
     * it leaves the shared count too high (phantom waiters, which cost a spurious wake-up), never too low.
     */
    private static void recover(final SharedFile file, final int dead)
    {
        final MemorySegment segment = file.segment();
        final long stateOffset = file.bodyOffset() + ConditionDescriptor.STATE_OFFSET;
        final long deadRegistered = ProcessTableDescriptor.kindWordOffset(dead,
            ConditionDescriptor.REGISTERED_KIND_WORD);
        // volatile swap: the registrations are removed once
        final long registered = (long)LONG.getAndSet(segment, deadRegistered, 0L);
        if (registered > 0)
        {
            while (true)
            {
                // volatile: the current state, to CAS from
                final long current = (long)LONG.getVolatile(segment, stateOffset);
                final long fromWaiters = Math.min(registered, ConditionDescriptor.waiters(current));
                final long fromPermits = Math.min(registered - fromWaiters, ConditionDescriptor.permits(current));
                // CAS (volatile): forgets the dead process's share
                if (LONG.compareAndSet(segment, stateOffset, current,
                    current - fromWaiters * ConditionDescriptor.ONE_WAITER - fromPermits))
                {
                    break;
                }
            }
        }
        new Signal(segment, file.bodyOffset() + ConditionDescriptor.SIGNAL_OFFSET, -1).signalAll();
    }

    private void requireHeld(final String operation)
    {
        file.ensureOpen();
        if (!lock.isHeldByCurrentThread())
        {
            throw new IllegalMonitorStateException(file.path() + ": " + operation + " without holding the lock " +
                lock.path());
        }
    }

    /** Creates or attaches a {@link SharedCondition}. */
    public static final class Builder extends SyncBuilder<Builder>
    {
        private final ConditionLock lock;

        private Builder(final String name, final ConditionLock lock)
        {
            super(name);
            this.lock = lock;
        }

        /**
         * Attaches to the condition if it exists, else creates it. Race-free.
         *
         * @return a handle.
         * @throws io.jvmipc.file.IncompatibleParametersException if it is bound to another lock.
         * @throws SharedObjectException                          if the file is not a usable condition.
         */
        public SharedCondition openOrCreate()
        {
            return new SharedCondition(this, SharedFile.OpenMode.OPEN_OR_CREATE);
        }

        /**
         * Creates the condition.
         *
         * @return a handle.
         * @throws io.jvmipc.file.SharedObjectExistsException if the name exists.
         */
        public SharedCondition create()
        {
            return new SharedCondition(this, SharedFile.OpenMode.CREATE);
        }

        /**
         * Attaches to an existing condition.
         *
         * @return a handle.
         * @throws io.jvmipc.file.NoSuchSharedObjectException     if there is none.
         * @throws io.jvmipc.file.IncompatibleParametersException if it is bound to another lock.
         * @throws SharedObjectException                          if the file is not a usable condition.
         */
        public SharedCondition open()
        {
            return new SharedCondition(this, SharedFile.OpenMode.OPEN);
        }
    }
}
