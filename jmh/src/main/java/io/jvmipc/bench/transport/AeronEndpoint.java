package io.jvmipc.bench.transport;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.file.Path;

/**
 * Aeron IPC ({@code aeron:ipc}), one exclusive publication per direction. Side A runs the embedded media
 * driver (shared threading mode with a back-off idle strategy, since the driver is not on the IPC data path,
 * term buffers non-sparse, which makes it pre-touch them) in a directory under /dev/shm that is deleted on shutdown; side B connects a
 * client to it. Both sides busy-spin on offer and poll.
 */
public final class AeronEndpoint implements Endpoint, FragmentHandler
{
    private static final String CHANNEL = "aeron:ipc?term-length=8m";
    private static final int A_TO_B_STREAM = 1001;
    private static final int B_TO_A_STREAM = 1002;

    private final MediaDriver driver;
    private final Aeron aeron;
    private final ExclusivePublication publication;
    private final Subscription subscription;
    private final UnsafeBuffer sendBuffer = new UnsafeBuffer(new byte[0]);
    private byte[] target;

    private AeronEndpoint(final MediaDriver driver, final Aeron aeron, final ExclusivePublication publication,
        final Subscription subscription)
    {
        this.driver = driver;
        this.aeron = aeron;
        this.publication = publication;
        this.subscription = subscription;
    }

    /**
     * Opens one side.
     *
     * @param aeronDir the media driver's directory (under /dev/shm).
     * @param dir the run's directory (rendezvous).
     * @param sideA true on side A (runs the driver).
     * @return the endpoint, connected both ways.
     * @throws Exception if Aeron fails.
     */
    public static AeronEndpoint open(final Path aeronDir, final Path dir, final boolean sideA) throws Exception
    {
        MediaDriver driver = null;
        if (sideA)
        {
            driver = MediaDriver.launch(new MediaDriver.Context()
                .aeronDirectoryName(aeronDir.toString())
                .threadingMode(ThreadingMode.SHARED)
                .sharedIdleStrategy(new BackoffIdleStrategy())
                // non-sparse term files: Aeron 1.51's MappedRawLog then pre-touches every page at creation
                .termBufferSparseFile(false)
                .dirDeleteOnStart(true)
                .dirDeleteOnShutdown(true)
                .ipcTermBufferLength(8 * 1024 * 1024));
            Rendezvous.ready(dir, "aeron");
        }
        else
        {
            Rendezvous.await(dir, 30_000);
        }
        final Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(aeronDir.toString()));
        final ExclusivePublication publication = aeron.addExclusivePublication(CHANNEL,
            sideA ? A_TO_B_STREAM : B_TO_A_STREAM);
        final Subscription subscription = aeron.addSubscription(CHANNEL, sideA ? B_TO_A_STREAM : A_TO_B_STREAM);
        final long deadline = System.currentTimeMillis() + 30_000;
        while (!publication.isConnected() || !subscription.isConnected())
        {
            if (System.currentTimeMillis() > deadline)
            {
                throw new IllegalStateException("Aeron publication or subscription did not connect within 30 s");
            }
            Thread.sleep(1);
        }
        return new AeronEndpoint(driver, aeron, publication, subscription);
    }

    @Override
    public void send(final byte[] message, final int length)
    {
        sendBuffer.wrap(message, 0, length);
        long result;
        while ((result = publication.offer(sendBuffer, 0, length)) < 0)
        {
            if (result == io.aeron.Publication.CLOSED || result == io.aeron.Publication.MAX_POSITION_EXCEEDED)
            {
                throw new IllegalStateException("Aeron publication failed: " + result);
            }
            Thread.onSpinWait();
        }
    }

    @Override
    public void receive(final byte[] into, final int length)
    {
        target = into;
        while (subscription.poll(this, 1) == 0)
        {
            Thread.onSpinWait();
        }
    }

    @Override
    public void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        buffer.getBytes(offset, target, 0, length);
    }

    @Override
    public void close()
    {
        publication.close();
        subscription.close();
        aeron.close();
        if (driver != null)
        {
            driver.close();
        }
    }
}
