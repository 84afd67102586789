package io.jvmipc.aeron;

import io.jvmipc.codec.Codecs;
import io.jvmipc.pipe.BrokenPipeException;
import io.jvmipc.process.JvmProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.EOFException;
import java.net.ConnectException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@link RemoteConnection}: both ends in this JVM over loopback, then across two hosts in child JVMs. */
class RemoteConnectionTest
{
    @TempDir
    Path tempDir;

    private CompletableFuture<RemoteConnection<String>> end(final String name, final int local, final int remote)
    {
        return CompletableFuture.supplyAsync(() ->
        {
            try
            {
                return RemoteConnection.builder(Codecs.utf8()).local("aeron:udp?endpoint=127.0.0.1:" + local)
                    .remote("aeron:udp?endpoint=127.0.0.1:" + remote).aeronDirectory(tempDir.resolve(name))
                    .connect(20, TimeUnit.SECONDS);
            }
            catch (final Exception e)
            {
                throw new IllegalStateException(e);
            }
        }, task -> Thread.ofPlatform().start(task));
    }

    @Test
    @Timeout(60)
    void shouldCarryMessagesBothWaysAndEndOfFileOnceThePeerClosed() throws Exception
    {
        final CompletableFuture<RemoteConnection<String>> futureA = end("a", 41201, 41202);
        final CompletableFuture<RemoteConnection<String>> futureB = end("b", 41202, 41201);
        final RemoteConnection<String> a = futureA.get(30, TimeUnit.SECONDS);
        try (RemoteConnection<String> b = futureB.get(30, TimeUnit.SECONDS))
        {
            assertFalse(b.poll(), "nothing sent yet");
            assertFalse(b.poll(0, TimeUnit.SECONDS));
            for (int i = 0; i < 100; i++)
            {
                a.send("m" + i);
            }
            a.sendBytes(new byte[] {1, 2, 3});
            assertTrue(b.poll(10, TimeUnit.SECONDS));
            for (int i = 0; i < 100; i++)
            {
                assertEquals("m" + i, b.recv());
            }
            assertArrayEquals(new byte[] {1, 2, 3}, b.recvBytes());
            b.send("back");
            assertEquals("back", a.recv());
            a.send("last");
            a.close();
            assertEquals("last", b.recv(), "what was sent before the close is received first");
            assertThrows(EOFException.class, b::recv);
            assertTrue(b.poll(), "end-of-file is readable");
            assertThrows(BrokenPipeException.class, () -> b.send("to nobody"));
            assertThrows(IllegalStateException.class, () -> a.send("closed"));
        }
        finally
        {
            a.close();
        }
    }

    @Test
    @Timeout(60)
    void shouldDeliverEverythingSentBeforeACloseThatThePeerHasNotReadYet() throws Exception
    {
        final CompletableFuture<RemoteConnection<String>> futureA = end("a", 41241, 41242);
        final CompletableFuture<RemoteConnection<String>> futureB = end("b", 41242, 41241);
        final RemoteConnection<String> a = futureA.get(30, TimeUnit.SECONDS);
        try (RemoteConnection<String> b = futureB.get(30, TimeUnit.SECONDS))
        {
            final int messages = 20_000;
            final String padding = "x".repeat(200);
            final CompletableFuture<Void> sendAndClose = CompletableFuture.runAsync(() ->
            {
                try
                {
                    for (int i = 0; i < messages; i++)
                    {
                        a.send(i + padding);
                    }
                }
                catch (final Exception e)
                {
                    throw new IllegalStateException(e);
                }
                a.close();
            }, task -> Thread.ofPlatform().start(task));
            for (int i = 0; i < messages; i++)
            {
                assertEquals(i + padding, b.recv(), "message " + i);
            }
            assertThrows(EOFException.class, b::recv);
            sendAndClose.get(30, TimeUnit.SECONDS);
        }
        finally
        {
            a.close();
        }
    }

    @Test
    @Timeout(60)
    void shouldDeliverEverythingAPeerOnAnotherHostSentBeforeItClosed() throws Exception
    {
        try (TwoHosts hosts = TwoHosts.create(tempDir))
        {
            final int messages = 300_000;
            try (JvmProcess stream = hosts.startOnB("stream", hosts.channelB(41251), hosts.channelA(41252),
                    tempDir.resolve("aeron-b").toString(), Integer.toString(messages));
                JvmProcess drain = hosts.startOnA("drain", hosts.channelA(41252), hosts.channelB(41251),
                    tempDir.resolve("aeron-a").toString()))
            {
                assertTrue(drain.awaitOutput("RECEIVED", 40, TimeUnit.SECONDS), drain.output());
                assertTrue(drain.output().contains("RECEIVED " + messages + " then"), drain.output());
                assertTrue(drain.output().contains("closed its end"), drain.output());
                assertTrue(stream.awaitOutput("CLOSED", 10, TimeUnit.SECONDS), stream.output());
            }
        }
    }

    @Test
    @Timeout(30)
    void shouldRefuseToConnectToAPeerThatIsNotThere()
    {
        assertThrows(ConnectException.class, () -> RemoteConnection.builder(Codecs.utf8())
            .local("aeron:udp?endpoint=127.0.0.1:41211").remote("aeron:udp?endpoint=127.0.0.1:41212")
            .aeronDirectory(tempDir.resolve("alone")).connect(500, TimeUnit.MILLISECONDS));
    }

    @Test
    @Timeout(60)
    void shouldReportEndOfFileWhenThePeerOnAnotherHostIsKilled() throws Exception
    {
        try (TwoHosts hosts = TwoHosts.create(tempDir))
        {
            try (JvmProcess echo = hosts.startOnB("echo", hosts.channelB(41221), hosts.channelA(41222),
                    tempDir.resolve("aeron-b").toString());
                JvmProcess ping = hosts.startOnA("ping", hosts.channelA(41222), hosts.channelB(41221),
                    tempDir.resolve("aeron-a").toString(), "200"))
            {
                assertTrue(ping.awaitOutput("PINGED 200", 30, TimeUnit.SECONDS), ping.output());
                echo.kill();
                assertTrue(echo.join(10, TimeUnit.SECONDS));
                // the peer's process and its embedded driver are gone: end-of-file after the liveness timeout
                assertTrue(ping.awaitOutput("EOF", 20, TimeUnit.SECONDS), ping.output());
                assertFalse(ping.output().contains("UNEXPECTED"), ping.output());
            }
        }
    }

    @Test
    @Timeout(60)
    void shouldReportEndOfFileWhenTheLinkToTheOtherHostIsLost() throws Exception
    {
        try (TwoHosts hosts = TwoHosts.create(tempDir))
        {
            assumeTrue(hosts.namespaces, "a link can be cut only between network namespaces (ran on loopback)");
            try (JvmProcess echo = hosts.startOnB("echo", hosts.channelB(41231), hosts.channelA(41232),
                    tempDir.resolve("aeron-b").toString());
                JvmProcess ping = hosts.startOnA("ping", hosts.channelA(41232), hosts.channelB(41231),
                    tempDir.resolve("aeron-a").toString(), "50"))
            {
                assertTrue(ping.awaitOutput("PINGED 50", 30, TimeUnit.SECONDS), ping.output());
                hosts.linkDown();
                // both ends see the other gone once the link has been down past the liveness timeout
                assertTrue(ping.awaitOutput("EOF", 20, TimeUnit.SECONDS), ping.output());
                assertTrue(echo.awaitOutput("EOF", 20, TimeUnit.SECONDS), echo.output());
            }
        }
    }
}
