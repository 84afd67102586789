package io.jvmipc.codec;

import io.jvmipc.ChildJvms;
import io.jvmipc.MessageTooLargeException;
import io.jvmipc.file.SharedDirectory;
import io.jvmipc.pipe.Connection;
import io.jvmipc.pipe.End;
import io.jvmipc.pipe.Pipe;
import io.jvmipc.process.JvmProcess;
import io.jvmipc.queue.SharedQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The object codec through a real queue and pipe, between this JVM and child JVMs. */
@Timeout(120)
class ObjectCodecProcessTest
{
    @TempDir
    Path tempDir;

    @Test
    void shouldCarryAListOfIntsAndRecordsThroughASharedQueueFromAChildJvm() throws Exception
    {
        try (SharedQueue<Object> queue = SharedQueue.builder("objects", ObjectCodecChildren.codec())
            .directory(SharedDirectory.of(tempDir)).capacity(8).maxMessageSize(512).create();
            JvmProcess child = ChildJvms.start(ObjectCodecChildren.class, "put", "64m", tempDir, "objects"))
        {
            assertEquals(List.of(1, 2, 3, 4), queue.poll(60, TimeUnit.SECONDS));
            assertEquals(Map.of("point", new ObjectCodecTest.Point(3, 4L, "p"), "colour", ObjectCodecTest.Color.GREEN,
                "longs", List.of(1L, Long.MAX_VALUE)), queue.poll(60, TimeUnit.SECONDS));
            assertTrue(child.join(60, TimeUnit.SECONDS), child.output());
            assertEquals(0, child.exitValue(), child.output());
        }
    }

    @Test
    void shouldEchoObjectsThroughAPipeWithAChildJvm() throws Exception
    {
        final Connection<Object> a = Pipe.builder("echo", ObjectCodecChildren.codec())
            .directory(SharedDirectory.of(tempDir)).connect(End.A);
        try (JvmProcess child = ChildJvms.start(ObjectCodecChildren.class, "echo", "64m", tempDir, "echo"))
        {
            final Map<String, Object> map = new LinkedHashMap<>();
            map.put("ints", List.of(1, 2, 3, 4));
            map.put("none", null);
            map.put("set", Set.of("a", "b"));
            map.put("nested", List.of(Map.of(1, new ObjectCodecTest.Point(1, 2, "q")), ObjectCodecTest.Color.RED));
            final List<Object> values = List.of(List.of(1, 2, 3, 4), map, "text", 5L, 2.5, "x".repeat(100_000));
            for (final Object value : values)
            {
                a.send(value);
                assertEquals(value, a.recv());
            }
            a.close();
            assertTrue(child.join(60, TimeUnit.SECONDS), child.output());
            assertTrue(child.output().contains("ECHOED " + values.size()), child.output());
        }
        finally
        {
            a.close();
        }
    }

    @Test
    void shouldLoseNothingElseWhenTheReceiverRefusesAnUnknownTypeTag() throws Exception
    {
        try (SharedQueue<Object> queue = SharedQueue.builder("unknown", Codecs.objects())
            .directory(SharedDirectory.of(tempDir)).capacity(8).maxMessageSize(512).create())
        {
            // another writer's message (the byte path is not checked against the codec) naming a type not listed
            final byte[] forged = new byte[512];
            final int length = ObjectCodecChildren.codec().encode(List.of(new ObjectCodecTest.Point(1, 2, "x")),
                java.lang.foreign.MemorySegment.ofArray(forged), 0, forged.length);
            queue.put(List.of("before"));
            assertTrue(queue.offerBytes(forged, 0, length));
            queue.put(List.of("after"));
            assertEquals(List.of("before"), queue.take());
            final CodecException e = assertThrows(CodecException.class, queue::take);
            assertTrue(e.getMessage().contains("type tag '" + ObjectCodecTest.Point.class.getName() + "'"),
                e.getMessage());
            assertEquals(List.of("after"), queue.take());
            assertNull(queue.poll());
        }
    }

    @Test
    void shouldRefuseAMessageOverTheMaximumSizeBeforePublishingAnything() throws Exception
    {
        try (SharedQueue<Object> queue = SharedQueue.builder("large", Codecs.objects())
            .directory(SharedDirectory.of(tempDir)).capacity(4).maxMessageSize(64).create())
        {
            final MessageTooLargeException e = assertThrows(MessageTooLargeException.class, () ->
                queue.put(List.of("x".repeat(100))));
            assertTrue(e.getMessage().contains("64"), e.getMessage());
            assertEquals(0, queue.size());
            assertNull(queue.poll());
            final CodecException refused = assertThrows(CodecException.class, () ->
                queue.put(List.of(new ObjectCodecTest.Point(1, 2, "x"))));
            assertTrue(refused.getMessage().contains(ObjectCodecTest.Point.class.getName()), refused.getMessage());
            assertNull(queue.poll());
            for (int i = 0; i < 8; i++)
            {
                queue.put(List.of(i));
                assertEquals(List.of(i), queue.take());
            }
        }
    }
}
