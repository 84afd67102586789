package io.jvmipc.agrona;

import io.jvmipc.Await;
import io.jvmipc.ChildJvms;
import io.jvmipc.MessageTooLargeException;
import io.jvmipc.codec.Codecs;
import io.jvmipc.file.SharedDirectory;
import io.jvmipc.process.JvmProcess;
import io.jvmipc.queue.SharedQueue;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.YieldingIdleStrategy;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class AgronaQueueTest
{
    @TempDir
    Path tempDir;
    private SharedDirectory dir;

    @BeforeEach
    void setUp()
    {
        dir = SharedDirectory.of(tempDir);
    }

    private SharedQueue<byte[]> create(final String name, final int capacity, final int maxMessageSize)
    {
        return SharedQueue.builder(name, Codecs.bytes()).directory(dir).capacity(capacity)
            .maxMessageSize(maxMessageSize).create();
    }

    @Test
    void shouldEncodeInTheSlotAndDecodeInPlace()
    {
        try (SharedQueue<byte[]> queue = create("orders", 8, 64))
        {
            final AgronaQueue adapter = AgronaQueue.of(queue);
            for (long id = 0; id < 20; id++)
            {
                final QueueClaim claim = adapter.tryClaim();
                assertNotNull(claim);
                assertEquals(64, claim.capacity());
                assertEquals(64, claim.buffer().capacity());
                claim.commit(Orders.encode(claim.buffer(), 0, id));
                assertFalse(claim.isOpen());

                final long expected = id;
                final long[] seen = {-1};
                assertTrue(adapter.poll((buffer, offset, length) ->
                {
                    assertEquals(0, offset);
                    assertEquals(length, buffer.capacity(), "the buffer covers the message only");
                    seen[0] = Orders.decodeAndCheck(buffer, offset, length);
                }));
                assertEquals(expected, seen[0]);
            }
            assertFalse(adapter.poll((buffer, offset, length) -> fail()));
        }
    }

    @Test
    void shouldWriteTheBytesTheCorePathsRead()
    {
        try (SharedQueue<byte[]> queue = create("bytes", 4, 32))
        {
            final AgronaQueue adapter = AgronaQueue.of(queue);
            final QueueClaim claim = adapter.tryClaim();
            claim.buffer().putStringWithoutLengthAscii(0, "hello, slot");
            claim.commit(11);
            assertArrayEquals("hello, slot".getBytes(StandardCharsets.US_ASCII), queue.poll());

            assertTrue(queue.offerBytes(new byte[] {1, 2, 3, 4, 5}, 0, 5));
            final byte[] read = new byte[5];
            assertTrue(adapter.poll((buffer, offset, length) -> buffer.getBytes(offset, read, 0, length)));
            assertArrayEquals(new byte[] {1, 2, 3, 4, 5}, read);
        }
    }

    @Test
    void shouldRefuseWritesPastTheSlotWithoutTouchingTheNextSlot()
    {
        try (SharedQueue<byte[]> queue = create("bounds", 4, 16))
        {
            final AgronaQueue first = AgronaQueue.of(queue);
            final AgronaQueue second = AgronaQueue.of(queue);
            final QueueClaim a = first.tryClaim();
            final QueueClaim b = second.tryClaim();
            b.buffer().setMemory(0, 16, (byte) 0x5A);
            assertThrows(IndexOutOfBoundsException.class, () -> a.buffer().putLong(12, -1L));
            assertThrows(IndexOutOfBoundsException.class, () -> a.buffer().putByte(16, (byte) 1));
            assertThrows(IndexOutOfBoundsException.class, () -> a.buffer().putByte(-1, (byte) 1));
            a.buffer().setMemory(0, 16, (byte) 0x11);
            a.commit(16);
            b.commit(16);

            final byte[] ones = new byte[16];
            Arrays.fill(ones, (byte) 0x11);
            final byte[] fives = new byte[16];
            Arrays.fill(fives, (byte) 0x5A);
            assertArrayEquals(ones, queue.poll());
            assertArrayEquals(fives, queue.poll(), "the neighbouring slot is intact");
        }
    }

    @Test
    void shouldMakeStaleBuffersUnusable()
    {
        try (SharedQueue<byte[]> queue = create("stale", 4, 16))
        {
            final AgronaQueue adapter = AgronaQueue.of(queue);
            final QueueClaim claim = adapter.tryClaim();
            final MutableDirectBuffer kept = claim.buffer();
            kept.putInt(0, 7);
            claim.commit(4);
            assertEquals(0, kept.capacity());
            assertThrows(IndexOutOfBoundsException.class, () -> kept.putInt(0, 8), "a write after commit fails");
            assertThrows(IllegalStateException.class, claim::buffer);
            assertThrows(IllegalStateException.class, () -> claim.commit(4));
            assertThrows(IllegalStateException.class, claim::abort);

            final AtomicReference<DirectBuffer> received = new AtomicReference<>();
            assertTrue(adapter.poll((buffer, offset, length) ->
            {
                assertEquals(7, buffer.getInt(offset));
                received.set(buffer);
            }));
            assertEquals(0, received.get().capacity());
            assertThrows(IndexOutOfBoundsException.class, () -> received.get().getInt(0), "a read after return fails");
        }
    }

    @Test
    void shouldHoldOneClaimAndReturnNullWhenFull()
    {
        try (SharedQueue<byte[]> queue = create("full", 2, 8))
        {
            final AgronaQueue adapter = AgronaQueue.of(queue);
            final QueueClaim claim = adapter.tryClaim();
            assertThrows(IllegalStateException.class, adapter::tryClaim, "one open claim per adapter");
            claim.commit(0);
            assertSame(claim, adapter.tryClaim(), "the claim view is reused");
            claim.commit(1);
            assertNull(adapter.tryClaim());
            assertEquals(2, queue.size());
        }
    }

    @Test
    void shouldKeepTheClaimOpenOnTooLongACommitAndSkipAnAbortedSlot()
    {
        try (SharedQueue<byte[]> queue = create("abort", 4, 8))
        {
            final AgronaQueue adapter = AgronaQueue.of(queue);
            final QueueClaim claim = adapter.tryClaim();
            assertThrows(MessageTooLargeException.class, () -> claim.commit(9));
            assertThrows(IllegalArgumentException.class, () -> claim.commit(-1));
            assertTrue(claim.isOpen());
            claim.abort();
            assertFalse(claim.isOpen());
            assertTrue(queue.offerBytes(new byte[] {42}, 0, 1));
            assertArrayEquals(new byte[] {42}, queue.poll(), "the aborted slot is skipped");
            assertNull(queue.poll());
        }
    }

    @Test
    void shouldRefuseReentrantPolls()
    {
        try (SharedQueue<byte[]> queue = create("reentrant", 4, 8))
        {
            final AgronaQueue adapter = AgronaQueue.of(queue);
            queue.offer(new byte[] {1});
            queue.offer(new byte[] {2});
            final AtomicReference<Throwable> inner = new AtomicReference<>();
            assertTrue(adapter.poll((buffer, offset, length) ->
                inner.set(assertThrows(IllegalStateException.class, () -> adapter.poll((b, o, l) -> { })))));
            assertNotNull(inner.get());
            final List<Byte> rest = new ArrayList<>();
            assertEquals(1, adapter.drain((buffer, offset, length) -> rest.add(buffer.getByte(offset)), 10));
            assertEquals(List.of((byte) 2), rest);
        }
    }

    @Test
    void shouldWaitForRoomWithAnIdleStrategy() throws Exception
    {
        try (SharedQueue<byte[]> queue = create("room", 1, 8))
        {
            final AgronaQueue adapter = AgronaQueue.of(queue);
            adapter.tryClaim().commit(1);
            assertNull(adapter.claim(new BusySpinIdleStrategy(), 20, TimeUnit.MILLISECONDS), "full until the timeout");
            assertNull(adapter.claim(new BusySpinIdleStrategy(), -5, TimeUnit.SECONDS), "a negative timeout tries once");

            final CountingIdleStrategy idle = new CountingIdleStrategy();
            final AtomicReference<Object> result = new AtomicReference<>();
            final Thread producer = new Thread(() ->
            {
                try
                {
                    final QueueClaim claim = adapter.claim(idle, 30, TimeUnit.SECONDS);
                    claim.buffer().putByte(0, (byte) 9);
                    claim.commit(1);
                    result.set(claim);
                }
                catch (final Throwable e)
                {
                    result.set(e);
                }
            });
            producer.start();
            Await.until("the producer idles on a full queue", () -> idle.idles.get() > 0, 30, TimeUnit.SECONDS);
            assertEquals(1, idle.resets.get(), "reset before the first attempt");
            assertEquals(1, queue.poll().length, "the message that filled the queue");
            producer.join();
            assertInstanceOf(QueueClaim.class, result.get(), () -> String.valueOf(result.get()));
            assertArrayEquals(new byte[] {9}, queue.poll());
        }
    }

    @Test
    void shouldThrowInterruptedWhileWaitingForRoom()
    {
        try (SharedQueue<byte[]> queue = create("interrupt", 1, 8))
        {
            final AgronaQueue adapter = AgronaQueue.of(queue);
            adapter.tryClaim().commit(1);
            Thread.currentThread().interrupt();
            assertThrows(InterruptedException.class,
                () -> adapter.claim(new YieldingIdleStrategy(), 30, TimeUnit.SECONDS));
            assertFalse(Thread.interrupted(), "the flag is consumed, as by every InterruptedException");
            assertNull(adapter.tryClaim(), "still full");
        }
    }

    @Test
    void shouldPollWithATimeout() throws Exception
    {
        try (SharedQueue<byte[]> queue = create("timed", 4, 8))
        {
            final AgronaQueue adapter = AgronaQueue.of(queue);
            assertFalse(adapter.poll((buffer, offset, length) -> fail(), 10, TimeUnit.MILLISECONDS));
            final Thread producer = new Thread(() -> queue.offer(new byte[] {5, 6}));
            producer.start();
            final int[] length = {-1};
            assertTrue(adapter.poll((buffer, offset, l) -> length[0] = l, 30, TimeUnit.SECONDS));
            assertEquals(2, length[0]);
            producer.join();
        }
    }

    @Test
    void shouldCarryOrdersEncodedInAnotherProcess() throws Exception
    {
        final int count = 5_000;
        try (SharedQueue<byte[]> queue = create("across", 64, 64);
             JvmProcess child = ChildJvms.start(AgronaChildren.class, "produceOrders", "64m", tempDir, "across",
                 Integer.toString(count)))
        {
            final AgronaQueue adapter = AgronaQueue.of(queue);
            final long[] next = {0};
            while (next[0] < count)
            {
                assertTrue(adapter.poll((buffer, offset, length) ->
                    assertEquals(next[0]++, Orders.decodeAndCheck(buffer, offset, length)), 30, TimeUnit.SECONDS),
                    () -> "no order " + next[0] + "; child: " + child.output());
            }
            assertEquals(0, child.join(), child::output);
        }
    }

    @Test
    void shouldPassTheSlotOfAProducerWithItsClaimOpenAndFreeItWhenTheProducerIsKilled() throws Exception
    {
        try (SharedQueue<byte[]> queue = create("killed", 4, 64);
             JvmProcess child = ChildJvms.start(AgronaChildren.class, "claimAndHang", "64m", tempDir, "killed"))
        {
            assertTrue(child.awaitOutput("claimed", 30, TimeUnit.SECONDS), child::output);
            final AgronaQueue adapter = AgronaQueue.of(queue);
            final QueueClaim claim = adapter.tryClaim();
            claim.commit(Orders.encode(claim.buffer(), 0, 77));
            final long[] id = {-1};
            assertTrue(adapter.poll((buffer, offset, length) -> id[0] = Orders.decodeAndCheck(buffer, offset, length),
                30, TimeUnit.SECONDS), "another producer's message is taken past the open claim");
            assertEquals(77, id[0]);
            assertFalse(adapter.poll((buffer, offset, length) -> fail(), 0, TimeUnit.SECONDS),
                "the open claim is not taken");
            child.kill();
            assertTrue(child.join(10, TimeUnit.SECONDS));
            // a poll that passes the dead producer's slot probes it when due and frees the slot
            Await.until("the dead producer's slot freed", () ->
            {
                assertFalse(adapter.poll((buffer, offset, length) -> fail()), "the half-written message is never seen");
                return queue.remainingCapacity() == 4;
            }, 10, TimeUnit.SECONDS);
        }
    }

    @Test
    void shouldSayWhichFlagIsMissingWithoutTheExport() throws Exception
    {
        final Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        final Process child = new ProcessBuilder(java.toString(), "--enable-native-access=ALL-UNNAMED", "-cp",
            System.getProperty("java.class.path"), WithoutExportsChild.class.getName(), tempDir.toString())
            .redirectErrorStream(true).start();
        final String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(child.waitFor(30, TimeUnit.SECONDS), output);
        assertEquals(0, child.exitValue(), output);
        final String expected = "of: Agrona's UnsafeBuffer cannot reach jdk.internal.misc.Unsafe: run the JVM with " +
            "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED";
        assertEquals(2, output.lines().filter(line -> line.startsWith(expected)).count(), output);
        assertTrue(output.contains("queue: still works, null"), "the core and the idle strategies need no flag: " +
            output);
    }

    private static void fail()
    {
        throw new AssertionError("no message expected");
    }
}
