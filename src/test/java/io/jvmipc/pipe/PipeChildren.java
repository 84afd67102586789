package io.jvmipc.pipe;

import io.jvmipc.codec.Codecs;
import io.jvmipc.file.SharedDirectory;

import java.io.EOFException;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.zip.CRC32C;

/** Child JVM programs for {@link PipeProcessTest}. Arguments: directory, pipe name, then per program. */
final class PipeChildren
{
    private PipeChildren()
    {
    }

    static Connection<byte[]> attachB(final String[] args)
    {
        return Pipe.attach(SharedDirectory.of(Path.of(args[0])), args[1], End.B);
    }

    /** Echoes every message back until end-of-file, then prints "ECHOED n". */
    public static final class Echo
    {
        public static void main(final String[] args) throws Exception
        {
            try (Connection<byte[]> connection = attachB(args))
            {
                final byte[] buffer = new byte[1 << 16];
                long count = 0;
                try
                {
                    while (true)
                    {
                        final int length = connection.recvBytesInto(buffer);
                        connection.sendBytes(buffer, 0, length);
                        count++;
                    }
                }
                catch (final EOFException e)
                {
                    System.out.println("ECHOED " + count);
                }
            }
        }
    }

    /** Sends args[2] random messages of 0..args[3] bytes (seed args[4]), closes, prints "SENT crc". */
    public static final class Streamer
    {
        public static void main(final String[] args) throws Exception
        {
            final int count = Integer.parseInt(args[2]);
            final int maxLength = Integer.parseInt(args[3]);
            final SplittableRandom random = new SplittableRandom(Long.parseLong(args[4]));
            final CRC32C crc = new CRC32C();
            try (Connection<byte[]> connection = attachB(args))
            {
                final byte[] message = new byte[maxLength];
                for (int i = 0; i < count; i++)
                {
                    final int length = random.nextInt(maxLength + 1);
                    random.nextBytes(message);
                    crc.update(message, 0, length);
                    connection.sendBytes(message, 0, length);
                }
            }
            System.out.println("SENT " + crc.getValue());
        }
    }

    /** Attaches end args[2], receives strings until end-of-file (Python's scenario 5) and prints "RECEIVED count sum". */
    public static final class Reader
    {
        public static void main(final String[] args) throws Exception
        {
            long count = 0;
            long sum = 0;
            try (Connection<String> connection = Pipe.builder(args[1], Codecs.utf8())
                .directory(SharedDirectory.of(Path.of(args[0]))).attach(End.valueOf(args[2])))
            {
                while (true)
                {
                    try
                    {
                        sum += Long.parseLong(connection.recv());
                        count++;
                    }
                    catch (final EOFException e)
                    {
                        break;
                    }
                }
            }
            System.out.println("RECEIVED " + count + " " + sum);
        }
    }

    /** Sends args[2] one-byte messages, prints "HOLDING" and waits to be killed without closing. */
    public static final class Holder
    {
        public static void main(final String[] args) throws Exception
        {
            final Connection<byte[]> connection = attachB(args);
            final int count = Integer.parseInt(args[2]);
            for (int i = 0; i < count; i++)
            {
                connection.sendBytes(new byte[] {(byte)i});
            }
            System.out.println("HOLDING");
            new java.util.concurrent.CountDownLatch(1).await(); // until killed
        }
    }

    /** Attaches end A of pipes args[1..], prints "WAITING", waits on all and prints "READY" with the ready names. */
    public static final class Waiter
    {
        public static void main(final String[] args) throws Exception
        {
            final java.util.List<Connection<?>> all = new java.util.ArrayList<>();
            for (int i = 1; i < args.length; i++)
            {
                all.add(Pipe.attach(SharedDirectory.of(Path.of(args[0])), args[i], End.A));
            }
            System.out.println("WAITING");
            final java.util.List<Connection<?>> ready = Connection.wait(all, 60, java.util.concurrent.TimeUnit.SECONDS);
            final StringBuilder names = new StringBuilder("READY");
            for (final Connection<?> connection : ready)
            {
                names.append(' ').append(connection.path().getFileName());
            }
            System.out.println(names);
            for (final Connection<?> connection : all)
            {
                connection.close();
            }
        }
    }
    /**
     * Takes end args[2] of pipe args[1] (creating the pipe with a 4 KiB ring if need be), prints "HOLDING end" and
     * waits to be killed without closing; prints "REFUSED message" and exits with 3 if the end cannot be taken.
     */
    public static final class EndHolder
    {
        public static void main(final String[] args) throws Exception
        {
            final End end = End.valueOf(args[2]);
            try
            {
                Pipe.builder(args[1]).directory(SharedDirectory.of(Path.of(args[0]))).capacity(4096).connect(end);
            }
            catch (final IllegalStateException e)
            {
                System.out.println("REFUSED " + e.getMessage());
                System.exit(3);
            }
            System.out.println("HOLDING " + end);
            new java.util.concurrent.CountDownLatch(1).await(); // until killed
        }
    }

    /**
     * Sends messages 0, 1, 2, ... on end B until killed: message i is i as 8 big-endian bytes followed by i % 50
     * bytes of value (byte)i, so records of several lengths wrap the ring with padding. Prints "STREAMING" once it
     * holds the end.
     */
    public static final class CountingSender
    {
        public static void main(final String[] args) throws Exception
        {
            final Connection<byte[]> connection = attachB(args);
            System.out.println("STREAMING");
            final byte[] message = new byte[8 + 49];
            for (long i = 0; ; i++)
            {
                final int extra = (int)(i % 50);
                java.nio.ByteBuffer.wrap(message).putLong(0, i);
                java.util.Arrays.fill(message, 8, 8 + extra, (byte)i);
                connection.sendBytes(message, 0, 8 + extra);
            }
        }
    }

    /**
     * Races to take over end B of pipe args[1] from the process args[2] (its pid) that holds it: attaches again and
     * again until it succeeds, or until it has been refused args[3] times because another process (not args[2])
     * holds the end. Prints "TRYING" after its first refusal. The winner prints "WON", sends args[4] one-byte
     * messages 0, 1, ... and waits to be killed; a loser prints "LOST" and exits.
     */
    public static final class TakeoverRacer
    {
        public static void main(final String[] args) throws Exception
        {
            final SharedDirectory directory = SharedDirectory.of(Path.of(args[0]));
            final String original = "live process " + args[2] + ";";
            final int patience = Integer.parseInt(args[3]);
            boolean trying = false;
            int refusedByWinner = 0;
            while (refusedByWinner < patience)
            {
                final Connection<byte[]> connection;
                try
                {
                    connection = Pipe.attach(directory, args[1], End.B);
                }
                catch (final IllegalStateException e)
                {
                    if (!trying)
                    {
                        trying = true;
                        System.out.println("TRYING");
                    }
                    if (!e.getMessage().contains(original))
                    {
                        refusedByWinner++;
                    }
                    continue;
                }
                System.out.println("WON");
                final int count = Integer.parseInt(args[4]);
                for (int i = 0; i < count; i++)
                {
                    connection.sendBytes(new byte[] {(byte)i});
                }
                System.out.println("SENT");
                new java.util.concurrent.CountDownLatch(1).await(); // until killed
            }
            System.out.println("LOST");
        }
    }
}
