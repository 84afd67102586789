package io.jvmipc.pipe;

import io.jvmipc.wait.Doorbell;
import io.jvmipc.wait.FutexWaitv;
import io.jvmipc.wait.Signal;
import io.jvmipc.wait.SignalDescriptor;
import io.jvmipc.wait.WaitStrategy;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Waiting on many connections at once ({@link Connection#wait(Collection, long, TimeUnit)}).
 * <p>
 * Checks every connection, spins and yields briefly, then registers as a waiter on each connection's data
 * signal, bumps each signal's sequence (see {@link Doorbell}), re-checks, and sleeps. With {@code futex_waitv}
 * ({@link FutexWaitv}) the thread sleeps on every signal's futex word at once and any send or close wakes it.
 * Without it (kernels before 5.16, or a seccomp filter refusing the call), the documented fallback sleeps on the
 * first connection's signal for at most {@value #FALLBACK_SLICE_MILLIS} ms at a time and re-checks all of them
 * in between, so readiness of another connection is seen within that bound. Sleeps are cut into 50 ms slices
 * so interrupts are honoured.
 * <p>
 * <b>Liveness</b>, by the rule of {@link io.jvmipc.wait.WaitLoop} (which cannot serve here, as it waits on one
 * signal): each connection's peer is probed whenever its file's cadence says it is due
 * ({@link io.jvmipc.file.SharedFile#probeDue(int)}), on the first pass, while waiting (no sleep lasts past the
 * earliest next probe) and before returning at the deadline, and everything is re-checked at once after a probe
 * that recovered a dead peer. So a caller looping with short or zero timeouts sees a dead peer as
 * {@link Connection#recv()} does.
 */
final class ConnectionWaiter
{
    /** The longest sleep on one connection when {@code futex_waitv} is not available. */
    static final long FALLBACK_SLICE_MILLIS = 1;

    private static final int SPINS = 100;
    private static final int YIELDS = 10;
    private static final long SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private ConnectionWaiter()
    {
    }

    static List<Connection<?>> await(final Collection<? extends Connection<?>> connections, final long timeoutNanos)
        throws InterruptedException
    {
        final List<Connection<?>> all = List.copyOf(connections);
        if (all.size() > FutexWaitv.MAX_FUTEXES)
        {
            throw new IllegalArgumentException("at most " + FutexWaitv.MAX_FUTEXES + " connections, not " +
                all.size());
        }
        for (final Connection<?> connection : all)
        {
            connection.ensureReceivable();
        }
        List<Connection<?>> ready = readyAfterProbes(all);
        if (!ready.isEmpty() || all.isEmpty() || timeoutNanos <= 0)
        {
            return ready;
        }
        if (Thread.interrupted())
        {
            throw new InterruptedException();
        }
        final long deadline = timeoutNanos == Long.MAX_VALUE ? WaitStrategy.NO_DEADLINE :
            WaitStrategy.deadline(timeoutNanos);
        for (int i = 0; ready.isEmpty() && i < SPINS + YIELDS && !expired(deadline); i++)
        {
            if (i < SPINS)
            {
                Thread.onSpinWait();
            }
            else
            {
                Thread.yield();
            }
            ready = ready(all);
        }
        if (!ready.isEmpty())
        {
            return ready;
        }
        return sleep(all, deadline);
    }

    private static List<Connection<?>> sleep(final List<Connection<?>> all, final long deadline)
        throws InterruptedException
    {
        final int count = all.size();
        final MemorySegment[] segments = new MemorySegment[count];
        final long[] offsets = new long[count];
        final int[] keys = new int[count];
        int registered = 0;
        try
        {
            for (final Connection<?> connection : all)
            {
                keys[registered] = register(connection);
                segments[registered] = connection.segment();
                offsets[registered] = connection.readSignalOffset() + SignalDescriptor.SEQUENCE_OFFSET;
                registered++;
            }
            for (final Connection<?> connection : all)
            {
                // a new registration bumps the sequence before the re-check (see Doorbell); a wake-up always means
                // a connection became ready, so no bump is needed after one
                bump(connection);
            }
            while (true)
            {
                // also at the deadline: the timeout return never skips a last check and a due probe
                final List<Connection<?>> ready = readyAfterProbes(all);
                if (!ready.isEmpty())
                {
                    return ready;
                }
                if (Thread.interrupted())
                {
                    throw new InterruptedException();
                }
                final long now = System.nanoTime();
                final long remaining = deadline == WaitStrategy.NO_DEADLINE ? Long.MAX_VALUE : deadline - now;
                if (remaining <= 0)
                {
                    return ready;
                }
                // a dead peer never signals: sleep no longer than until the earliest probe is due
                final long untilProbe = earliestProbe(all, now) - now;
                final long slice = Math.max(1, Math.min(remaining, Math.min(SLICE_NANOS, untilProbe)));
                if (FutexWaitv.isAvailable())
                {
                    try
                    {
                        FutexWaitv.await(segments, offsets, keys, count, slice);
                    }
                    catch (final InternalError unmapped)
                    {
                        // a word's page is gone: the reads of every connection's sequence below name its file
                        for (int i = 0; i < count; i++)
                        {
                            sequence(all.get(i));
                        }
                        throw new IllegalStateException("futex_waitv found an unmapped word, but every " +
                            "connection's word reads", unmapped);
                    }
                }
                else
                {
                    all.get(0).readSignal().await(keys[0],
                        Math.min(slice, TimeUnit.MILLISECONDS.toNanos(FALLBACK_SLICE_MILLIS)));
                }
                for (int i = 0; i < count; i++)
                {
                    keys[i] = sequence(all.get(i));
                }
            }
        }
        finally
        {
            for (int i = 0; i < registered; i++)
            {
                cancel(all.get(i));
            }
        }
    }

    /** The ready connections; if none, probes the peers that are due, and checks again if one was recovered. */
    private static List<Connection<?>> readyAfterProbes(final List<Connection<?>> all)
    {
        final List<Connection<?>> ready = ready(all);
        if (!ready.isEmpty())
        {
            return ready;
        }
        boolean recovered = false;
        for (final Connection<?> connection : all)
        {
            try
            {
                recovered |= connection.probePeer();
            }
            catch (final InternalError e)
            {
                throw connection.faulted(e);
            }
        }
        return recovered ? ready(all) : ready;
    }

    private static long earliestProbe(final List<Connection<?>> all, final long now)
    {
        long earliest = now + SLICE_NANOS;
        for (final Connection<?> connection : all)
        {
            final long next;
            try
            {
                next = connection.nextPeerProbe();
            }
            catch (final InternalError e)
            {
                throw connection.faulted(e);
            }
            if (next != WaitStrategy.NO_DEADLINE && next - earliest < 0)
            {
                earliest = next;
            }
        }
        return earliest;
    }

    private static int register(final Connection<?> connection)
    {
        try
        {
            return connection.readSignal().prepareWait();
        }
        catch (final InternalError e)
        {
            throw connection.faulted(e);
        }
    }

    private static void bump(final Connection<?> connection)
    {
        try
        {
            Doorbell.bump(connection.segment(), connection.readSignalOffset());
        }
        catch (final InternalError e)
        {
            throw connection.faulted(e);
        }
    }

    private static int sequence(final Connection<?> connection)
    {
        try
        {
            return connection.readSignal().sequence();
        }
        catch (final InternalError e)
        {
            throw connection.faulted(e);
        }
    }

    private static void cancel(final Connection<?> connection)
    {
        try
        {
            connection.readSignal().cancelWait();
        }
        catch (final InternalError e)
        {
            // the mapping is gone; the registration went with it. The fault is reported by the check that hit it
        }
    }

    private static boolean expired(final long deadline)
    {
        return deadline != WaitStrategy.NO_DEADLINE && System.nanoTime() - deadline >= 0;
    }

    private static List<Connection<?>> ready(final List<Connection<?>> all)
    {
        List<Connection<?>> ready = List.of();
        for (final Connection<?> connection : all)
        {
            if (connection.readyNow())
            {
                if (ready.isEmpty())
                {
                    ready = new ArrayList<>();
                }
                ready.add(connection);
            }
        }
        return ready;
    }
}
