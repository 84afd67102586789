package io.jvmipc.aeron;

import io.jvmipc.Await;
import io.jvmipc.codec.Codecs;
import io.jvmipc.file.SharedDirectory;
import io.jvmipc.queue.SharedQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Both bridge ends in this JVM over loopback, each "host" with its own directory. */
@Timeout(60)
class BridgeTest
{
    @TempDir
    Path tempDir;

    private SharedDirectory host(final String name) throws Exception
    {
        return SharedDirectory.of(Files.createDirectory(tempDir.resolve(name),
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"))));
    }

    private static SharedQueue<String> queue(final SharedDirectory dir, final int capacity)
    {
        return SharedQueue.builder("q", Codecs.utf8()).directory(dir).capacity(capacity).maxMessageSize(64).create();
    }

    private BridgeSender sender(final SharedDirectory a, final int dataPort, final int controlPort,
        final BridgeListener listener)
    {
        return BridgeSender.builder(a, "q", Codecs.utf8()).senderId(7)
            .remote("aeron:udp?endpoint=127.0.0.1:" + dataPort).local("aeron:udp?endpoint=127.0.0.1:" + controlPort)
            .aeronDirectory(tempDir.resolve("aeron-a")).peerTimeout(Duration.ofMillis(800)).listener(listener)
            .start();
    }

    private BridgeReceiver receiver(final SharedDirectory b, final int dataPort)
    {
        return BridgeReceiver.builder(b, "q", Codecs.utf8()).channel("aeron:udp?endpoint=127.0.0.1:" + dataPort)
            .aeronDirectory(tempDir.resolve("aeron-b")).start();
    }

    @Test
    void shouldCarryEveryMessageOnceInOrder() throws Exception
    {
        final SharedDirectory a = host("a");
        final SharedDirectory b = host("b");
        try (SharedQueue<String> source = queue(a, 64); SharedQueue<String> target = queue(b, 64);
            BridgeReceiver receiver = receiver(b, 41101);
            BridgeSender sender = sender(a, 41101, 41102, new BridgeListener()
            {
            }))
        {
            final int messages = 2_000;
            final Thread producer = Thread.ofPlatform().start(() ->
            {
                try
                {
                    for (int i = 0; i < messages; i++)
                    {
                        source.put("m" + i);
                    }
                }
                catch (final InterruptedException e)
                {
                    Thread.currentThread().interrupt();
                }
            });
            for (int i = 0; i < messages; i++)
            {
                assertEquals("m" + i, target.poll(20, TimeUnit.SECONDS));
            }
            producer.join();
            Await.until("the last acks", () -> sender.acknowledged() == messages, 10, TimeUnit.SECONDS);
            assertNull(target.poll());
            assertEquals(messages, receiver.delivered());
            assertEquals(source.capacity(), source.remainingCapacity(), "every lease on A acknowledged");
        }
    }

    @Test
    void shouldStopTakingWhenTheRemoteQueueIsFullSoThatLocalProducersWait() throws Exception
    {
        final SharedDirectory a = host("a");
        final SharedDirectory b = host("b");
        try (SharedQueue<String> source = queue(a, 8); SharedQueue<String> target = queue(b, 4);
            BridgeReceiver receiver = receiver(b, 41111);
            BridgeSender sender = sender(a, 41111, 41112, new BridgeListener()
            {
            }))
        {
            int put = 0;
            while (source.offer("m" + put, 2, TimeUnit.SECONDS))
            {
                put++;
            }
            assertTrue(target.isFull(), "the remote queue filled first");
            assertTrue(put >= target.capacity() + source.capacity() - 1 && put <= 64, "put " + put);
            assertTrue(sender.isPeerConnected(), "backpressure is not a lost peer");
            for (int i = 0; i < put; i++)
            {
                assertEquals("m" + i, target.poll(10, TimeUnit.SECONDS));
            }
            assertNull(target.poll(200, TimeUnit.MILLISECONDS));
            assertEquals(0, receiver.duplicates());
        }
    }

    @Test
    void shouldReportAReceiverThatIsNotThere() throws Exception
    {
        final SharedDirectory a = host("a");
        final CopyOnWriteArrayList<String> lost = new CopyOnWriteArrayList<>();
        try (SharedQueue<String> source = queue(a, 8);
            BridgeSender sender = sender(a, 41121, 41122, new BridgeListener()
            {
                @Override
                public void onPeerLost(final long id, final String reason)
                {
                    lost.add(reason);
                }
            }))
        {
            source.put("m0");
            Await.until("the lost receiver to be reported", () -> !lost.isEmpty(), 10, TimeUnit.SECONDS);
            assertFalse(sender.isPeerConnected());
            assertEquals(0, sender.acknowledged());
        }
        try (SharedQueue<String> source = SharedQueue.builder("q", Codecs.utf8()).directory(a).open())
        {
            assertEquals("m0", source.poll(), "the closed sender gave its lease back");
        }
    }

    @Test
    void shouldRefuseASecondSenderOfOneQueue() throws Exception
    {
        final SharedDirectory a = host("a");
        try (SharedQueue<String> source = queue(a, 8);
            BridgeSender sender = sender(a, 41131, 41132, new BridgeListener()
            {
            }))
        {
            assertThrows(IllegalStateException.class, () -> sender(a, 41133, 41134, new BridgeListener()
            {
            }));
            assertEquals(8, source.capacity());
            assertTrue(sender.failure() == null);
        }
    }

    @Test
    void shouldRefuseAChannelThatIsNotUdpWithAnEndpoint()
    {
        final BridgeSender.Builder builder = BridgeSender.builder(SharedDirectory.of(tempDir), "q", Codecs.utf8());
        assertThrows(IllegalArgumentException.class, () -> builder.remote("aeron:ipc"));
        assertThrows(IllegalArgumentException.class, () -> builder.remote("aeron:udp?interface=127.0.0.1"));
        assertThrows(IllegalArgumentException.class, () -> builder.local("tcp://x"));
    }
}
