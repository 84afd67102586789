package io.jvmipc.file;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class SharedFileTest
{
    @TempDir
    Path tempDir;
    private SharedDirectory directory;
    private Path path;

    @BeforeEach
    void setUp()
    {
        directory = SharedDirectory.of(tempDir);
        path = directory.resolve("object");
    }

    private void createAndClose()
    {
        try (SharedFile file = SharedFile.map(path, TestObjects.KIND, TestObjects.KIND_VERSION,
            SharedFile.OpenMode.CREATE, TestObjects.spec(4)))
        {
            assertEquals(TestObjects.MARKER, TestObjects.read(file, TestObjects.MARKER_OFFSET));
        }
    }

    /** Asserts that mapping throws {@code type}, names the file, and leaves its bytes as they were. */
    private <T extends SharedObjectException> T assertRefused(final Class<T> type, final Executable map)
        throws IOException
    {
        final byte[] before = Files.readAllBytes(path);
        final T e = assertThrows(type, map);
        assertTrue(e.getMessage().contains(path.toString()), e.getMessage());
        assertEquals(path, e.path());
        assertArrayEquals(before, Files.readAllBytes(path), "the refused file was modified");
        return e;
    }

    private <T extends SharedObjectException> T assertOpenRefused(final Class<T> type) throws IOException
    {
        final T e = assertRefused(type, () -> TestObjects.open(path));
        // OPEN_OR_CREATE must refuse it the same way, never replace it
        assertRefused(type, () -> TestObjects.openOrCreate(path, 4, 2));
        return e;
    }

    private void patch(final long offset, final byte[] bytes) throws IOException
    {
        try (RandomAccessFile file = new RandomAccessFile(path.toFile(), "rw"))
        {
            file.seek(offset);
            file.write(bytes);
        }
    }

    private void truncate(final long length) throws IOException
    {
        try (RandomAccessFile file = new RandomAccessFile(path.toFile(), "rw"))
        {
            file.setLength(length);
        }
    }

    @Test
    void shouldCreateThenOpenTheSameObject()
    {
        try (SharedFile created = SharedFile.map(path, TestObjects.KIND, TestObjects.KIND_VERSION,
            SharedFile.OpenMode.CREATE, TestObjects.spec(4));
            SharedFile opened = TestObjects.open(path);
            SharedFile either = TestObjects.openOrCreate(path, 4, 2))
        {
            TestObjects.increment(created);
            TestObjects.increment(opened);
            assertEquals(2, TestObjects.increment(either));
            assertEquals(TestObjects.KIND, opened.kind());
            assertEquals(TestObjects.BODY_LENGTH, opened.bodyLength());
            assertEquals(0, opened.bodyOffset() % HeaderDescriptor.BODY_ALIGNMENT);
            assertEquals(4, opened.processTableCapacity());
            assertEquals(ProcessHandle.current().pid(), opened.creatorPid());
            assertEquals(1, TestObjects.read(either, TestObjects.TOKEN_OFFSET), "the second spec's initializer ran");
            assertEquals(TestObjects.PARAMETER_1, opened.parameter(1));
        }
        assertTrue(Files.exists(path), "closing detaches, it does not remove");
    }

    @Test
    void shouldCreateWithOpenOrCreateWhenAbsent()
    {
        try (SharedFile file = TestObjects.openOrCreate(path, 4, 5))
        {
            assertEquals(5, TestObjects.read(file, TestObjects.TOKEN_OFFSET));
        }
    }

    @Test
    void shouldRefuseCreateWhenTheNameExists() throws IOException
    {
        createAndClose();
        final byte[] before = Files.readAllBytes(path);
        final SharedObjectExistsException e = assertThrows(SharedObjectExistsException.class,
            () -> SharedFile.map(path, TestObjects.KIND, TestObjects.KIND_VERSION, SharedFile.OpenMode.CREATE,
                TestObjects.spec(4, 99)));
        assertTrue(e.getMessage().contains(path.toString()), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(path));
        try (Stream<Path> files = Files.list(tempDir))
        {
            assertEquals(1, files.count(), "a temporary file was left behind");
        }
    }

    @Test
    void shouldRefuseOpenWhenThereIsNoObject()
    {
        final NoSuchSharedObjectException e = assertThrows(NoSuchSharedObjectException.class,
            () -> TestObjects.open(path));
        assertTrue(e.getMessage().contains(path.toString()), e.getMessage());
        assertFalse(Files.exists(path));
    }

    @Test
    void shouldRequireAMatchingSpecToCreate()
    {
        assertThrows(IllegalArgumentException.class, () -> SharedFile.map(path, TestObjects.KIND,
            TestObjects.KIND_VERSION, SharedFile.OpenMode.CREATE, null));
        assertThrows(IllegalArgumentException.class, () -> SharedFile.map(path, ObjectKind.LOCK,
            TestObjects.KIND_VERSION, SharedFile.OpenMode.OPEN_OR_CREATE, TestObjects.spec(4)));
        assertThrows(IllegalArgumentException.class, () -> SharedFile.map(path, TestObjects.KIND,
            TestObjects.KIND_VERSION + 1, SharedFile.OpenMode.CREATE, TestObjects.spec(4)));
        assertFalse(Files.exists(path));
    }

    @Test
    void shouldRefuseInvalidSpecs()
    {
        assertThrows(IllegalArgumentException.class,
            () -> new SharedFile.Spec(TestObjects.KIND, 1, new long[0], -1, 4, null));
        assertThrows(IllegalArgumentException.class,
            () -> new SharedFile.Spec(TestObjects.KIND, 1, new long[0], 0, 0, null));
        assertThrows(IllegalArgumentException.class, () -> new SharedFile.Spec(TestObjects.KIND, 1, new long[0], 0,
            ProcessTableDescriptor.MAX_CAPACITY + 1, null));
        assertThrows(IllegalArgumentException.class,
            () -> new SharedFile.Spec(TestObjects.KIND, 1, new long[HeaderDescriptor.PARAMETER_COUNT + 1], 0, 4,
                null));
    }

    @Test
    void shouldRefuseAFileOfRandomBytes() throws IOException
    {
        final byte[] random = new byte[8192];
        new Random(42).nextBytes(random);
        Files.write(path, random);
        assertOpenRefused(ForeignFileException.class);
    }

    @Test
    void shouldRefuseATextFile() throws IOException
    {
        Files.writeString(path, "This is somebody's notes file, not a shared object.\n".repeat(20),
            StandardCharsets.UTF_8);
        assertOpenRefused(ForeignFileException.class);
        Files.writeString(path, "short text\n", StandardCharsets.UTF_8);
        assertOpenRefused(ForeignFileException.class);
    }

    @Test
    void shouldRefuseAnEmptyFile() throws IOException
    {
        Files.write(path, new byte[0]);
        assertOpenRefused(CorruptFileException.class);
    }

    @Test
    void shouldRefuseAnotherLayoutVersion() throws IOException
    {
        createAndClose();
        final int other = HeaderDescriptor.LAYOUT_VERSION + 1;
        patch(HeaderDescriptor.LAYOUT_VERSION_OFFSET, new byte[] {(byte)other, 0, 0, 0});
        final IncompatibleVersionException e = assertOpenRefused(IncompatibleVersionException.class);
        assertTrue(e.getMessage().contains("layout version " + other), e.getMessage());
    }

    @Test
    void shouldRefuseAnotherKind() throws IOException
    {
        createAndClose();
        final WrongKindException e = assertRefused(WrongKindException.class, () -> SharedFile.map(path,
            ObjectKind.LOCK, TestObjects.KIND_VERSION, SharedFile.OpenMode.OPEN, null));
        assertTrue(e.getMessage().contains("VALUE") && e.getMessage().contains("LOCK"), e.getMessage());
        assertRefused(WrongKindException.class, () -> SharedFile.map(path, ObjectKind.LOCK, 1,
            SharedFile.OpenMode.OPEN_OR_CREATE, new SharedFile.Spec(ObjectKind.LOCK, 1, new long[0], 64, 4, null)));
    }

    @Test
    void shouldRefuseAnUnknownKindCode() throws IOException
    {
        createAndClose();
        patch(HeaderDescriptor.KIND_OFFSET, new byte[] {(byte)0xEE, 0, 0, 0});
        assertOpenRefused(WrongKindException.class);
    }

    @Test
    void shouldRefuseAnotherKindVersion() throws IOException
    {
        createAndClose();
        final IncompatibleVersionException e = assertRefused(IncompatibleVersionException.class,
            () -> SharedFile.map(path, TestObjects.KIND, TestObjects.KIND_VERSION + 1, SharedFile.OpenMode.OPEN,
                null));
        assertTrue(e.getMessage().contains("version " + TestObjects.KIND_VERSION), e.getMessage());
    }

    @Test
    void shouldRefuseAHeaderWithAFlippedByte() throws IOException
    {
        createAndClose();
        for (final int offset : new int[] {HeaderDescriptor.CREATION_TIME_OFFSET + 1,
            HeaderDescriptor.parameterOffset(0), HeaderDescriptor.LENGTH - 1})
        {
            final byte[] original = new byte[1];
            try (RandomAccessFile file = new RandomAccessFile(path.toFile(), "r"))
            {
                file.seek(offset);
                original[0] = file.readByte();
            }
            patch(offset, new byte[] {(byte)(original[0] ^ 0x10)});
            final CorruptFileException e = assertOpenRefused(CorruptFileException.class);
            assertTrue(e.getMessage().contains("checksum"), e.getMessage());
            patch(offset, original);
        }
        TestObjects.open(path).close();
    }

    @Test
    void shouldRefuseAFileShorterThanTheHeader() throws IOException
    {
        createAndClose();
        truncate(100);
        final CorruptFileException e = assertOpenRefused(CorruptFileException.class);
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void shouldRefuseAFileShorterThanItsHeaderSays() throws IOException
    {
        createAndClose();
        final long length = Files.size(path);
        truncate(length - 100);
        final CorruptFileException e = assertOpenRefused(CorruptFileException.class);
        assertTrue(e.getMessage().contains("truncated") && e.getMessage().contains(Long.toString(length)),
            e.getMessage());
    }

    @Test
    void shouldRefuseAFileLongerThanItsHeaderSays() throws IOException
    {
        createAndClose();
        final long length = Files.size(path);
        truncate(length + 4096);
        final CorruptFileException e = assertOpenRefused(CorruptFileException.class);
        assertTrue(e.getMessage().contains(Long.toString(length)), e.getMessage());
    }

    @Test
    void shouldRefuseAFileWhoseCreatorNeverMarkedItReady() throws IOException
    {
        createAndClose();
        // as left by a creator killed before its release store (only possible outside the temp-file protocol)
        patch(HeaderDescriptor.READY_OFFSET, new byte[4]);
        final byte[] before = Files.readAllBytes(path);
        final CorruptFileException e = assertThrows(CorruptFileException.class, () -> TestObjects.open(path));
        assertTrue(e.getMessage().contains("ready"), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(path));
    }

    @Test
    void shouldRefuseASymbolicLinkInPlaceOfTheFile() throws IOException
    {
        final Path target = directory.resolve("real");
        try (SharedFile real = SharedFile.map(target, TestObjects.KIND, TestObjects.KIND_VERSION,
            SharedFile.OpenMode.CREATE, TestObjects.spec(4)))
        {
            Files.createSymbolicLink(path, target);
            final byte[] before = Files.readAllBytes(target);
            final SharedObjectException e = assertThrows(SharedObjectException.class, () -> TestObjects.open(path));
            assertTrue(e.getMessage().contains(path.toString()) && e.getMessage().contains("symbolic link"),
                e.getMessage());
            assertThrows(SharedObjectException.class, () -> TestObjects.openOrCreate(path, 4, 2));
            assertThrows(SharedObjectExistsException.class, () -> SharedFile.map(path, TestObjects.KIND,
                TestObjects.KIND_VERSION, SharedFile.OpenMode.CREATE, TestObjects.spec(4)));
            assertArrayEquals(before, Files.readAllBytes(target));
            assertTrue(Files.isSymbolicLink(path));
            assertEquals(0, TestObjects.read(real, TestObjects.COUNTER_OFFSET));
        }
    }

    @Test
    void shouldRefuseADanglingSymbolicLink() throws IOException
    {
        Files.createSymbolicLink(path, tempDir.resolve("nowhere"));
        assertThrows(SharedObjectException.class, () -> TestObjects.openOrCreate(path, 4, 2));
        assertFalse(Files.exists(tempDir.resolve("nowhere")), "followed the link and created its target");
    }

    @Test
    void shouldRefuseInvalidNames()
    {
        for (final String name : new String[] {"", ".hidden", "../escape", "a/b", "a b", "-dash", "x".repeat(201),
            "nul\u0000", "é"})
        {
            final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> directory.resolve(name), name);
            assertTrue(e.getMessage().contains(name), e.getMessage());
        }
        assertThrows(NullPointerException.class, () -> directory.resolve(null));
        assertThrows(NullPointerException.class, () -> SharedDirectory.requireValidName(null));
        assertEquals(tempDir.resolve("ok.name_1-2"), directory.resolve("ok.name_1-2"));
        assertEquals(tempDir.resolve("x".repeat(200)), directory.resolve("x".repeat(200)));
    }

    @Test
    void shouldRefuseMismatchedParametersAndCloseTheFile()
    {
        createAndClose();
        final SharedFile file = TestObjects.open(path);
        file.requireParameter(0, "capacity", TestObjects.PARAMETER_0);
        final IncompatibleParametersException e = assertThrows(IncompatibleParametersException.class,
            () -> file.requireParameter(1, "slot size", TestObjects.PARAMETER_1 + 1));
        assertTrue(e.getMessage().contains(path.toString()) && e.getMessage().contains("slot size") &&
            e.getMessage().contains(Long.toString(TestObjects.PARAMETER_1)), e.getMessage());
        assertTrue(file.isClosed());
    }

    @Test
    void shouldRefuseUseAfterClose()
    {
        final SharedFile file = TestObjects.openOrCreate(path, 4, 1);
        file.attach(entry -> { });
        file.close();
        file.close();
        assertThrows(IllegalStateException.class, file::ensureOpen);
        assertThrows(IllegalStateException.class, () -> file.recoverIfDead(1));
        assertThrows(IllegalStateException.class, () -> file.isAlive(0));
        assertTrue(Files.exists(path));
    }

    @Test
    void failedCreateLeavesNoFile()
    {
        for (final SharedFile.OpenMode mode : List.of(SharedFile.OpenMode.CREATE, SharedFile.OpenMode.OPEN_OR_CREATE))
        {
            final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SharedFile.open(path, TestObjects.KIND, TestObjects.KIND_VERSION, mode, TestObjects.spec(4),
                    file ->
                    {
                        throw new IllegalArgumentException("refused by the kind");
                    }));
            assertEquals("refused by the kind", e.getMessage());
            assertFalse(Files.exists(path), mode + ": the failed create left its file");
        }
        try (SharedFile existing = TestObjects.openOrCreate(path, 4, 1))
        {
            existing.attach(entry -> { });
            assertThrows(IllegalArgumentException.class,
                () -> SharedFile.open(path, TestObjects.KIND, TestObjects.KIND_VERSION,
                    SharedFile.OpenMode.OPEN_OR_CREATE, TestObjects.spec(4), file ->
                    {
                        throw new IllegalArgumentException("refused by the kind");
                    }));
            assertTrue(Files.exists(path), "a failed open removed an object it did not create");
        }
    }

    @Test
    void shouldUnlinkAfterClose()
    {
        final SharedFile file = TestObjects.openOrCreate(path, 4, 1);
        file.attach(entry -> { });
        file.close();
        file.unlink();
        assertFalse(Files.exists(path));
        file.unlink();
    }

    @Test
    void shouldNotUnlinkAnotherObjectOfTheNameAfterClose()
    {
        final SharedFile file = TestObjects.openOrCreate(path, 4, 1);
        file.attach(entry -> { });
        final long created = file.creationTimeMillis();
        file.close();
        file.unlink();
        // a new object of the name, created in another millisecond (its header then differs, whatever its inode)
        while (System.currentTimeMillis() == created)
        {
            Thread.onSpinWait();
        }
        final SharedFile again = TestObjects.openOrCreate(path, 4, 2);
        again.attach(entry -> { });
        again.close();
        file.unlink();
        assertTrue(Files.exists(path), "the closed attachment's unlink removed a newer object of its name");
    }

    @Test
    void shouldUnlinkWhenNobodyElseIsAttached()
    {
        try (SharedFile file = TestObjects.openOrCreate(path, 4, 1))
        {
            file.attach(entry -> { });
            file.unlink();
            assertFalse(Files.exists(path));
            TestObjects.increment(file);
            assertEquals(1, TestObjects.read(file, TestObjects.COUNTER_OFFSET), "the mapping outlives the name");
        }
        try (SharedFile fresh = TestObjects.openOrCreate(path, 4, 1))
        {
            assertEquals(0, TestObjects.read(fresh, TestObjects.COUNTER_OFFSET), "a new object after unlink");
        }
    }

    @Test
    void shouldNotLeakFileDescriptorsOnRefusedFiles() throws IOException
    {
        createAndClose();
        truncate(100);
        final long before = openDescriptors();
        for (int i = 0; i < 50; i++)
        {
            assertThrows(CorruptFileException.class, () -> TestObjects.open(path));
        }
        assertTrue(openDescriptors() < before + 10, "descriptors leaked: " + before + " -> " + openDescriptors());
    }

    private static long openDescriptors() throws IOException
    {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd")))
        {
            return fds.count();
        }
    }
}
