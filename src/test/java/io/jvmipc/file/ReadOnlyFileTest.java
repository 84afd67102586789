package io.jvmipc.file;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The read-only view of an object's file, and the directory's listing and removal of unused objects. */
class ReadOnlyFileTest
{
    @TempDir
    Path tempDir;

    private SharedDirectory directory()
    {
        return SharedDirectory.of(tempDir);
    }

    @Test
    @SuppressWarnings("resource")
    void shouldReadTheHeaderAndTellALiveEntryFromAClosedOneWithoutTakingAnything()
    {
        final Path path = tempDir.resolve("obj");
        try (SharedFile first = TestObjects.openOrCreate(path, 4, 1))
        {
            first.attach(entry -> { });
            final SharedFile second = TestObjects.open(path);
            second.attach(entry -> { });
            final int closedEntry = second.entry();
            second.close();
            try (ReadOnlyFile view = ReadOnlyFile.open(path))
            {
                assertEquals(TestObjects.KIND, view.kind());
                assertEquals(TestObjects.KIND_VERSION, view.kindVersion());
                assertEquals(TestObjects.PARAMETER_1, view.parameter(1));
                assertEquals(ProcessHandle.current().pid(), view.creatorPid());
                assertEquals(4, view.processTableCapacity());
                assertEquals(TestObjects.MARKER, view.segment().get(JAVA_LONG, view.bodyOffset()));
                final ReadOnlyFile.Entry live = view.entry(first.entry());
                assertTrue(live.alive() && !live.dead() && live.used(), live.toString());
                assertEquals(1, live.generation());
                final ReadOnlyFile.Entry closed = view.entry(closedEntry);
                assertTrue(closed.dead() && !closed.alive(), closed.toString());
                assertFalse(view.entry(3).used());
                assertEquals("none", view.nameLockState());
                assertTrue(view.segment().isReadOnly());
                assertThrows(IllegalArgumentException.class, () -> view.segment().set(JAVA_LONG, 0, 0L));
                // the view took nothing: the closed entry is still there to be recovered, and is
                assertTrue(first.recoverIfDead(closedEntry));
                assertFalse(view.entry(closedEntry).dead());
            }
            assertTrue(first.isAlive(first.entry()));
        }
    }

    @Test
    void shouldRefuseWhatIsNotAValidObject() throws Exception
    {
        assertThrows(NoSuchSharedObjectException.class, () -> ReadOnlyFile.open(tempDir.resolve("none")));
        final Path foreign = Files.writeString(tempDir.resolve("foreign"), "x".repeat(300));
        assertThrows(ForeignFileException.class, () -> ReadOnlyFile.open(foreign));
        final Path empty = Files.createFile(tempDir.resolve("empty"));
        assertThrows(CorruptFileException.class, () -> ReadOnlyFile.open(empty));
        assertThrows(ForeignFileException.class, () -> ReadOnlyFile.open(Files.createDirectory(
            tempDir.resolve("dir"))));
        final Path link = Files.createSymbolicLink(tempDir.resolve("link"), foreign);
        assertThrows(SharedObjectException.class, () -> ReadOnlyFile.open(link));
        final Path fifo = tempDir.resolve("fifo");
        final Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertTrue(mkfifo.waitFor(10, TimeUnit.SECONDS) && mkfifo.exitValue() == 0, "mkfifo failed");
        assertThrows(ForeignFileException.class, () -> ReadOnlyFile.open(fifo));
        final Path truncated = tempDir.resolve("truncated");
        TestObjects.openOrCreate(truncated, 2, 1).close();
        try (FileChannel channel = FileChannel.open(truncated, StandardOpenOption.WRITE))
        {
            channel.truncate(HeaderDescriptor.LENGTH + 64);
        }
        final CorruptFileException e = assertThrows(CorruptFileException.class, () -> ReadOnlyFile.open(truncated));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void shouldListObjectsAndTemporaryFilesOnly() throws IOException
    {
        TestObjects.openOrCreate(tempDir.resolve("b"), 2, 1).close();
        TestObjects.openOrCreate(tempDir.resolve("a"), 2, 1).close();
        Files.writeString(tempDir.resolve("foreign"), "x".repeat(300));
        Files.writeString(tempDir.resolve("short"), "JV");
        Files.createDirectory(tempDir.resolve("subdir"));
        Files.createSymbolicLink(tempDir.resolve("link"), tempDir.resolve("a"));
        final Path temp = Files.write(tempDir.resolve(".c.creating.1.42"), new byte[8]);
        final SharedDirectory directory = directory();
        assertEquals(List.of("a", "b"), directory.list());
        final List<SharedDirectory.TemporaryFile> temporaries = directory.temporaryFiles();
        assertEquals(1, temporaries.size());
        assertEquals(temp, temporaries.get(0).path());
        assertEquals("c", temporaries.get(0).objectName());
        assertEquals(1, temporaries.get(0).creatorPid());
        // PID 1 is alive: its temporary file is kept
        assertTrue(temporaries.get(0).creatorAlive());
        assertFalse(directory.removeStaleTemporary(temporaries.get(0)));
        assertTrue(Files.exists(temp));
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void shouldRemoveOnlyAnObjectThatNoLiveProcessHolds() throws IOException
    {
        final SharedDirectory directory = directory();
        final Path path = directory.resolve("obj");
        try (SharedFile file = TestObjects.openOrCreate(path, 2, 1))
        {
            file.attach(entry -> { });
            final SharedDirectory.Removal inUse = directory.removeIfUnused("obj");
            assertEquals(SharedDirectory.Removal.Outcome.IN_USE, inUse.outcome());
            assertEquals(List.of(ProcessHandle.current().pid()), inUse.livePids());
            assertTrue(Files.exists(path));
        }
        // an opener that has not attached yet holds the name lock shared: removal is refused as busy
        try (FileMapping opener = FileMapping.openExisting(path))
        {
            assertTrue(opener.isNamedByPath());
            try (ReadOnlyFile view = ReadOnlyFile.open(path))
            {
                assertEquals("attaching", view.nameLockState());
            }
            assertEquals(SharedDirectory.Removal.Outcome.BUSY, directory.removeIfUnused("obj").outcome());
            assertTrue(Files.exists(path));
        }
        assertEquals(SharedDirectory.Removal.Outcome.REMOVED, directory.removeIfUnused("obj").outcome());
        assertFalse(Files.exists(path));
        assertEquals(SharedDirectory.Removal.Outcome.ABSENT, directory.removeIfUnused("obj").outcome());
        Files.writeString(directory.resolve("foreign"), "x".repeat(300));
        assertEquals(SharedDirectory.Removal.Outcome.INVALID, directory.removeIfUnused("foreign").outcome());
        assertTrue(Files.exists(directory.resolve("foreign")));
    }
}
