package io.jvmipc.file;

import io.jvmipc.ChildJvms;
import io.jvmipc.process.JvmProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Many processes and threads creating one name at the same instant end up on one object. */
@Timeout(120)
class SharedFileRaceTest
{
    private static final int THREADS = 8;
    private static final int CHILDREN = 3;

    @TempDir
    Path tempDir;

    /** Starts THREADS threads that open-or-create {@code path} once {@code start} counts down, each adding the token it sees (or its failure) to {@code results}. */
    private static List<Thread> startThreads(final Path path, final CountDownLatch start,
        final ConcurrentLinkedQueue<Object> results)
    {
        final List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < THREADS; t++)
        {
            final long token = 1000 + t;
            threads.add(Thread.ofPlatform().start(() ->
            {
                try
                {
                    start.await();
                    try (SharedFile file = TestObjects.openOrCreate(path, 64, token))
                    {
                        file.attach(entry -> { });
                        TestObjects.increment(file);
                        results.add(TestObjects.read(file, TestObjects.TOKEN_OFFSET));
                    }
                }
                catch (final Throwable e)
                {
                    results.add(e);
                }
            }));
        }
        return threads;
    }

    private static void assertOneObject(final Path path, final int participants, final Set<Long> tokensSeen,
        final Set<Long> tokensOffered)
    {
        assertEquals(1, tokensSeen.size(), "participants saw different objects: " + tokensSeen);
        assertTrue(tokensOffered.containsAll(tokensSeen), tokensSeen + " not among " + tokensOffered);
        try (SharedFile file = TestObjects.open(path))
        {
            assertEquals(participants, TestObjects.read(file, TestObjects.COUNTER_OFFSET),
                "an increment was lost (a second initializer reset the body, or someone used another object)");
            assertEquals(TestObjects.MARKER, TestObjects.read(file, TestObjects.MARKER_OFFSET));
            assertEquals(tokensSeen.iterator().next(), TestObjects.read(file, TestObjects.TOKEN_OFFSET));
        }
    }

    private static Set<Long> tokens(final ConcurrentLinkedQueue<Object> results)
    {
        final Set<Long> tokens = new HashSet<>();
        for (final Object result : results)
        {
            if (result instanceof Throwable e)
            {
                throw new AssertionError("a participant failed", e);
            }
            tokens.add((Long)result);
        }
        return tokens;
    }

    @Test
    void shouldPutThreadsCreatingOneNameAtOnceOnOneObject() throws InterruptedException
    {
        final SharedDirectory directory = SharedDirectory.of(tempDir);
        for (int round = 0; round < 20; round++)
        {
            final Path path = directory.resolve("race-" + round);
            final CountDownLatch start = new CountDownLatch(1);
            final ConcurrentLinkedQueue<Object> results = new ConcurrentLinkedQueue<>();
            final List<Thread> threads = startThreads(path, start, results);
            start.countDown();
            for (final Thread thread : threads)
            {
                thread.join();
            }
            final Set<Long> offered = new HashSet<>();
            for (int t = 0; t < THREADS; t++)
            {
                offered.add(1000L + t);
            }
            assertOneObject(path, THREADS, tokens(results), offered);
        }
        try (Stream<Path> files = Files.list(tempDir))
        {
            assertEquals(20, files.count(), "temporary files were left behind");
        }
        catch (final java.io.IOException e)
        {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void shouldPutChildJvmsAndThreadsCreatingOneNameAtOnceOnOneObject() throws Exception
    {
        final SharedDirectory directory = SharedDirectory.of(tempDir);
        final Path path = directory.resolve("race");
        final Path startFile = tempDir.resolve("start");
        final List<JvmProcess> children = new ArrayList<>();
        try
        {
            for (int c = 0; c < CHILDREN; c++)
            {
                children.add(ChildJvms.startMain(FileChildren.RaceParticipant.class, path.toString(),
                    startFile.toString(), Long.toString(2000 + c)));
            }
            for (final JvmProcess child : children)
            {
                assertTrue(child.awaitOutput("WAITING", 60, TimeUnit.SECONDS), child::output);
            }
            final CountDownLatch start = new CountDownLatch(1);
            final ConcurrentLinkedQueue<Object> results = new ConcurrentLinkedQueue<>();
            final List<Thread> threads = startThreads(path, start, results);
            Files.createFile(startFile);
            start.countDown();
            for (final Thread thread : threads)
            {
                thread.join();
            }
            final Set<Long> seen = tokens(results);
            for (final JvmProcess child : children)
            {
                assertTrue(child.join(60, TimeUnit.SECONDS), child::output);
                assertEquals(0, child.exitValue(), child::output);
                final String line = child.outputLines().stream().filter(l -> l.startsWith("TOKEN ")).findFirst()
                    .orElseThrow(() -> new AssertionError("no TOKEN line: " + child.output()));
                final String[] parts = line.split(" ");
                seen.add(Long.parseLong(parts[1]));
                assertEquals("true", parts[3], line);
            }
            final Set<Long> offered = new HashSet<>();
            for (int i = 0; i < THREADS; i++)
            {
                offered.add(1000L + i);
            }
            for (int c = 0; c < CHILDREN; c++)
            {
                offered.add(2000L + c);
            }
            assertOneObject(path, THREADS + CHILDREN, seen, offered);
        }
        finally
        {
            children.forEach(JvmProcess::close);
        }
    }
}
