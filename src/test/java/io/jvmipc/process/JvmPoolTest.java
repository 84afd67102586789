package io.jvmipc.process;

import io.jvmipc.Await;
import io.jvmipc.MessageTooLargeException;
import io.jvmipc.codec.CodecException;
import io.jvmipc.codec.Codecs;
import io.jvmipc.file.SharedDirectory;
import io.jvmipc.sync.SharedBarrier;
import io.jvmipc.sync.SharedEvent;
import io.jvmipc.sync.SharedSemaphore;
import io.jvmipc.value.SharedLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link JvmPool} across real worker JVMs: every call shape, distribution, kill -9 of workers, terminate. */
@Timeout(120)
class JvmPoolTest
{
    private static final long SECONDS = 60;

    @TempDir
    Path tempDir;
    /** The test's own shared objects, used by the tasks. */
    private SharedDirectory dir;
    /** The pool's files, apart, so that the test can check that none is left. */
    private Path poolDir;
    private final List<JvmPool> pools = new ArrayList<>();

    @BeforeEach
    void setUp()
    {
        dir = SharedDirectory.of(tempDir);
        poolDir = tempDir.resolve("pool");
    }

    @AfterEach
    void tearDown()
    {
        pools.forEach(JvmPool::terminate);
    }

    private JvmPool.Builder builder(final int workers)
    {
        return JvmPool.builder().workers(workers).directory(SharedDirectory.of(poolDir))
            .jvmOptions("-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
    }

    private JvmPool start(final JvmPool.Builder builder)
    {
        final JvmPool pool = builder.build();
        pools.add(pool);
        return pool;
    }

    private List<Path> poolFiles() throws IOException
    {
        try (Stream<Path> files = Files.list(poolDir))
        {
            return files.toList();
        }
    }

    /** Kills, with SIGKILL, the worker whose pid a stalling task stores in {@code stalled}; completes with it. */
    private static CompletableFuture<Long> killWhenStalled(final SharedLong stalled, final String what)
    {
        return CompletableFuture.supplyAsync(() ->
        {
            Await.until(what, () -> stalled.get() != 0, SECONDS, TimeUnit.SECONDS);
            final long pid = stalled.get();
            ProcessHandle.of(pid).orElseThrow().destroyForcibly();
            return pid;
        });
    }

    private static boolean alive(final long pid)
    {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    @Test
    void shouldRunEveryShapeOfTaskAndTheInitializerOncePerWorkerThenLeaveNoFile() throws Exception
    {
        final String directory = tempDir.toString();
        try (SharedLong runs = SharedLong.builder("initialised").directory(dir).create())
        {
            final JvmPool pool = start(builder(3).initializer(() -> PoolTasks.initialise(directory)));
            assertEquals(3, pool.workerPids().size());
            assertEquals(3, runs.get(), "one initializer run per worker");

            assertEquals(List.of(1, 4, 9, 16), pool.map(PoolTasks::square, List.of(1, 2, 3, 4)));
            assertEquals(List.of("a1", "b2"), pool.starmap(PoolTasks::concat, List.of(List.of("a", 1),
                List.of("b", 2))));
            final String captured = "captured";
            assertEquals("captured!", pool.submit(() -> captured + "!").get(SECONDS, TimeUnit.SECONDS));
            assertEquals(49, pool.submit(PoolTasks::square, 7).get(SECONDS, TimeUnit.SECONDS));
            assertEquals(List.of(0, 1, 4), pool.mapAsync(PoolTasks::square, List.of(0, 1, 2))
                .get(SECONDS, TimeUnit.SECONDS));
            final Iterator<Integer> ordered = pool.imap(PoolTasks::square, List.of(5, 6, 7));
            assertEquals(List.of(25, 36, 49), List.of(ordered.next(), ordered.next(), ordered.next()));
            assertFalse(ordered.hasNext());
            final Set<Integer> unordered = new HashSet<>();
            pool.<Integer, Integer>imapUnordered(PoolTasks::square, List.of(1, 2, 3)).forEachRemaining(unordered::add);
            assertEquals(Set.of(1, 4, 9), unordered);

            final List<Integer> some = IntStream.range(0, 30).boxed().toList();
            final List<List<Long>> states = pool.map(ignored -> PoolTasks.initialisedHere(), some);
            for (final List<Long> state : states)
            {
                assertTrue(pool.workerPids().contains(state.get(0)), state::toString);
                assertEquals(1L, state.get(1), "the initializer ran once in worker " + state.get(0));
            }
            final List<Long> pids = pool.workerPids();
            // the results queue and one inbox per worker, all anonymous: a killed pool leaves them to the cleanup
            assertEquals(4, poolFiles().size(), poolFiles()::toString);
            for (final Path file : poolFiles())
            {
                assertTrue(SharedDirectory.isAnonymousName(file.getFileName().toString()), file::toString);
            }
            pool.close();
            assertEquals(3, runs.get(), "no worker was started again");
            assertEquals(List.of(), poolFiles());
            for (final long pid : pids)
            {
                assertFalse(alive(pid), "worker " + pid + " ended");
            }
        }
    }

    @Test
    void shouldFailTheFutureWithTheRemoteExceptionsClassMessageAndStackTrace() throws Exception
    {
        final JvmPool pool = start(builder(1));
        final ExecutionException e = assertThrows(ExecutionException.class,
            () -> pool.submit(PoolTasks::fail, "boom").get(SECONDS, TimeUnit.SECONDS));
        final RemoteTaskException remote = assertInstanceOf(RemoteTaskException.class, e.getCause());
        assertEquals(IllegalArgumentException.class.getName(), remote.remoteClassName());
        assertEquals("boom", remote.remoteMessage());
        assertTrue(remote.getMessage().contains("java.lang.IllegalArgumentException: boom"), remote::getMessage);
        assertTrue(Arrays.stream(remote.getStackTrace()).anyMatch(frame ->
            frame.getClassName().equals(PoolTasks.class.getName()) && frame.getMethodName().equals("fail")),
            () -> Arrays.toString(remote.getStackTrace()));
        final RemoteTaskException cause = assertInstanceOf(RemoteTaskException.class, remote.getCause());
        assertEquals(ArithmeticException.class.getName(), cause.remoteClassName());

        final RemoteTaskException thrown = assertThrows(RemoteTaskException.class,
            () -> pool.map(PoolTasks::fail, List.of("x", "y")));
        assertEquals("x", thrown.remoteMessage(), "map throws the first element's exception");
        assertEquals(16, pool.submit(PoolTasks::square, 4).get(SECONDS, TimeUnit.SECONDS), "the worker lives on");
        pool.close();
        assertEquals(List.of(), poolFiles());
    }

    @Test
    void shouldGiveEachIdleWorkerATaskAndLeaveNoTaskQueuedBehindABusyOne() throws Exception
    {
        final int tasks = 20;
        final String directory = tempDir.toString();
        SharedSemaphore.builder("done", 0).directory(dir).create().close();
        try (SharedBarrier barrier = SharedBarrier.builder("all-hold").directory(dir).parties(3).create())
        {
            final JvmPool pool = start(builder(3));
            final List<Long> pids = pool.map(index -> PoolTasks.distribute(directory, index, tasks),
                IntStream.range(0, tasks).boxed().toList());
            assertEquals(3, new HashSet<>(pids.subList(0, 3)).size(), "tasks 0 to 2 ran at once in 3 workers: " +
                pids);
            assertFalse(pids.subList(1, tasks).contains(pids.getFirst()), "the worker busy with task 0 held no " +
                "other task while the others ran them: " + pids);
            assertEquals(new HashSet<>(pool.workerPids()), new HashSet<>(pids));
            assertFalse(barrier.isBroken());
            pool.close();
        }
    }

    @Test
    void shouldCompleteEveryTaskOfAMapInOrderWhenAWorkerIsKilledMidTaskAndReplaceIt() throws Exception
    {
        final int tasks = 10_000;
        final int stall = tasks / 2;
        final String directory = tempDir.toString();
        try (SharedLong stalled = SharedLong.builder("stalled").directory(dir).create())
        {
            final JvmPool pool = start(builder(3));
            final List<Long> before = pool.workerPids();
            final CompletableFuture<Long> killed = killWhenStalled(stalled, "task " + stall + " runs");
            final List<Long> results = pool.map(index -> PoolTasks.tripleOrStall(directory, index, stall),
                IntStream.range(0, tasks).boxed().toList());
            final long victim = killed.get(SECONDS, TimeUnit.SECONDS);
            assertEquals(triples(tasks), results);
            assertTrue(before.contains(victim), "a worker was killed mid-task: " + victim + " of " + before);
            assertEquals(1, pool.replacedWorkers());
            Await.until(() -> "3 workers again, not " + victim + ": " + pool.workerPids(),
                () -> pool.workerPids().size() == 3 && !pool.workerPids().contains(victim), SECONDS,
                TimeUnit.SECONDS);
            pool.close();
            assertEquals(List.of(), poolFiles());
        }
    }

    @Test
    void shouldMapInChunksKeepingTheOrderNullsAndTheFirstFailure() throws Exception
    {
        final JvmPool pool = start(builder(2));
        final List<Integer> elements = IntStream.range(0, 100).boxed().toList();
        assertEquals(elements.stream().map(x -> x * x).toList(), pool.map(PoolTasks::square, elements, 7));
        // each chunk runs in one worker: the 7 elements of a chunk report one pid
        final List<Long> pids = pool.map(ignored -> PoolTasks.pid(), elements, 7);
        for (int first = 0; first < elements.size(); first += 7)
        {
            final List<Long> chunk = pids.subList(first, Math.min(first + 7, elements.size()));
            assertEquals(1, new HashSet<>(chunk).size(), "chunk at " + first + ": " + pids);
        }
        assertEquals(Arrays.asList(1, null, 3), pool.map(x -> x, Arrays.asList(1, null, 3), 2));
        assertEquals(List.of(), pool.map(PoolTasks::square, List.of(), 5));
        assertEquals(List.of(1, 4), pool.map(PoolTasks::square, List.of(1, 2), 1000), "one chunk, shorter");
        assertEquals(List.of(1, 4), pool.map(PoolTasks::square, List.of(1, 2), Integer.MAX_VALUE),
            "one chunk, sized by its elements, not by chunksize");

        final Iterator<Integer> lazily = pool.imap(PoolTasks::square, elements, 7);
        final List<Integer> read = new ArrayList<>();
        lazily.forEachRemaining(read::add);
        assertEquals(elements.stream().map(x -> x * x).toList(), read, "imap in chunks, in order");
        // imap: a failing chunk throws once, from the next() that reaches it, and the iteration goes on
        final Iterator<String> failing = pool.imap(x -> x == 5 ? PoolTasks.fail("five") : "ok" + x,
            List.of(0, 1, 2, 3, 4, 5, 6, 7, 8), 3);
        assertEquals(List.of("ok0", "ok1", "ok2"), List.of(failing.next(), failing.next(), failing.next()));
        assertEquals("five", assertThrows(RemoteTaskException.class, failing::next).remoteMessage());
        assertEquals(List.of("ok6", "ok7", "ok8"), List.of(failing.next(), failing.next(), failing.next()));
        assertFalse(failing.hasNext());
        assertThrows(IllegalArgumentException.class, () -> pool.imap(PoolTasks::square, elements, 0));
        final List<Integer> unordered = new ArrayList<>();
        pool.<Integer, Integer>imapUnordered(PoolTasks::square, elements, 9).forEachRemaining(unordered::add);
        assertEquals(new HashSet<>(elements.stream().map(x -> x * x).toList()), new HashSet<>(unordered));
        assertEquals(elements.size(), unordered.size());
        final Iterator<String> unorderedFailing = pool.imapUnordered(
            x -> x == 5 ? PoolTasks.fail("five") : "ok" + x, List.of(0, 1, 2, 3, 4, 5, 6, 7, 8), 3);
        final List<String> got = new ArrayList<>();
        int failures = 0;
        while (unorderedFailing.hasNext())
        {
            try
            {
                got.add(unorderedFailing.next());
            }
            catch (final RemoteTaskException e)
            {
                assertEquals("five", e.remoteMessage());
                failures++;
            }
        }
        assertEquals(1, failures, "the failing chunk throws once");
        assertEquals(Set.of("ok0", "ok1", "ok2", "ok6", "ok7", "ok8"), new HashSet<>(got), got::toString);
        assertEquals(6, got.size());
        // 30,000 ten-character strings in one chunk: about 330 KB, over the default 256 KiB message size
        final List<String> large = java.util.Collections.nCopies(30_000, "0123456789");
        final MessageTooLargeException tooLarge = assertThrows(MessageTooLargeException.class,
            () -> pool.map(x -> x, large, large.size()));
        assertTrue(tooLarge.getMessage().contains("262144"), tooLarge::getMessage);
        assertEquals(30_000, pool.map(x -> x, large, 5_000).size(), "smaller chunks fit");

        final RemoteTaskException thrown = assertThrows(RemoteTaskException.class,
            () -> pool.map(x -> x % 10 == 3 ? PoolTasks.fail("element " + x) : "ok", elements, 4));
        assertEquals("element 3", thrown.remoteMessage(), "the first failing element, in order");
        final IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
            () -> pool.map(PoolTasks::square, elements, 0));
        assertTrue(zero.getMessage().contains("chunksize 0"), zero::getMessage);
        assertThrows(NullPointerException.class, () -> pool.map(null, elements, 3));
        assertThrows(NullPointerException.class, () -> pool.map(PoolTasks::square, null, 3));
        pool.close();
        assertEquals(List.of(), poolFiles());
    }

    @Test
    void shouldRefuseAValueItsCodecCannotTakeWithACodecExceptionNotAClassCast() throws Exception
    {
        final JvmPool pool = start(builder(1).codec(Codecs::utf8));
        assertEquals(List.of("a!", "b!"), pool.map(x -> x + "!", List.of("a", "b")));
        final CodecException wrongType = assertThrows(CodecException.class,
            () -> pool.submit(x -> x, (Object)42));
        assertTrue(wrongType.getMessage().contains("java.lang.Integer") &&
            wrongType.getMessage().contains(Codecs.utf8().getClass().getName()), wrongType::getMessage);
        final CodecException chunk = assertThrows(CodecException.class,
            () -> pool.map(x -> x + "!", List.of("a", "b", "c"), 2));
        assertTrue(chunk.getMessage().contains("java.util.List") && chunk.getMessage().contains(pool.name()) &&
            chunk.getMessage().contains("java.util.ArrayList"), chunk::getMessage);
        assertEquals("c!", pool.submit(x -> x + "!", "c").get(SECONDS, TimeUnit.SECONDS), "no task was queued");
        pool.close();
        assertEquals(List.of(), poolFiles());
    }

    @Test
    void shouldRunAChunkAgainFromItsFirstElementWhenItsWorkerIsKilledMidChunk() throws Exception
    {
        final String directory = tempDir.toString();
        try (SharedLong stalled = SharedLong.builder("stalled").directory(dir).create())
        {
            final JvmPool pool = start(builder(2));
            final CompletableFuture<Long> killed = killWhenStalled(stalled, "element 13 runs");
            final List<Long> results = pool.map(index -> PoolTasks.tripleOrStall(directory, index, 13),
                IntStream.range(0, 40).boxed().toList(), 5);
            final long victim = killed.get(SECONDS, TimeUnit.SECONDS);
            assertEquals(triples(40), results);
            assertEquals(1, pool.replacedWorkers());
            assertFalse(pool.workerPids().contains(victim));
            pool.close();
            assertEquals(List.of(), poolFiles());
        }
    }

    @Test
    void shouldReplaceAWorkerAfterItsMaxTasksPerWorkerAndKeepThePoolsSize() throws Exception
    {
        final JvmPool pool = start(builder(2).maxTasksPerWorker(2));
        final List<Long> pids = pool.map(ignored -> PoolTasks.pid(), IntStream.range(0, 9).boxed().toList());
        final Map<Long, Long> tasksPerPid = pids.stream()
            .collect(Collectors.groupingBy(pid -> pid, Collectors.counting()));
        assertTrue(tasksPerPid.values().stream().allMatch(n -> n <= 2), tasksPerPid::toString);
        // 9 tasks, 2 per worker: 4 workers ran 2 and were retired; one of the 2 serving at the end ran 1
        assertEquals(5, tasksPerPid.size(), tasksPerPid::toString);
        assertEquals(4, pool.retiredWorkers());
        assertEquals(0, pool.replacedWorkers(), "a retirement is not a death");
        Await.until(() -> "2 workers, none of the retired: " + pool.workerPids() + " after " + tasksPerPid,
            () -> pool.workerPids().size() == 2 &&
                pool.workerPids().stream().noneMatch(pid -> tasksPerPid.getOrDefault(pid, 0L) == 2),
            SECONDS, TimeUnit.SECONDS);
        pool.close();
        assertTrue(pids.stream().noneMatch(JvmPoolTest::alive), "every worker has exited: " + pids);
        assertEquals(List.of(), poolFiles());
    }

    @Test
    void shouldCountATaskWhoseWorkerWasKilledAgainstItsNextWorkerAndRetireBoth() throws Exception
    {
        final String directory = tempDir.toString();
        try (SharedLong stalled = SharedLong.builder("stalled").directory(dir).create())
        {
            final JvmPool pool = start(builder(1).maxTasksPerWorker(3));
            final CompletableFuture<Long> killed = killWhenStalled(stalled, "task 1 runs");
            // the first worker runs task 0 and is killed in task 1; the second runs 1, 2 and 3, the third 4, 5
            // and 6: both are retired, the fourth serves
            final List<Long> results = pool.map(index -> PoolTasks.tripleOrStall(directory, index, 1),
                IntStream.range(0, 7).boxed().toList());
            final long victim = killed.get(SECONDS, TimeUnit.SECONDS);
            assertEquals(triples(7), results);
            assertEquals(1, pool.replacedWorkers());
            assertEquals(2, pool.retiredWorkers());
            assertFalse(pool.workerPids().contains(victim));
            assertEquals(49, pool.submit(PoolTasks::square, 7).get(SECONDS, TimeUnit.SECONDS),
                "the pool still runs tasks");
            pool.close();
            assertEquals(List.of(), poolFiles());
        }
    }

    @Test
    void shouldFailATaskThatKillsEveryWorkerItIsGivenToAndRunTheOthers() throws Exception
    {
        final JvmPool pool = start(builder(2).maxTaskAttempts(3));
        final List<CompletableFuture<Long>> futures = pool.submitAll(
            index -> index == 2 ? PoolTasks.killWorker() : (long)index, List.of(0, 1, 2, 3, 4));
        final ExecutionException e = assertThrows(ExecutionException.class,
            () -> futures.get(2).get(SECONDS, TimeUnit.SECONDS));
        final WorkerDiedException died = assertInstanceOf(WorkerDiedException.class, e.getCause());
        assertEquals(2, died.index());
        assertEquals(3, died.workerPids().size(), died::getMessage);
        assertEquals(3, new HashSet<>(died.workerPids()).size(), died::getMessage);
        assertTrue(died.getMessage().contains("element 2") && died.getMessage().contains(
            died.workerPids().toString()), died::getMessage);
        for (final int index : List.of(0, 1, 3, 4))
        {
            assertEquals(index, futures.get(index).get(SECONDS, TimeUnit.SECONDS));
        }
        assertEquals(3, pool.replacedWorkers(), "one replacement per death, no more");
        assertEquals(25, pool.submit(PoolTasks::square, 5).get(SECONDS, TimeUnit.SECONDS));
        pool.close();
        assertEquals(List.of(), poolFiles());
    }

    @Test
    void shouldFailPendingFuturesKillTheWorkersAndRemoveTheFilesOnTerminate() throws Exception
    {
        final String directory = tempDir.toString();
        try (SharedLong running = SharedLong.builder("running").directory(dir).create())
        {
            final JvmPool pool = start(builder(2));
            final List<CompletableFuture<Long>> futures = new ArrayList<>();
            for (int i = 0; i < 5; i++)
            {
                futures.add(pool.submit(() -> PoolTasks.block(directory)));
            }
            Await.until("2 tasks run", () -> running.get() == 2, SECONDS, TimeUnit.SECONDS);
            final List<Long> pids = pool.workerPids();
            pool.terminate();
            for (final CompletableFuture<Long> future : futures)
            {
                assertTrue(future.isCancelled(), future::toString);
                assertThrows(CancellationException.class, future::join);
            }
            for (final long pid : pids)
            {
                assertFalse(alive(pid), "worker " + pid + " was killed");
            }
            assertEquals(List.of(), poolFiles());
            final IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> pool.submit(PoolTasks::pid));
            assertTrue(e.getMessage().contains(pool.name()), e::getMessage);
            pool.terminate();
            pool.join();
        }
    }

    @Test
    void shouldTerminateFromADependentActionOfOneOfItsFutures() throws Exception
    {
        final String directory = tempDir.toString();
        SharedLong.builder("running").directory(dir).create().close();
        try (SharedEvent go = SharedEvent.builder("go").directory(dir).create())
        {
            final JvmPool pool = start(builder(1));
            final long worker = pool.workerPids().getFirst();
            final CompletableFuture<Long> first = pool.submit(() -> PoolTasks.awaitGo(directory));
            final CompletableFuture<Long> second = pool.submit(() -> PoolTasks.block(directory));
            // the action runs on the thread that reads the workers' replies and deaths
            final CompletableFuture<Void> terminated = first.thenRun(pool::terminate);
            go.set();
            terminated.get(SECONDS, TimeUnit.SECONDS);
            assertTrue(second.isCancelled(), second::toString);
            assertFalse(alive(worker));
            assertEquals(List.of(), poolFiles());
        }
    }

    @Test
    void shouldRefuseBadInputNamingThePool() throws Exception
    {
        assertThrows(IllegalArgumentException.class, () -> JvmPool.builder().workers(0));
        assertThrows(IllegalArgumentException.class, () -> JvmPool.builder().prefetch(0));
        assertThrows(IllegalArgumentException.class, () -> JvmPool.builder().maxTaskAttempts(0));
        final IllegalArgumentException noTasks = assertThrows(IllegalArgumentException.class,
            () -> JvmPool.builder().maxTasksPerWorker(0));
        assertTrue(noTasks.getMessage().contains("maxTasksPerWorker 0"), noTasks::getMessage);
        assertThrows(IllegalArgumentException.class, () -> JvmPool.builder().maxMessageSize(10));
        assertThrows(NullPointerException.class, () -> JvmPool.builder().initializer(null));
        final Object notSerializable = new Object();
        final IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
            () -> builder(1).initializer(() -> System.out.println(notSerializable)).build());
        assertTrue(refused.getMessage().contains("java.lang.Object"), refused::getMessage);
        assertFalse(Files.exists(poolDir) && !poolFiles().isEmpty(), "a refused pool creates no file");

        final JvmPool pool = start(builder(1));
        assertThrows(NullPointerException.class, () -> pool.submit((SerializableCallable<Object>)null));
        assertThrows(NullPointerException.class, () -> pool.map(null, List.of(1)));
        assertThrows(NullPointerException.class, () -> pool.map(PoolTasks::square, null));
        assertThrows(IllegalArgumentException.class, () -> pool.starmap(PoolTasks::concat, List.of(List.of("a"))));
        assertThrows(IllegalArgumentException.class, () -> pool.submit(() -> notSerializable));
        final CodecException unencodable = assertThrows(CodecException.class,
            () -> pool.submit(ignored -> 0, new Object()));
        assertTrue(unencodable.getMessage().contains("java.lang.Object"), unencodable::getMessage);
        final ExecutionException unsendable = assertThrows(ExecutionException.class,
            () -> pool.submit(() -> (Object)new StringBuilder("x")).get(SECONDS, TimeUnit.SECONDS));
        assertEquals(CodecException.class.getName(),
            assertInstanceOf(RemoteTaskException.class, unsendable.getCause()).remoteClassName());
        final IllegalStateException running = assertThrows(IllegalStateException.class, pool::join);
        assertTrue(running.getMessage().contains(pool.name()), running::getMessage);

        // a dependent action runs on the pool's reader thread: joining there, while the second task is not done,
        // would wait for the reader to read its result
        final String directory = tempDir.toString();
        try (SharedEvent go = SharedEvent.builder("go").directory(dir).create())
        {
            final CompletableFuture<Long> first = pool.submit(() -> PoolTasks.awaitGo(directory));
            final CompletableFuture<Integer> second = pool.submit(PoolTasks::square, 3);
            final CompletableFuture<String> joinedInAction = first
                .thenApply(pid ->
                {
                    pool.shutdown();
                    try
                    {
                        pool.join();
                    }
                    catch (final InterruptedException e)
                    {
                        throw new IllegalStateException(e);
                    }
                    return "joined";
                });
            go.set();
            final ExecutionException inAction = assertThrows(ExecutionException.class,
                () -> joinedInAction.get(SECONDS, TimeUnit.SECONDS));
            assertInstanceOf(IllegalStateException.class, inAction.getCause(), inAction::toString);
            assertEquals(9, second.get(SECONDS, TimeUnit.SECONDS));
        }
        final IllegalStateException closed = assertThrows(IllegalStateException.class,
            () -> pool.submit(PoolTasks::pid));
        assertTrue(closed.getMessage().contains(pool.name()) && closed.getMessage().contains("shut down"),
            closed::getMessage);
        assertThrows(IllegalStateException.class, () -> pool.map(PoolTasks::square, List.of(1)));
        pool.join();
        assertEquals(List.of(), poolFiles());
    }

    @Test
    void shouldThrowFromBuildWhenAnInitializerThrowsAndLeaveNoWorkerNorFile() throws Exception
    {
        final ChildStartException e = assertThrows(ChildStartException.class,
            () -> start(builder(2).initializer(PoolTasks::failToInitialise)));
        final RemoteTaskException cause = assertInstanceOf(RemoteTaskException.class, e.getCause(), e::toString);
        assertEquals(IllegalStateException.class.getName(), cause.remoteClassName());
        assertEquals("no database here", cause.remoteMessage());
        assertEquals(List.of(), poolFiles());
    }

    /** The expected results of {@link PoolTasks#tripleOrStall}. */
    private static List<Long> triples(final int count)
    {
        final List<Long> triples = new ArrayList<>(count);
        for (int i = 0; i < count; i++)
        {
            triples.add(i * 3L);
        }
        return triples;
    }
}
