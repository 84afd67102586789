package io.jvmipc.sync;

import io.jvmipc.file.CorruptFileException;
import io.jvmipc.file.ObjectKind;
import io.jvmipc.file.ProcessTableDescriptor;
import io.jvmipc.file.SharedFile;
import io.jvmipc.file.SharedFile.OpenMode;
import io.jvmipc.wait.Signal;
import io.jvmipc.wait.WaitStrategy;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static io.jvmipc.sync.BarrierDescriptor.arrived;
import static io.jvmipc.sync.BarrierDescriptor.fresh;
import static io.jvmipc.sync.BarrierDescriptor.generation;
import static io.jvmipc.sync.BarrierDescriptor.tag;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * A cyclic barrier for a fixed number of parties, which may be threads of any processes on this host: Python's
 * {@code multiprocessing.Barrier}, with {@link java.util.concurrent.CyclicBarrier}'s method names.
 * <p>
 * <b>Waiting</b>: {@link #await()} blocks until {@link #parties()} calls to {@code await} (from any processes)
 * have arrived in the current generation; the last to arrive runs this process's action (if its builder was
 * given one), then releases everyone and starts the next generation. Waiters spin briefly, then sleep on a futex
 * (no CPU); an interrupt is honoured within one sleep slice (50 ms by default).
 * <p>
 * <b>Breaking</b>: the barrier breaks, and every thread waiting in the current generation, in every process,
 * gets {@link BrokenBarrierException}, when: a waiter times out (it gets {@link TimeoutException}), a waiter is
 * interrupted (it gets {@link InterruptedException}), the action throws (the last arriver gets that exception),
 * {@link #abort()} or {@link #reset()} is called, a process closes this barrier while one of its threads has
 * arrived in the current generation, or <b>the process of a party that has arrived in the current generation
 * dies</b> before the generation completes (including while it runs the action). Once broken, every
 * {@code await} throws {@link BrokenBarrierException} at once until {@link #reset()}.
 * <p>
 * <b>Death detection</b>: each process records, in its process-table entry, the generation its threads last
 * arrived in. A waiter checks, about every 50 ms while it waits, whether the process of any other party of its
 * generation has died ({@link SharedFile#recoverIfDead(int)}: an OFD lock the kernel drops at death, so a live
 * process is never taken for dead); the first to notice breaks the barrier and wakes everyone. So survivors see
 * a dead party within about 50 ms plus scheduling. A party that dies <em>before</em> calling {@code await} is
 * not detected (nobody knows it was a party): use a timeout for that.
 * <p>
 * <b>Memory ordering</b>: everything a party wrote before its {@code await}, and everything the action wrote, is
 * visible to every party after its {@code await} returned normally.
 * <p>
 * <b>Lifecycle</b>: {@link #close()} detaches this process; any later call throws {@link IllegalStateException}
 * naming the file. Thread-safe.
 */
public final class SharedBarrier implements AutoCloseable
{
    private static final VarHandle LONG = JAVA_LONG.varHandle();
    private static final long LIVENESS_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final SharedFile file;
    private final MemorySegment segment;
    private final long bodyOffset;
    private final long stateOffset;
    private final long tagOffset;
    private final int parties;
    private final Signal signal;
    private final WaitStrategy waitStrategy;
    private final Runnable action;
    private final long defaultTimeoutNanos;

    private SharedBarrier(final SharedFile file, final WaitStrategy waitStrategy, final Runnable action,
        final long defaultTimeoutNanos)
    {
        this.file = file;
        this.segment = file.segment();
        this.bodyOffset = file.bodyOffset();
        this.stateOffset = bodyOffset + BarrierDescriptor.STATE_OFFSET;
        this.tagOffset = ProcessTableDescriptor.kindWordOffset(file.entry(), BarrierDescriptor.ARRIVAL_TAG_WORD);
        this.parties = (int)file.parameter(BarrierDescriptor.PARTIES_PARAMETER);
        this.signal = new Signal(segment, bodyOffset + BarrierDescriptor.SIGNAL_OFFSET,
            ProcessTableDescriptor.waitingOffset(file.entry(), BarrierDescriptor.SIGNAL_NUMBER));
        this.waitStrategy = waitStrategy;
        this.action = action;
        this.defaultTimeoutNanos = defaultTimeoutNanos;
    }

    /**
     * Starts building a barrier named {@code name}.
     *
     * @param name the object's name in its directory.
     * @return a builder.
     * @throws IllegalArgumentException if the name is not a valid object name.
     */
    public static Builder builder(final String name)
    {
        return new Builder(name);
    }

    /**
     * The number of parties needed to trip the barrier. Python's {@code Barrier.parties}.
     *
     * @return the parties.
     */
    public int parties()
    {
        return parties;
    }

    /**
     * How many parties are waiting in the current generation. Python's {@code Barrier.n_waiting}.
     *
     * @return the number waiting; 0 if broken.
     * @throws IllegalStateException if closed.
     */
    public int numberWaiting()
    {
        file.ensureOpen();
        // volatile: the current state
        final long state = (long)LONG.getVolatile(segment, stateOffset);
        return BarrierDescriptor.isBroken(state) ? 0 : Math.min(arrived(state), parties - 1);
    }

    /**
     * Whether the barrier is broken. Python's {@code Barrier.broken}.
     *
     * @return {@code true} if broken.
     * @throws IllegalStateException if closed.
     */
    public boolean isBroken()
    {
        file.ensureOpen();
        // volatile: the current state
        return BarrierDescriptor.isBroken((long)LONG.getVolatile(segment, stateOffset));
    }

    /**
     * Waits until all parties have arrived. If the builder set a default timeout, waits at most that long and
     * then breaks the barrier and throws {@link BrokenBarrierException} (Python's {@code Barrier.wait()} with
     * the barrier's timeout); otherwise waits without a time limit.
     *
     * @return the arrival index: {@code parties() - 1} for the first to arrive, 0 for the last (which ran the
     *         action).
     * @throws BrokenBarrierException if the barrier is or becomes broken while waiting (see the class comment).
     * @throws InterruptedException   if the thread is interrupted while waiting (the barrier is broken).
     * @throws IllegalStateException  if closed.
     */
    public int await() throws InterruptedException, BrokenBarrierException
    {
        if (defaultTimeoutNanos < 0)
        {
            try
            {
                return awaitNanos(WaitStrategy.NO_DEADLINE);
            }
            catch (final TimeoutException impossible)
            {
                throw new AssertionError(impossible);
            }
        }
        try
        {
            return awaitNanos(WaitStrategy.deadline(defaultTimeoutNanos));
        }
        catch (final TimeoutException e)
        {
            final BrokenBarrierException broken = new BrokenBarrierException(file.path() +
                ": broken by this waiter's default timeout of " + defaultTimeoutNanos + " ns");
            broken.initCause(e);
            throw broken;
        }
    }

    /**
     * Waits until all parties have arrived, or the timeout elapses. Python's {@code Barrier.wait(timeout)}.
     *
     * @param timeout how long to wait at most; 0 means "do not wait" (breaks the barrier unless this call
     *                completes it).
     * @param unit    the timeout's unit.
     * @return the arrival index: {@code parties() - 1} for the first to arrive, 0 for the last.
     * @throws IllegalArgumentException if {@code timeout} is negative.
     * @throws TimeoutException         if the timeout elapsed; this call broke the barrier.
     * @throws BrokenBarrierException   if the barrier is or becomes broken while waiting.
     * @throws InterruptedException     if the thread is interrupted while waiting (the barrier is broken).
     * @throws IllegalStateException    if closed.
     */
    public int await(final long timeout, final TimeUnit unit)
        throws InterruptedException, BrokenBarrierException, TimeoutException
    {
        return awaitNanos(WaitStrategy.deadline(timeout, unit));
    }

    /**
     * Breaks the barrier: every waiter gets {@link BrokenBarrierException}, and so does every later
     * {@code await} until {@link #reset()}. Python's {@code Barrier.abort()}. Never blocks.
     *
     * @throws IllegalStateException if closed.
     */
    public void abort()
    {
        file.ensureOpen();
        while (true)
        {
            // volatile: the current state
            final long state = (long)LONG.getVolatile(segment, stateOffset);
            if (BarrierDescriptor.isBroken(state) || breakGeneration(segment, bodyOffset, generation(state)))
            {
                return;
            }
        }
    }

    /**
     * Returns the barrier to its initial state: waiters of the current generation get
     * {@link BrokenBarrierException}, and a new generation starts with nobody arrived. Python's
     * {@code Barrier.reset()}. Never blocks.
     *
     * @throws IllegalStateException if closed.
     */
    public void reset()
    {
        file.ensureOpen();
        while (true)
        {
            // volatile: the current state
            final long state = (long)LONG.getVolatile(segment, stateOffset);
            final int generation = generation(state);
            if (!BarrierDescriptor.isBroken(state))
            {
                if (arrived(state) == 0)
                {
                    return;
                }
                breakGeneration(segment, bodyOffset, generation);
                continue;
            }
            recordBroken(generation);
            // volatile CAS: starts the next generation; the ring entry above is visible to anyone who sees it
            if (LONG.compareAndSet(segment, stateOffset, state, fresh(generation + 1)))
            {
                signal.signalAll();
                return;
            }
        }
    }

    private int awaitNanos(final long deadline)
        throws InterruptedException, BrokenBarrierException, TimeoutException
    {
        file.ensureOpen();
        if (Thread.interrupted())
        {
            abort();
            throw new InterruptedException();
        }
        int generation;
        int arrivedBefore;
        long waitState = WaitStrategy.INITIAL;
        long lastCheck = System.nanoTime();
        try
        {
            while (true)
            {
                // volatile: the current state, for the arrival CAS
                final long state = (long)LONG.getVolatile(segment, stateOffset);
                generation = generation(state);
                if (BarrierDescriptor.isBroken(state))
                {
                    throw broken(generation);
                }
                arrivedBefore = arrived(state);
                if (arrivedBefore < parties)
                {
                    // volatile: our tag is visible before our arrival, so whoever finds this process dead knows
                    LONG.setVolatile(segment, tagOffset, tag(generation));
                    // volatile CAS: counts our arrival; publishes our earlier writes to the other parties
                    if (LONG.compareAndSet(segment, stateOffset, state, state + 1))
                    {
                        break;
                    }
                    continue;
                }
                // all parties are in and the last one is running the action: wait for the next generation
                final long now = System.nanoTime();
                if (now - lastCheck >= LIVENESS_CHECK_NANOS)
                {
                    lastCheck = now;
                    recoverDeadParties(generation);
                    continue;
                }
                waitState = waitStrategy.idle(signal, waitState, deadline);
                if (waitState == WaitStrategy.TIMED_OUT)
                {
                    throw new TimeoutException(file.path() + ": timed out before it could arrive (the last party " +
                        "of generation " + generation + " was still running the action)");
                }
            }
        }
        finally
        {
            waitStrategy.done(signal, waitState);
        }
        if (arrivedBefore + 1 == parties)
        {
            return trip(generation);
        }
        return awaitTrip(generation, parties - 1 - arrivedBefore, deadline);
    }

    private int trip(final int generation) throws BrokenBarrierException
    {
        if (action != null)
        {
            try
            {
                action.run();
            }
            catch (final RuntimeException | Error e)
            {
                breakGeneration(segment, bodyOffset, generation);
                throw e;
            }
        }
        // volatile CAS: ends the generation; publishes the action's writes to the released parties. Fails only
        // if the barrier was broken meanwhile (abort, reset, a timed-out waiter or a dead party).
        if (!LONG.compareAndSet(segment, stateOffset, fresh(generation) | parties, fresh(generation + 1)))
        {
            throw broken(generation);
        }
        signal.signalAll();
        return 0;
    }

    private int awaitTrip(final int generation, final int index, final long deadline)
        throws InterruptedException, BrokenBarrierException, TimeoutException
    {
        long waitState = WaitStrategy.INITIAL;
        long lastCheck = System.nanoTime();
        boolean interrupted = false;
        try
        {
            while (true)
            {
                // acquire: once the generation has moved on, the other parties' and the action's writes are visible
                final long state = (long)LONG.getAcquire(segment, stateOffset);
                if (generation(state) != generation)
                {
                    return outcome(generation, index);
                }
                if (BarrierDescriptor.isBroken(state))
                {
                    throw broken(generation);
                }
                final long now = System.nanoTime();
                if (now - lastCheck >= LIVENESS_CHECK_NANOS)
                {
                    lastCheck = now;
                    recoverDeadParties(generation);
                    continue;
                }
                try
                {
                    waitState = waitStrategy.idle(signal, waitState, deadline);
                }
                catch (final InterruptedException e)
                {
                    if (breakGeneration(segment, bodyOffset, generation))
                    {
                        throw e;
                    }
                    interrupted = true;  // the generation ended first: report its outcome, keep the interrupt
                    continue;
                }
                if (waitState == WaitStrategy.TIMED_OUT && breakGeneration(segment, bodyOffset, generation))
                {
                    throw new TimeoutException(file.path() + ": timed out waiting for " + parties +
                        " parties; the barrier is now broken");
                }
            }
        }
        finally
        {
            waitStrategy.done(signal, waitState);
            if (interrupted)
            {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** After generation {@code generation} has ended: did it trip, or was it broken and reset? */
    private int outcome(final int generation, final int index) throws BrokenBarrierException
    {
        // acquire: pairs with the resetter's CAS that recorded the broken generation
        final long recorded = (long)LONG.getAcquire(segment, bodyOffset + BarrierDescriptor.ringSlotOffset(generation));
        if (recorded == 0)
        {
            return index;
        }
        final int age = (int)(recorded - 1) - generation;
        if (age < 0)
        {
            return index;
        }
        if (age == 0)
        {
            throw broken(generation);
        }
        throw new BrokenBarrierException(file.path() + ": cannot tell whether generation " + generation +
            " tripped: this waiter slept through " + BarrierDescriptor.RING_SLOTS + " or more resets");
    }

    private void recordBroken(final int generation)
    {
        final long slot = bodyOffset + BarrierDescriptor.ringSlotOffset(generation);
        while (true)
        {
            // volatile: the slot's current record, kept if it is for this generation or a later one
            final long current = (long)LONG.getVolatile(segment, slot);
            if (current != 0 && (int)(current - 1) - generation >= 0)
            {
                return;
            }
            // volatile CAS: a slow resetter never overwrites a newer record
            if (LONG.compareAndSet(segment, slot, current, tag(generation)))
            {
                return;
            }
        }
    }

    private void recoverDeadParties(final int generation)
    {
        final long expected = tag(generation);
        for (int i = 0; i < file.processTableCapacity(); i++)
        {
            // acquire: another process's arrival tag
            if (i != file.entry() && (long)LONG.getAcquire(segment,
                ProcessTableDescriptor.kindWordOffset(i, BarrierDescriptor.ARRIVAL_TAG_WORD)) == expected)
            {
                file.recoverIfDead(i);  // runs recoverDeadParty if that process is gone: breaks the barrier
            }
        }
    }

    private BrokenBarrierException broken(final int generation)
    {
        return new BrokenBarrierException(file.path() + ": the barrier is broken (generation " + generation + ")");
    }

    /**
     * Breaks generation {@code generation} if it is still current and not broken, and wakes every waiter.
     *
     * @return {@code true} if this call broke it.
     */
    private static boolean breakGeneration(final MemorySegment segment, final long bodyOffset, final int generation)
    {
        final long stateOffset = bodyOffset + BarrierDescriptor.STATE_OFFSET;
        while (true)
        {
            // volatile: the current state, for the CAS below
            final long state = (long)LONG.getVolatile(segment, stateOffset);
            if (generation(state) != generation || BarrierDescriptor.isBroken(state))
            {
                return false;
            }
            // volatile CAS: sets the broken flag of this generation only
            if (LONG.compareAndSet(segment, stateOffset, state, state | BarrierDescriptor.BROKEN))
            {
                new Signal(segment, bodyOffset + BarrierDescriptor.SIGNAL_OFFSET, -1).signalAll();
                return true;
            }
        }
    }

    /** Dead-owner recovery: drops the dead process's waiter registrations and breaks its generation. */
    private static void recoverDeadParty(final MemorySegment segment, final long bodyOffset, final int dead)
    {
        Signal.releaseWaitersOf(segment, bodyOffset + BarrierDescriptor.SIGNAL_OFFSET,
            ProcessTableDescriptor.waitingOffset(dead, BarrierDescriptor.SIGNAL_NUMBER));
        breakIfArrived(segment, bodyOffset, dead);
    }

    /** Breaks the current generation if a thread of entry {@code entry}'s process has arrived in it. */
    private static void breakIfArrived(final MemorySegment segment, final long bodyOffset, final int entry)
    {
        // volatile: takes the process's arrival tag
        final long tag = (long)LONG.getAndSet(segment,
            ProcessTableDescriptor.kindWordOffset(entry, BarrierDescriptor.ARRIVAL_TAG_WORD), 0L);
        if (tag != 0)
        {
            breakGeneration(segment, bodyOffset, (int)(tag - 1));
        }
    }

    /**
     * The barrier's file.
     *
     * @return its path.
     */
    public Path path()
    {
        return file.path();
    }

    /**
     * Removes the barrier's name so that no process can attach any more; attached processes keep using it.
     *
     * @throws IllegalStateException if closed, or another live process is attached (nothing is removed).
     */
    public void unlink()
    {
        file.unlink();
    }

    /**
     * Detaches this process. If a thread of this process has arrived in the current generation and is still
     * waiting, the barrier breaks (that party is leaving). Idempotent; the barrier stays for other processes.
     */
    @Override
    public void close()
    {
        synchronized (this)
        {
            if (file.isClosed())
            {
                return;
            }
            // our own waiter registrations are left to the recovery of our entry after the close: a waiting thread
            // of ours that wakes before the close may still deregister itself, and must not be counted twice
            breakIfArrived(segment, bodyOffset, file.entry());
            file.close();
        }
    }

    @Override
    public String toString()
    {
        return "SharedBarrier " + file.path() + " (" + parties + " parties)";
    }

    /**
     * Builds a {@link SharedBarrier}.
     */
    public static final class Builder extends SyncBuilder<Builder>
    {
        private int parties = -1;
        private Runnable action;
        private long defaultTimeoutNanos = -1;

        private Builder(final String name)
        {
            super(name);
        }

        /**
         * The number of parties; needed to create, and checked against the existing barrier if set when
         * attaching.
         *
         * @param parties 1 or more.
         * @return this builder.
         * @throws IllegalArgumentException if less than 1.
         */
        public Builder parties(final int parties)
        {
            if (parties < 1)
            {
                throw new IllegalArgumentException("a barrier needs at least one party: " + parties);
            }
            this.parties = parties;
            return this;
        }

        /**
         * What the last arriving party runs, in its own thread, before releasing the others (Python's
         * {@code action}). Each process gives its own; only the action of the process whose thread arrives last
         * runs. If it throws, the barrier breaks and that exception propagates from the last party's
         * {@code await}.
         *
         * @param action the action, or {@code null} for none.
         * @return this builder.
         */
        public Builder action(final Runnable action)
        {
            this.action = action;
            return this;
        }

        /**
         * The time limit of {@link SharedBarrier#await()} in this process (Python's {@code timeout}); none by
         * default. When it elapses, the barrier breaks and {@code await()} throws
         * {@link BrokenBarrierException}.
         *
         * @param timeout the limit, 0 or more.
         * @param unit    its unit.
         * @return this builder.
         * @throws IllegalArgumentException if negative.
         */
        public Builder timeout(final long timeout, final TimeUnit unit)
        {
            this.defaultTimeoutNanos = WaitStrategy.timeoutNanos(timeout, unit);
            return this;
        }

        /**
         * Creates the barrier; fails if the name exists.
         *
         * @return the attached barrier.
         * @throws IllegalStateException                      if no parties were given.
         * @throws io.jvmipc.file.SharedObjectExistsException if an object of that name exists.
         */
        public SharedBarrier create()
        {
            return open(OpenMode.CREATE);
        }

        /**
         * Attaches to an existing barrier.
         *
         * @return the attached barrier.
         * @throws io.jvmipc.file.NoSuchSharedObjectException     if there is none.
         * @throws io.jvmipc.file.WrongKindException              if the file holds another kind of object.
         * @throws io.jvmipc.file.IncompatibleParametersException if parties were given and differ.
         * @throws io.jvmipc.file.SharedObjectException           if the file is foreign, truncated or corrupt.
         */
        public SharedBarrier open()
        {
            return open(OpenMode.OPEN);
        }

        /**
         * Attaches to the barrier, creating it if it does not exist; race-free between processes.
         *
         * @return the attached barrier.
         * @throws IllegalStateException                          if no parties were given.
         * @throws io.jvmipc.file.WrongKindException              if the file holds another kind of object.
         * @throws io.jvmipc.file.IncompatibleParametersException if it exists with other parties.
         * @throws io.jvmipc.file.SharedObjectException           if the file is foreign, truncated or corrupt.
         */
        public SharedBarrier openOrCreate()
        {
            return open(OpenMode.OPEN_OR_CREATE);
        }

        private SharedBarrier open(final OpenMode mode)
        {
            if (mode != OpenMode.OPEN && parties < 1)
            {
                throw new IllegalStateException("a number of parties is needed to create barrier '" + name() + "'");
            }
            final Path path = path();
            final SharedFile.Spec spec = mode == OpenMode.OPEN ? null : new SharedFile.Spec(ObjectKind.BARRIER,
                BarrierDescriptor.VERSION, new long[] {parties}, BarrierDescriptor.LENGTH, processTableCapacity(),
                null);
            final SharedFile file = SharedFile.map(path, ObjectKind.BARRIER, BarrierDescriptor.VERSION, mode, spec);
            try
            {
                final long actualParties = file.parameter(BarrierDescriptor.PARTIES_PARAMETER);
                if (file.bodyLength() < BarrierDescriptor.LENGTH || actualParties < 1 ||
                    actualParties > BarrierDescriptor.ARRIVED_MASK)
                {
                    throw new CorruptFileException(path, "barrier of " + actualParties + " parties with a " +
                        file.bodyLength() + "-byte body");
                }
                if (parties >= 1)
                {
                    file.requireParameter(BarrierDescriptor.PARTIES_PARAMETER, "parties", parties);
                }
                final MemorySegment segment = file.segment();
                final long bodyOffset = file.bodyOffset();
                file.attach(dead -> recoverDeadParty(segment, bodyOffset, dead));
                return new SharedBarrier(file, waitStrategy, action, defaultTimeoutNanos);
            }
            catch (final RuntimeException e)
            {
                file.close();
                throw e;
            }
        }
    }
}
