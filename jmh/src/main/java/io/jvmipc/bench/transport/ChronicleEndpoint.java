package io.jvmipc.bench.transport;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;

import java.nio.file.Path;

/**
 * Chronicle Queue, one queue per direction in the run's directory (under /dev/shm), written with
 * {@code writeBytes} and read by a busy-spinning tailer. The child JVM runs with Chronicle's five JDK 25
 * flags and {@code -Dchronicle.analytics.disable=true}.
 */
public final class ChronicleEndpoint implements Endpoint
{
    private final ChronicleQueue outQueue;
    private final ChronicleQueue inQueue;
    private final ExcerptAppender appender;
    private final ExcerptTailer tailer;
    private final Bytes<?> sendBytes = Bytes.allocateElasticDirect(64 * 1024);
    private final Bytes<?> receiveBytes = Bytes.allocateElasticDirect(64 * 1024);

    private ChronicleEndpoint(final ChronicleQueue outQueue, final ChronicleQueue inQueue)
    {
        this.outQueue = outQueue;
        this.inQueue = inQueue;
        this.appender = outQueue.createAppender();
        this.tailer = inQueue.createTailer();
    }

    /**
     * Opens one side.
     *
     * @param dir the run's directory.
     * @param sideA true on side A (creates the queues).
     * @return the endpoint.
     * @throws Exception if Chronicle fails.
     */
    public static ChronicleEndpoint open(final Path dir, final boolean sideA) throws Exception
    {
        if (!sideA)
        {
            Rendezvous.await(dir, 60_000);
        }
        final ChronicleQueue aToB = SingleChronicleQueueBuilder.binary(dir.resolve("a-to-b")).build();
        final ChronicleQueue bToA = SingleChronicleQueueBuilder.binary(dir.resolve("b-to-a")).build();
        final ChronicleEndpoint endpoint = sideA ? new ChronicleEndpoint(aToB, bToA) : new ChronicleEndpoint(bToA, aToB);
        if (sideA)
        {
            Rendezvous.ready(dir, "chronicle");
        }
        return endpoint;
    }

    @Override
    public void send(final byte[] message, final int length)
    {
        sendBytes.clear();
        sendBytes.write(message, 0, length);
        appender.writeBytes(sendBytes);
    }

    @Override
    public void receive(final byte[] into, final int length)
    {
        final Bytes<?> bytes = receiveBytes;
        bytes.clear();
        while (!tailer.readBytes(bytes))
        {
            Thread.onSpinWait();
        }
        bytes.read(into, 0, length);
    }

    @Override
    public void close()
    {
        tailer.close();
        appender.close();
        outQueue.close();
        inQueue.close();
        sendBytes.releaseLast();
        receiveBytes.releaseLast();
    }
}
