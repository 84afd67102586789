package io.jvmipc.bench.transport;

import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import java.nio.file.Path;

/**
 * Agrona's OneToOneRingBuffer or ManyToOneRingBuffer, one per direction, over a shared mapped file. Busy-spins
 * on a full or empty ring (Agrona has no blocking wait). The child JVM needs
 * {@code --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED} for UnsafeBuffer.
 */
public final class AgronaEndpoint implements Endpoint, MessageHandler
{
    private static final int MESSAGE_TYPE = 1;
    private static final int CAPACITY = 1 << 20;

    private final MappedRegion region;
    private final RingBuffer out;
    private final RingBuffer in;
    private final UnsafeBuffer sendBuffer = new UnsafeBuffer(new byte[0]);
    private byte[] target;

    private AgronaEndpoint(final MappedRegion region, final RingBuffer out, final RingBuffer in)
    {
        this.region = region;
        this.out = out;
        this.in = in;
    }

    /**
     * Opens one side.
     *
     * @param dir the run's directory.
     * @param sideA true on side A (creates the file).
     * @param manyToOne true for ManyToOneRingBuffer, false for OneToOneRingBuffer.
     * @return the endpoint.
     * @throws Exception if the file cannot be mapped.
     */
    public static AgronaEndpoint open(final Path dir, final boolean sideA, final boolean manyToOne) throws Exception
    {
        final int ringLength = CAPACITY + RingBufferDescriptor.TRAILER_LENGTH;
        if (!sideA)
        {
            Rendezvous.await(dir, 30_000);
        }
        final MappedRegion region = MappedRegion.map(dir, "agrona", 2L * ringLength, sideA);
        final UnsafeBuffer aToB = new UnsafeBuffer(region.buffer(), 0, ringLength);
        final UnsafeBuffer bToA = new UnsafeBuffer(region.buffer(), ringLength, ringLength);
        final RingBuffer ringAToB = manyToOne ? new ManyToOneRingBuffer(aToB) : new OneToOneRingBuffer(aToB);
        final RingBuffer ringBToA = manyToOne ? new ManyToOneRingBuffer(bToA) : new OneToOneRingBuffer(bToA);
        if (sideA)
        {
            Rendezvous.ready(dir, "agrona");
            return new AgronaEndpoint(region, ringAToB, ringBToA);
        }
        return new AgronaEndpoint(region, ringBToA, ringAToB);
    }

    @Override
    public void send(final byte[] message, final int length)
    {
        sendBuffer.wrap(message, 0, length);
        while (!out.write(MESSAGE_TYPE, sendBuffer, 0, length))
        {
            Thread.onSpinWait();
        }
    }

    @Override
    public void receive(final byte[] into, final int length)
    {
        target = into;
        while (in.read(this, 1) == 0)
        {
            Thread.onSpinWait();
        }
    }

    @Override
    public void onMessage(final int msgTypeId, final MutableDirectBuffer buffer, final int index,
        final int length)
    {
        buffer.getBytes(index, target, 0, length);
    }

    @Override
    public void close()
    {
        region.close();
    }
}
