package io.jvmipc.pipe;

import io.jvmipc.MessageTooLargeException;
import io.jvmipc.codec.CodecException;
import io.jvmipc.file.CorruptFileException;
import io.jvmipc.file.ForeignFileException;
import io.jvmipc.file.IncompatibleVersionException;
import io.jvmipc.file.NoSuchSharedObjectException;
import io.jvmipc.file.ObjectKind;
import io.jvmipc.file.SharedDirectory;
import io.jvmipc.file.SharedFile;
import io.jvmipc.file.WrongKindException;
import io.jvmipc.wait.FutexWaitStrategy;
import io.jvmipc.wait.WaitStrategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.EOFException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
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

/** A pipe used by threads of one process: behaviour, misuse and bad input. */
@Timeout(60)
class PipeTest
{
    /** Keeps the slow receiver's work from being optimised away. */
    static volatile long sink;

    @TempDir
    Path tempDir;

    private Pipe.Builder<byte[]> builder(final String name)
    {
        return Pipe.builder(name).directory(SharedDirectory.of(tempDir));
    }

    @Test
    void shouldCarryMessagesBothWaysWhenDuplex() throws Exception
    {
        try (Pipe<byte[]> pipe = builder("duplex").open())
        {
            pipe.a().sendBytes(new byte[] {1, 2, 3});
            pipe.b().sendBytes(new byte[] {9, 8, 7, 6}, 1, 2);
            assertArrayEquals(new byte[] {1, 2, 3}, pipe.b().recvBytes());
            assertArrayEquals(new byte[] {8, 7}, pipe.a().recvBytes());
            pipe.a().send(new byte[0]);
            assertArrayEquals(new byte[0], pipe.b().recv());
        }
    }

    @Test
    void shouldEncodeValuesOfUnknownLengthThroughTheCodec() throws Exception
    {
        try (Pipe<String> pipe = Pipe.builder("codec", TestCodecs.UTF8_UNKNOWN_LENGTH)
            .directory(SharedDirectory.of(tempDir)).capacity(4096).open())
        {
            final String big = "é".repeat(5000);
            final CompletableFuture<Void> sender = CompletableFuture.runAsync(() ->
            {
                try
                {
                    pipe.a().send("[1, 2, 3, 4]");
                    pipe.a().send(big);
                }
                catch (final Exception e)
                {
                    throw new IllegalStateException(e);
                }
            });
            assertEquals("[1, 2, 3, 4]", pipe.b().recv());
            assertEquals(big, pipe.b().recv(), "a 10,000-byte value crosses a 4 KiB ring in fragments");
            sender.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void shouldConsumeAMessageThatFailsToDecode() throws Exception
    {
        try (Pipe<String> pipe = Pipe.builder("badcodec", TestCodecs.UTF8_UNKNOWN_LENGTH)
            .directory(SharedDirectory.of(tempDir)).open())
        {
            pipe.a().sendBytes(new byte[] {0, 1});
            pipe.a().send("next");
            assertThrows(CodecException.class, () -> pipe.b().recv());
            assertEquals("next", pipe.b().recv());
        }
    }

    @Test
    void shouldAllowOnlyTheirDirectionOnOneWayEnds() throws Exception
    {
        try (Pipe<byte[]> pipe = builder("oneway").duplex(false).open())
        {
            assertFalse(pipe.a().canSend());
            assertFalse(pipe.b().canReceive());
            assertThrows(IllegalStateException.class, () -> pipe.a().sendBytes(new byte[1]));
            assertThrows(IllegalStateException.class, () -> pipe.a().send(new byte[1]));
            assertThrows(IllegalStateException.class, () -> pipe.b().recvBytes());
            assertThrows(IllegalStateException.class, () -> pipe.b().recv());
            assertThrows(IllegalStateException.class, () -> pipe.b().poll());
            pipe.b().sendBytes(new byte[] {42});
            assertArrayEquals(new byte[] {42}, pipe.a().recvBytes());
        }
    }

    @Test
    void shouldReportEndOfFileOnlyAfterDrainingAClosedPeer() throws Exception
    {
        try (Pipe<byte[]> pipe = builder("eof").open())
        {
            for (int i = 0; i < 1000; i++)
            {
                pipe.a().sendBytes(Integer.toString(i).getBytes());
            }
            pipe.a().close();
            assertTrue(pipe.b().poll());
            for (int i = 0; i < 1000; i++)
            {
                assertEquals(Integer.toString(i), new String(pipe.b().recvBytes()));
            }
            assertTrue(pipe.b().poll(), "end-of-file is readable");
            assertThrows(EOFException.class, () -> pipe.b().recvBytes());
            assertThrows(EOFException.class, () -> pipe.b().recv());
            assertThrows(BrokenPipeException.class, () -> pipe.b().sendBytes(new byte[1]));
        }
    }

    @Test
    void shouldWakeABlockedReceiverWhenThePeerCloses() throws Exception
    {
        try (Pipe<byte[]> pipe = builder("wakeeof").open())
        {
            final CompletableFuture<Throwable> outcome = CompletableFuture.supplyAsync(() ->
            {
                try
                {
                    pipe.b().recvBytes();
                    return null;
                }
                catch (final Throwable t)
                {
                    return t;
                }
            });
            assertFalse(pipe.b().poll(100, TimeUnit.MILLISECONDS), "nothing to read yet");
            pipe.a().close();
            assertTrue(outcome.get(10, TimeUnit.SECONDS) instanceof EOFException);
        }
    }

    @Test
    void shouldWakeABlockedSenderWithBrokenPipeWhenThePeerCloses() throws Exception
    {
        try (Pipe<byte[]> pipe = builder("wakebroken").capacity(4096).open())
        {
            final CompletableFuture<Throwable> outcome = CompletableFuture.supplyAsync(() ->
            {
                try
                {
                    while (true)
                    {
                        pipe.a().sendBytes(new byte[100]);
                    }
                }
                catch (final Throwable t)
                {
                    return t;
                }
            });
            assertTrue(pipe.b().poll(10, TimeUnit.SECONDS));
            pipe.b().close();
            assertTrue(outcome.get(10, TimeUnit.SECONDS) instanceof BrokenPipeException);
        }
    }

    @Test
    void shouldKeepAMessageLongerThanMaxLength() throws Exception
    {
        try (Pipe<byte[]> pipe = builder("maxlen").open())
        {
            pipe.a().sendBytes(new byte[] {1, 2, 3, 4, 5});
            final MessageTooLargeException e =
                assertThrows(MessageTooLargeException.class, () -> pipe.b().recvBytes(4));
            assertEquals(5, e.length());
            assertThrows(IllegalArgumentException.class, () -> pipe.b().recvBytes(-1));
            assertArrayEquals(new byte[] {1, 2, 3, 4, 5}, pipe.b().recvBytes(5));
        }
    }

    @Test
    void shouldKeepAMessageThatDoesNotFitTheBuffer() throws Exception
    {
        try (Pipe<byte[]> pipe = builder("into").open())
        {
            pipe.a().sendBytes(new byte[] {1, 2, 3, 4, 5});
            final MessageTooLargeException whole =
                assertThrows(MessageTooLargeException.class, () -> pipe.b().recvBytesInto(new byte[4]));
            assertEquals(5, whole.length());
            assertEquals(4, whole.maxLength());
            assertTrue(whole.getMessage().contains("message of 5 bytes") &&
                whole.getMessage().contains("a buffer of 4 bytes"), whole.getMessage());
            // the room from an offset is reported with the buffer it is in, not as a buffer of that size
            final MessageTooLargeException fromOffset =
                assertThrows(MessageTooLargeException.class, () -> pipe.b().recvBytesInto(new byte[8], 4));
            assertEquals(5, fromOffset.length());
            assertEquals(4, fromOffset.maxLength());
            assertTrue(fromOffset.getMessage().contains("message of 5 bytes") &&
                fromOffset.getMessage().contains("the 4 bytes from offset 4 of a buffer of 8 bytes"),
                fromOffset.getMessage());
            final byte[] buffer = new byte[8];
            assertEquals(5, pipe.b().recvBytesInto(buffer, 2));
            assertArrayEquals(new byte[] {0, 0, 1, 2, 3, 4, 5, 0}, buffer);
        }
    }

    @Test
    void shouldRejectAMessageOverTheMaximumAndStayUsable() throws Exception
    {
        try (Pipe<byte[]> pipe = builder("oversize").maxMessageLength(1000).open())
        {
            assertThrows(MessageTooLargeException.class, () -> pipe.a().sendBytes(new byte[1001]));
            assertThrows(MessageTooLargeException.class, () -> pipe.a().send(new byte[1001]));
            pipe.a().sendBytes(new byte[1000]);
            assertEquals(1000, pipe.b().recvBytes().length);
            assertFalse(pipe.b().poll());
        }
    }

    @Test
    void shouldCarryA64MiBMessageThroughA1MiBRing() throws Exception
    {
        try (Pipe<byte[]> pipe = builder("large").open())
        {
            final byte[] message = new byte[64 << 20];
            new SplittableRandom(7).nextBytes(message);
            final CompletableFuture<Void> sender = CompletableFuture.runAsync(() ->
            {
                try
                {
                    pipe.a().sendBytes(message);
                    pipe.a().sendBytes(new byte[] {1});
                }
                catch (final Exception e)
                {
                    throw new IllegalStateException(e);
                }
            });
            final byte[] received = pipe.b().recvBytes();
            assertTrue(Arrays.equals(message, received), "64 MiB message arrives intact");
            assertArrayEquals(new byte[] {1}, pipe.b().recvBytes());
            sender.get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void shouldStreamMessagesOfVariedSizesThroughASmallRing() throws Exception
    {
        final int count = 20_000;
        try (Pipe<byte[]> pipe = builder("stream").capacity(4096).open())
        {
            final CompletableFuture<Long> sender = CompletableFuture.supplyAsync(() ->
            {
                final SplittableRandom random = new SplittableRandom(1);
                final CRC32C crc = new CRC32C();
                try
                {
                    for (int i = 0; i < count; i++)
                    {
                        final byte[] message = new byte[random.nextInt(i % 100 == 0 ? 5000 : 300)];
                        random.nextBytes(message);
                        crc.update(message);
                        pipe.a().sendBytes(message);
                    }
                    pipe.a().close();
                }
                catch (final Exception e)
                {
                    throw new IllegalStateException(e);
                }
                return crc.getValue();
            });
            final CRC32C crc = new CRC32C();
            int received = 0;
            final byte[] buffer = new byte[5000];
            while (true)
            {
                final int length;
                try
                {
                    length = pipe.b().recvBytesInto(buffer);
                }
                catch (final EOFException e)
                {
                    break;
                }
                crc.update(buffer, 0, length);
                received++;
            }
            assertEquals(count, received);
            assertEquals(sender.get(30, TimeUnit.SECONDS), crc.getValue());
        }
    }

    @Test
    @Timeout(30)
    void shouldCompleteBlockedSendsThatNeedMoreSpaceThanOneReceiveFreesWhenEveryWaitSleeps() throws Exception
    {
        // a 4 KiB ring filled with small records, then a record of a quarter ring, with a strategy that sleeps at
        // once: exercises the one-wake-per-registration doorbell and re-arming after a wake that freed too little
        final int rounds = 1000;
        // no spinning: every wait for space is a futex sleep
        final WaitStrategy sleepAtOnce = new FutexWaitStrategy(0, 0, TimeUnit.MILLISECONDS.toNanos(50));
        try (Pipe<byte[]> pipe = builder("rewake").capacity(4096).waitStrategy(sleepAtOnce).open())
        {
            final CompletableFuture<Void> sender = CompletableFuture.runAsync(() ->
            {
                try
                {
                    for (int round = 0; round < rounds; round++)
                    {
                        for (int i = 0; i < 60; i++)
                        {
                            pipe.a().sendBytes(new byte[] {(byte)i});
                        }
                        pipe.a().sendBytes(new byte[1000]);
                    }
                }
                catch (final Exception e)
                {
                    throw new IllegalStateException(e);
                }
            });
            final byte[] buffer = new byte[1000];
            // a slow receiver (checksums 64 KiB per message) so that the sender goes to sleep
            final byte[] work = new byte[64 << 10];
            final CRC32C crc = new CRC32C();
            long bytes = 0;
            for (int n = 0; n < rounds * 61; n++)
            {
                final int length = pipe.b().recvBytesInto(buffer);
                bytes += length;
                crc.update(work);
                sink = crc.getValue();
            }
            sender.get(30, TimeUnit.SECONDS);
            assertEquals(rounds * (60L + 1000L), bytes);
        }
    }

    @Test
    void shouldPingPongWithBusySpinningEnds() throws Exception
    {
        try (Pipe<byte[]> pipe = builder("spin").waitStrategy(WaitStrategy.busySpin()).open())
        {
            final CompletableFuture<Void> echo = CompletableFuture.runAsync(() ->
            {
                try
                {
                    for (int i = 0; i < 1000; i++)
                    {
                        pipe.b().sendBytes(pipe.b().recvBytes());
                    }
                }
                catch (final Exception e)
                {
                    throw new IllegalStateException(e);
                }
            });
            for (int i = 0; i < 1000; i++)
            {
                final byte[] message = {(byte)i, (byte)(i >> 8)};
                pipe.a().sendBytes(message);
                assertArrayEquals(message, pipe.a().recvBytes());
            }
            echo.get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void shouldReturnOnlyTheConnectionThatBecameReady() throws Exception
    {
        try (Pipe<byte[]> one = builder("w1").open(); Pipe<byte[]> two = builder("w2").open();
            Pipe<byte[]> three = builder("w3").open())
        {
            final List<Connection<?>> readers = List.of(one.b(), two.b(), three.b());
            assertEquals(List.of(), Connection.wait(readers, 50, TimeUnit.MILLISECONDS));
            final CompletableFuture<List<Connection<?>>> waiting =
                CompletableFuture.supplyAsync(() ->
                {
                    try
                    {
                        return Connection.wait(readers);
                    }
                    catch (final InterruptedException e)
                    {
                        throw new IllegalStateException(e);
                    }
                });
            assertFalse(two.b().poll(100, TimeUnit.MILLISECONDS));
            two.a().sendBytes(new byte[] {5});
            assertEquals(List.of(two.b()), waiting.get(10, TimeUnit.SECONDS));
            three.a().close();
            assertEquals(List.of(two.b(), three.b()), Connection.wait(readers, 0, TimeUnit.SECONDS));
        }
    }

    @Test
    void shouldTreatTimeoutsOfZeroOrLessAsTryOnceAndRejectWrongUse() throws Exception
    {
        try (Pipe<byte[]> pipe = builder("neg").duplex(false).open())
        {
            assertFalse(pipe.a().poll(-1, TimeUnit.MILLISECONDS));
            assertFalse(pipe.a().poll(Long.MIN_VALUE, TimeUnit.NANOSECONDS));
            assertEquals(List.of(), Connection.wait(List.of(pipe.a()), -1, TimeUnit.MILLISECONDS));
            assertEquals(List.of(), Connection.wait(List.of(pipe.a()), Long.MIN_VALUE, TimeUnit.DAYS));
            pipe.b().sendBytes(new byte[] {1});
            assertTrue(pipe.a().poll(-1, TimeUnit.MILLISECONDS));
            assertEquals(List.of(pipe.a()), Connection.wait(List.of(pipe.a()), -5, TimeUnit.SECONDS));
            assertThrows(NullPointerException.class, () -> pipe.a().poll(1, null));
            assertThrows(NullPointerException.class, () -> Connection.wait(List.of(pipe.a()), 1, null));
            assertThrows(IllegalStateException.class,
                () -> Connection.wait(List.of(pipe.b()), 1, TimeUnit.MILLISECONDS), "sending end cannot be waited on");
            assertThrows(IllegalArgumentException.class, () -> builder("x").capacity(5000));
            assertThrows(IllegalArgumentException.class, () -> builder("x").maxMessageLength(-1));
        }
    }

    @Test
    void shouldRejectUseOfAClosedEnd() throws Exception
    {
        final Pipe<byte[]> pipe = builder("closed").open();
        pipe.close();
        pipe.close();
        assertTrue(pipe.a().isClosed());
        assertThrows(IllegalStateException.class, () -> pipe.a().sendBytes(new byte[1]));
        assertThrows(IllegalStateException.class, () -> pipe.a().recvBytes());
        assertThrows(IllegalStateException.class, () -> pipe.a().poll());
        assertThrows(IllegalStateException.class, () -> Connection.wait(List.of(pipe.b()), 1, TimeUnit.SECONDS));
        final IllegalStateException e = assertThrows(IllegalStateException.class,
            () -> Pipe.attach(SharedDirectory.of(tempDir), "closed", End.A));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }

    @Test
    void shouldRefuseASecondHolderOfALiveEnd() throws Exception
    {
        try (Connection<byte[]> a = builder("held").connect(End.A))
        {
            final IllegalStateException e = assertThrows(IllegalStateException.class, () -> builder("held").connect(End.A));
            assertTrue(e.getMessage().contains("held by live process"), e.getMessage());
            try (Connection<byte[]> b = Pipe.attach(SharedDirectory.of(tempDir), "held", End.B))
            {
                b.sendBytes(new byte[] {3});
                assertArrayEquals(new byte[] {3}, a.recvBytes());
            }
        }
    }

    @Test
    void shouldRefuseFilesThatAreNotPipes() throws Exception
    {
        final SharedDirectory directory = SharedDirectory.of(tempDir);
        assertThrows(NoSuchSharedObjectException.class, () -> Pipe.attach(directory, "missing", End.A));

        Files.write(tempDir.resolve("foreign"), new byte[4096]);
        assertThrows(ForeignFileException.class, () -> Pipe.attach(directory, "foreign", End.A));

        try (SharedFile other = SharedFile.map(directory.resolve("lock"), ObjectKind.LOCK, 1,
            SharedFile.OpenMode.CREATE, new SharedFile.Spec(ObjectKind.LOCK, 1, new long[0], 128, 4, null)))
        {
            assertEquals(ObjectKind.LOCK, other.kind());
            assertThrows(WrongKindException.class, () -> Pipe.attach(directory, "lock", End.A));
        }

        try (SharedFile future = SharedFile.map(directory.resolve("future"), ObjectKind.PIPE, 99,
            SharedFile.OpenMode.CREATE, new SharedFile.Spec(ObjectKind.PIPE, 99, new long[0], 128, 4, null)))
        {
            assertEquals(ObjectKind.PIPE, future.kind());
            assertThrows(IncompatibleVersionException.class, () -> Pipe.attach(directory, "future", End.A));
        }

        builder("truncated").open().close();
        try (RandomAccessFile file = new RandomAccessFile(tempDir.resolve("truncated").toFile(), "rw"))
        {
            file.setLength(file.length() - 4096);
        }
        assertThrows(CorruptFileException.class, () -> Pipe.attach(directory, "truncated", End.B));
    }
}
