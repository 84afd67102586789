package io.jvmipc.aeron;

import io.jvmipc.codec.Codecs;
import io.jvmipc.file.SharedDirectory;
import io.jvmipc.queue.Lease;
import io.jvmipc.queue.SharedQueue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Child JVM programs of {@link BridgeProcessTest}, each a {@code public static void name(String[])}. */
public final class AeronChildren
{
    private AeronChildren()
    {
    }

    /** Prints the peer's comings and goings, one line each. */
    private static final class Printer implements BridgeListener
    {
        @Override
        public void onPeerConnected(final long sender)
        {
            System.out.println("CONNECTED " + sender);
        }

        @Override
        public void onPeerLost(final long sender, final String reason)
        {
            System.out.println("LOST " + sender + ": " + reason);
        }

        @Override
        public void onFailure(final Throwable error)
        {
            System.out.println("FAILED");
            error.printStackTrace(System.out);
        }
    }

    /** Args: dir, queue, sender id, remote channel, local channel, aeron dir. Runs a sender until killed. */
    public static void sender(final String[] args) throws InterruptedException
    {
        BridgeSender.builder(SharedDirectory.of(Path.of(args[0])), args[1], Codecs.utf8())
            .senderId(Long.parseLong(args[2])).remote(args[3]).local(args[4]).aeronDirectory(Path.of(args[5]))
            .peerTimeout(Duration.ofSeconds(1)).listener(new Printer()).start();
        System.out.println("STARTED");
        new CountDownLatch(1).await();
    }

    /** Args: dir, queue, channel, aeron dir. Runs a receiver until killed. */
    public static void receiver(final String[] args) throws InterruptedException
    {
        BridgeReceiver.builder(SharedDirectory.of(Path.of(args[0])), args[1], Codecs.utf8()).channel(args[2])
            .aeronDirectory(Path.of(args[3])).peerTimeout(Duration.ofSeconds(1)).listener(new Printer()).start();
        System.out.println("STARTED");
        new CountDownLatch(1).await();
    }

    /**
     * Args: dir, queue. Forever: takes a lease, says {@code ACKING m}, acks, says {@code ACKED m}. Killed by the
     * test.
     */
    public static void leaseConsumer(final String[] args) throws InterruptedException
    {
        final SharedQueue<String> queue = SharedQueue.builder(args[1], Codecs.utf8())
            .directory(SharedDirectory.of(Path.of(args[0]))).open();
        System.out.println("STARTED");
        while (true)
        {
            final Lease<String> lease = queue.pollLease(60, TimeUnit.SECONDS);
            if (lease == null)
            {
                throw new IllegalStateException("no message for 60 s");
            }
            System.out.println("ACKING " + lease.value());
            lease.ack();
            System.out.println("ACKED " + lease.value());
        }
    }

    /** Args: local channel, remote channel, aeron dir. Echoes every message until end-of-file, then says EOF. */
    public static void echo(final String[] args) throws Exception
    {
        try (RemoteConnection<String> connection = RemoteConnection.builder(Codecs.utf8()).local(args[0])
            .remote(args[1]).aeronDirectory(Path.of(args[2])).connect(30, TimeUnit.SECONDS))
        {
            System.out.println("CONNECTED");
            while (true)
            {
                final String message;
                try
                {
                    message = connection.recv();
                }
                catch (final java.io.EOFException e)
                {
                    System.out.println("EOF " + e.getMessage());
                    return;
                }
                connection.send(message);
            }
        }
    }

    /**
     * Args: local channel, remote channel, aeron dir, count. Sends count messages and checks each echo, says
     * PINGED, then waits in recv and says EOF when the peer is gone.
     */
    public static void ping(final String[] args) throws Exception
    {
        try (RemoteConnection<String> connection = RemoteConnection.builder(Codecs.utf8()).local(args[0])
            .remote(args[1]).aeronDirectory(Path.of(args[2])).connect(30, TimeUnit.SECONDS))
        {
            final int count = Integer.parseInt(args[3]);
            for (int i = 0; i < count; i++)
            {
                connection.send("ping " + i);
                final String echo = connection.recv();
                if (!echo.equals("ping " + i))
                {
                    throw new IllegalStateException("echo " + echo + " for ping " + i);
                }
            }
            System.out.println("PINGED " + count);
            try
            {
                System.out.println("UNEXPECTED " + connection.recv());
            }
            catch (final java.io.EOFException e)
            {
                System.out.println("EOF " + e.getMessage());
            }
        }
    }

    /** Args: local channel, remote channel, aeron dir, count. Sends count messages, closes, says CLOSED. */
    public static void stream(final String[] args) throws Exception
    {
        try (RemoteConnection<String> connection = RemoteConnection.builder(Codecs.utf8()).local(args[0])
            .remote(args[1]).aeronDirectory(Path.of(args[2])).connect(30, TimeUnit.SECONDS))
        {
            final int count = Integer.parseInt(args[3]);
            final String padding = ":" + "x".repeat(250);
            for (int i = 0; i < count; i++)
            {
                connection.send("m" + i + padding);
            }
        }
        System.out.println("CLOSED");
    }

    /**
     * Args: local channel, remote channel, aeron dir. Receives until end-of-file, checking that message i is
     * {@code m<i>}, then says {@code RECEIVED n}.
     */
    public static void drain(final String[] args) throws Exception
    {
        try (RemoteConnection<String> connection = RemoteConnection.builder(Codecs.utf8()).local(args[0])
            .remote(args[1]).aeronDirectory(Path.of(args[2])).connect(30, TimeUnit.SECONDS))
        {
            int received = 0;
            while (true)
            {
                final String message;
                try
                {
                    message = connection.recv();
                }
                catch (final java.io.EOFException e)
                {
                    System.out.println("RECEIVED " + received + " then " + e.getMessage());
                    return;
                }
                if (!message.startsWith("m" + received + ":"))
                {
                    throw new IllegalStateException("message " + received + " arrived as " + message);
                }
                received++;
            }
        }
    }
}
