package io.jvmipc.value;

import io.jvmipc.file.IncompatibleParametersException;
import io.jvmipc.file.SharedDirectory;
import io.jvmipc.file.WrongKindException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Shared arrays in one process: per-element atomics, bulk copies, bounds and bad input. */
class SharedArrayTest
{
    @TempDir
    Path tempDir;
    private SharedDirectory dir;

    @BeforeEach
    void setUp()
    {
        dir = SharedDirectory.of(tempDir);
    }

    @Test
    void shouldCreateFromInitialValuesAndOpenWithTheFileLength()
    {
        try (SharedIntArray a = SharedIntArray.builder("a").directory(dir).initialValues(1, 2, 3).create();
            SharedIntArray b = SharedIntArray.builder("a").directory(dir).open())
        {
            assertEquals(3, b.length());
            assertArrayEquals(new int[] {1, 2, 3}, b.toArray());
            a.set(1, 20);
            assertEquals(20, b.get(1));
        }
    }

    @Test
    void shouldApplyPerElementAtomicsOnIntArray()
    {
        try (SharedIntArray a = SharedIntArray.builder("a").directory(dir).length(5).create())
        {
            assertEquals(1, a.incrementAndGet(4));
            assertEquals(0, a.getAndAdd(0, 7));
            assertEquals(9, a.addAndGet(0, 2));
            assertEquals(-1, a.decrementAndGet(2));
            assertTrue(a.compareAndSet(2, -1, 5));
            assertFalse(a.compareAndSet(2, -1, 6));
            assertEquals(5, a.getAndSet(2, 8));
            a.setRelease(3, 4);
            assertEquals(4, a.getAcquire(3));
            assertArrayEquals(new int[] {9, 0, 8, 4, 1}, a.toArray());
        }
    }

    @Test
    void shouldApplyPerElementAtomicsOnLongAndDoubleArrays()
    {
        try (SharedLongArray l = SharedLongArray.builder("l").directory(dir).length(3).create();
            SharedDoubleArray d = SharedDoubleArray.builder("d").directory(dir).initialValues(0.5, -0.0).create())
        {
            assertEquals(1L << 40, l.addAndGet(2, 1L << 40));
            assertEquals(1L, l.incrementAndGet(0));
            assertTrue(l.compareAndSet(1, 0L, Long.MIN_VALUE));
            assertArrayEquals(new long[] {1L, Long.MIN_VALUE, 1L << 40}, l.toArray());

            assertEquals(0.5, d.getAndAdd(0, 1.0));
            assertEquals(3.5, d.addAndGet(0, 2.0));
            assertFalse(d.compareAndSet(1, 0.0, 9.0), "raw bits: 0.0 is not -0.0");
            assertTrue(d.compareAndSet(1, -0.0, 9.0));
            assertEquals(9.0, d.getAndSet(1, 1.25));
            assertArrayEquals(new double[] {3.5, 1.25}, d.toArray());
        }
    }

    @Test
    void shouldCopyRangesInAndOut()
    {
        try (SharedLongArray a = SharedLongArray.builder("a").directory(dir).length(6).create())
        {
            a.copyFrom(new long[] {9, 1, 2, 3, 9}, 1, 2, 3);
            assertArrayEquals(new long[] {0, 0, 1, 2, 3, 0}, a.toArray());
            final long[] out = new long[] {7, 7, 7, 7};
            a.copyTo(3, out, 1, 2);
            assertArrayEquals(new long[] {7, 2, 3, 7}, out);
            a.copyTo(0, out, 0, 0);
            assertArrayEquals(new long[] {7, 2, 3, 7}, out, "an empty copy changes nothing");
        }
        try (SharedDoubleArray d = SharedDoubleArray.builder("d").directory(dir).length(3).create();
            SharedIntArray i = SharedIntArray.builder("i").directory(dir).length(3).create())
        {
            d.copyFrom(new double[] {1.5, 2.5}, 0, 1, 2);
            final double[] dOut = new double[3];
            d.copyTo(0, dOut, 0, 3);
            assertArrayEquals(new double[] {0.0, 1.5, 2.5}, dOut);
            i.copyFrom(new int[] {4, 5, 6}, 0, 0, 3);
            final int[] iOut = new int[2];
            i.copyTo(1, iOut, 0, 2);
            assertArrayEquals(new int[] {5, 6}, iOut);
        }
    }

    @Test
    void shouldRefuseIndicesAndRangesOutsideTheArray()
    {
        try (SharedIntArray a = SharedIntArray.builder("a").directory(dir).length(4).create())
        {
            assertThrows(IndexOutOfBoundsException.class, () -> a.get(4));
            assertThrows(IndexOutOfBoundsException.class, () -> a.get(-1));
            assertThrows(IndexOutOfBoundsException.class, () -> a.set(4, 1));
            assertThrows(IndexOutOfBoundsException.class, () -> a.incrementAndGet(Integer.MAX_VALUE));
            assertThrows(IndexOutOfBoundsException.class, () -> a.compareAndSet(-5, 0, 1));
            assertThrows(IndexOutOfBoundsException.class, () -> a.copyTo(2, new int[10], 0, 3));
            assertThrows(IndexOutOfBoundsException.class, () -> a.copyTo(0, new int[2], 0, 3));
            assertThrows(IndexOutOfBoundsException.class, () -> a.copyFrom(new int[3], 0, 2, 3));
            assertThrows(IndexOutOfBoundsException.class, () -> a.copyFrom(new int[3], 1, 0, 3));
            assertThrows(IndexOutOfBoundsException.class, () -> a.copyTo(0, new int[3], 0, -1));
            assertArrayEquals(new int[4], a.toArray(), "nothing was written by a refused call");
        }
    }

    @Test
    void shouldNameTheFileTheIndexAndTheLengthWhenAnIndexOrRangeIsOutside()
    {
        try (SharedIntArray ints = SharedIntArray.builder("ints").directory(dir).length(4).create();
            SharedLongArray longs = SharedLongArray.builder("longs").directory(dir).length(4).create();
            SharedDoubleArray doubles = SharedDoubleArray.builder("doubles").directory(dir).length(4).create())
        {
            outside(ints.path(), "index 4", () -> ints.get(4));
            outside(ints.path(), "index -1", () -> ints.set(-1, 1));
            outside(ints.path(), "index 2147483647", () -> ints.incrementAndGet(Integer.MAX_VALUE));
            outside(longs.path(), "index 4", () -> longs.getAndAdd(4, 1));
            outside(longs.path(), "index -5", () -> longs.compareAndSet(-5, 0, 1));
            outside(doubles.path(), "index 4", () -> doubles.getAcquire(4));
            outside(ints.path(), "[2, 2 + 3)", () -> ints.copyTo(2, new int[10], 0, 3));
            outside(longs.path(), "[0, 0 + 3)", () -> longs.copyTo(0, new long[2], 0, 3));
            outside(doubles.path(), "[1, 1 + 3)", () -> doubles.copyFrom(new double[3], 1, 0, 3));
            outside(ints.path(), "[0, 0 + -1)", () -> ints.copyFrom(new int[3], 0, 0, -1));
            final NullPointerException noDestination = assertThrows(NullPointerException.class,
                () -> longs.copyTo(0, null, 0, 1));
            assertTrue(noDestination.getMessage().contains(longs.path().toString()), noDestination.getMessage());
            assertArrayEquals(new int[4], ints.toArray(), "nothing was written by a refused call");
        }
    }

    private static void outside(final Path path, final String indexOrRange, final Executable call)
    {
        final IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, call);
        assertTrue(e.getMessage().contains(path.toString()) && e.getMessage().contains(indexOrRange), e.getMessage());
    }

    @Test
    void shouldRefuseBadLengthsAndWrongElementTypes()
    {
        assertThrows(IllegalArgumentException.class, () -> SharedIntArray.builder("a").length(-1));
        assertThrows(IllegalStateException.class, () -> SharedIntArray.builder("a").directory(dir).create());
        try (var _ = SharedIntArray.builder("a").directory(dir).length(4).create())
        {
            assertThrows(IncompatibleParametersException.class,
                () -> SharedIntArray.builder("a").directory(dir).length(5).openOrCreate());
            final WrongKindException e = assertThrows(WrongKindException.class,
                () -> SharedLongArray.builder("a").directory(dir).open());
            assertTrue(e.getMessage().contains("array of int, not of long"), e.getMessage());
            assertThrows(WrongKindException.class, () -> SharedDoubleArray.builder("a").directory(dir).open());
        }
    }

    @Test
    void shouldAllowAnEmptyArray()
    {
        try (SharedDoubleArray a = SharedDoubleArray.builder("a").directory(dir).length(0).create())
        {
            assertEquals(0, a.length());
            assertEquals(0, a.toArray().length);
            assertThrows(IndexOutOfBoundsException.class, () -> a.get(0));
        }
    }

    @Test
    void shouldThrowNamingTheFileWhenUsedAfterClose()
    {
        final SharedLongArray a = SharedLongArray.builder("a").directory(dir).length(2).create();
        a.close();
        final IllegalStateException e = assertThrows(IllegalStateException.class, () -> a.get(0));
        assertTrue(e.getMessage().contains(tempDir.resolve("a").toString()), e.getMessage());
        assertThrows(IllegalStateException.class, () -> a.copyTo(0, new long[2], 0, 2));
        assertThrows(IllegalStateException.class, () -> a.copyFrom(new long[2], 0, 0, 2));
        assertThrows(IllegalStateException.class, () -> a.incrementAndGet(1));
        assertThrows(IllegalStateException.class, a::toArray);
    }

    @Test
    @Timeout(60)
    void shouldNotLoseIncrementsOfTwoThreadsOnNeighbouringElements() throws Exception
    {
        final int perThread = 200_000;
        try (SharedIntArray a = SharedIntArray.builder("a").directory(dir).length(2).create())
        {
            final Thread[] threads = new Thread[2];
            for (int t = 0; t < 2; t++)
            {
                threads[t] = Thread.ofPlatform().start(() ->
                {
                    for (int i = 0; i < perThread; i++)
                    {
                        a.incrementAndGet(0);
                        a.getAndAdd(1, 2);
                    }
                });
            }
            for (final Thread thread : threads)
            {
                thread.join();
            }
            assertArrayEquals(new int[] {2 * perThread, 4 * perThread}, a.toArray());
        }
    }
}
