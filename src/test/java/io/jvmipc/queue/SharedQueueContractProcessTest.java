package io.jvmipc.queue;

import io.jvmipc.ChildJvms;
import io.jvmipc.codec.Codecs;
import io.jvmipc.file.SharedDirectory;
import io.jvmipc.process.JvmProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Removal by value across real child JVMs, with a remover killed in the middle of its removal. */
class SharedQueueContractProcessTest
{
    @TempDir
    Path tempDir;

    @Test
    @Timeout(60)
    void shouldLoseNothingElseNorLeaveASlotStuckWhenARemoverIsKilledHoldingTheSlot() throws Exception
    {
        try (SharedQueue<String> queue = SharedQueue.builder("q", Codecs.utf8())
            .directory(SharedDirectory.of(tempDir)).capacity(4).maxMessageSize(64).create())
        {
            queue.addAll(List.of("m0", "m1", "m2", "m3"));
            try (JvmProcess remover = ChildJvms.start(QueueContractChildren.class, "takeForRemovalAndHold", "64m",
                tempDir, "q", "m1"))
            {
                assertTrue(remover.awaitOutput("TAKEN:1", 30, TimeUnit.SECONDS), remover.output());
                assertFalse(queue.contains("m1"), "a message taken for removal is out of the queue");
                assertEquals(3, queue.size());
                assertEquals("m0", queue.poll());
                assertEquals("m2", queue.poll(), "consumers pass the slot the remover holds");
                assertEquals("m3", queue.poll());
                assertTrue(queue.offer("n0"));
                assertFalse(queue.offer("n1", 100, TimeUnit.MILLISECONDS),
                    "a live remover's slot is not reused");

                remover.kill();
                assertTrue(remover.join(10, TimeUnit.SECONDS));
            }
            assertTrue(queue.offer("n1", 10, TimeUnit.SECONDS), "the dead remover's slot is freed for producers");
            assertTrue(queue.offer("n2", 10, TimeUnit.SECONDS));
            assertTrue(queue.offer("n3", 10, TimeUnit.SECONDS));
            assertFalse(queue.offer("n4"), "exactly the capacity again");
            for (int i = 0; i < 4; i++)
            {
                assertEquals("n" + i, queue.poll(10, TimeUnit.SECONDS));
            }
            assertNull(queue.poll());
            assertEquals(4, queue.remainingCapacity());
        }
    }
}
