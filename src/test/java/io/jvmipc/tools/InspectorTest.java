package io.jvmipc.tools;

import io.jvmipc.codec.Codecs;
import io.jvmipc.file.CorruptFileException;
import io.jvmipc.file.HeaderDescriptor;
import io.jvmipc.file.ObjectKind;
import io.jvmipc.file.SharedDirectory;
import io.jvmipc.pipe.Pipe;
import io.jvmipc.Await;
import io.jvmipc.queue.JoinableQueue;
import io.jvmipc.queue.SharedQueue;
import io.jvmipc.sync.SharedBarrier;
import io.jvmipc.sync.SharedCondition;
import io.jvmipc.sync.SharedEvent;
import io.jvmipc.sync.SharedLock;
import io.jvmipc.sync.SharedReentrantLock;
import io.jvmipc.sync.SharedSemaphore;
import io.jvmipc.tools.inspect.Json;
import io.jvmipc.tools.inspect.ObjectInspector;
import io.jvmipc.tools.inspect.ObjectReport;
import io.jvmipc.value.SharedLongArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The inspector's state for each kind, read from live objects of this process: this also checks the body
 * offsets the inspector mirrors from the sync package's descriptors.
 */
class InspectorTest
{
    @TempDir
    Path dir;

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(final Object value)
    {
        return (Map<String, Object>)value;
    }

    private ObjectReport inspect(final String name)
    {
        final ObjectReport report = ObjectInspector.inspect(SharedDirectory.of(dir), name);
        // every report has a JSON form the test parser reads back
        JsonParser.parse(Json.write(report.toJson()));
        return report;
    }

    /** Overwrites a header field of a closed object's file and gives the header a checksum that matches. */
    static void rewriteHeader(final Path file, final int offset, final int size, final long value) throws Exception
    {
        final byte[] bytes = Files.readAllBytes(file);
        final ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (size == Integer.BYTES)
        {
            buffer.putInt(offset, (int)value);
        }
        else
        {
            buffer.putLong(offset, value);
        }
        final byte[] header = java.util.Arrays.copyOf(bytes, HeaderDescriptor.LENGTH);
        for (int i = 0; i < Integer.BYTES; i++)
        {
            header[HeaderDescriptor.READY_OFFSET + i] = 0;
            header[HeaderDescriptor.CHECKSUM_OFFSET + i] = 0;
        }
        final java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(header);
        buffer.putInt(HeaderDescriptor.CHECKSUM_OFFSET, (int)crc.getValue());
        Files.write(file, bytes);
    }

    @Test
    void shouldRefuseAQueueHeaderOverTheBodyOfAnotherKindAsCorrupt() throws Exception
    {
        final SharedDirectory directory = SharedDirectory.of(dir);
        try (SharedEvent event = SharedEvent.builder("relabelled").directory(directory).create())
        {
            event.set();
            assertEquals(ObjectKind.EVENT, inspect("relabelled").kind());
        }
        rewriteHeader(dir.resolve("relabelled"), HeaderDescriptor.KIND_OFFSET, Integer.BYTES,
            ObjectKind.QUEUE.code());
        final CorruptFileException e = assertThrows(CorruptFileException.class,
            () -> ObjectInspector.inspect(directory, "relabelled"));
        assertTrue(e.getMessage().contains(dir.resolve("relabelled").toString()), e.getMessage());
    }

    @Test
    void shouldRefuseAnArrayLengthWhoseByteSizeOverflows() throws Exception
    {
        final SharedDirectory directory = SharedDirectory.of(dir);
        try (SharedLongArray array = SharedLongArray.builder("overflowing").length(3).directory(directory).create())
        {
            assertEquals(3L, inspect("overflowing").state().get("length"), "length " + array.length());
        }
        // 2^61 longs are 2^64 bytes: 0 once multiplied in a long
        rewriteHeader(dir.resolve("overflowing"), HeaderDescriptor.parameterOffset(
            io.jvmipc.value.ArrayDescriptor.LENGTH_PARAMETER), Long.BYTES, 1L << 61);
        final CorruptFileException e = assertThrows(CorruptFileException.class,
            () -> ObjectInspector.inspect(directory, "overflowing"));
        assertTrue(e.getMessage().contains(Long.toString(1L << 61)), e.getMessage());
    }

    private int wakeWanted(final String name, final String signal)
    {
        return inspect(name).signals().stream().filter(s -> s.name().equals(signal)).findFirst().orElseThrow()
            .wakeWanted();
    }

    @Test
    @Timeout(30)
    void shouldShowTheRoleHoldersOfASingleProducerSingleConsumerQueue()
    {
        final SharedDirectory directory = SharedDirectory.of(dir);
        try (SharedQueue<String> queue = SharedQueue.builder("roles", Codecs.utf8()).directory(directory)
            .singleProducer().singleConsumer().create())
        {
            assertEquals(-1L, inspect("roles").state().get("producerRoleEntry"), "free until the first offer");
            assertTrue(queue.offer("a"));
            final Map<String, Object> produced = inspect("roles").state();
            assertEquals(-1L, produced.get("consumerRoleEntry"));
            final long producer = (Long)produced.get("producerRoleEntry");
            assertTrue(producer >= 0, "the producer's entry: " + producer);
            assertEquals("a", queue.poll());
            assertEquals(producer, inspect("roles").state().get("consumerRoleEntry"), "the same attachment");
        }
        try (SharedQueue<String> any = SharedQueue.builder("any", Codecs.utf8()).directory(directory).create())
        {
            assertFalse(any.isSingleProducer());
            assertFalse(inspect("any").state().containsKey("producerRoleEntry"), "a queue of any producers");
        }
    }

    @Test
    @Timeout(30)
    void shouldShowTheQueuesPassHintAndTheWakeWantedWordOfItsSignals() throws Exception
    {
        final SharedDirectory directory = SharedDirectory.of(dir);
        try (SharedQueue<String> first = SharedQueue.builder("passing", Codecs.utf8()).directory(directory).create();
            SharedQueue<String> second = SharedQueue.builder("passing", Codecs.utf8()).directory(directory).open())
        {
            // position 0 held by one attachment's claim; the other's two messages are taken past it
            final long claim = first.tryClaim();
            assertTrue(claim >= 0);
            assertTrue(second.offer("a") && second.offer("b"));
            assertEquals("a", second.poll());
            assertEquals("b", second.poll());
            final Map<String, Object> passed = inspect("passing").state();
            assertEquals(0L, passed.get("head"));
            assertEquals(3L, passed.get("passHint"));
            first.abort(claim);

            // nobody has slept on notEmpty yet; a consumer waiting on it arms the word
            assertEquals(0, wakeWanted("passing", "notEmpty"));
            final CompletableFuture<String> taken = CompletableFuture.supplyAsync(() ->
            {
                try
                {
                    return second.take();
                }
                catch (final InterruptedException e)
                {
                    throw new CompletionException(e);
                }
            });
            Await.until(() -> "the consumer to arm notEmpty's wake-wanted word",
                () -> wakeWanted("passing", "notEmpty") == 1, 20, TimeUnit.SECONDS);
            assertTrue(first.offer("c"));
            // the word may stay armed: a consumer between two bounded sleeps is not registered, finds the message
            // itself, and leaves the word for one needless wake later
            assertEquals("c", taken.get(20, TimeUnit.SECONDS));
        }
    }

    @Test
    void shouldShowLocksSemaphoresEventsConditionsAndBarriers() throws Exception
    {
        final SharedDirectory directory = SharedDirectory.of(dir);
        try (SharedLock lock = SharedLock.builder("lock").directory(directory).create();
            SharedReentrantLock reentrant = SharedReentrantLock.builder("reentrant").directory(directory).create();
            SharedSemaphore semaphore = SharedSemaphore.builder("sem", 3).directory(directory).create();
            SharedEvent event = SharedEvent.builder("event").directory(directory).create();
            SharedCondition condition = SharedCondition.builder("cond", lock).directory(directory).create();
            SharedBarrier barrier = SharedBarrier.builder("barrier").parties(3).directory(directory).create())
        {
            assertEquals(false, inspect("lock").state().get("held"));
            lock.lock();
            final Map<String, Object> held = inspect("lock").state();
            assertEquals(true, held.get("held"));
            assertEquals(ProcessHandle.current().pid(), held.get("holderPid"));
            assertEquals(true, held.get("holderAlive"));
            assertEquals(false, held.get("ownerDied"));
            lock.unlock();

            reentrant.lock();
            reentrant.lock();
            final Map<String, Object> reentered = inspect("reentrant").state();
            assertEquals(true, reentered.get("held"));
            assertEquals(2L, reentered.get("holdCount"));
            assertEquals(Thread.currentThread().threadId(), reentered.get("ownerThread"));
            reentrant.unlock();
            reentrant.unlock();

            assertTrue(semaphore.tryAcquire());
            final ObjectReport sem = inspect("sem");
            assertEquals(2L, sem.state().get("permits"));
            assertEquals(3L, sem.state().get("initialPermits"));
            assertEquals(1L, map(sem.state().get("heldByEntry")).values().iterator().next());
            assertEquals(List.of("waiters"), sem.signals().stream().map(s -> s.name()).toList());

            assertEquals(false, inspect("event").state().get("set"));
            event.set();
            assertEquals(true, inspect("event").state().get("set"));
            assertEquals(1, inspect("event").state().get("setCount"));

            assertEquals(ObjectKind.CONDITION, inspect(condition.path().getFileName().toString()).kind());
            final Map<String, Object> cond = inspect("cond").state();
            assertEquals(0L, cond.get("waiters"));
            assertEquals(ObjectKind.LOCK.name(), cond.get("lockKind"));

            final Map<String, Object> bar = inspect("barrier").state();
            assertEquals(3L, bar.get("parties"));
            assertEquals(0L, bar.get("arrived"));
            assertEquals(false, bar.get("broken"));
            barrier.reset();
            assertEquals(1, inspect("barrier").processes().size());
        }
    }

    @Test
    void shouldShowPipesArraysAndJoinableQueues() throws Exception
    {
        final SharedDirectory directory = SharedDirectory.of(dir);
        try (Pipe<byte[]> pipe = Pipe.builder("pipe").directory(directory).capacity(4096).open();
            SharedLongArray array = SharedLongArray.builder("array").length(3).initialValues(4, 5, 6)
                .directory(directory).create();
            JoinableQueue<String> jobs = JoinableQueue.builder("jobs", Codecs.utf8()).capacity(4)
                .directory(directory).create())
        {
            pipe.a().sendBytes(new byte[10]);
            final ObjectReport report = inspect("pipe");
            final Map<String, Object> rings = map(report.state().get("rings"));
            assertEquals(report.depth(), map(rings.get("aToB")).get("depthBytes"));
            assertTrue(report.depth() >= 10, report.toString());
            assertEquals(0L, map(rings.get("bToA")).get("depthBytes"));
            final Map<String, Object> endA = map(map(report.state().get("ends")).get("A"));
            assertEquals("open", endA.get("state"));
            assertEquals(true, endA.get("holderAlive"));
            assertEquals(ProcessHandle.current().pid(), endA.get("holderPid"));
            assertEquals(4, report.signals().size());
            pipe.b().recvBytes();
            assertEquals(0L, inspect("pipe").depth());

            final Map<String, Object> values = inspect("array").state();
            assertEquals("long", values.get("type"));
            assertEquals(List.of(4L, 5L, 6L), values.get("first"));
            assertEquals((long)array.length(), values.get("length"));

            jobs.put("a");
            jobs.put("b");
            assertEquals(0L, inspect("jobs").state().get("owed"), "nothing taken yet: the two tasks are in the queue");
            assertEquals(2L, inspect("jobs.items").depth());
            assertEquals(List.of("a", "b"), ObjectInspector.queueMessages(directory, "jobs", 10).stream()
                .map(m -> new String(m.bytes(), java.nio.charset.StandardCharsets.UTF_8)).toList());
        }
    }
}
