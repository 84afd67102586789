package io.jvmipc.shm;

import io.jvmipc.file.HeaderDescriptor;
import io.jvmipc.file.IncompatibleParametersException;
import io.jvmipc.file.NoSuchSharedObjectException;
import io.jvmipc.file.SharedDirectory;
import io.jvmipc.file.SharedObjectException;
import io.jvmipc.file.SharedObjectExistsException;
import io.jvmipc.file.WrongKindException;
import io.jvmipc.process.JvmProcess;
import io.jvmipc.value.SharedInt;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Raw shared memory: create/open, track semantics, unlink safety, bad input, and a child JVM. */
class SharedMemoryTest
{
    @TempDir
    Path tempDir;
    private SharedDirectory dir;

    @BeforeEach
    void setUp()
    {
        dir = SharedDirectory.of(tempDir);
    }

    private SharedMemory.Builder memory(final String name)
    {
        return SharedMemory.builder(name).directory(dir);
    }

    @Test
    void shouldShareBytesBetweenAttachmentsInAnAlignedZeroedSegment()
    {
        try (SharedMemory created = memory("m").size(10_000).create();
            SharedMemory opened = memory("m").open())
        {
            assertEquals(10_000, created.size());
            assertEquals(10_000, opened.segment().byteSize());
            assertEquals(0, opened.segment().address() % 4096, "page aligned");
            assertEquals(-1L, created.segment().mismatch(MemorySegment.ofArray(new byte[10_000])), "zero-filled");
            created.segment().set(JAVA_BYTE, 9_999, (byte)7);
            created.segment().set(JAVA_LONG, 8, 123L);
            assertEquals(7, opened.segment().get(JAVA_BYTE, 9_999));
            assertEquals(123L, opened.segment().get(JAVA_LONG, 8));
            assertThrows(IndexOutOfBoundsException.class, () -> opened.segment().get(JAVA_BYTE, 10_000));
            assertTrue(created.isTracked(), "the creator is tracked by default");
            assertFalse(opened.isTracked(), "an attacher is not");
        }
    }

    @Test
    void shouldUnlinkOnCloseOnlyWhenATrackedAttachmentClosesLast()
    {
        final SharedMemory creator = memory("m").size(64).create();
        final SharedMemory other = memory("m").open();
        creator.close();
        assertTrue(Files.exists(tempDir.resolve("m")), "another attachment is live: the tracked creator leaves it");
        other.close();
        assertTrue(Files.exists(tempDir.resolve("m")), "an untracked attachment never removes it");

        final SharedMemory tracked = memory("m").track(true).open();
        tracked.close();
        assertFalse(Files.exists(tempDir.resolve("m")), "a tracked attachment closing last removes it");

        final SharedMemory untrackedCreator = memory("n").size(64).track(false).create();
        untrackedCreator.close();
        assertTrue(Files.exists(tempDir.resolve("n")));
    }

    @Test
    void shouldTrackOpenOrCreateOnlyWhenItCreated()
    {
        try (SharedMemory first = memory("m").size(64).openOrCreate();
            SharedMemory second = memory("m").size(64).openOrCreate())
        {
            assertTrue(first.isTracked());
            assertFalse(second.isTracked());
        }
        assertFalse(Files.exists(tempDir.resolve("m")));
    }

    @Test
    void shouldRefuseBadInput()
    {
        assertThrows(IllegalArgumentException.class, () -> memory("m").size(0));
        assertThrows(IllegalArgumentException.class, () -> memory("m").size(-5));
        assertThrows(IllegalStateException.class, () -> memory("m").create(), "no size");
        assertThrows(NoSuchSharedObjectException.class, () -> memory("m").open());
        try (SharedMemory m = memory("m").size(64).create())
        {
            assertThrows(SharedObjectExistsException.class, () -> memory("m").size(64).create());
            assertThrows(IncompatibleParametersException.class, () -> memory("m").size(65).open());
            assertThrows(WrongKindException.class, () -> SharedInt.builder("m").directory(dir).open());
            m.segment().set(JAVA_BYTE, 0, (byte)1);
        }
        try (var _ = SharedInt.builder("i").directory(dir).create())
        {
            assertThrows(WrongKindException.class, () -> memory("i").open());
        }
    }

    @Test
    void shouldCloseAndNameTheFileWhenTheFileIsTruncatedUnderALiveHandle() throws IOException
    {
        final SharedMemory memory = memory("t").size(8192).create();
        memory.segment().set(JAVA_LONG, 0, 1L);
        try (FileChannel channel = FileChannel.open(memory.path(), StandardOpenOption.WRITE))
        {
            channel.truncate(HeaderDescriptor.LENGTH);
        }
        final InternalError raw = assertThrows(InternalError.class, () -> memory.segment().get(JAVA_LONG, 0),
            "the library cannot intercept the user's own accesses");
        final SharedObjectException named = memory.faulted(raw);
        assertTrue(named.getMessage().contains(memory.path().toString()), named.getMessage());
        assertSame(raw, named.getCause());
        final SharedObjectException unlink = assertThrows(SharedObjectException.class, memory::unlink);
        assertTrue(unlink.getMessage().contains(memory.path().toString()), unlink.getMessage());
        memory.close();
        assertTrue(memory.isClosed(), "close completes although the process table cannot be read");
        assertTrue(Files.exists(memory.path()), "a tracked close that cannot see the others leaves the name");
        Files.delete(memory.path());
    }

    @Test
    void shouldThrowNullPointerExceptionForANullName()
    {
        assertThrows(NullPointerException.class, () -> SharedMemory.builder(null));
        assertThrows(NullPointerException.class, () -> SharedMemory.create(null, 4096));
        assertThrows(NullPointerException.class, () -> SharedMemory.open(null));
    }

    @Test
    void shouldThrowNamingTheFileWhenUsedAfterClose()
    {
        final SharedMemory m = memory("m").size(64).track(false).create();
        final MemorySegment segment = m.segment();
        m.close();
        m.close();
        assertTrue(m.isClosed());
        final IllegalStateException e = assertThrows(IllegalStateException.class, m::segment);
        assertTrue(e.getMessage().contains(tempDir.resolve("m").toString()), e.getMessage());
        assertThrows(IllegalStateException.class, () -> segment.get(JAVA_BYTE, 0), "no crash on a stale segment");
        m.unlink();
        assertFalse(Files.exists(tempDir.resolve("m")), "unlink works after close");
    }

    @Test
    @Timeout(120)
    void shouldSeeAChildJvmsWritesAndRefuseUnlinkUntilItIsKilled() throws Exception
    {
        final long size = 1 << 20;
        try (SharedMemory memory = memory("m").size(size).create();
            JvmProcess child = JvmProcess.builder(ShmChildren.class).captureOutput().method("writeAndHold").jvmArgs("-Xmx64m")
                .args(tempDir.toString(), "m").start())
        {
            assertTrue(child.awaitOutput("WRITTEN", 60, TimeUnit.SECONDS), child.output());
            final MemorySegment segment = memory.segment();
            final long longs = size / Long.BYTES;
            // acquire: pairs with the child's release of the marker
            assertEquals(-1L, (long)JAVA_LONG.varHandle().getAcquire(segment, (longs - 1) * Long.BYTES));
            for (long i = 0; i < longs - 1; i++)
            {
                assertEquals(i * 3 + 1, segment.getAtIndex(JAVA_LONG, i), "long " + i);
            }

            final IllegalStateException refused = assertThrows(IllegalStateException.class, memory::unlink);
            assertTrue(refused.getMessage().contains(String.valueOf(child.pid())), refused.getMessage());
            assertTrue(Files.exists(tempDir.resolve("m")));

            child.kill();
            assertTrue(child.join(10, TimeUnit.SECONDS));
            memory.unlink();
            assertFalse(Files.exists(tempDir.resolve("m")), "a dead process does not keep the segment");
            assertEquals(1L, segment.getAtIndex(JAVA_LONG, 0), "this attachment keeps its mapping after unlink");
        }
    }
}
