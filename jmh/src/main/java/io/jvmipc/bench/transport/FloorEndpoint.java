package io.jvmipc.bench.transport;

import io.jvmipc.wait.Futex;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;

/**
 * The two floors: a raw 32-bit counter per direction in shared memory, each on its own 128-byte block.
 * Sending stores the next count with release; receiving spins (busy) or sleeps on the word with a raw
 * futex wait (futex mode, the sender then always calls futex wake) until the count moves. No payload is
 * copied: this is the cost of the hand-off itself, the machine's limit for a transport.
 *
 * <pre>
 *   0                 128               256
 *   +-----------------+-----------------+
 *   | A-to-B count    | B-to-A count    |
 *   +-----------------+-----------------+
 * </pre>
 */
public final class FloorEndpoint implements Endpoint
{
    private static final long A_TO_B_OFFSET = 0;
    private static final long B_TO_A_OFFSET = A_TO_B_OFFSET + 128;
    private static final long LENGTH = B_TO_A_OFFSET + 128;
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    private static final long SLEEP_SLICE_NANOS = 1_000_000_000L;

    private final MappedRegion region;
    private final MemorySegment segment;
    private final long outOffset;
    private final long inOffset;
    private final boolean futex;
    private int sent;
    private int received;

    private FloorEndpoint(final MappedRegion region, final boolean sideA, final boolean futex)
    {
        this.region = region;
        this.segment = region.segment();
        this.outOffset = sideA ? A_TO_B_OFFSET : B_TO_A_OFFSET;
        this.inOffset = sideA ? B_TO_A_OFFSET : A_TO_B_OFFSET;
        this.futex = futex;
    }

    /**
     * Opens one side.
     *
     * @param dir the run's directory.
     * @param sideA true on side A.
     * @param futex true for the futex floor, false for the busy-spin floor.
     * @return the endpoint.
     * @throws Exception if the file cannot be mapped.
     */
    public static FloorEndpoint open(final Path dir, final boolean sideA, final boolean futex) throws Exception
    {
        if (!sideA)
        {
            Rendezvous.await(dir, 30_000);
        }
        final MappedRegion region = MappedRegion.map(dir, "floor", LENGTH, sideA);
        if (sideA)
        {
            Rendezvous.ready(dir, "floor");
        }
        return new FloorEndpoint(region, sideA, futex);
    }

    @Override
    public void send(final byte[] message, final int length)
    {
        sent++;
        // release: the count is the whole message, publish it to the other side
        INT.setRelease(segment, outOffset, sent);
        if (futex)
        {
            Futex.wake(segment, outOffset, 1);
        }
    }

    @Override
    public void receive(final byte[] into, final int length)
    {
        final int expected = received + 1;
        if (futex)
        {
            int seen;
            // acquire: pairs with the sender's release of the count
            while ((seen = (int)INT.getAcquire(segment, inOffset)) != expected)
            {
                Futex.await(segment, inOffset, seen, SLEEP_SLICE_NANOS);
            }
        }
        else
        {
            // acquire: pairs with the sender's release of the count
            while ((int)INT.getAcquire(segment, inOffset) != expected)
            {
                Thread.onSpinWait();
            }
        }
        received = expected;
    }

    @Override
    public void close()
    {
        region.close();
    }
}
