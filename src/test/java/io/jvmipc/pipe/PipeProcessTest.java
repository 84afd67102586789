package io.jvmipc.pipe;

import io.jvmipc.ChildJvms;
import io.jvmipc.Await;
import io.jvmipc.codec.Codecs;
import io.jvmipc.file.SharedDirectory;
import io.jvmipc.process.JvmProcess;
import io.jvmipc.wait.FutexWaitStrategy;
import io.jvmipc.wait.WaitStrategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.EOFException;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Pipes between this JVM and child JVMs, including a child killed with SIGKILL. */
@Timeout(120)
class PipeProcessTest
{
    @TempDir
    Path tempDir;

    private Connection<byte[]> connectA(final String name, final int capacity)
    {
        return Pipe.builder(name).directory(SharedDirectory.of(tempDir)).capacity(capacity).connect(End.A);
    }

    @Test
    void shouldPingPongChecksummedMessagesWithAChildJvm() throws Exception
    {
        final Connection<byte[]> a = connectA("pingpong", 1 << 16);
        try (JvmProcess child = ChildJvms.startMain(PipeChildren.Echo.class, tempDir.toString(), "pingpong"))
        {
            final SplittableRandom random = new SplittableRandom(3);
            final CRC32C sent = new CRC32C();
            final CRC32C echoed = new CRC32C();
            final byte[] buffer = new byte[3000];
            for (int i = 0; i < 5000; i++)
            {
                final byte[] message = new byte[random.nextInt(i % 500 == 0 ? 3000 : 64)];
                random.nextBytes(message);
                sent.update(message);
                a.sendBytes(message);
                final int length = a.recvBytesInto(buffer);
                assertEquals(message.length, length);
                echoed.update(buffer, 0, length);
            }
            assertEquals(sent.getValue(), echoed.getValue());
            a.close();
            assertTrue(child.join(30, TimeUnit.SECONDS), child.output());
            assertEquals(0, child.exitValue(), child.output());
            assertTrue(child.output().contains("ECHOED 5000"), child.output());
        }
        finally
        {
            a.close();
        }
    }

    @Test
    void shouldStreamFromAChildJvmAndSeeEndOfFileAfterItCloses() throws Exception
    {
        final int count = 300_000;
        try (Connection<byte[]> a = connectA("stream", 1 << 16);
            JvmProcess child = ChildJvms.startMain(PipeChildren.Streamer.class, tempDir.toString(), "stream",
                Integer.toString(count), "100", "11"))
        {
            final CRC32C crc = new CRC32C();
            final byte[] buffer = new byte[100];
            int received = 0;
            while (true)
            {
                final int length;
                try
                {
                    length = a.recvBytesInto(buffer);
                }
                catch (final EOFException e)
                {
                    break;
                }
                crc.update(buffer, 0, length);
                received++;
            }
            assertEquals(count, received);
            assertTrue(child.join(30, TimeUnit.SECONDS), child.output());
            assertTrue(child.output().contains("SENT " + crc.getValue()), child.output());
        }
    }

    @Test
    void shouldCarryLargeMessagesFromAChildJvm() throws Exception
    {
        try (Connection<byte[]> a = connectA("large", 1 << 16);
            JvmProcess child = ChildJvms.startMain(PipeChildren.Streamer.class, tempDir.toString(), "large",
                "4", Integer.toString(8 << 20), "5"))
        {
            final CRC32C crc = new CRC32C();
            for (int i = 0; i < 4; i++)
            {
                crc.update(a.recvBytes());
            }
            assertThrows(EOFException.class, a::recvBytes);
            assertTrue(child.join(30, TimeUnit.SECONDS), child.output());
            assertTrue(child.output().contains("SENT " + crc.getValue()), child.output());
        }
    }

    @Test
    void shouldLetAChildReadUntilEndOfFileAfterTheParentClosesAOneWayPipe() throws Exception
    {
        final Connection<String> sender = Pipe.builder("scenario5", Codecs.utf8())
            .directory(SharedDirectory.of(tempDir)).duplex(false).connect(End.B);
        try (JvmProcess child = ChildJvms.startMain(PipeChildren.Reader.class, tempDir.toString(), "scenario5", "A"))
        {
            for (int i = 0; i < 1000; i++)
            {
                sender.send(Integer.toString(i));
            }
            sender.close();
            assertTrue(child.join(30, TimeUnit.SECONDS), child.output());
            assertTrue(child.output().contains("RECEIVED 1000 499500"), child.output());
        }
        finally
        {
            sender.close();
        }
    }

    @Test
    void shouldReportEndOfFileAndBrokenPipeAfterThePeerIsKilled() throws Exception
    {
        try (Connection<byte[]> a = connectA("killed", 4096);
            JvmProcess child = ChildJvms.startMain(PipeChildren.Holder.class, tempDir.toString(), "killed", "3"))
        {
            assertTrue(child.awaitOutput("HOLDING", 30, TimeUnit.SECONDS), child.output());
            for (int i = 0; i < 3; i++)
            {
                assertArrayEquals(new byte[] {(byte)i}, a.recvBytes());
            }
            final CompletableFuture<Throwable> blocked = CompletableFuture.supplyAsync(() ->
            {
                try
                {
                    a.recvBytes();
                    return null;
                }
                catch (final Throwable t)
                {
                    return t;
                }
            });
            child.kill();
            assertTrue(child.join(30, TimeUnit.SECONDS));
            final Throwable outcome = blocked.get(30, TimeUnit.SECONDS);
            assertTrue(outcome instanceof EOFException, String.valueOf(outcome));
            assertTrue(outcome.getMessage().contains("died"), outcome.getMessage());
            assertThrows(EOFException.class, a::recvBytes);
            assertThrows(BrokenPipeException.class, () -> a.sendBytes(new byte[1]));

            // the dead holder's end may be taken over by a new attacher
            try (Connection<byte[]> b = Pipe.attach(SharedDirectory.of(tempDir), "killed", End.B))
            {
                b.sendBytes(new byte[] {7});
                assertArrayEquals(new byte[] {7}, a.recvBytes());
            }
        }
    }

    @Test
    void shouldFailABlockedSendWhenTheReceiverIsKilled() throws Exception
    {
        try (Connection<byte[]> a = connectA("killedreader", 4096);
            JvmProcess child = ChildJvms.startMain(PipeChildren.Holder.class, tempDir.toString(), "killedreader", "0"))
        {
            assertTrue(child.awaitOutput("HOLDING", 30, TimeUnit.SECONDS), child.output());
            final CompletableFuture<Throwable> sender = CompletableFuture.supplyAsync(() ->
            {
                try
                {
                    while (true)
                    {
                        a.sendBytes(new byte[200]);
                    }
                }
                catch (final Throwable t)
                {
                    return t;
                }
            });
            child.kill();
            final Throwable outcome = sender.get(30, TimeUnit.SECONDS);
            assertTrue(outcome instanceof BrokenPipeException, String.valueOf(outcome));
        }
    }

    @Test
    void shouldWakeWaitOnlyForTheConnectionAChildWritesTo() throws Exception
    {
        try (Connection<byte[]> one = connectA("w1", 4096); Connection<byte[]> two = connectA("w2", 4096);
            Connection<byte[]> three = connectA("w3", 4096))
        {
            final List<Connection<?>> all = List.of(one, two, three);
            assertEquals(List.of(), Connection.wait(all, 20, TimeUnit.MILLISECONDS));
            try (JvmProcess child = ChildJvms.startMain(PipeChildren.Streamer.class, tempDir.toString(), "w2",
                "1", "10", "1"))
            {
                assertEquals(List.of(two), Connection.wait(all, 30, TimeUnit.SECONDS));
                assertTrue(child.join(30, TimeUnit.SECONDS), child.output());
            }
        }
    }

    @Test
    void shouldWakeAChildSleepingInWaitWithoutFutexWaitv() throws Exception
    {
        final SharedDirectory directory = SharedDirectory.of(tempDir);
        try (Connection<byte[]> one = Pipe.builder("v1").directory(directory).connect(End.B);
            Connection<byte[]> two = Pipe.builder("v2").directory(directory).connect(End.B);
            Connection<byte[]> three = Pipe.builder("v3").directory(directory).connect(End.B);
            JvmProcess child = JvmProcess.builder(PipeChildren.Waiter.class).captureOutput()
                .jvmArgs("-Djvmipc.futexWaitv.disable=true").args(tempDir.toString(), "v1", "v2", "v3").start())
        {
            assertTrue(child.awaitOutput("WAITING", 30, TimeUnit.SECONDS), child.output());
            awaitRegistered(three, child);
            three.sendBytes(new byte[] {1});
            assertTrue(child.awaitOutput("READY", 30, TimeUnit.SECONDS), child.output());
            assertTrue(child.outputLines().contains("READY v3"), child.output());
            assertTrue(child.join(30, TimeUnit.SECONDS), child.output());
            assertEquals(0, child.exitValue(), child.output());
            assertTrue(one.canSend() && two.canSend());
        }
    }

    @Test
    void shouldNotLoseWakeUpsWhenThePeerCannotIssueRemoteBarriers() throws Exception
    {
        // this end sleeps on the futex in every round trip; the child, without membarrier, wakes it with a fence
        final Connection<byte[]> a = Pipe.builder("fallback").directory(SharedDirectory.of(tempDir))
            .waitStrategy(WaitStrategy.blocking()).connect(End.A);
        try (JvmProcess child = JvmProcess.builder(PipeChildren.Echo.class).captureOutput()
            .jvmArgs("-Djvmipc.pipe.noMembarrier=true").args(tempDir.toString(), "fallback").start())
        {
            final byte[] buffer = new byte[8];
            for (int i = 0; i < 2000; i++)
            {
                final byte[] message = {(byte)i, (byte)(i >> 8), 3};
                a.sendBytes(message);
                assertEquals(3, a.recvBytesInto(buffer));
                assertEquals(message[0], buffer[0]);
                assertEquals(message[1], buffer[1]);
            }
            a.close();
            assertTrue(child.join(30, TimeUnit.SECONDS), child.output());
            assertTrue(child.output().contains("ECHOED 2000"), child.output());
        }
        finally
        {
            a.close();
        }
    }

    /** One readiness check of a receiving end, as an event loop makes it. */
    @FunctionalInterface
    private interface ReadinessCheck
    {
        boolean ready(Connection<byte[]> connection) throws InterruptedException;
    }

    /**
     * Kills a child holding the sending end, then repeats {@code check} (a short-timeout poll) until it reports
     * readiness: it must, within the bound, and the readiness must be end-of-file.
     */
    private void assertShortPollsSeeADeadSender(final String name, final ReadinessCheck check) throws Exception
    {
        // no spinning or yielding before the sleep: a short call then lasts about its timeout, even on a busy machine
        try (Connection<byte[]> a = Pipe.builder(name).directory(SharedDirectory.of(tempDir)).capacity(4096)
            .waitStrategy(new FutexWaitStrategy(0, 0, TimeUnit.MILLISECONDS.toNanos(50))).connect(End.A);
            JvmProcess child = ChildJvms.startMain(PipeChildren.Holder.class, tempDir.toString(), name, "0"))
        {
            assertTrue(child.awaitOutput("HOLDING", 30, TimeUnit.SECONDS), child.output());
            assertFalse(check.ready(a));
            child.kill();
            assertTrue(child.join(30, TimeUnit.SECONDS));
            Await.until("a short-timeout poll loop to see the killed sender", () ->
            {
                try
                {
                    return check.ready(a);
                }
                catch (final InterruptedException e)
                {
                    throw new AssertionError(e);
                }
            }, 10, TimeUnit.SECONDS);
            final EOFException eof = assertThrows(EOFException.class, a::recvBytes);
            assertTrue(eof.getMessage().contains("died"), eof.getMessage());
        }
    }

    @Test
    void shouldReportAKilledSenderToPollWithOneMillisecondTimeoutsInALoop() throws Exception
    {
        assertShortPollsSeeADeadSender("poll1ms", connection -> connection.poll(1, TimeUnit.MILLISECONDS));
    }

    @Test
    void shouldReportAKilledSenderToPollWithZeroTimeoutsInALoop() throws Exception
    {
        assertShortPollsSeeADeadSender("poll0", connection -> connection.poll(0, TimeUnit.MILLISECONDS));
    }

    @Test
    void shouldReportAKilledSenderToWaitWithOneMillisecondTimeoutsInALoop() throws Exception
    {
        assertShortPollsSeeADeadSender("wait1ms",
            connection -> !Connection.wait(List.of(connection), 1, TimeUnit.MILLISECONDS).isEmpty());
    }

    @Test
    void shouldReportAKilledSenderToWaitWithZeroTimeoutsInALoop() throws Exception
    {
        assertShortPollsSeeADeadSender("wait0",
            connection -> !Connection.wait(List.of(connection), 0, TimeUnit.MILLISECONDS).isEmpty());
    }

    @Test
    void shouldLetRestartedProcessesTakeOverBothEndsAfterBothHoldersWereKilled() throws Exception
    {
        // A's holder takes process-table entry 0, B's entry 1; the restarted B takes entry 0 (recovering A's
        // dead holder there) and the restarted A entry 1: each end's word names an entry now held by the other
        try (JvmProcess a1 = ChildJvms.startMain(PipeChildren.EndHolder.class, tempDir.toString(), "restart", "A"))
        {
            assertTrue(a1.awaitOutput("HOLDING A", 30, TimeUnit.SECONDS), a1.output());
            try (JvmProcess b1 = ChildJvms.startMain(PipeChildren.EndHolder.class, tempDir.toString(), "restart", "B"))
            {
                assertTrue(b1.awaitOutput("HOLDING B", 30, TimeUnit.SECONDS), b1.output());
                a1.kill();
                b1.kill();
                assertTrue(a1.join(30, TimeUnit.SECONDS) && b1.join(30, TimeUnit.SECONDS));
            }
        }
        try (JvmProcess b2 = ChildJvms.startMain(PipeChildren.EndHolder.class, tempDir.toString(), "restart", "B"))
        {
            Await.until(b2::output, () -> b2.output().contains("HOLDING") || !b2.isAlive(), 30, TimeUnit.SECONDS);
            assertTrue(b2.output().contains("HOLDING B"), b2.output());
            try (JvmProcess a2 = ChildJvms.startMain(PipeChildren.EndHolder.class, tempDir.toString(), "restart", "A"))
            {
                Await.until(a2::output, () -> a2.output().contains("HOLDING") || !a2.isAlive(), 30,
                    TimeUnit.SECONDS);
                assertTrue(a2.output().contains("HOLDING A"), a2.output());
                a2.kill();
            }
            b2.kill();
        }
    }

    @Test
    void shouldLetExactlyOneOfRacingProcessesTakeOverAKilledEndAndNeverEndItsPeer() throws Exception
    {
        final int racers = 3;
        final int messages = 3;
        try (Connection<byte[]> a = connectA("race", 4096);
            JvmProcess holder = ChildJvms.startMain(PipeChildren.Holder.class, tempDir.toString(), "race", "0"))
        {
            assertTrue(holder.awaitOutput("HOLDING", 30, TimeUnit.SECONDS), holder.output());
            final List<JvmProcess> all = new java.util.ArrayList<>();
            try
            {
                for (int i = 0; i < racers; i++)
                {
                    all.add(ChildJvms.startMain(PipeChildren.TakeoverRacer.class, tempDir.toString(), "race",
                        Long.toString(holder.pid()), "100", Integer.toString(messages)));
                }
                for (final JvmProcess racer : all)
                {
                    assertTrue(racer.awaitOutput("TRYING", 30, TimeUnit.SECONDS), racer.output());
                }
                holder.kill();
                assertTrue(holder.join(30, TimeUnit.SECONDS));
                for (final JvmProcess racer : all)
                {
                    Await.until(racer::output, () -> racer.output().contains("SENT") || !racer.isAlive(), 60,
                        TimeUnit.SECONDS);
                }
                int winners = 0;
                for (final JvmProcess racer : all)
                {
                    if (racer.output().contains("WON"))
                    {
                        winners++;
                    }
                    else
                    {
                        assertTrue(racer.output().contains("LOST"), racer.output());
                    }
                }
                assertEquals(1, winners, () -> all.stream().map(JvmProcess::output).toList().toString());
                for (int i = 0; i < messages; i++)
                {
                    assertArrayEquals(new byte[] {(byte)i}, a.recvBytes());
                }
                // the winner's end is live: no end-of-file, nothing more
                assertFalse(a.poll(0, TimeUnit.MILLISECONDS));
                assertFalse(a.poll(20, TimeUnit.MILLISECONDS));
            }
            finally
            {
                for (final JvmProcess racer : all)
                {
                    racer.kill();
                }
            }
        }
    }

    @Test
    void shouldLoseNothingWhenASenderIsKilledMidStreamAndItsEndTakenOver() throws Exception
    {
        // the sender is killed at whatever instant it is at, also between publishing a record and storing the ring's
        // tail; the process taking its end over must neither overwrite a published record nor write where the
        // receiver does not look. Three kills, each at a different point of the stream.
        for (int round = 0; round < 3; round++)
        {
            final String name = "midstream" + round;
            try (Connection<byte[]> a = connectA(name, 4096);
                JvmProcess sender = ChildJvms.startMain(PipeChildren.CountingSender.class, tempDir.toString(), name))
            {
                assertTrue(sender.awaitOutput("STREAMING", 30, TimeUnit.SECONDS), sender.output());
                try (JvmProcess racer = ChildJvms.startMain(PipeChildren.TakeoverRacer.class, tempDir.toString(),
                    name, Long.toString(sender.pid()), "100", "200"))
                {
                    assertTrue(racer.awaitOutput("TRYING", 30, TimeUnit.SECONDS), racer.output());
                    final byte[] buffer = new byte[64];
                    long expected = 0;
                    final long killAt = 5_000 + 7_919L * round;
                    int fromTakeover = 0;
                    while (fromTakeover < 200)
                    {
                        if (expected == killAt)
                        {
                            sender.kill();
                        }
                        final int length;
                        try
                        {
                            length = a.recvBytesInto(buffer);
                        }
                        catch (final EOFException e)
                        {
                            // the killed sender's end is DIED until the racer takes it: look again
                            continue;
                        }
                        if (length == 1)
                        {
                            assertEquals((byte)fromTakeover, buffer[0], "takeover message " + fromTakeover);
                            fromTakeover++;
                            continue;
                        }
                        assertEquals(0, fromTakeover, "a killed sender's message after the takeover's");
                        final long value = java.nio.ByteBuffer.wrap(buffer).getLong(0);
                        assertEquals(expected, value, "message of the killed sender");
                        assertEquals(8 + (int)(expected % 50), length, "length of message " + expected);
                        for (int i = 8; i < length; i++)
                        {
                            assertEquals((byte)expected, buffer[i], "byte " + i + " of message " + expected);
                        }
                        expected++;
                    }
                    assertTrue(expected > killAt, "the sender was killed after " + killAt + " messages");
                    assertTrue(racer.awaitOutput("SENT", 30, TimeUnit.SECONDS), racer.output());
                    assertFalse(a.poll(20, TimeUnit.MILLISECONDS));
                    racer.kill();
                }
            }
        }
    }

    /** Waits until the child has registered to sleep on the ring {@code sender} writes (or fails the test). */
    private static void awaitRegistered(final Connection<byte[]> sender, final JvmProcess child)
    {
        Await.until(() -> "the child to go to sleep: " + child.output(), () -> sender.peerReceiveWaiters() > 0, 30,
            TimeUnit.SECONDS);
    }
}
