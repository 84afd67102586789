package io.jvmipc.bench.transport;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;

/**
 * An OS pipe between a parent JVM (side A) and the child JVM it started (side B), over the child's stdin and
 * stdout. Unbatched: one write and one flush (so one write system call) per message. Batched: writes go
 * through a 64 KiB buffer flushed when full and at the end of a phase (streaming only).
 */
public final class OsPipeEndpoint implements Endpoint
{
    private final InputStream in;
    private final OutputStream out;
    private final boolean batched;
    private final Process child;

    private OsPipeEndpoint(final InputStream in, final OutputStream out, final boolean batched, final Process child)
    {
        this.in = in;
        this.out = out;
        this.batched = batched;
        this.child = child;
    }

    /**
     * Side A: starts side B as a child JVM with the given command and talks to its stdin and stdout.
     *
     * @param childCommand the command line of side B.
     * @param batched true for the batched variant.
     * @return the endpoint.
     * @throws IOException if the child cannot be started.
     */
    public static OsPipeEndpoint parent(final List<String> childCommand, final boolean batched) throws IOException
    {
        final Process child = new ProcessBuilder(childCommand).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        System.out.println("@pid " + child.pid() + " B");
        System.out.flush();
        return new OsPipeEndpoint(
            new BufferedInputStream(child.getInputStream(), 64 * 1024),
            new BufferedOutputStream(child.getOutputStream(), 64 * 1024), batched, child);
    }

    /**
     * Side B: talks to the parent through this process's stdin and stdout (nothing else may print to stdout).
     *
     * @param batched true for the batched variant.
     * @return the endpoint.
     */
    public static OsPipeEndpoint child(final boolean batched)
    {
        return new OsPipeEndpoint(
            new BufferedInputStream(new FileInputStream(FileDescriptor.in), 64 * 1024),
            new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 64 * 1024), batched, null);
    }

    @Override
    public void send(final byte[] message, final int length) throws IOException
    {
        out.write(message, 0, length);
        if (!batched)
        {
            out.flush();
        }
    }

    @Override
    public void receive(final byte[] into, final int length) throws IOException
    {
        if (in.readNBytes(into, 0, length) != length)
        {
            throw new EOFException("pipe closed by the peer");
        }
    }

    @Override
    public void flush() throws IOException
    {
        out.flush();
    }

    @Override
    public void close() throws Exception
    {
        out.close();
        if (child != null)
        {
            if (!child.waitFor(10, java.util.concurrent.TimeUnit.SECONDS))
            {
                child.destroyForcibly();
                throw new IOException("pipe child did not exit");
            }
            if (child.exitValue() != 0)
            {
                throw new IOException("pipe child exited with " + child.exitValue());
            }
        }
        in.close();
    }
}
