package io.jvmipc.aeron;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The one bridge end a queue may have on each side ({@code QUEUE.bridge-sender.lock} or
 * {@code QUEUE.bridge-receiver.lock} beside it, which the directory's listing ignores): a {@code fcntl} lock the
 * kernel drops when the holder dies, and the holder's pid, which the next holder reads to wait for that process's
 * attachment to the queue to be recovered.
 */
final class BridgeLock implements AutoCloseable
{
    private final FileChannel channel;
    private final FileLock lock;
    private final long previousPid;

    private BridgeLock(final FileChannel channel, final FileLock lock, final long previousPid)
    {
        this.channel = channel;
        this.lock = lock;
        this.previousPid = previousPid;
    }

    /**
     * Takes the lock, or refuses if a live process holds it.
     *
     * @throws IllegalStateException if another live bridge end holds it.
     */
    static BridgeLock acquire(final Path path, final String what)
    {
        FileChannel channel = null;
        try
        {
            channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
            final FileLock lock;
            try
            {
                lock = channel.tryLock();
            }
            catch (final OverlappingFileLockException e)
            {
                throw new IllegalStateException(what + " is already running in this process (" + path + ")", e);
            }
            if (lock == null)
            {
                throw new IllegalStateException(what + " is already running in another live process: " +
                    readPid(channel) + " holds " + path);
            }
            final long previous = readPid(channel);
            final byte[] pid = Long.toString(ProcessHandle.current().pid()).getBytes(StandardCharsets.US_ASCII);
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(pid), 0);
            return new BridgeLock(channel, lock, previous);
        }
        catch (final IOException e)
        {
            closeQuietly(channel);
            throw new UncheckedIOException("cannot lock " + path, e);
        }
        catch (final RuntimeException e)
        {
            closeQuietly(channel);
            throw e;
        }
    }

    /** The pid of the previous holder (dead: the lock was free), or -1 if none is recorded. */
    long previousPid()
    {
        return previousPid;
    }

    private static long readPid(final FileChannel channel) throws IOException
    {
        final ByteBuffer buffer = ByteBuffer.allocate(24);
        channel.read(buffer, 0);
        final String text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII).trim();
        try
        {
            return text.isEmpty() ? -1 : Long.parseLong(text);
        }
        catch (final NumberFormatException e)
        {
            return -1;
        }
    }

    private static void closeQuietly(final FileChannel channel)
    {
        if (channel != null)
        {
            try
            {
                channel.close();
            }
            catch (final IOException ignored)
            {
                // nothing more to release
            }
        }
    }

    @Override
    public void close()
    {
        try
        {
            lock.release();
        }
        catch (final IOException ignored)
        {
            // closing the channel releases it too
        }
        closeQuietly(channel);
    }
}
