package io.jvmipc.wait;

import io.jvmipc.file.SharedFile;
import io.jvmipc.file.SlowPath;

/**
 * The one wait loop of the library: every blocking call of every primitive waits through it.
 * <p>
 * A call is an {@link Attempt} that never blocks and says either "done, here is the result", "not yet"
 * ({@link #WAIT}), or "not yet, because of process-table entry E, which may be dead" ({@link #waitFor(int)}, or
 * {@link #waitForAny()} when any attached process may be the one). The loop tries, and between tries waits on
 * the primitive's {@link Signal} through its {@link WaitStrategy}, until the attempt succeeds or the deadline
 * passes.
 * <p>
 * <b>Liveness.</b> Whenever an attempt names a suspect, the loop probes it if the object's per-entry cadence says
 * it is due ({@link SharedFile#probeDue(int)}: at most once per {@link SharedFile#PROBE_INTERVAL_NANOS} per entry,
 * shared by every thread and call of the process), and tries again at once if the probe found the suspect dead
 * and recovered it. It does so on the first attempt, while waiting, and at the deadline before giving up, so a
 * dead holder is found whatever the timeout (zero, 1 ms or none) and however often the caller retries: within
 * one interval of the death, counted from the first attempt after it, plus the recovery itself. A sleeper with a
 * suspect in its way sleeps no longer than until the suspect is due again, since a dead process never signals.
 * <p>
 * <b>Timeouts</b> follow {@code java.util.concurrent}: zero or less means one attempt (with the probe when due)
 * and no wait. <b>Interrupts</b>: an interruptible call checks the flag first and throws
 * {@link InterruptedException} within the strategy's bound; an uninterruptible call remembers an interrupt and
 * restores the flag on return.
 * <p>
 * The loop allocates nothing: the attempt receives a context object, so a non-capturing lambda (a singleton)
 * serves every call.
 * <p>
 * <b>Counters.</b> The loop counts, in the object's file, each call that has to wait ({@link SlowPath#WAITS}),
 * each call that returns on its deadline ({@link SlowPath#TIMEOUTS}) and each probe of a suspect that was due
 * ({@link SlowPath#PROBES}); a call that succeeds at its first attempt counts nothing.
 */
public final class WaitLoop
{
    /** Attempt result: cannot proceed yet, and no other process is to blame. */
    public static final long WAIT = Long.MIN_VALUE;

    /** Results from {@link #WAIT} up to here (exclusive) mean "wait"; the low 32 bits of the rest name a suspect. */
    private static final long WAIT_LIMIT = Long.MIN_VALUE + (1L << 33);
    private static final long SUSPECT = Long.MIN_VALUE + (1L << 32);

    private WaitLoop()
    {
    }

    /**
     * One attempt of a blocking operation, which never blocks.
     *
     * @param <C> the context the caller passes to {@link #await}.
     */
    @FunctionalInterface
    public interface Attempt<C>
    {
        /**
         * Tries once.
         *
         * @param context what the caller passed to {@link #await}.
         * @return the result, which ends the wait, or {@link #WAIT}, {@link #waitFor(int)} or
         *         {@link #waitForAny()} (all below {@code Long.MIN_VALUE + 2^33}, which no result may be).
         */
        long attempt(C context);
    }

    /**
     * Attempt result: cannot proceed yet because of process-table entry {@code entry}, which may be dead.
     *
     * @param entry the suspect's entry.
     * @return the result to return from {@link Attempt#attempt(Object)}.
     */
    public static long waitFor(final int entry)
    {
        return SUSPECT | (entry & 0xFFFF_FFFFL);
    }

    /**
     * Attempt result: cannot proceed yet, and any attached process may be the dead one to blame (probed with
     * {@link SharedFile#recoverDeadEntries()}).
     *
     * @return the result to return from {@link Attempt#attempt(Object)}.
     */
    public static long waitForAny()
    {
        return waitFor(SharedFile.ANY_ENTRY);
    }

    /**
     * Whether an attempt's result means "wait" ({@link #WAIT} or a suspect) rather than a result.
     *
     * @param result an attempt's result.
     * @return {@code true} for "wait".
     */
    public static boolean isWait(final long result)
    {
        return result < WAIT_LIMIT;
    }

    /**
     * Runs {@code attempt} until it returns a result or {@code timeoutNanos} pass, waiting in between.
     *
     * @param file          the object, for its open check and liveness probes.
     * @param signal        the signal that wakers of this condition use.
     * @param strategy      how to wait between attempts.
     * @param context       passed to every attempt.
     * @param attempt       one non-blocking attempt.
     * @param timeoutNanos  the longest wait; zero or less: one attempt, no wait; {@code Long.MAX_VALUE}: none.
     * @param interruptible whether an interrupt ends the wait with {@link InterruptedException}.
     * @param <C>           the context's type.
     * @return the attempt's result, or a "wait" value ({@link #isWait(long)}) at the deadline.
     * @throws InterruptedException  if {@code interruptible} and the thread is interrupted before or while waiting.
     * @throws IllegalStateException if the object is closed in this process.
     */
    public static <C> long await(final SharedFile file, final Signal signal, final WaitStrategy strategy,
        final C context, final Attempt<C> attempt, final long timeoutNanos, final boolean interruptible)
        throws InterruptedException
    {
        file.ensureOpen();
        if (interruptible && Thread.interrupted())
        {
            throw new InterruptedException();
        }
        long result = attemptAndProbe(file, context, attempt);
        if (!isWait(result) || timeoutNanos <= 0)
        {
            return result;
        }
        final long deadline = timeoutNanos == Long.MAX_VALUE ? WaitStrategy.NO_DEADLINE :
            WaitStrategy.deadline(timeoutNanos);
        file.count(SlowPath.WAITS);
        // the slow path only: a call that returned above never creates it
        final WaitEvent event = new WaitEvent();
        event.begin();
        boolean interrupted = false;
        try
        {
            while (true)
            {
                long state = WaitStrategy.INITIAL;
                try
                {
                    while (true)
                    {
                        final long wakeAt = hasSuspect(result) ?
                            earlier(deadline, file.nextProbeNanos(probedEntry(file, suspect(result)))) : deadline;
                        try
                        {
                            state = strategy.idle(signal, state, wakeAt);
                        }
                        catch (final InterruptedException e)
                        {
                            if (interruptible)
                            {
                                throw e;
                            }
                            interrupted = true;
                            continue;
                        }
                        file.ensureOpen();
                        // also at the deadline: the timeout return never skips a last attempt and a due probe
                        result = attemptAndProbe(file, context, attempt);
                        if (!isWait(result))
                        {
                            return result;
                        }
                        if (state == WaitStrategy.TIMED_OUT && expired(deadline))
                        {
                            file.count(SlowPath.TIMEOUTS);
                            return result;
                        }
                        if (state == WaitStrategy.TIMED_OUT)
                        {
                            // woke to probe before the deadline; the strategy has deregistered: start afresh
                            break;
                        }
                    }
                }
                finally
                {
                    strategy.done(signal, state);
                }
            }
        }
        finally
        {
            if (interrupted)
            {
                Thread.currentThread().interrupt();
            }
            if (event.shouldCommit())
            {
                event.path = file.path().toString();
                event.suspect = hasSuspect(result) ? suspect(result) : -1;
                event.timedOut = isWait(result);
                event.commit();
            }
        }
    }

    /**
     * {@link #await} without interrupts: an interrupt while waiting is remembered and the flag restored on return.
     *
     * @param file         the object, for its open check and liveness probes.
     * @param signal       the signal that wakers of this condition use.
     * @param strategy     how to wait between attempts.
     * @param context      passed to every attempt.
     * @param attempt      one non-blocking attempt.
     * @param timeoutNanos the longest wait; zero or less: one attempt, no wait; {@code Long.MAX_VALUE}: none.
     * @param <C>          the context's type.
     * @return the attempt's result, or a "wait" value ({@link #isWait(long)}) at the deadline.
     * @throws IllegalStateException if the object is closed in this process.
     */
    public static <C> long awaitUninterruptibly(final SharedFile file, final Signal signal,
        final WaitStrategy strategy, final C context, final Attempt<C> attempt, final long timeoutNanos)
    {
        try
        {
            return await(file, signal, strategy, context, attempt, timeoutNanos, false);
        }
        catch (final InterruptedException e)
        {
            throw new AssertionError("an uninterruptible wait was interrupted", e);
        }
    }

    /**
     * One attempt and, if it names a suspect that is due for a probe, the probe and (if it recovered something)
     * one more attempt. What a non-blocking call does.
     *
     * @param file    the object.
     * @param context passed to the attempt.
     * @param attempt one non-blocking attempt.
     * @param <C>     the context's type.
     * @return the attempt's result, or a "wait" value.
     */
    public static <C> long attemptAndProbe(final SharedFile file, final C context, final Attempt<C> attempt)
    {
        final long result = attempt.attempt(context);
        if (!hasSuspect(result))
        {
            return result;
        }
        return probe(file, suspect(result)) ? attempt.attempt(context) : result;
    }

    /**
     * Probes a suspect if the cadence says it is due: recovers it if its process is gone.
     *
     * @param file    the object.
     * @param suspect an entry, or {@link SharedFile#ANY_ENTRY}.
     * @return {@code true} if a dead entry was recovered (so another attempt may succeed).
     */
    public static boolean probe(final SharedFile file, final int suspect)
    {
        final int entry = probedEntry(file, suspect);
        if (!file.probeDue(entry))
        {
            return false;
        }
        file.count(SlowPath.PROBES);
        return entry == SharedFile.ANY_ENTRY ? file.recoverDeadEntries() : file.recoverIfDead(entry);
    }

    /** An entry outside the table (read from a corrupt word) blames nobody in particular: probe them all. */
    private static int probedEntry(final SharedFile file, final int suspect)
    {
        return suspect >= 0 && suspect < file.processTableCapacity() ? suspect : SharedFile.ANY_ENTRY;
    }

    private static boolean hasSuspect(final long result)
    {
        return result >= SUSPECT && result < WAIT_LIMIT;
    }

    private static int suspect(final long result)
    {
        return (int)result;
    }

    private static long earlier(final long deadline, final long wakeAt)
    {
        return deadline == WaitStrategy.NO_DEADLINE || wakeAt - deadline < 0 ? wakeAt : deadline;
    }

    private static boolean expired(final long deadline)
    {
        return deadline != WaitStrategy.NO_DEADLINE && System.nanoTime() - deadline >= 0;
    }
}
