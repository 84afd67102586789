package io.jvmipc.pipe;

import io.jvmipc.wait.FutexWaitv;
import io.jvmipc.wait.Signal;
import io.jvmipc.wait.SignalDescriptor;
import io.jvmipc.wait.WaitStrategy;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Waiting on many connections at once ({@link Connection#wait(java.util.Collection, long, TimeUnit)}).
 * <p>
 * Checks every connection, spins and yields briefly, then registers as a waiter on each connection's data
 * signal, issues one remote barrier (see {@link RingWriter}), re-checks, and sleeps. With {@code futex_waitv}
 * ({@link FutexWaitv}) the thread sleeps on every signal's futex word at once and any send or close wakes it.
 * Without it (kernels before 5.16, or a seccomp filter refusing the call), the documented fallback sleeps on the
 * first connection's signal for at most {@value #FALLBACK_SLICE_MILLIS} ms at a time and re-checks all of them
 * in between, so readiness of another connection is seen within that bound. Sleeps are cut into 50 ms slices
 * so interrupts are honoured; a dead peer is detected as in {@link Connection#recv()}.
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

    static List<Connection<?>> await(final java.util.Collection<? extends Connection<?>> connections,
        final long deadline) throws InterruptedException
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
        List<Connection<?>> ready = ready(all);
        for (int i = 0; ready.isEmpty() && i < SPINS + YIELDS && System.nanoTime() - deadline < 0; i++)
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
        if (!ready.isEmpty() || all.isEmpty() || System.nanoTime() - deadline >= 0)
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
                final Signal signal = connection.readSignal();
                keys[registered] = signal.prepareWait();
                segments[registered] = connection.segment();
                offsets[registered] = sequenceOffset(connection);
                registered++;
            }
            for (final Connection<?> connection : all)
            {
                // a new registration bumps the sequence, then one barrier before the re-check (see Doorbell);
                // a wake-up always means a connection became ready, so no bump is needed after one
                Doorbell.bump(connection.segment(), connection.readSignalOffset());
            }
            Doorbell.barrier();
            long nextCheck = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Connection.LIVENESS_INTERVAL_MILLIS);
            while (true)
            {
                final List<Connection<?>> ready = ready(all);
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
                if (now - nextCheck >= 0)
                {
                    nextCheck = now + TimeUnit.MILLISECONDS.toNanos(Connection.LIVENESS_INTERVAL_MILLIS);
                    for (final Connection<?> connection : all)
                    {
                        connection.checkPeerAlive();
                    }
                    continue;
                }
                final long slice = Math.min(remaining, Math.min(SLICE_NANOS, nextCheck - now));
                if (FutexWaitv.isAvailable())
                {
                    FutexWaitv.await(segments, offsets, keys, count, Math.max(1, slice));
                }
                else
                {
                    all.get(0).readSignal().await(keys[0],
                        Math.max(1, Math.min(slice, TimeUnit.MILLISECONDS.toNanos(FALLBACK_SLICE_MILLIS))));
                }
                for (int i = 0; i < count; i++)
                {
                    keys[i] = all.get(i).readSignal().sequence();
                }
            }
        }
        finally
        {
            for (int i = 0; i < registered; i++)
            {
                all.get(i).readSignal().cancelWait();
            }
        }
    }

    private static long sequenceOffset(final Connection<?> connection)
    {
        return connection.readSignalOffset() + SignalDescriptor.SEQUENCE_OFFSET;
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
