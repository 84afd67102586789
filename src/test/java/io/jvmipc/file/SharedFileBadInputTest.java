package io.jvmipc.file;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** A full file system, a FIFO or a directory in place of the file, an interrupted opener, a truncated file. */
@Timeout(30)
class SharedFileBadInputTest
{
    @TempDir
    Path tempDir;
    private Path path;

    @BeforeEach
    void setUp()
    {
        path = SharedDirectory.of(tempDir).resolve("object");
    }

    private static SharedFile.Spec spec(final long bodyLength)
    {
        return new SharedFile.Spec(TestObjects.KIND, TestObjects.KIND_VERSION, new long[0], bodyLength, 4, null);
    }

    private static long fileCount(final Path dir) throws IOException
    {
        try (Stream<Path> files = Files.list(dir))
        {
            return files.count();
        }
    }

    @Test
    void shouldRefuseAtCreateAnObjectLargerThanTheFileSystemAndLeaveNothing(
        @TempDir(factory = ShmTempDirFactory.class) final Path shm) throws IOException
    {
        final FileStore store = Files.getFileStore(shm);
        // on a tmpfs the refusal reserves nothing; other file systems may fill up before they refuse
        assumeTrue("tmpfs".equals(store.type()), "/dev/shm is a " + store.type());
        final Path big = SharedDirectory.of(shm).resolve("big");
        final long bodyLength = store.getTotalSpace() + (1L << 30);
        final InsufficientSpaceException e = assertThrows(InsufficientSpaceException.class,
            () -> SharedFile.map(big, TestObjects.KIND, TestObjects.KIND_VERSION, SharedFile.OpenMode.CREATE,
                spec(bodyLength)));
        assertTrue(e.getMessage().contains(big.toString()) && e.getMessage().contains(Long.toString(bodyLength)) &&
            e.getMessage().contains("ENOSPC"), e.getMessage());
        assertEquals(big, e.path());
        assertEquals(0, fileCount(shm), "the temporary file was left behind");
        assertThrows(InsufficientSpaceException.class, () -> SharedFile.map(big, TestObjects.KIND,
            TestObjects.KIND_VERSION, SharedFile.OpenMode.OPEN_OR_CREATE, spec(bodyLength)));
        assertEquals(0, fileCount(shm), "the temporary file was left behind");
    }

    @Test
    void shouldReserveTheWholeFileAtCreate() throws IOException
    {
        try (SharedFile file = SharedFile.map(path, TestObjects.KIND, TestObjects.KIND_VERSION,
            SharedFile.OpenMode.CREATE, spec(1 << 20)))
        {
            assertEquals(file.segment().byteSize(), Files.size(path));
            // st_blocks is not in Java's attribute views: a sparse file has fewer blocks than its length needs
            final Process stat = new ProcessBuilder("stat", "-c", "%b %B", path.toString()).start();
            final String[] out = new String(stat.getInputStream().readAllBytes()).trim().split(" ");
            assertTrue(stat.waitFor(10, TimeUnit.SECONDS) && stat.exitValue() == 0, "stat failed");
            final long allocated = Long.parseLong(out[0]) * Long.parseLong(out[1]);
            assertTrue(allocated >= file.segment().byteSize(), "only " + allocated + " of " +
                file.segment().byteSize() + " bytes allocated: the file is sparse");
        }
        catch (final InterruptedException e)
        {
            throw new AssertionError(e);
        }
    }

    @Test
    void shouldRefuseAFifoInPlaceOfTheFileWithoutBlocking() throws Exception
    {
        final Process mkfifo = new ProcessBuilder("mkfifo", path.toString()).inheritIO().start();
        assertTrue(mkfifo.waitFor(10, TimeUnit.SECONDS) && mkfifo.exitValue() == 0, "mkfifo failed");
        for (final SharedFile.OpenMode mode : new SharedFile.OpenMode[] {SharedFile.OpenMode.OPEN,
            SharedFile.OpenMode.OPEN_OR_CREATE})
        {
            final ForeignFileException e = assertThrows(ForeignFileException.class, () -> SharedFile.map(path,
                TestObjects.KIND, TestObjects.KIND_VERSION, mode, spec(64)));
            assertTrue(e.getMessage().contains(path.toString()) && e.getMessage().contains("not a regular file") &&
                e.getMessage().contains("FIFO"), e.getMessage());
        }
        assertThrows(SharedObjectExistsException.class, () -> SharedFile.map(path, TestObjects.KIND,
            TestObjects.KIND_VERSION, SharedFile.OpenMode.CREATE, spec(64)));
    }

    @Test
    void shouldRefuseADirectoryInPlaceOfTheFile() throws IOException
    {
        Files.createDirectory(path);
        for (final SharedFile.OpenMode mode : new SharedFile.OpenMode[] {SharedFile.OpenMode.OPEN,
            SharedFile.OpenMode.OPEN_OR_CREATE})
        {
            final ForeignFileException e = assertThrows(ForeignFileException.class, () -> SharedFile.map(path,
                TestObjects.KIND, TestObjects.KIND_VERSION, mode, spec(64)));
            assertTrue(e.getMessage().contains(path.toString()) &&
                e.getMessage().contains("is a directory, not a jvmipc object"), e.getMessage());
        }
        assertTrue(Files.isDirectory(path));
    }

    @Test
    void shouldRefuseANullName()
    {
        final SharedDirectory directory = SharedDirectory.of(tempDir);
        assertThrows(NullPointerException.class, () -> directory.resolve(null));
        assertThrows(NullPointerException.class, () -> new NamedBuilder(null));
    }

    private static final class NamedBuilder extends SharedObjectBuilder<NamedBuilder>
    {
        NamedBuilder(final String name)
        {
            super(name);
        }
    }

    @Test
    void shouldCreateAndOpenWithTheInterruptFlagSetAndKeepIt()
    {
        Thread.currentThread().interrupt();
        try
        {
            try (SharedFile created = TestObjects.openOrCreate(path, 4, 3))
            {
                created.attach(entry -> { });
                assertTrue(Thread.currentThread().isInterrupted(), "create cleared the interrupt flag");
                try (SharedFile opened = TestObjects.open(path))
                {
                    assertTrue(Thread.currentThread().isInterrupted(), "open cleared the interrupt flag");
                    opened.attach(entry -> { });
                    assertEquals(3, TestObjects.read(opened, TestObjects.TOKEN_OFFSET));
                }
            }
            assertTrue(Thread.currentThread().isInterrupted(), "close cleared the interrupt flag");
        }
        finally
        {
            Thread.interrupted();
        }
    }

    @Test
    void shouldReportAFileTruncatedUnderALiveMappingAndStillClose() throws IOException
    {
        final SharedFile file = TestObjects.openOrCreate(path, 4, 3);
        file.attach(entry -> { });
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE))
        {
            channel.truncate(0);
        }
        final InternalError fault = assertThrows(InternalError.class, () -> TestObjects.read(file, 0));
        final SharedObjectException e = file.faulted(fault);
        assertTrue(e.getMessage().contains(path.toString()) && e.getMessage().contains("truncated it to 0 bytes") &&
            e.getMessage().contains(Long.toString(file.segment().byteSize())), e.getMessage());
        for (final Runnable call : new Runnable[] {() -> file.parameter(0), file::creatorPid, file::processes,
            file::recoverDeadEntries, () -> file.recoverIfDead(1), file::unlink})
        {
            final SharedObjectException thrown = assertThrows(SharedObjectException.class, call::run);
            assertTrue(thrown.getMessage().contains(path.toString()), thrown.getMessage());
        }
        file.close();
        assertTrue(file.isClosed());
        assertFalse(Files.size(path) > 0);
    }
}
