package io.jvmipc.counters;

import io.jvmipc.ChildJvms;
import io.jvmipc.file.HeaderDescriptor;
import io.jvmipc.file.ProcessTableDescriptor;
import io.jvmipc.file.SharedDirectory;
import io.jvmipc.file.SharedObjectException;
import io.jvmipc.process.JvmProcess;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A counter region's file truncated under a live handle, checked in a child JVM run interpreted-only
 * ({@code -Xint}, where a compare-and-set on a removed page kills the JVM unless a read faulted first) and in one
 * with default flags: every public method of the region, its counters, its map and a reader throws
 * {@link SharedObjectException} naming the file, the JVM survives, and close completes; also when the call runs
 * the recovery of a dead allocator whose slots lie on the removed pages.
 */
public class CountersFaultTest
{
    private static final long BODY = HeaderDescriptor.bodyOffset(ProcessTableDescriptor.DEFAULT_CAPACITY);

    @TempDir
    Path tempDir;

    @ParameterizedTest
    @ValueSource(strings = {"-Xint", "-Xmixed"})
    @Timeout(120)
    void shouldNameTheTruncatedFileAtEveryEntryPointAndInTheRecoveryOfADeadAllocator(final String flags)
        throws Exception
    {
        try (JvmProcess child = JvmProcess.builder(CountersFaultTest.class).captureOutput().method("faults")
            .jvmArgs("-Xmx64m", flags).args(tempDir.toString()).start())
        {
            assertTrue(child.join(110, TimeUnit.SECONDS), child::output);
            assertEquals(0, child.exitValue(), child::output);
            assertTrue(child.output().contains("FAULTS OK"), child::output);
        }
    }

    /** A map call whose function runs {@code cut}. */
    @FunctionalInterface
    private interface MapCall
    {
        Object apply(ConcurrentMap<String, Long> map, Runnable cut);
    }

    private static void truncate(final Path path, final long size) throws IOException
    {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE))
        {
            channel.truncate(size);
        }
    }

    private static void assertFaulted(final Path path, final Executable call)
    {
        final SharedObjectException e = assertThrows(SharedObjectException.class, call);
        assertTrue(e.getMessage().contains(path.toString()), e.getMessage());
    }

    /**
     * Child program: args dir. Prints FAULTS OK if every check passed.
     *
     * @param args the directory.
     * @throws Exception if a check fails.
     */
    public static void faults(final String[] args) throws Exception
    {
        final SharedDirectory dir = SharedDirectory.of(Path.of(args[0]));
        int calls = 0;
        for (final long cut : new long[] {0, BODY})
        {
            final SharedCounters counters = SharedCounters.builder("c" + cut).directory(dir).create();
            final SharedCounter counter = counters.counter("a");
            final CountersReader reader = CountersReader.open(dir, "c" + cut);
            final Path path = counters.path();
            truncate(path, cut);
            for (final Executable use : List.<Executable>of(counter::get, counter::getAcquire, () -> counter.set(1),
                () -> counter.setRelease(1), counter::incrementAndGet, counter::getAndIncrement,
                counter::decrementAndGet, () -> counter.addAndGet(2), () -> counter.getAndAdd(2),
                () -> counter.getAndSet(3), () -> counter.compareAndSet(0, 1), () -> counter.updateMax(5),
                () -> counter.updateMin(-5), counter::free, counter::isFreed, () -> counters.counter("b"),
                () -> counters.counter("b", 3, Ownership.OWNED), () -> counters.find("a"),
                () -> counters.forEach((i, l, t, v) -> { }), () -> counters.asMap().merge("a", 1L, Long::sum),
                () -> counters.asMap().get("a"), () -> counters.asMap().put("a", 4L),
                () -> counters.asMap().remove("a"), () -> counters.asMap().size(), counters::size,
                reader::counters, () -> reader.forEach((i, l, t, v) -> { })))
            {
                System.out.println("call " + calls++ + " with the file cut to " + cut);
                assertFaulted(path, use);
            }
            if (cut == 0)
            {
                assertFaulted(path, counters::recoverDeadOwners);
            }
            else
            {
                assertTrue(!counters.recoverDeadOwners(), "the process table was kept and nobody died");
            }
            assertTrue(counters.toString().contains(path.toString()));
            assertTrue(reader.toString().contains(path.toString()));
            counters.close();
            counters.close();
            reader.close();
            assertTrue(counters.isClosed());
            assertThrows(IllegalStateException.class, () -> counters.counter("c"));
        }

        // a map function (user code) truncates the file between the read of the value and the CAS or allocation
        int region = 0;
        for (final MapCall call : List.<MapCall>of(
            (map, cut) -> map.compute("a", (k, v) ->
            {
                cut.run();
                return 5L;
            }),
            (map, cut) -> map.computeIfAbsent("new", k ->
            {
                cut.run();
                return 5L;
            }),
            (map, cut) -> map.computeIfPresent("a", (k, v) ->
            {
                cut.run();
                return 5L;
            }),
            (map, cut) -> map.merge("a", 1L, (v, w) ->
            {
                cut.run();
                return v + w;
            })))
        {
            for (final long cut : new long[] {0, BODY})
            {
                final SharedCounters counters = SharedCounters.builder("f" + region++).directory(dir).create();
                counters.counter("a").set(1);
                final Path path = counters.path();
                assertFaulted(path, () -> call.apply(counters.asMap(), () ->
                {
                    try
                    {
                        truncate(path, cut);
                    }
                    catch (final IOException e)
                    {
                        throw new java.io.UncheckedIOException(e);
                    }
                }));
                counters.close();
                assertTrue(counters.isClosed());
            }
        }

        // the allocation lock's page stays, the slots' pages past the first go: the recovery of the dead
        // allocator, run by the next allocation's probe, reads every slot and faults on the removed ones
        final SharedCounters counters = SharedCounters.builder("r").directory(dir).capacity(256).create();
        final Path path = counters.path();
        try (JvmProcess victim = ChildJvms.start(CountersChildren.class, "claimAndHang", "64m", dir.path(), "r",
            "victim"))
        {
            assertTrue(victim.awaitOutput("CLAIMED", 60, TimeUnit.SECONDS), victim.output());
            victim.kill();
            assertTrue(victim.join(10, TimeUnit.SECONDS));
        }
        truncate(path, BODY + 4096);
        assertFaulted(path, counters::recoverDeadOwners);
        assertFaulted(path, counters::recoverDeadOwners);
        assertFaulted(path, () -> counters.counter("x"));
        counters.close();
        assertTrue(counters.isClosed());
        System.out.println("FAULTS OK");
    }
}
