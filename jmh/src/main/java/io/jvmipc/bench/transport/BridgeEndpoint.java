package io.jvmipc.bench.transport;

import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.jvmipc.aeron.BridgeReceiver;
import io.jvmipc.aeron.BridgeSender;
import io.jvmipc.codec.Codecs;
import io.jvmipc.file.SharedDirectory;
import io.jvmipc.queue.SharedQueue;
import org.agrona.CloseHelper;
import org.agrona.concurrent.BackoffIdleStrategy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;

/**
 * The jvmipc Aeron bridge between two hosts: each side has its own object directory with a blocking
 * {@link SharedQueue} per direction, an outgoing queue carried by a {@link BridgeSender} to the other host's
 * incoming queue, where a {@link BridgeReceiver} puts the messages. Both bridges of a side share one media driver
 * that the side runs (shared threading mode, backing off to sleep when idle). A message's trip: put into the
 * local queue, leased by the sender, sent over UDP, put into the remote queue by the receiver, taken there.
 */
public final class BridgeEndpoint implements Endpoint
{
    private static final int A_RECEIVER_PORT = 40_711;
    private static final int B_RECEIVER_PORT = 40_712;
    private static final int A_CONTROL_PORT = 40_713;
    private static final int B_CONTROL_PORT = 40_714;

    private final MediaDriver driver;
    private final SharedQueue<byte[]> out;
    private final SharedQueue<byte[]> in;
    private final BridgeSender sender;
    private final BridgeReceiver receiver;

    private BridgeEndpoint(final MediaDriver driver, final SharedQueue<byte[]> out, final SharedQueue<byte[]> in,
        final BridgeSender sender, final BridgeReceiver receiver)
    {
        this.driver = driver;
        this.out = out;
        this.in = in;
        this.sender = sender;
        this.receiver = receiver;
    }

    /**
     * Opens one side.
     *
     * @param dir            the run's directory.
     * @param sideA          true on side A.
     * @param maxMessageSize the largest message of the run.
     * @return the endpoint (the bridges connect in the background; the first messages wait for them).
     * @throws Exception if a queue or Aeron cannot be set up.
     */
    public static BridgeEndpoint open(final Path dir, final boolean sideA, final int maxMessageSize) throws Exception
    {
        final String side = sideA ? "a" : "b";
        final String self = System.getProperty(sideA ? Transport.HOST_A_PROPERTY : Transport.HOST_B_PROPERTY);
        final String peer = System.getProperty(sideA ? Transport.HOST_B_PROPERTY : Transport.HOST_A_PROPERTY);
        final SharedDirectory directory = SharedDirectory.of(Files.createDirectory(dir.resolve("host-" + side),
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"))));
        final Path aeronDir = dir.resolve("aeron-" + side);
        final MediaDriver driver = MediaDriver.launch(new MediaDriver.Context().aeronDirectoryName(aeronDir.toString())
            .threadingMode(ThreadingMode.SHARED).sharedIdleStrategy(new BackoffIdleStrategy(10, 10, 1_000, 100_000))
            .dirDeleteOnStart(true).dirDeleteOnShutdown(true).publicationTermBufferLength(4 << 20));
        final SharedQueue<byte[]> out = SharedQueue.builder("out", Codecs.bytes()).directory(directory)
            .capacity(1024).maxMessageSize(maxMessageSize).maxLeasesPerProcess(128).create();
        final SharedQueue<byte[]> in = SharedQueue.builder("in", Codecs.bytes()).directory(directory)
            .capacity(1024).maxMessageSize(maxMessageSize).create();
        final int ownReceiver = sideA ? A_RECEIVER_PORT : B_RECEIVER_PORT;
        final int peerReceiver = sideA ? B_RECEIVER_PORT : A_RECEIVER_PORT;
        final int ownControl = sideA ? A_CONTROL_PORT : B_CONTROL_PORT;
        final BridgeReceiver receiver = BridgeReceiver.builder(directory, "in", Codecs.bytes())
            .channel("aeron:udp?endpoint=" + self + ":" + ownReceiver).externalDriver(aeronDir).start();
        final BridgeSender sender = BridgeSender.builder(directory, "out", Codecs.bytes()).senderId(sideA ? 1 : 2)
            .remote("aeron:udp?endpoint=" + peer + ":" + peerReceiver)
            .local("aeron:udp?endpoint=" + self + ":" + ownControl).window(128).externalDriver(aeronDir).start();
        return new BridgeEndpoint(driver, out, in, sender, receiver);
    }

    @Override
    public void send(final byte[] message, final int length) throws Exception
    {
        while (!out.offerBytes(message, 0, length, 1, TimeUnit.HOURS))
        {
            Thread.onSpinWait();
        }
    }

    @Override
    public void receive(final byte[] into, final int length) throws Exception
    {
        while (in.pollBytes(into, 0, 1, TimeUnit.HOURS) < 0)
        {
            Thread.onSpinWait();
        }
    }

    @Override
    public void close() throws Exception
    {
        // the last messages may still be on the way to the peer's queue: let the sender see them confirmed
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!out.isEmpty() && System.nanoTime() - deadline < 0)
        {
            Thread.sleep(1);
        }
        CloseHelper.quietCloseAll(sender, receiver, out, in, driver);
    }
}
