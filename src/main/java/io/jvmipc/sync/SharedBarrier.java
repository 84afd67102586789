package io.jvmipc.sync;

import io.jvmipc.file.CorruptFileException;
import io.jvmipc.file.ObjectKind;
import io.jvmipc.file.ProcessTableDescriptor;
import io.jvmipc.file.SharedDirectory;
import io.jvmipc.file.SharedFile;
import io.jvmipc.file.SharedFile.OpenMode;
import io.jvmipc.file.SharedHandle;
import io.jvmipc.wait.Signal;
import io.jvmipc.wait.WaitLoop;
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
 * arrived in. A waiting party probes the other attached processes every {@link SharedFile#PROBE_INTERVAL_NANOS}
 * (10 ms) while it waits ({@link SharedFile#recoverIfDead(int)}: an OFD lock the kernel drops at death, so a
 * live process is never taken for dead); the first to find a dead party of its generation breaks the barrier and
 * wakes everyone, so survivors see the death within that interval plus one sleep slice. And the last party to
 * arrive checks the liveness of every process with a party counted in the generation before it completes it (a
 * system call per such process), so a party that died after arriving breaks its generation however quickly the
 * others arrive. A party that dies <em>before</em> calling {@code await}, or after its generation completed, is
 * not detected (nobody knows it was a party of the next one): use a timeout for that.
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
    private static final WaitLoop.Attempt<SharedBarrier> ARRIVE = SharedBarrier::arrive;
    private static final WaitLoop.Attempt<Trip> AWAIT_TRIP = Trip::attempt;
    private static final int GENERATION_SHIFT_IN_RESULT = 31;
    private static final long TRIP_ENDED = 0;
    private static final long TRIP_BROKEN = 1;
    /** Test seam: runs after a recovery's first step (the break), so a test can kill the process there. */
    static volatile Runnable afterRecoveryFirstStep;
    /** {@link #defaultTimeoutNanos} when the builder set none. */
    private static final long NO_DEFAULT_TIMEOUT = -1;

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

    private SharedBarrier(final SharedFile file, final Signal signal, final WaitStrategy waitStrategy,
        final Runnable action, final long defaultTimeoutNanos)
    {
        this.file = file;
        this.segment = file.segment();
        this.bodyOffset = file.bodyOffset();
        this.stateOffset = bodyOffset + BarrierDescriptor.STATE_OFFSET;
        this.tagOffset = ProcessTableDescriptor.kindWordOffset(file.entry(), BarrierDescriptor.ARRIVAL_TAG_WORD);
        this.parties = (int)file.parameter(BarrierDescriptor.PARTIES_PARAMETER);
        this.signal = signal;
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
     * Starts building an anonymous object of this kind, Python's unnamed one: it gets a fresh name
     * ({@link SharedDirectory#newAnonymousName()}) and is marked anonymous, and its file is removed when the last
     * attached process closes it (or, if every process died, by the next open of its name or a cleanup). Create
     * it with the builder's {@code create()} (an anonymous builder names one object) and pass its
     * {@code handle()} to the processes that share it.
     *
     * @return a builder.
     */
    public static Builder anonymous()
    {
        return builder(SharedDirectory.newAnonymousName());
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
        try
        {
            // volatile: the current state
            final long state = (long)LONG.getVolatile(segment, stateOffset);
            if (BarrierDescriptor.isBroken(state))
            {
                return 0;
            }
            if (arrived(state) > parties)
            {
                throw corrupt(state);
            }
            return Math.min(arrived(state), parties - 1);
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
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
        try
        {
            // volatile: the current state
            return BarrierDescriptor.isBroken((long)LONG.getVolatile(segment, stateOffset));
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
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
        if (defaultTimeoutNanos == NO_DEFAULT_TIMEOUT)
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
     * @param timeout how long to wait at most; zero or less means "do not wait", as in
     *                {@code java.util.concurrent}: arrive, and break the barrier unless this call completes it.
     * @param unit    the timeout's unit.
     * @return the arrival index: {@code parties() - 1} for the first to arrive, 0 for the last.
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
        try
        {
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
        catch (final InternalError e)
        {
            throw file.faulted(e);
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
        try
        {
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
        catch (final InternalError e)
        {
            throw file.faulted(e);
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
        try
        {
            return arriveAndWait(deadline);
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    private int arriveAndWait(final long deadline)
        throws InterruptedException, BrokenBarrierException, TimeoutException
    {
        final long arrival = WaitLoop.await(file, signal, waitStrategy, this, ARRIVE, SyncCores.remaining(deadline),
            true);
        if (WaitLoop.isWait(arrival))
        {
            throw new TimeoutException(file.path() + ": timed out before it could arrive (the last party of the " +
                "previous generation was still running the action)");
        }
        if (arrival < 0)
        {
            throw broken((int)(-1 - arrival));
        }
        final int generation = (int)(arrival >>> GENERATION_SHIFT_IN_RESULT);
        final int arrivedBefore = (int)(arrival & BarrierDescriptor.ARRIVED_MASK);
        if (arrivedBefore + 1 == parties)
        {
            return trip(generation);
        }
        return awaitTrip(generation, parties - 1 - arrivedBefore, deadline);
    }

    /**
     * The arrival attempt: counts this thread in the current generation, or says the barrier is broken, or waits
     * while the last party of the generation runs the action (it may be dead).
     *
     * @return {@code generation << 31 | arrived before}, or {@code -1 - generation} if broken, or "wait".
     */
    private long arrive()
    {
        while (true)
        {
            // volatile: the current state, for the arrival CAS
            final long state = (long)LONG.getVolatile(segment, stateOffset);
            final long generation = generation(state) & 0xFFFF_FFFFL;
            if (BarrierDescriptor.isBroken(state))
            {
                return -1 - generation;
            }
            final int arrivedBefore = arrived(state);
            if (arrivedBefore > parties)
            {
                // more arrivals than parties: the generation can never trip, and waiting for it would never end
                throw corrupt(state);
            }
            if (arrivedBefore == parties)
            {
                // the last party is running the action. Its process's tag names this generation until the generation
                // ends or breaks (a recovery breaks it before clearing the tag): a state that says so while no entry
                // carries the tag is corrupt, and nobody would ever end it. The state read again after the scan
                // tells that from a generation that ended, and a later one's arrivals retagged, meanwhile
                if (!anyArrivedIn((int)generation) && (long)LONG.getVolatile(segment, stateOffset) == state)
                {
                    throw new CorruptFileException(file.path(), "barrier state 0x" + Long.toHexString(state) + ": all " +
                        parties + " parties arrived in generation " + generation + ", but no attached process has a " +
                        "party in it to run the action and end it (reset() starts a fresh generation)");
                }
                return WaitLoop.waitForAny();
            }
            // volatile: our tag is visible before our arrival, so whoever finds this process dead knows
            LONG.setVolatile(segment, tagOffset, tag((int)generation));
            // volatile CAS: counts our arrival; publishes our earlier writes to the other parties
            if (LONG.compareAndSet(segment, stateOffset, state, state + 1))
            {
                return generation << GENERATION_SHIFT_IN_RESULT | arrivedBefore;
            }
        }
    }

    /** The exception for a state, read from the file, that counts more arrivals than the barrier has parties. */
    private CorruptFileException corrupt(final long state)
    {
        return new CorruptFileException(file.path(), "barrier state 0x" + Long.toHexString(state) + ": " +
            arrived(state) + " arrived in generation " + (generation(state) & 0xFFFF_FFFFL) + " of a barrier of " +
            parties + " parties (reset() starts a fresh generation)");
    }

    private int trip(final int generation) throws BrokenBarrierException
    {
        // a party counted in this generation that died since it arrived breaks it: look at every one of them now,
        // since the others may have arrived before anyone's periodic probe could see the death
        recoverDeadParties(generation);
        // volatile: whether the sweep (or anyone) broke the generation
        if (BarrierDescriptor.isBroken((long)LONG.getVolatile(segment, stateOffset)))
        {
            throw broken(generation);
        }
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
        // a plain read first: the action may have run long, and on a file truncated meanwhile the read faults
        // (InternalError) where the interpreter's CAS would crash the JVM
        segment.get(JAVA_LONG, stateOffset);
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
        // the one allocation of a waiting party: its generation, for the attempt
        final Trip trip = new Trip(this, generation);
        long result;
        boolean interrupted = false;
        try
        {
            result = WaitLoop.await(file, signal, waitStrategy, trip, AWAIT_TRIP, SyncCores.remaining(deadline), true);
        }
        catch (final InterruptedException e)
        {
            if (breakGeneration(segment, bodyOffset, generation))
            {
                throw e;
            }
            interrupted = true;  // the generation ended first: report its outcome, keep the interrupt
            result = trip.attempt();
        }
        try
        {
            if (WaitLoop.isWait(result))
            {
                if (breakGeneration(segment, bodyOffset, generation))
                {
                    throw new TimeoutException(file.path() + ": timed out waiting for " + parties +
                        " parties; the barrier is now broken");
                }
                result = trip.attempt();  // the generation ended or broke just before the deadline
            }
            if (result == TRIP_BROKEN)
            {
                throw broken(generation);
            }
            return outcome(generation, index);
        }
        finally
        {
            if (interrupted)
            {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** A waiting party's attempt: its generation has ended, or is broken, or any process may be the dead one. */
    private record Trip(SharedBarrier barrier, int generation)
    {
        long attempt()
        {
            // acquire: once the generation has moved on, the other parties' and the action's writes are visible
            final long state = (long)LONG.getAcquire(barrier.segment, barrier.stateOffset);
            if (BarrierDescriptor.generation(state) != generation)
            {
                return TRIP_ENDED;
            }
            return BarrierDescriptor.isBroken(state) ? TRIP_BROKEN : WaitLoop.waitForAny();
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

    /** Whether any process-table entry, this process's too, has a party that arrived in {@code generation}. */
    private boolean anyArrivedIn(final int generation)
    {
        final long expected = tag(generation);
        for (int i = 0; i < file.processTableCapacity(); i++)
        {
            // acquire: a process's arrival tag
            if ((long)LONG.getAcquire(segment,
                ProcessTableDescriptor.kindWordOffset(i, BarrierDescriptor.ARRIVAL_TAG_WORD)) == expected)
            {
                return true;
            }
        }
        return false;
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

    /**
     * Dead-owner recovery (the file has released the entry's waiter registrations): breaks the current
     * generation if a thread of entry {@code entry}'s process has arrived in it. Restartable: the break (one
     * CAS, a no-op for a generation that ended or is broken already) comes before the tag is cleared, so a
     * recoverer that dies in between leaves the tag for the next one, which breaks again to no effect.
     */
    private static void breakIfArrived(final MemorySegment segment, final long bodyOffset, final int entry)
    {
        final long tagAt = ProcessTableDescriptor.kindWordOffset(entry, BarrierDescriptor.ARRIVAL_TAG_WORD);
        // volatile: the process's arrival tag
        final long tag = (long)LONG.getVolatile(segment, tagAt);
        if (tag != 0)
        {
            breakGeneration(segment, bodyOffset, (int)(tag - 1));
            final Runnable hook = afterRecoveryFirstStep;
            if (hook != null)
            {
                hook.run();
            }
            // volatile CAS: cleared only after the break, and only if no thread of a live closer arrived again
            LONG.compareAndSet(segment, tagAt, tag, 0L);
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
     * @throws IllegalStateException if another live process is attached (nothing is removed).
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
            try
            {
                // our own waiter registrations are left to the recovery of our entry after the close: a waiting
                // thread of ours that wakes before the close may still deregister itself, and must not be counted
                // twice
                breakIfArrived(segment, bodyOffset, file.entry());
            }
            catch (final InternalError e)
            {
                // the mapping is gone: nobody can wait on it any more; detaching below still completes
            }
            finally
            {
                file.close();
            }
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
        private long defaultTimeoutNanos = NO_DEFAULT_TIMEOUT;

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
         * {@link BrokenBarrierException}. A limit of zero or less means "do not wait", as for
         * {@link SharedBarrier#await(long, TimeUnit)}: {@code await()} arrives and, unless its arrival completes
         * the generation, breaks the barrier at once.
         *
         * @param timeout the limit; zero or less: do not wait.
         * @param unit    its unit.
         * @return this builder.
         * @throws NullPointerException if {@code unit} is null.
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
            // the handle needs this attachment's entry (its arrival tag word): the binder binds the signal and the
            // recovery, which needs no handle, and the handle is built once attached
            final SyncCores.Attached attached = SharedFile.open(path, ObjectKind.BARRIER, BarrierDescriptor.VERSION,
                mode, spec, file ->
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
                final Signal signal = Signal.of(file, BarrierDescriptor.SIGNAL_NUMBER,
                    bodyOffset + BarrierDescriptor.SIGNAL_OFFSET);
                return new SharedFile.Bound<>(new SyncCores.Attached(file, signal),
                    dead -> breakIfArrived(segment, bodyOffset, dead));
            });
            return new SharedBarrier(attached.file(), attached.signal(), waitStrategy, action, defaultTimeoutNanos);
        }
    }
}
