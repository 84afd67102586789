package io.jvmipc.tools;

import io.jvmipc.codec.Codecs;
import io.jvmipc.file.SharedDirectory;
import io.jvmipc.process.JvmProcess;
import io.jvmipc.queue.SharedQueue;
import io.jvmipc.sync.OwnerDiedException;
import io.jvmipc.sync.SharedLock;
import io.jvmipc.sync.SyncChildren;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** The library's JFR events for its slow paths: a wait that blocked, a recovery of a dead process, an owner-died hand-over. */
class JfrEventsTest
{
    @TempDir
    Path tempDir;

    @Test
    @Timeout(90)
    void shouldRecordAWaitARecoveryOfAKilledHolderAndTheOwnerDiedHandOver() throws Exception
    {
        final SharedDirectory dir = SharedDirectory.of(tempDir);
        final Path dump = tempDir.resolve("events.jfr");
        try (Recording recording = new Recording())
        {
            recording.enable("io.jvmipc.Wait").withThreshold(Duration.ZERO);
            recording.enable("io.jvmipc.Recovery");
            recording.enable("io.jvmipc.OwnerDied");
            recording.start();
            try (SharedQueue<String> queue = SharedQueue.builder("events", Codecs.utf8()).directory(dir).create())
            {
                assertNull(queue.poll(30, TimeUnit.MILLISECONDS), "nothing was put");
                assertNull(queue.poll(), "a call that does not wait records nothing");
            }
            try (SharedLock lock = SharedLock.builder("lock").directory(dir).create();
                JvmProcess child = JvmProcess.builder(SyncChildren.class).captureOutput().method("holdLock")
                    .args(tempDir.toString(), "lock").start())
            {
                assertTrue(child.awaitOutput("HOLDING", 60, TimeUnit.SECONDS), child.output());
                child.kill();
                assertTrue(child.join(30, TimeUnit.SECONDS));
                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (true)
                {
                    try
                    {
                        assertFalse(lock.tryLock(5, TimeUnit.MILLISECONDS), "must be told of the death");
                    }
                    catch (final OwnerDiedException e)
                    {
                        break;
                    }
                    if (System.nanoTime() - deadline >= 0)
                    {
                        fail("the dead holder's lock was never handed over");
                    }
                }
                lock.unlock();
            }
            recording.stop();
            recording.dump(dump);
        }
        final List<RecordedEvent> events = RecordingFile.readAllEvents(dump);
        final List<RecordedEvent> waits = named(events, "io.jvmipc.Wait");
        assertTrue(waits.stream().anyMatch(e -> e.getString("path").endsWith("events") && e.getBoolean("timedOut")),
            "no timed-out wait of the queue in " + waits);
        final List<RecordedEvent> recoveries = named(events, "io.jvmipc.Recovery");
        assertEquals(1, recoveries.stream().filter(e -> e.getString("path").endsWith("lock")).count(),
            "one recovery of the killed holder: " + recoveries);
        final List<RecordedEvent> handOvers = named(events, "io.jvmipc.OwnerDied");
        assertEquals(1, handOvers.size(), handOvers.toString());
        assertTrue(handOvers.get(0).getString("path").endsWith("lock"));
    }

    private static List<RecordedEvent> named(final List<RecordedEvent> events, final String name)
    {
        return events.stream().filter(e -> e.getEventType().getName().equals(name)).toList();
    }
}
