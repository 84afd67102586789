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
 * <p>
 * The two payload probes ({@link #openWithPayload}) spin as the spin floor does, but copy the message: written
 * before the count and read after it, either in the count's own cache line (from byte 8) or on lines of its own
 * (from byte 128 of the direction's block), so that their difference is the cost of one more dependent line
 * transfer per hop.
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
    /** A payload probe's block per direction: the count, then the payload in its line or from byte 128. */
    private static final long PAYLOAD_LINE_OFFSET = 8;
    private static final long PAYLOAD_OWN_LINES_OFFSET = 128;
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    private static final long SLEEP_SLICE_NANOS = 1_000_000_000L;

    private final MappedRegion region;
    private final MemorySegment segment;
    private final long outOffset;
    private final long inOffset;
    private final boolean futex;
    /** Where the payload starts after a count (0: no payload). */
    private final long payloadOffset;
    private int sent;
    private int received;

    private FloorEndpoint(final MappedRegion region, final long outOffset, final long inOffset, final boolean futex,
        final long payloadOffset)
    {
        this.region = region;
        this.segment = region.segment();
        this.outOffset = outOffset;
        this.inOffset = inOffset;
        this.futex = futex;
        this.payloadOffset = payloadOffset;
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
        return new FloorEndpoint(region, sideA ? A_TO_B_OFFSET : B_TO_A_OFFSET, sideA ? B_TO_A_OFFSET : A_TO_B_OFFSET,
            futex, 0);
    }

    /**
     * Opens one side of a payload probe (busy spin).
     *
     * @param dir the run's directory.
     * @param sideA true on side A.
     * @param ownLines true for the payload on lines of its own, false for the payload in the count's line.
     * @param maxMessageSize the largest message of the run.
     * @return the endpoint.
     * @throws Exception if the file cannot be mapped.
     */
    public static FloorEndpoint openWithPayload(final Path dir, final boolean sideA, final boolean ownLines,
        final int maxMessageSize) throws Exception
    {
        if (!sideA)
        {
            Rendezvous.await(dir, 30_000);
        }
        final long payload = ownLines ? PAYLOAD_OWN_LINES_OFFSET : PAYLOAD_LINE_OFFSET;
        // a block per direction, a multiple of 128 bytes that holds the count and the largest payload
        final long block = (payload + maxMessageSize + 127) & -128L;
        final MappedRegion region = MappedRegion.map(dir, "floor", 2 * block, sideA);
        if (sideA)
        {
            Rendezvous.ready(dir, "floor");
        }
        return new FloorEndpoint(region, sideA ? 0 : block, sideA ? block : 0, false, payload);
    }

    @Override
    public void send(final byte[] message, final int length)
    {
        if (payloadOffset != 0)
        {
            // plain copy: published by the release store of the count below
            MemorySegment.copy(message, 0, segment, ValueLayout.JAVA_BYTE, outOffset + payloadOffset, length);
        }
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
        if (payloadOffset != 0)
        {
            // plain copy: the acquire of the count above made the payload written before it visible
            MemorySegment.copy(segment, ValueLayout.JAVA_BYTE, inOffset + payloadOffset, into, 0, length);
        }
        received = expected;
    }

    @Override
    public void close()
    {
        region.close();
    }
}
