package io.jvmipc.lifecycle;

import io.jvmipc.codec.Codecs;
import io.jvmipc.file.HeaderDescriptor;
import io.jvmipc.file.NoSuchSharedObjectException;
import io.jvmipc.file.SharedDirectory;
import io.jvmipc.file.SharedHandle;
import io.jvmipc.file.SharedObjectExistsException;
import io.jvmipc.pipe.Connection;
import io.jvmipc.pipe.End;
import io.jvmipc.pipe.Pipe;
import io.jvmipc.queue.JoinableQueue;
import io.jvmipc.queue.SharedQueue;
import io.jvmipc.value.SharedInt;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Lifecycle of objects in one process: anonymous files go with their last attachment, unlink, failed creates. */
class LifecycleTest
{
    @TempDir
    Path tempDir;
    private SharedDirectory directory;

    @BeforeEach
    void setUp()
    {
        directory = SharedDirectory.of(tempDir);
    }

    /** Every file in the directory, hidden ones included. */
    static Set<String> files(final Path dir) throws IOException
    {
        try (Stream<Path> entries = Files.list(dir))
        {
            final Set<String> names = new TreeSet<>();
            entries.forEach(p -> names.add(p.getFileName().toString()));
            return names;
        }
    }

    /** The header's flags word, read from the file's bytes. */
    static int flags(final Path file) throws IOException
    {
        final byte[] header = Files.readAllBytes(file);
        return ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN).getInt(HeaderDescriptor.FLAGS_OFFSET);
    }

    @Test
    void anonymousObjectOfEveryKindIsRemovedWhenItsLastAttachmentCloses() throws Exception
    {
        for (final Kinds.Kind kind : Kinds.ALL)
        {
            final String name = SharedDirectory.newAnonymousName();
            final Kinds.Made first = kind.create(directory, name);
            final Kinds.Made second = kind.open(directory, name);
            final Path file = directory.resolve(name);
            assertTrue(Files.exists(file), kind.label());
            assertEquals(HeaderDescriptor.FLAG_ANONYMOUS, flags(file) & HeaderDescriptor.FLAG_ANONYMOUS,
                kind.label());
            first.close();
            assertTrue(Files.exists(file), kind + ": removed while a second attachment is open");
            second.close();
            assertEquals(Set.of(), files(tempDir), kind + ": left behind");
        }
    }

    @Test
    void namedObjectOfEveryKindStaysAfterCloseAndUnlinkAfterCloseRemovesIt() throws Exception
    {
        for (final Kinds.Kind kind : Kinds.ALL)
        {
            final String name = "named-" + kind.label().replace(' ', '-');
            final Kinds.Made made = kind.create(directory, name);
            assertEquals(0, flags(directory.resolve(name)), kind.label());
            made.close();
            assertTrue(Files.exists(directory.resolve(name)), kind.label());
            made.unlink().run();
            assertEquals(Set.of(), files(tempDir), kind + ": unlink after close left files");
        }
    }

    @Test
    void staticUnlinkRemovesEveryKindAndItsSideFiles() throws Exception
    {
        for (final Kinds.Kind kind : Kinds.ALL)
        {
            final String name = "static-" + kind.label().replace(' ', '-');
            kind.create(directory, name).close();
            assertTrue(directory.unlink(name), kind.label());
            directory.unlink(name + "-l");
            assertEquals(Set.of(), files(tempDir), kind + ": static unlink left files");
        }
        assertFalse(directory.unlink("absent"));
    }

    @Test
    void unlinkRemovesTheValuesLockFile() throws IOException
    {
        try (SharedInt value = SharedInt.builder("counted").directory(directory).create())
        {
            value.getLock().lock();
            value.getLock().unlock();
            assertTrue(Files.exists(directory.resolve("counted.lock")));
            value.unlink();
        }
        assertEquals(Set.of(), files(tempDir));
        final SharedInt closed = SharedInt.builder("closed").directory(directory).create();
        closed.getLock();
        closed.close();
        closed.unlink();
        assertEquals(Set.of(), files(tempDir));
        final SharedInt other = SharedInt.builder("other").directory(directory).create();
        other.getLock();
        try (SharedInt again = SharedInt.builder("other").directory(directory).open())
        {
            assertThrows(IllegalStateException.class, again::unlink, "refused while another attachment is open");
        }
        other.close();
        other.unlink();
        assertEquals(Set.of(), files(tempDir));
    }

    @Test
    void unlinkOfAValueRemovesALockItNeverOpened() throws IOException
    {
        try (SharedInt first = SharedInt.builder("v").directory(directory).create())
        {
            first.getLock();
        }
        try (SharedInt second = SharedInt.builder("v").directory(directory).open())
        {
            second.unlink();
        }
        assertEquals(Set.of(), files(tempDir));
    }

    @Test
    void anonymousValueTakesItsLockAlong() throws IOException
    {
        try (SharedInt value = SharedInt.anonymous().directory(directory).create())
        {
            value.getLock();
            assertEquals(2, files(tempDir).size());
        }
        assertEquals(Set.of(), files(tempDir));
    }

    @Test
    void pipeEndsClosedInBothProcessesCanBeUnlinked() throws IOException
    {
        final Connection<byte[]> a = Pipe.builder("p").directory(directory).connect(End.A);
        final Connection<byte[]> b = Pipe.builder("p").directory(directory).connect(End.B);
        assertThrows(IllegalStateException.class, a::unlink, "refused while the other end is attached");
        a.close();
        b.close();
        b.unlink();
        a.unlink();
        assertEquals(Set.of(), files(tempDir));
    }

    @Test
    void failedJoinableQueueCreateLeavesNoFile() throws IOException
    {
        try (SharedQueue<String> squatter = SharedQueue.builder("jq.items", Codecs.utf8()).directory(directory)
            .create())
        {
            assertThrows(SharedObjectExistsException.class,
                () -> JoinableQueue.builder("jq", Codecs.utf8()).directory(directory).create());
            assertEquals(Set.of("jq.items"), files(tempDir));
            assertTrue(squatter.offer("still here"));
        }
    }

    @Test
    void anonymousHandleOpensTheSameObjectUntilTheLastCloses() throws Exception
    {
        final SharedQueue<String> queue = SharedQueue.anonymous(Codecs.utf8()).directory(directory).create();
        final SharedHandle handle = queue.handle();
        assertTrue(handle.name().startsWith(SharedDirectory.ANONYMOUS_PREFIX), handle.name());
        assertTrue(queue.offer("hello"));
        try (SharedQueue<String> other = SharedQueue.open(handle, Codecs.utf8()))
        {
            assertEquals("hello", other.poll());
            queue.close();
            assertTrue(other.offer("kept"), "the survivor still uses it");
        }
        assertEquals(Set.of(), files(tempDir));
        assertThrows(NoSuchSharedObjectException.class, () -> SharedQueue.open(handle, Codecs.utf8()));
        assertThrows(io.jvmipc.file.WrongKindException.class, () -> Pipe.attach(handle, Codecs.utf8(), End.A));
    }

    @Test
    void anonymousPipeConnectedEndByEnd() throws Exception
    {
        final Connection<String> a = Pipe.anonymous(Codecs.utf8()).directory(directory).connect(End.A);
        try (Connection<String> b = Pipe.attach(a.handle(), Codecs.utf8(), End.B))
        {
            b.send("ping");
            assertEquals("ping", a.recv());
            a.close();
            assertTrue(Files.exists(b.path()));
        }
        assertEquals(Set.of(), files(tempDir));
    }

    @Test
    @Timeout(60)
    void anonymousCloseRacingAnOpenerLeavesNoHalfAttachedProcess() throws Exception
    {
        for (int round = 0; round < 200; round++)
        {
            final SharedInt first = SharedInt.anonymous().directory(directory).create();
            final SharedHandle handle = first.handle();
            final Thread closer = new Thread(first::close);
            closer.start();
            try (SharedInt second = SharedInt.builder(handle.name()).directory(directory).open())
            {
                second.incrementAndGet();
                assertTrue(Files.exists(directory.resolve(handle.name())),
                    "attached to an anonymous object whose name is gone");
            }
            catch (final NoSuchSharedObjectException expected)
            {
                // the closer was last: the object is gone, cleanly
            }
            closer.join();
            assertEquals(Set.of(), files(tempDir), "round " + round);
        }
    }

    @Test
    @Timeout(60)
    void twoLastAttachmentsClosingAtOnceRemoveTheFile() throws Exception
    {
        for (int round = 0; round < 200; round++)
        {
            final SharedInt first = SharedInt.anonymous().directory(directory).create();
            final SharedInt second = SharedInt.builder(first.handle().name()).directory(directory).open();
            final java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(2);
            final Thread other = new Thread(() ->
            {
                await(start);
                second.close();
            });
            other.start();
            await(start);
            first.close();
            other.join();
            assertEquals(Set.of(), files(tempDir), "round " + round + ": neither closer removed it");
        }
    }

    private static void await(final java.util.concurrent.CyclicBarrier barrier)
    {
        try
        {
            barrier.await();
        }
        catch (final InterruptedException | java.util.concurrent.BrokenBarrierException e)
        {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void everyKindHasAnAnonymousBuilder() throws Exception
    {
        final List<AutoCloseable> made = List.of(
            SharedQueue.anonymous(Codecs.utf8()).directory(directory).create(),
            JoinableQueue.anonymous(Codecs.utf8()).directory(directory).create(),
            Pipe.anonymous().directory(directory).open(),
            SharedInt.anonymous().directory(directory).create(),
            io.jvmipc.value.SharedLong.anonymous().directory(directory).create(),
            io.jvmipc.value.SharedDouble.anonymous().directory(directory).create(),
            io.jvmipc.value.SharedBoolean.anonymous().directory(directory).create(),
            io.jvmipc.value.SharedIntArray.anonymous().length(2).directory(directory).create(),
            io.jvmipc.value.SharedLongArray.anonymous().length(2).directory(directory).create(),
            io.jvmipc.value.SharedDoubleArray.anonymous().length(2).directory(directory).create(),
            io.jvmipc.shm.SharedMemory.anonymous().size(4096).directory(directory).create(),
            io.jvmipc.sync.SharedLock.anonymous().directory(directory).create(),
            io.jvmipc.sync.SharedReentrantLock.anonymous().directory(directory).create(),
            io.jvmipc.sync.SharedSemaphore.anonymous(1).directory(directory).create(),
            io.jvmipc.sync.SharedBoundedSemaphore.anonymous(1).directory(directory).create(),
            io.jvmipc.sync.SharedEvent.anonymous().directory(directory).create(),
            io.jvmipc.sync.SharedBarrier.anonymous().parties(2).directory(directory).create(),
            io.jvmipc.counters.SharedCounters.anonymous().directory(directory).create());
        for (final String name : files(tempDir))
        {
            assertTrue(SharedDirectory.isAnonymousName(name), name);
            assertEquals(HeaderDescriptor.FLAG_ANONYMOUS, flags(tempDir.resolve(name)), name);
        }
        for (final AutoCloseable object : made)
        {
            object.close();
        }
        assertEquals(Set.of(), files(tempDir));
    }
}
