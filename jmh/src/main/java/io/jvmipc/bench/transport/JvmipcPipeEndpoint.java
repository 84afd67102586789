package io.jvmipc.bench.transport;

import io.jvmipc.file.SharedDirectory;
import io.jvmipc.pipe.Connection;
import io.jvmipc.pipe.End;
import io.jvmipc.pipe.Pipe;
import io.jvmipc.wait.WaitStrategy;

import java.io.IOException;
import java.nio.file.Path;

/**
 * jvmipc {@link Pipe} (duplex): side A takes end A, side B end B, with the busy-spin or the blocking (futex)
 * wait strategy; 1 MiB ring per direction. Uses the allocation-free {@code sendBytes(bytes, offset, length)}
 * and {@code recvBytesInto(buffer)}.
 */
public final class JvmipcPipeEndpoint implements Endpoint
{
    private static final int RING_BYTES = 1 << 20;

    private final Connection<byte[]> connection;

    private JvmipcPipeEndpoint(final Connection<byte[]> connection)
    {
        this.connection = connection;
    }

    /**
     * Opens one side.
     *
     * @param dir the run's directory.
     * @param sideA true on side A (creates the pipe).
     * @param blocking true for the futex wait strategy, false for busy spin.
     * @param maxMessageSize the largest message of the run.
     * @return the endpoint.
     * @throws IOException if A did not get ready.
     * @throws InterruptedException if interrupted while waiting for A.
     */
    public static JvmipcPipeEndpoint open(final Path dir, final boolean sideA, final boolean blocking,
        final int maxMessageSize) throws IOException, InterruptedException
    {
        if (!sideA)
        {
            Rendezvous.await(dir, 30_000);
        }
        final Connection<byte[]> connection = Pipe.builder("pipe")
            .directory(SharedDirectory.of(dir.resolve("jvmipc")))
            .capacity(RING_BYTES)
            .maxMessageLength(maxMessageSize)
            .waitStrategy(blocking ? WaitStrategy.blocking() : WaitStrategy.busySpin())
            .connect(sideA ? End.A : End.B);
        if (sideA)
        {
            Rendezvous.ready(dir, "jvmipc-pipe");
        }
        return new JvmipcPipeEndpoint(connection);
    }

    @Override
    public void send(final byte[] message, final int length) throws Exception
    {
        connection.sendBytes(message, 0, length);
    }

    @Override
    public void receive(final byte[] into, final int length) throws Exception
    {
        final int received = connection.recvBytesInto(into);
        if (received != length)
        {
            throw new IllegalStateException("pipe gave a message of " + received + " bytes, expected " + length);
        }
    }

    @Override
    public void close()
    {
        connection.close();
    }
}
