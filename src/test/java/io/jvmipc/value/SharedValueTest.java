package io.jvmipc.value;

import io.jvmipc.file.CorruptFileException;
import io.jvmipc.file.ForeignFileException;
import io.jvmipc.file.NoSuchSharedObjectException;
import io.jvmipc.file.SharedDirectory;
import io.jvmipc.file.SharedObjectExistsException;
import io.jvmipc.file.WrongKindException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Shared values in one process: operations, ordering variants, bad input, closed objects. */
class SharedValueTest
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
    void shouldStartWithTheInitialValueAndSeeWritesThroughASecondAttachment()
    {
        try (SharedInt a = SharedInt.builder("v").directory(dir).initialValue(42).create();
            SharedInt b = SharedInt.builder("v").directory(dir).initialValue(7).openOrCreate())
        {
            assertEquals(42, b.get(), "an existing value keeps its value; the second initial value is ignored");
            a.set(5);
            assertEquals(5, b.get());
            a.setRelease(6);
            assertEquals(6, b.getAcquire());
            assertEquals(6, b.getPlain());
        }
    }

    @Test
    void shouldApplyIntReadModifyWrites()
    {
        try (SharedInt v = SharedInt.builder("v").directory(dir).create())
        {
            assertEquals(1, v.incrementAndGet());
            assertEquals(1, v.getAndIncrement());
            assertEquals(2, v.getAndAdd(10));
            assertEquals(17, v.addAndGet(5));
            assertEquals(16, v.decrementAndGet());
            assertFalse(v.compareAndSet(15, 0));
            assertTrue(v.compareAndSet(16, 100));
            assertEquals(100, v.getAndSet(3));
            assertEquals(6, v.updateAndGet(x -> x * 2));
            v.set(Integer.MAX_VALUE);
            assertEquals(Integer.MIN_VALUE, v.incrementAndGet(), "wraps like an int");
        }
    }

    @Test
    void shouldApplyLongReadModifyWritesBeyondIntRange()
    {
        try (SharedLong v = SharedLong.builder("v").directory(dir).initialValue(1L << 40).create())
        {
            assertEquals((1L << 40) + 1, v.incrementAndGet());
            assertEquals((1L << 40) + 1, v.getAndAdd(1L << 33));
            assertEquals((1L << 40) + (1L << 33) + 1, v.get());
            assertTrue(v.compareAndSet((1L << 40) + (1L << 33) + 1, -1L));
            assertEquals(-2L, v.decrementAndGet());
            assertEquals(-2L, v.getAndSet(9L));
            assertEquals(81L, v.updateAndGet(x -> x * x));
        }
    }

    @Test
    void shouldCompareDoublesByTheirRawBits()
    {
        try (SharedDouble v = SharedDouble.builder("v").directory(dir).initialValue(0.0).create())
        {
            assertFalse(v.compareAndSet(-0.0, 1.0), "-0.0 has other bits than 0.0");
            assertTrue(v.compareAndSet(0.0, 1.5));
            assertEquals(1.5, v.getAndAdd(2.25));
            assertEquals(4.75, v.addAndGet(1.0));
            v.set(Double.NaN);
            assertTrue(v.compareAndSet(Double.NaN, 2.0), "the same NaN bits match");
            assertEquals(2.0, v.getAndSet(3.0));
            assertEquals(6.0, v.updateAndGet(x -> x * 2));
            v.setRelease(-0.0);
            assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(v.getAcquire()));
        }
    }

    @Test
    void shouldFlipABoolean()
    {
        try (SharedBoolean v = SharedBoolean.builder("v").directory(dir).initialValue(true).create())
        {
            assertTrue(v.get());
            assertTrue(v.compareAndSet(true, false));
            assertFalse(v.compareAndSet(true, false));
            assertFalse(v.getAndSet(true));
            v.setRelease(false);
            assertFalse(v.getAcquire());
            v.set(true);
            assertTrue(v.get());
        }
    }

    @Test
    @Timeout(60)
    void shouldNotLoseIncrementsOfFourThreads() throws Exception
    {
        final int threads = 4;
        final int perThread = 100_000;
        try (SharedLong v = SharedLong.builder("v").directory(dir).create())
        {
            final CountDownLatch start = new CountDownLatch(1);
            final List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++)
            {
                workers.add(Thread.ofPlatform().start(() ->
                {
                    try (SharedLong own = SharedLong.builder("v").directory(dir).open())
                    {
                        start.await();
                        for (int i = 0; i < perThread; i++)
                        {
                            own.incrementAndGet();
                        }
                    }
                    catch (final InterruptedException e)
                    {
                        Thread.currentThread().interrupt();
                    }
                }));
            }
            start.countDown();
            for (final Thread worker : workers)
            {
                worker.join();
            }
            assertEquals((long)threads * perThread, v.get());
        }
    }

    @Test
    void shouldRefuseAnIntValueOpenedAsALongValue()
    {
        try (var _ = SharedInt.builder("v").directory(dir).create())
        {
            final WrongKindException e = assertThrows(WrongKindException.class,
                () -> SharedLong.builder("v").directory(dir).open());
            assertTrue(e.getMessage().contains("of int, not of long"), e.getMessage());
            assertThrows(WrongKindException.class, () -> SharedDouble.builder("v").directory(dir).openOrCreate());
            assertThrows(WrongKindException.class, () -> SharedBoolean.builder("v").directory(dir).open());
        }
    }

    @Test
    void shouldRefuseAnArrayOpenedAsAValueAndAValueOpenedAsAnArray()
    {
        try (var _ = SharedIntArray.builder("a").directory(dir).length(4).create();
            var _ = SharedInt.builder("v").directory(dir).create())
        {
            final WrongKindException value = assertThrows(WrongKindException.class,
                () -> SharedInt.builder("a").directory(dir).open());
            assertTrue(value.getMessage().startsWith(tempDir.resolve("a") + ": "), value.getMessage());
            assertTrue(value.getMessage().contains("holds an object of kind ARRAY, not of kind VALUE"),
                value.getMessage());
            final WrongKindException array = assertThrows(WrongKindException.class,
                () -> SharedIntArray.builder("v").directory(dir).open());
            assertTrue(array.getMessage().contains("holds an object of kind VALUE, not of kind ARRAY"),
                array.getMessage());
        }
    }

    @Test
    void shouldThrowNullPointerExceptionForANullName()
    {
        assertThrows(NullPointerException.class, () -> SharedInt.builder(null));
        assertThrows(NullPointerException.class, () -> SharedLong.builder(null));
        assertThrows(NullPointerException.class, () -> SharedDouble.builder(null));
        assertThrows(NullPointerException.class, () -> SharedBoolean.builder(null));
        assertThrows(NullPointerException.class, () -> SharedIntArray.builder(null));
        assertThrows(NullPointerException.class, () -> SharedLongArray.builder(null));
        assertThrows(NullPointerException.class, () -> SharedDoubleArray.builder(null));
    }

    @Test
    void shouldRefuseANameWithNoRoomForItsLocksNameAndGiveTheLockOfTheLongestOneThatFits()
    {
        // names take up to 200 characters; the lock's side file appends ".lock" to the value's name
        final String tooLong = "v".repeat(196);
        for (final org.junit.jupiter.api.function.Executable builder : new org.junit.jupiter.api.function.Executable[]
            {() -> SharedInt.builder(tooLong), () -> SharedLong.builder(tooLong), () -> SharedDouble.builder(tooLong),
                () -> SharedBoolean.builder(tooLong), () -> SharedIntArray.builder(tooLong),
                () -> SharedLongArray.builder(tooLong), () -> SharedDoubleArray.builder(tooLong)})
        {
            final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, builder);
            assertTrue(e.getMessage().contains(tooLong) && e.getMessage().contains("196") &&
                e.getMessage().contains("195"), e.getMessage());
        }
        try (SharedInt value = SharedInt.builder("v".repeat(195)).directory(dir).create())
        {
            assertTrue(value.getLock().tryLock());
            value.getLock().unlock();
        }
    }

    @Test
    void shouldRefuseAForeignAndATruncatedFile() throws IOException
    {
        Files.write(tempDir.resolve("foreign"), new byte[8192]);
        assertThrows(ForeignFileException.class, () -> SharedInt.builder("foreign").directory(dir).open());
        try (SharedInt v = SharedInt.builder("v").directory(dir).create())
        {
            v.set(1);
        }
        final byte[] whole = Files.readAllBytes(tempDir.resolve("v"));
        Files.write(tempDir.resolve("cut"), java.util.Arrays.copyOf(whole, whole.length - 64));
        assertThrows(CorruptFileException.class, () -> SharedInt.builder("cut").directory(dir).open());
    }

    @Test
    void shouldRefuseToCreateTwiceAndToOpenWhatDoesNotExist()
    {
        assertThrows(NoSuchSharedObjectException.class, () -> SharedInt.builder("v").directory(dir).open());
        try (var _ = SharedInt.builder("v").directory(dir).create())
        {
            assertThrows(SharedObjectExistsException.class, () -> SharedInt.builder("v").directory(dir).create());
        }
        assertThrows(IllegalArgumentException.class, () -> SharedInt.builder("../escape"));
        assertThrows(IllegalArgumentException.class, () -> SharedInt.builder("v").processTableCapacity(0));
    }

    @Test
    void shouldThrowNamingTheFileWhenUsedAfterClose()
    {
        final SharedInt i = SharedInt.builder("i").directory(dir).create();
        final SharedLong l = SharedLong.builder("l").directory(dir).create();
        final SharedDouble d = SharedDouble.builder("d").directory(dir).create();
        final SharedBoolean b = SharedBoolean.builder("b").directory(dir).create();
        i.close();
        l.close();
        d.close();
        b.close();
        i.close();
        assertTrue(i.isClosed());
        final IllegalStateException e = assertThrows(IllegalStateException.class, i::incrementAndGet);
        assertTrue(e.getMessage().contains(tempDir.resolve("i").toString()), e.getMessage());
        assertThrows(IllegalStateException.class, i::get);
        assertThrows(IllegalStateException.class, () -> i.set(1));
        assertThrows(IllegalStateException.class, l::incrementAndGet);
        assertThrows(IllegalStateException.class, () -> l.compareAndSet(0, 1));
        assertThrows(IllegalStateException.class, () -> d.addAndGet(1.0));
        assertThrows(IllegalStateException.class, b::get);
        i.unlink();
        assertFalse(Files.exists(tempDir.resolve("i")), "unlink works after close");
    }

    @Test
    void shouldUnlinkSoThatTheNameIsFreeAgain()
    {
        try (SharedInt v = SharedInt.builder("v").directory(dir).initialValue(3).create())
        {
            v.unlink();
            assertFalse(Files.exists(tempDir.resolve("v")));
            assertEquals(3, v.get(), "this attachment keeps working after unlink");
        }
        try (SharedInt v = SharedInt.builder("v").directory(dir).initialValue(4).openOrCreate())
        {
            assertEquals(4, v.get(), "a new object under the old name");
        }
    }
}
