package io.jvmipc.lifecycle;

import io.jvmipc.codec.Codecs;
import io.jvmipc.file.HeaderDescriptor;
import io.jvmipc.file.SharedDirectory;
import io.jvmipc.file.SharedHandle;
import io.jvmipc.file.ObjectKind;
import io.jvmipc.pipe.Connection;
import io.jvmipc.pipe.End;
import io.jvmipc.pipe.Pipe;
import io.jvmipc.process.JvmProcess;
import io.jvmipc.queue.SharedQueue;
import io.jvmipc.value.SharedInt;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Lifecycle across real JVMs: anonymous objects passed by handle, processes killed with kill -9, cleanup. */
class LifecycleProcessTest
{
    private static final long WAIT_SECONDS = 60;

    @TempDir
    Path tempDir;
    private SharedDirectory directory;

    @BeforeEach
    void setUp()
    {
        directory = SharedDirectory.of(tempDir);
    }

    @Test
    @Timeout(120)
    void anonymousQueueGoesWhenTheParentClosesAfterItsChildWasKilled() throws Exception
    {
        final SharedQueue<String> queue = SharedQueue.anonymous(Codecs.utf8()).directory(directory).create();
        final SharedHandle handle = queue.handle();
        try (JvmProcess child = JvmProcess.builder(() -> LifecycleChildren.holdQueue(handle)).captureOutput()
            .start())
        {
            assertTrue(child.awaitOutput("ATTACHED", WAIT_SECONDS, TimeUnit.SECONDS), child.output());
            queue.put("first");
            assertTrue(child.awaitOutput("TOOK first", WAIT_SECONDS, TimeUnit.SECONDS), child.output());
            // the child now blocks in take(): killed in the middle of it, still attached
            child.kill();
            child.join();
            assertTrue(Files.exists(handle.path()), "removed while the parent is attached");
            queue.close();
        }
        assertEquals(Set.of(), LifecycleTest.files(tempDir));
    }

    @Test
    @Timeout(120)
    void anonymousQueueOfKilledProcessesStaysMarkedUntilCleanupProvesItUnused() throws Exception
    {
        final String where = tempDir.toString();
        try (JvmProcess creator = start(() -> LifecycleChildren.createAndHoldQueue(where)))
        {
            assertTrue(creator.awaitOutput("HANDLE ", WAIT_SECONDS, TimeUnit.SECONDS), creator.output());
            final String name = field(creator.output(), "HANDLE (\\S+)");
            final SharedHandle handle = new SharedHandle(tempDir.toString(), name, ObjectKind.QUEUE);
            try (JvmProcess opener = JvmProcess.builder(() -> LifecycleChildren.openAndHold(handle)).captureOutput()
                .start())
            {
                assertTrue(opener.awaitOutput("ATTACHED", WAIT_SECONDS, TimeUnit.SECONDS), opener.output());
                final List<SharedDirectory.Removal> whileLive = directory.removeUnusedAnonymous();
                assertEquals(1, whileLive.size());
                assertEquals(SharedDirectory.Removal.Outcome.IN_USE, whileLive.get(0).outcome());
                assertTrue(Files.exists(handle.path()), "cleanup removed a live holder's file");
                creator.kill();
                creator.join();
                assertEquals(SharedDirectory.Removal.Outcome.IN_USE,
                    directory.removeUnusedAnonymous().get(0).outcome(), "one holder is still alive");
                opener.kill();
                opener.join();
            }
            assertTrue(Files.exists(handle.path()), "everyone crashed: the file stays");
            assertEquals(HeaderDescriptor.FLAG_ANONYMOUS, LifecycleTest.flags(handle.path()));
            final List<SharedDirectory.Removal> removals = directory.removeUnusedAnonymous();
            assertEquals(1, removals.size());
            assertEquals(SharedDirectory.Removal.Outcome.REMOVED, removals.get(0).outcome());
            assertEquals(Set.of(), LifecycleTest.files(tempDir));
        }
    }

    @Test
    @Timeout(120)
    void openOrCreateOfAnAbandonedAnonymousNameRemovesItAndStartsAfresh() throws Exception
    {
        final String name;
        final String where = tempDir.toString();
        try (JvmProcess creator = start(() -> LifecycleChildren.createAndHoldQueue(where)))
        {
            assertTrue(creator.awaitOutput("HANDLE ", WAIT_SECONDS, TimeUnit.SECONDS), creator.output());
            name = field(creator.output(), "HANDLE (\\S+)");
            creator.kill();
            creator.join();
        }
        try (SharedQueue<String> fresh = SharedQueue.builder(name, Codecs.utf8()).directory(directory).openOrCreate())
        {
            assertNull(fresh.poll(), "attached to the abandoned object instead of a new one");
        }
        assertEquals(Set.of(), LifecycleTest.files(tempDir));
    }

    @Test
    @Timeout(120)
    void cleanCommandRemovesAnAbandonedAnonymousFileButNotALiveOne() throws Exception
    {
        final String where = tempDir.toString();
        try (JvmProcess live = start(() -> LifecycleChildren.createAndHoldQueue(where));
            JvmProcess killed = start(() -> LifecycleChildren.createAndHoldQueue(where)))
        {
            assertTrue(live.awaitOutput("HANDLE ", WAIT_SECONDS, TimeUnit.SECONDS), live.output());
            assertTrue(killed.awaitOutput("HANDLE ", WAIT_SECONDS, TimeUnit.SECONDS), killed.output());
            final String liveName = field(live.output(), "HANDLE (\\S+)");
            final String killedName = field(killed.output(), "HANDLE (\\S+)");
            assertTrue(Files.exists(tempDir.resolve(killedName)));
            killed.kill();
            killed.join();
            final java.io.StringWriter out = new java.io.StringWriter();
            final java.io.StringWriter err = new java.io.StringWriter();
            final int code = io.jvmipc.tools.Cli.run(new java.io.PrintWriter(out, true),
                new java.io.PrintWriter(err, true), "--dir", where, "clean");
            assertEquals(0, code, out + " " + err);
            assertEquals(Set.of(liveName), LifecycleTest.files(tempDir), out.toString());
            live.kill();
            live.join();
        }
    }

    @Test
    @Timeout(180)
    void unlinkRacingAChildThatAttachesInALoopNeverLeavesItHalfAttached() throws Exception
    {
        final Path stop = tempDir.resolve("stop");
        final SharedDirectory dir = SharedDirectory.of(tempDir.resolve("objects"));
        final String objects = dir.path().toString();
        final String stopName = stop.toString();
        SharedInt.builder("raced").directory(dir).create().close();
        try (JvmProcess child = start(() -> LifecycleChildren.attachInALoop(objects, "raced", stopName)))
        {
            assertTrue(child.awaitOutput("LOOPING", WAIT_SECONDS, TimeUnit.SECONDS), child.output());
            int removed = 0;
            for (int i = 0; i < 400; i++)
            {
                try
                {
                    if (dir.unlink("raced"))
                    {
                        removed++;
                    }
                }
                catch (final IllegalStateException refused)
                {
                    // the child is attached (or attaching) right now
                }
                SharedInt.builder("raced").directory(dir).openOrCreate().close();
            }
            Files.createFile(stop);
            assertTrue(child.awaitOutput("DONE", WAIT_SECONDS, TimeUnit.SECONDS), child.output());
            assertEquals("0", field(child.output(), "half=(\\d+)"), child.output());
            assertTrue(removed > 0, "no unlink succeeded in 400 tries");
        }
    }

    @Test
    @Timeout(300)
    void thousandAnonymousPipesAndQueuesLeaveTheDirectoryAsItWas() throws Exception
    {
        final Set<String> before = LifecycleTest.files(tempDir);
        final SharedQueue<String> requests = SharedQueue.anonymous(Codecs.utf8()).directory(directory).create();
        final SharedQueue<String> replies = SharedQueue.anonymous(Codecs.utf8()).directory(directory).create();
        final SharedHandle requestHandle = requests.handle();
        final SharedHandle replyHandle = replies.handle();
        int acrossChild = 0;
        try (JvmProcess child = JvmProcess.builder(() -> LifecycleChildren.serve(requestHandle, replyHandle))
            .captureOutput().start())
        {
            assertTrue(child.awaitOutput("SERVING", WAIT_SECONDS, TimeUnit.SECONDS), child.output());
            for (int i = 0; i < 1000; i++)
            {
                final boolean queue = i % 2 == 0;
                final int use = (i / 2) % 4;
                final String message = "m" + i;
                if (queue)
                {
                    try (SharedQueue<String> q = SharedQueue.anonymous(Codecs.utf8()).capacity(4)
                        .directory(directory).create())
                    {
                        assertTrue(q.offer(message));
                        if (use == 0 && i < 100)
                        {
                            requests.put("Q " + q.handle().name());
                            assertEquals(message, replies.poll(WAIT_SECONDS, TimeUnit.SECONDS), child.output());
                            acrossChild++;
                        }
                        else if (use <= 1)
                        {
                            try (SharedQueue<String> second = SharedQueue.open(q.handle(), Codecs.utf8()))
                            {
                                assertEquals(message, second.poll());
                            }
                        }
                        else
                        {
                            assertEquals(message, q.poll());
                        }
                    }
                }
                else
                {
                    final Connection<String> a = Pipe.anonymous(Codecs.utf8()).capacity(4096)
                        .directory(directory).connect(End.A);
                    try (a)
                    {
                        if (use == 0 && i < 100)
                        {
                            requests.put("P " + a.handle().name());
                            a.send(message);
                            assertEquals(message, a.recv());
                            acrossChild++;
                        }
                        else if (use <= 1)
                        {
                            try (Connection<String> b = Pipe.attach(a.handle(), Codecs.utf8(), End.B))
                            {
                                b.send(message);
                                assertEquals(message, a.recv());
                            }
                        }
                        else
                        {
                            assertTrue(a.canSend() && Files.exists(a.path()), "an end alone");
                        }
                    }
                }
            }
            requests.put("STOP");
            assertEquals(0, child.join(), child.output());
        }
        finally
        {
            requests.close();
            replies.close();
        }
        assertTrue(acrossChild >= 20, "only " + acrossChild + " objects went across the child");
        assertEquals(before, LifecycleTest.files(tempDir));
    }

    private static JvmProcess start(final io.jvmipc.process.SerializableRunnable target)
    {
        return JvmProcess.builder(target).jvmArgs("-Xmx64m").captureOutput().start();
    }

    private static String field(final String output, final String regex)
    {
        final Matcher matcher = Pattern.compile(regex).matcher(output);
        assertTrue(matcher.find(), output);
        return matcher.group(1);
    }
}
