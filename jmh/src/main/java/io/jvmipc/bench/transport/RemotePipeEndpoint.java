package io.jvmipc.bench.transport;

import io.jvmipc.aeron.RemoteConnection;
import io.jvmipc.codec.Codecs;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A jvmipc {@link RemoteConnection} between two hosts (Aeron UDP, an embedded media driver on each side). Its
 * {@code recvBytes} returns a new array per message, which this endpoint copies into the harness's.
 */
public final class RemotePipeEndpoint implements Endpoint
{
    private static final int A_PORT = 40_721;
    private static final int B_PORT = 40_722;

    private final RemoteConnection<byte[]> connection;

    private RemotePipeEndpoint(final RemoteConnection<byte[]> connection)
    {
        this.connection = connection;
    }

    /**
     * Opens one side, waiting for the other.
     *
     * @param dir            the run's directory.
     * @param sideA          true on side A.
     * @param maxMessageSize the largest message of the run.
     * @return the connected endpoint.
     * @throws Exception if the peer does not connect within 30 s.
     */
    public static RemotePipeEndpoint open(final Path dir, final boolean sideA, final int maxMessageSize)
        throws Exception
    {
        final String hostA = System.getProperty(Transport.HOST_A_PROPERTY);
        final String hostB = System.getProperty(Transport.HOST_B_PROPERTY);
        final String a = "aeron:udp?endpoint=" + hostA + ":" + A_PORT;
        final String b = "aeron:udp?endpoint=" + hostB + ":" + B_PORT;
        return new RemotePipeEndpoint(RemoteConnection.builder(Codecs.bytes()).local(sideA ? a : b)
            .remote(sideA ? b : a).maxMessageLength(Math.max(maxMessageSize, 64))
            .aeronDirectory(dir.resolve(sideA ? "aeron-a" : "aeron-b")).connect(30, TimeUnit.SECONDS));
    }

    @Override
    public void send(final byte[] message, final int length) throws Exception
    {
        connection.sendBytes(message, 0, length);
    }

    @Override
    public void receive(final byte[] into, final int length) throws Exception
    {
        final byte[] message = connection.recvBytes();
        System.arraycopy(message, 0, into, 0, Math.min(length, message.length));
    }

    @Override
    public void close()
    {
        connection.close();
    }
}
