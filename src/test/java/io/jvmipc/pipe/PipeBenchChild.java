package io.jvmipc.pipe;

import io.jvmipc.file.SharedDirectory;
import io.jvmipc.wait.WaitStrategy;

import java.io.EOFException;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.file.Path;

/** The child side of {@link PipeThroughputMain}. */
public final class PipeBenchChild
{
    static final VarHandle LONG_IN_BYTES = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private PipeBenchChild()
    {
    }

    static WaitStrategy strategy(final String name)
    {
        return switch (name)
        {
            case "spin" -> WaitStrategy.busySpin();
            case "futex" -> WaitStrategy.blocking();
            default -> Pipe.DEFAULT_STRATEGY;
        };
    }

    /**
     * Modes: {@code stream dir name size count strategy}, {@code echo dir name strategy},
     * {@code os-stream size count}, {@code os-echo size}.
     *
     * @param args the mode and its arguments.
     * @throws Exception on failure.
     */
    public static void main(final String[] args) throws Exception
    {
        switch (args[0])
        {
            case "stream" ->
            {
                final int size = Integer.parseInt(args[3]);
                final long count = Long.parseLong(args[4]);
                try (Connection<byte[]> connection = Pipe.builder(args[2]).directory(SharedDirectory.of(Path.of(args[1])))
                    .waitStrategy(strategy(args[5])).attach(End.B))
                {
                    final byte[] message = new byte[size];
                    for (long i = 0; i < count; i++)
                    {
                        LONG_IN_BYTES.set(message, 0, i);
                        connection.sendBytes(message, 0, size);
                    }
                }
            }
            case "echo" ->
            {
                try (Connection<byte[]> connection = Pipe.builder(args[2]).directory(SharedDirectory.of(Path.of(args[1])))
                    .waitStrategy(strategy(args[3])).attach(End.B))
                {
                    final byte[] buffer = new byte[4096];
                    while (true)
                    {
                        final int length;
                        try
                        {
                            length = connection.recvBytesInto(buffer);
                        }
                        catch (final EOFException e)
                        {
                            break;
                        }
                        connection.sendBytes(buffer, 0, length);
                    }
                }
            }
            case "os-stream" ->
            {
                final int size = Integer.parseInt(args[1]);
                final long count = Long.parseLong(args[2]);
                final byte[] message = new byte[size];
                try (OutputStream out = new FileOutputStream(FileDescriptor.out))
                {
                    for (long i = 0; i < count; i++)
                    {
                        LONG_IN_BYTES.set(message, 0, i);
                        out.write(message);
                    }
                }
            }
            case "os-echo" ->
            {
                final int size = Integer.parseInt(args[1]);
                final byte[] message = new byte[size];
                try (InputStream in = new FileInputStream(FileDescriptor.in);
                    OutputStream out = new FileOutputStream(FileDescriptor.out))
                {
                    while (in.readNBytes(message, 0, size) == size)
                    {
                        out.write(message);
                    }
                }
            }
            default -> throw new IllegalArgumentException(args[0]);
        }
    }
}
