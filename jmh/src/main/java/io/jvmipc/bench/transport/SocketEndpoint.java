package io.jvmipc.bench.transport;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/**
 * A Unix domain socket or a TCP loopback connection, blocking or busy-polled (non-blocking channel, read
 * and write retried while they move 0 bytes). One write call per message, TCP_NODELAY on TCP.
 */
public final class SocketEndpoint implements Endpoint
{
    private final SocketChannel channel;
    private final ByteBuffer outBuffer = ByteBuffer.allocateDirect(64 * 1024);
    private final ByteBuffer inBuffer = ByteBuffer.allocateDirect(64 * 1024);

    private SocketEndpoint(final SocketChannel channel, final boolean busyPoll) throws IOException
    {
        this.channel = channel;
        channel.configureBlocking(!busyPoll);
    }

    /**
     * Opens side A (the server) or B (the client).
     *
     * @param unix true for a Unix domain socket, false for TCP on 127.0.0.1.
     * @param busyPoll true to busy-poll a non-blocking channel.
     * @param sideA true for the server side.
     * @param dir the run's directory (socket file, rendezvous).
     * @return the connected endpoint.
     * @throws Exception if the connection cannot be made.
     */
    public static SocketEndpoint open(final boolean unix, final boolean busyPoll, final boolean sideA, final Path dir)
        throws Exception
    {
        if (sideA)
        {
            try (ServerSocketChannel server = unix
                ? ServerSocketChannel.open(StandardProtocolFamily.UNIX)
                : ServerSocketChannel.open(StandardProtocolFamily.INET))
            {
                if (unix)
                {
                    server.bind(UnixDomainSocketAddress.of(dir.resolve("socket")));
                }
                else
                {
                    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                }
                final String where = unix ? "unix" : Integer.toString(((InetSocketAddress)server.getLocalAddress()).getPort());
                Rendezvous.ready(dir, where);
                final SocketChannel channel = server.accept();
                if (!unix)
                {
                    channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                }
                return new SocketEndpoint(channel, busyPoll);
            }
        }
        final String where = Rendezvous.await(dir, 30_000);
        final SocketChannel channel = unix
            ? SocketChannel.open(UnixDomainSocketAddress.of(dir.resolve("socket")))
            : SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(where)));
        if (!unix)
        {
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        }
        return new SocketEndpoint(channel, busyPoll);
    }

    /**
     * Opens side A (the server, listening on {@code hostA}) or B (the client) of TCP between two hosts, blocking,
     * TCP_NODELAY.
     *
     * @param sideA true for the server side.
     * @param dir   the run's directory (rendezvous).
     * @param hostA side A's address, reachable from B.
     * @return the connected endpoint.
     * @throws Exception if the connection cannot be made.
     */
    public static SocketEndpoint openTcp(final boolean sideA, final Path dir, final String hostA) throws Exception
    {
        final InetAddress address = InetAddress.getByName(hostA);
        final SocketChannel channel;
        if (sideA)
        {
            try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.INET))
            {
                server.bind(new InetSocketAddress(address, 0));
                Rendezvous.ready(dir, Integer.toString(((InetSocketAddress)server.getLocalAddress()).getPort()));
                channel = server.accept();
            }
        }
        else
        {
            channel = SocketChannel.open(new InetSocketAddress(address, Integer.parseInt(Rendezvous.await(dir, 30_000))));
        }
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        return new SocketEndpoint(channel, false);
    }

    @Override
    public void send(final byte[] message, final int length) throws IOException
    {
        final ByteBuffer buffer = outBuffer;
        buffer.clear();
        buffer.put(message, 0, length).flip();
        while (buffer.hasRemaining())
        {
            channel.write(buffer);
        }
    }

    @Override
    public void receive(final byte[] into, final int length) throws IOException
    {
        final ByteBuffer buffer = inBuffer;
        buffer.clear().limit(length);
        while (buffer.hasRemaining())
        {
            if (channel.read(buffer) < 0)
            {
                throw new EOFException("peer closed the socket");
            }
        }
        buffer.flip();
        buffer.get(into, 0, length);
    }

    @Override
    public void close() throws IOException
    {
        channel.close();
    }
}
