package io.jvmipc.file;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The directory that holds shared objects' files, one file per object, named after the object.
 * <p>
 * The default is {@code /dev/shm/jvmipc-<user>} (memory-backed; {@code java.io.tmpdir} where there is no
 * {@code /dev/shm}), created with mode 0700 and refused if another user owns it or others may enter it. The
 * system property {@code jvmipc.dir} or the environment variable {@code JVMIPC_DIR} names another default.
 */
public final class SharedDirectory
{
    /** Object names: a letter or digit, then letters, digits, '.', '_' or '-'; at most 200 characters. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,199}");
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

    private final Path path;

    private SharedDirectory(final Path path)
    {
        this.path = path;
    }

    /**
     * The default directory, created on first use.
     *
     * @return the directory.
     * @throws SharedObjectException if it exists but is not a private directory of this user.
     */
    public static SharedDirectory defaultDirectory()
    {
        final String configured = System.getProperty("jvmipc.dir", System.getenv("JVMIPC_DIR"));
        if (configured != null && !configured.isBlank())
        {
            return of(Path.of(configured));
        }
        final Path shm = Path.of("/dev/shm");
        final Path base = Files.isDirectory(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir"));
        final Path dir = base.resolve("jvmipc-" + System.getProperty("user.name"));
        final SharedDirectory directory = of(dir);
        directory.requirePrivate();
        return directory;
    }

    /**
     * A directory of the caller's choosing, created (mode 0700) if missing.
     *
     * @param dir the directory.
     * @return the directory.
     * @throws UncheckedIOException if it cannot be created.
     */
    public static SharedDirectory of(final Path dir)
    {
        try
        {
            if (!Files.isDirectory(dir))
            {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            }
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException("cannot create the jvmipc directory " + dir, e);
        }
        return new SharedDirectory(dir.toAbsolutePath());
    }

    /**
     * The directory's path.
     *
     * @return the path.
     */
    public Path path()
    {
        return path;
    }

    /**
     * The file of the object named {@code name}.
     *
     * @param name the object's name.
     * @return its path.
     * @throws IllegalArgumentException if the name is not a valid object name.
     * @throws NullPointerException     if {@code name} is null.
     */
    public Path resolve(final String name)
    {
        return path.resolve(requireValidName(name));
    }

    /**
     * Checks an object name.
     *
     * @param name the name.
     * @return the name.
     * @throws NullPointerException     if it is null.
     * @throws IllegalArgumentException if it is not a letter or digit followed by up to 199 letters, digits, '.',
     *                                  '_' or '-'.
     */
    public static String requireValidName(final String name)
    {
        java.util.Objects.requireNonNull(name, "name");
        if (!NAME.matcher(name).matches())
        {
            throw new IllegalArgumentException("invalid jvmipc object name '" + name +
                "': use a letter or digit, then up to 199 letters, digits, '.', '_' or '-'");
        }
        return name;
    }

    private void requirePrivate()
    {
        try
        {
            final PosixFileAttributes attributes =
                Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!attributes.isDirectory())
            {
                throw new SharedObjectException(path, "is not a directory (a link or file is in the way)");
            }
            if (!attributes.owner().getName().equals(System.getProperty("user.name")))
            {
                throw new SharedObjectException(path, "belongs to " + attributes.owner().getName() +
                    ", not to " + System.getProperty("user.name") + ": refusing to share objects through it");
            }
            final Set<PosixFilePermission> permissions = attributes.permissions();
            if (!OWNER_ONLY.containsAll(permissions))
            {
                throw new SharedObjectException(path, "is open to other users (" +
                    PosixFilePermissions.toString(permissions) + "); expected rwx------");
            }
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException("cannot check the jvmipc directory " + path, e);
        }
    }

    @Override
    public String toString()
    {
        return path.toString();
    }
}
