package io.jvmipc.file;

import io.jvmipc.internal.LibC;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A directory the user gives is checked as the default one is. */
class SharedDirectoryTest
{
    @TempDir
    Path tempDir;

    private Path directory(final String name, final String permissions) throws IOException
    {
        final Path dir = Files.createDirectory(tempDir.resolve(name));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString(permissions));
        return dir;
    }

    private static void assertRefused(final Path dir, final String reason)
    {
        final SharedObjectException e = assertThrows(SharedObjectException.class, () -> SharedDirectory.of(dir));
        assertTrue(e.getMessage().contains(dir.toString()) && e.getMessage().contains(reason), e.getMessage());
        assertEquals(dir.toAbsolutePath(), e.path());
    }

    @Test
    void shouldAcceptATempDirAndCreateAMissingDirectoryPrivate() throws IOException
    {
        assertEquals(tempDir, SharedDirectory.of(tempDir).path());
        final Path missing = tempDir.resolve("a").resolve("b");
        assertEquals(missing, SharedDirectory.of(missing).path());
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(missing)));
    }

    @Test
    void shouldRefuseADirectoryOpenToOthers() throws IOException
    {
        assertRefused(directory("open", "rwxrwxrwx"), "is open to other users (rwxrwxrwx)");
        assertRefused(directory("group", "rwxr-x---"), "is open to other users");
        assertRefused(directory("world-readable", "rwx---r--"), "is open to other users");
    }

    @Test
    void shouldRefuseAReadOnlyDirectory() throws IOException
    {
        assertRefused(directory("read-only", "r-x------"), "is read-only");
    }

    @Test
    void shouldRefuseADirectoryOfAnotherUser() throws IOException
    {
        final Path foreign;
        if (LibC.geteuid() == 0)
        {
            foreign = directory("foreign", "rwx------");
            Files.setAttribute(foreign, "unix:uid", 65534);
        }
        else
        {
            // not root: the file system's root directory belongs to root
            foreign = Path.of("/");
        }
        assertRefused(foreign, "belongs to");
    }

    @Test
    void shouldRefuseASymbolicLinkOrAFileInPlaceOfTheDirectory() throws IOException
    {
        final Path link = Files.createSymbolicLink(tempDir.resolve("link"), directory("target", "rwx------"));
        assertRefused(link, "is a symbolic link");
        final Path file = Files.createFile(tempDir.resolve("file"));
        assertRefused(file, "is not a directory");
    }

    @Test
    void shouldCheckTheDirectoryNamedByTheSystemProperty() throws IOException
    {
        final Path open = directory("configured", "rwxrwxrwx");
        final String before = System.getProperty("jvmipc.dir");
        System.setProperty("jvmipc.dir", open.toString());
        try
        {
            final SharedObjectException e = assertThrows(SharedObjectException.class,
                SharedDirectory::defaultDirectory);
            assertTrue(e.getMessage().contains(open.toString()) && e.getMessage().contains("open to other users"),
                e.getMessage());
            Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwx------"));
            assertEquals(open, SharedDirectory.defaultDirectory().path());
        }
        finally
        {
            if (before == null)
            {
                System.clearProperty("jvmipc.dir");
            }
            else
            {
                System.setProperty("jvmipc.dir", before);
            }
        }
    }
}
