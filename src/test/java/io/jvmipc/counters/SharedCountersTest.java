package io.jvmipc.counters;

import io.jvmipc.counters.CountersDescriptor.Layout;
import io.jvmipc.file.CorruptFileException;
import io.jvmipc.file.HeaderDescriptor;
import io.jvmipc.file.IncompatibleParametersException;
import io.jvmipc.file.NoSuchSharedObjectException;
import io.jvmipc.file.SharedDirectory;
import io.jvmipc.file.SharedObjectException;
import io.jvmipc.file.WrongKindException;
import io.jvmipc.value.SharedLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A counter region within one process: handles, free and reuse, the map view, the reader and bad input. */
class SharedCountersTest
{
    @TempDir
    Path tempDir;
    private SharedDirectory dir;

    @BeforeEach
    void setUp()
    {
        dir = SharedDirectory.of(tempDir);
    }

    private SharedCounters.Builder builder(final String name)
    {
        return SharedCounters.builder(name).directory(dir);
    }

    @Test
    void shouldFindTheSameCounterByLabelAndUpdateItAtomically()
    {
        try (SharedCounters counters = builder("c").capacity(8).create();
            SharedCounters other = builder("c").open())
        {
            final SharedCounter a = counters.counter("requests");
            final SharedCounter b = other.counter("requests");
            assertEquals(a.index(), b.index());
            assertEquals(1, a.incrementAndGet());
            assertEquals(1, b.getAndIncrement());
            assertEquals(12, a.addAndGet(10));
            assertEquals(12, b.getAndAdd(-2));
            assertEquals(9, a.decrementAndGet());
            assertTrue(b.compareAndSet(9, 20));
            assertFalse(a.compareAndSet(9, 30));
            assertEquals(25, a.updateMax(25));
            assertEquals(25, a.updateMax(3));
            assertEquals(-4, b.updateMin(-4));
            assertEquals(-4, b.updateMin(8));
            a.setRelease(77);
            assertEquals(77, b.getAcquire());
            assertEquals(77, b.getAndSet(5));
            assertEquals(5, a.get());
            assertEquals("requests", b.label());
            assertEquals(0, b.typeId());
            assertEquals(Ownership.SHARED, b.ownership());
            assertEquals(1, counters.size());
            assertNotSame(counters.counter("other"), null);
            assertEquals(2, other.size());
        }
    }

    @Test
    void shouldKeepTheTypeIdAndOwnershipOfTheFirstAllocation()
    {
        try (SharedCounters counters = builder("c").create())
        {
            counters.counter("x", 42, Ownership.OWNED);
            final SharedCounter again = counters.counter("x", 1, Ownership.SHARED);
            assertEquals(42, again.typeId());
            assertEquals(Ownership.OWNED, again.ownership());
        }
    }

    @Test
    void shouldMakeEveryHandleOfAFreedCounterThrowEvenAfterItsSlotIsReused()
    {
        try (SharedCounters counters = builder("c").capacity(1).reuseDelay(0, TimeUnit.MILLISECONDS).create())
        {
            final SharedCounter first = counters.counter("first");
            final SharedCounter alias = counters.counter("first");
            first.set(99);
            assertTrue(alias.free());
            assertFalse(first.free(), "freed once only");
            assertTrue(first.isFreed());
            final List<Executable> uses = List.of(first::get, first::getAcquire, () -> first.set(1),
                () -> first.setRelease(1), first::incrementAndGet, first::getAndIncrement, () -> first.addAndGet(1),
                () -> first.getAndAdd(1), () -> first.compareAndSet(99, 1), () -> first.updateMax(1000),
                () -> first.updateMin(-1000), () -> first.getAndSet(1), first::decrementAndGet);
            for (final Executable use : uses)
            {
                assertThrows(IllegalStateException.class, use);
            }
            assertNull(counters.find("first"));
            final SharedCounter second = counters.counter("second");
            assertEquals(first.index(), second.index(), "the only slot, reused at once with a zero delay");
            assertEquals(0, second.get(), "starts from zero, not from the freed counter's value");
            second.set(5);
            for (final Executable use : uses)
            {
                assertThrows(IllegalStateException.class, use, "the old handle never touches the new counter");
            }
            assertEquals(5, second.get());
        }
    }

    @Test
    void shouldRefuseANewCounterWhileTheOnlyFreedSlotWaitsOutItsDelay()
    {
        try (SharedCounters counters = builder("c").capacity(1).reuseDelay(1, TimeUnit.HOURS).create())
        {
            counters.counter("first").free();
            final CountersFullException full = assertThrows(CountersFullException.class,
                () -> counters.counter("second"));
            assertEquals(1, full.capacity());
            assertTrue(full.getMessage().contains(counters.path().toString()), full.getMessage());
            assertTrue(full.getMessage().contains("1 counters"), full.getMessage());
        }
    }

    @Test
    void shouldFreeOwnedCountersOfAClosedAttachmentWhenASurvivorRecoversIt()
    {
        try (SharedCounters survivor = builder("c").create();
            CountersReader reader = CountersReader.open(dir, "c"))
        {
            final SharedCounters owner = builder("c").open();
            owner.counter("mine", 3, Ownership.OWNED).set(4);
            owner.counter("ours").set(6);
            final SharedCounter seen = survivor.find("mine");
            owner.close();
            assertThrows(IllegalStateException.class, () -> owner.counter("x"));
            assertTrue(survivor.recoverDeadOwners());
            assertTrue(seen.isFreed());
            assertNull(survivor.find("mine"));
            assertEquals(6, survivor.find("ours").get());
            final List<CounterInfo> infos = reader.counters();
            assertEquals(2, infos.size(), infos.toString());
            assertEquals(CounterState.FREED_PENDING, infos.get(0).state());
            assertEquals(Ownership.OWNED, infos.get(0).ownership());
            assertEquals(CounterState.ALLOCATED, infos.get(1).state());
        }
    }

    @Test
    void shouldIterateLabelsTypesAndValuesOfAllocatedCounters()
    {
        try (SharedCounters counters = builder("c").packed(true).create())
        {
            assertTrue(counters.isPacked());
            counters.counter("a", 1, Ownership.SHARED).set(10);
            counters.counter("ünïcode", 2, Ownership.SHARED).set(20);
            counters.counter("gone").free();
            final List<String> seen = new ArrayList<>();
            counters.forEach((index, label, typeId, value) -> seen.add(label + "/" + typeId + "/" + value));
            assertEquals(List.of("a/1/10", "ünïcode/2/20"), seen);
            assertEquals(10, counters.find("a").get(), "packed values are independent");
        }
    }

    @Test
    void shouldBehaveAsAConcurrentMap()
    {
        try (SharedCounters counters = builder("c").capacity(16).reuseDelay(0, TimeUnit.SECONDS).create())
        {
            final ConcurrentMap<String, Long> map = counters.asMap();
            assertSame(map, counters.asMap());
            assertNull(map.put("a", 1L));
            assertEquals(1L, map.put("a", 2L));
            assertEquals(2L, map.get("a"));
            assertNull(map.get("missing"));
            assertNull(map.get(""));
            assertNull(map.get(42));
            assertEquals(2L, map.putIfAbsent("a", 9L));
            assertNull(map.putIfAbsent("b", 9L));
            assertEquals(3L, map.merge("a", 1L, Long::sum));
            assertEquals(5L, map.merge("new", 5L, Long::sum));
            assertEquals(7L, map.compute("a", (k, v) -> v == null ? -1 : v + 4));
            assertEquals(-1L, map.compute("c", (k, v) -> v == null ? -1 : v + 4));
            assertEquals(8L, map.computeIfPresent("a", (k, v) -> v + 1));
            assertNull(map.computeIfPresent("zz", (k, v) -> v + 1));
            assertEquals(8L, map.computeIfAbsent("a", k -> 100L));
            assertEquals(100L, map.computeIfAbsent("d", k -> 100L));
            assertEquals(8L, map.replace("a", 11L));
            assertNull(map.replace("zz", 11L));
            assertTrue(map.replace("a", 11L, 12L));
            assertFalse(map.replace("a", 11L, 13L));
            assertEquals(Map.of("a", 12L, "b", 9L, "new", 5L, "c", -1L, "d", 100L), Map.copyOf(map));
            assertEquals(5, map.size());
            assertTrue(map.containsKey("b"));
            assertFalse(map.remove("b", 8L));
            assertTrue(map.remove("b", 9L));
            assertEquals(5L, map.remove("new"));
            assertNull(map.remove("new"));
            assertNull(map.merge("c", 1L, (x, y) -> null), "a null result removes");
            assertFalse(map.containsKey("c"));
            final Iterator<Map.Entry<String, Long>> it = map.entrySet().iterator();
            final Map.Entry<String, Long> first = it.next();
            assertEquals("a", first.getKey());
            first.setValue(40L);
            assertEquals(40L, map.get("a"));
            it.remove();
            assertFalse(map.containsKey("a"));
            assertEquals(Map.of("d", 100L), Map.copyOf(map));
            map.clear();
            assertTrue(map.isEmpty());
            assertThrows(NullPointerException.class, () -> map.put("x", null));
            assertThrows(NullPointerException.class, () -> map.get(null));
            assertThrows(IllegalArgumentException.class, () -> map.put("", 1L));
        }
    }

    @Test
    void shouldRefuseBadLabelsAndParameters()
    {
        try (SharedCounters counters = builder("c").maxLabelLength(8).create())
        {
            assertThrows(NullPointerException.class, () -> counters.counter(null));
            assertThrows(NullPointerException.class, () -> counters.counter("a", 0, null));
            final IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> counters.counter(""));
            assertTrue(empty.getMessage().contains(counters.path().toString()), empty.getMessage());
            assertEquals(8, counters.counter("12345678").label().length());
            final IllegalArgumentException tooLong = assertThrows(IllegalArgumentException.class,
                () -> counters.counter("ééééé"));
            assertTrue(tooLong.getMessage().contains("10 UTF-8 bytes"), tooLong.getMessage());
            assertThrows(IncompatibleParametersException.class, () -> builder("c").capacity(7).open());
            assertEquals(8, builder("c").open().maxLabelLength());
        }
        assertThrows(IllegalArgumentException.class, () -> builder("d").capacity(0));
        assertThrows(IllegalArgumentException.class, () -> builder("d").maxLabelLength(0));
        assertThrows(IllegalArgumentException.class, () -> builder("d").maxLabelLength(5000));
        assertThrows(IllegalArgumentException.class, () -> builder("d").reuseDelay(-1, TimeUnit.SECONDS));
        assertThrows(NoSuchSharedObjectException.class, () -> builder("d").open());
        try (SharedLong value = SharedLong.builder("long").directory(dir).create())
        {
            assertThrows(WrongKindException.class, () -> builder("long").open());
            assertThrows(WrongKindException.class, () -> CountersReader.open(value.path()));
        }
        assertThrows(NoSuchSharedObjectException.class, () -> CountersReader.open(dir, "nothing"));
    }

    @Test
    void shouldRefuseALabelWithAnUnpairedSurrogateInsteadOfAliasingItToQuestionMark()
    {
        try (SharedCounters counters = builder("surrogates").create())
        {
            counters.counter("?").set(7);
            // UTF-8 has no encoding for a lone surrogate: String.getBytes writes '?', which is another label
            for (final String label : new String[] {"\uD800", "a\uDC00b", "x\uD83D"})
            {
                final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> counters.counter(label));
                assertTrue(e.getMessage().contains(counters.path().toString()) &&
                    e.getMessage().contains("unpaired surrogate"), e.getMessage());
                assertThrows(IllegalArgumentException.class, () -> counters.find(label));
            }
            assertEquals(1, counters.size(), "nothing was allocated by a refused label");
            assertEquals(7, counters.find("?").get());
            assertEquals("\uD83D\uDE00", counters.counter("\uD83D\uDE00").label(), "a pair is one code point");
        }
    }

    @Test
    void shouldThrowIllegalStateAfterClose()
    {
        final SharedCounters counters = builder("c").create();
        final SharedCounter counter = counters.counter("a");
        final ConcurrentMap<String, Long> map = counters.asMap();
        counters.close();
        counters.close();
        assertTrue(counters.isClosed());
        for (final Executable use : List.<Executable>of(() -> counters.counter("a"), () -> counters.find("a"),
            counter::get, counter::incrementAndGet, counter::free, () -> map.get("a"), () -> map.merge("a", 1L,
                Long::sum), () -> counters.forEach((i, l, t, v) -> { }), counters::size, counters::asMap))
        {
            final IllegalStateException e = assertThrows(IllegalStateException.class, use);
            assertTrue(e.getMessage().contains(counters.path().toString()), e.getMessage());
        }
    }

    @Test
    void shouldReportACorruptLabelLengthNamingTheFileAndTheCounter() throws Exception
    {
        try (SharedCounters counters = builder("c").create())
        {
            counters.counter("a");
            counters.counter("b");
            final Layout layout = counters.slots().layout;
            final long offset = counters.slots().bodyOffset() + layout.metadataOffset(1) +
                CountersDescriptor.LABEL_LENGTH_OFFSET;
            try (FileChannel channel = FileChannel.open(counters.path(), StandardOpenOption.WRITE))
            {
                channel.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, 100_000), offset);
            }
            for (final Executable use : List.<Executable>of(() -> counters.counter("new"), () -> counters.find("b"),
                () -> counters.forEach((i, l, t, v) -> { }), () -> counters.asMap().get("zz")))
            {
                final CorruptFileException e = assertThrows(CorruptFileException.class, use);
                assertTrue(e.getMessage().contains(counters.path().toString()) &&
                    e.getMessage().contains("counter 1"), e.getMessage());
            }
            try (CountersReader reader = CountersReader.open(counters.path()))
            {
                assertThrows(CorruptFileException.class, reader::counters);
            }
        }
    }

    @Test
    void shouldReadARegionWithoutAttachingToIt() throws Exception
    {
        try (SharedCounters counters = builder("c").capacity(4).create())
        {
            counters.counter("shown", 5, Ownership.SHARED).set(123);
            try (CountersReader reader = CountersReader.open(dir, "c"))
            {
                assertEquals(4, reader.capacity());
                assertEquals(SharedCounters.DEFAULT_MAX_LABEL_LENGTH, reader.maxLabelLength());
                assertFalse(reader.isPacked());
                assertEquals(SharedCounters.DEFAULT_REUSE_DELAY_MILLIS, reader.reuseDelayMillis());
                assertEquals(List.of(new CounterInfo(0, CounterState.ALLOCATED, "shown", 5, Ownership.SHARED, -1, 123,
                    -1)), reader.counters());
                final StringBuilder seen = new StringBuilder();
                reader.forEach((index, label, typeId, value) -> seen.append(label).append('=').append(value));
                assertEquals("shown=123", seen.toString());
                counters.unlink();
                assertFalse(Files.exists(tempDir.resolve("c")), "the reader does not count as attached");
                assertEquals(123, reader.counters().get(0).value(), "still mapped");
            }
        }
        final Path foreign = tempDir.resolve("foreign");
        Files.write(foreign, new byte[4096]);
        assertThrows(SharedObjectException.class, () -> CountersReader.open(foreign));
    }
}
