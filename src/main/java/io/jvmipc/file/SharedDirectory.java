package io.jvmipc.file;

import io.jvmipc.internal.LibC;

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
 * {@code /dev/shm}). The system property {@code jvmipc.dir} or the environment variable {@code JVMIPC_DIR}
 * names another default, and {@link #of(Path)} any directory. Every directory, whoever chose it, is created with
 * mode 0700 if missing and must pass the same check: a directory itself (not a symbolic link to one), owned by
 * this process's user, with no permission for group or others ({@code rwx------}), and writable. Anyone who may
 * write to the directory could replace an object's file under its users, so a directory that fails is refused
 * with a {@link SharedObjectException} that says which rule it breaks.
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
     * @throws SharedObjectException if it is not a private, writable directory of this user.
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
        return of(base.resolve("jvmipc-" + System.getProperty("user.name")));
    }

    /**
     * A directory of the caller's choosing, created (mode 0700) if missing, and checked as the default directory
     * is.
     *
     * @param dir the directory.
     * @return the directory.
     * @throws NullPointerException  if {@code dir} is null.
     * @throws SharedObjectException if it is a symbolic link or not a directory, belongs to another user, is open
     *                               to group or others, or is read-only.
     * @throws UncheckedIOException  if it cannot be created or examined.
     */
    public static SharedDirectory of(final Path dir)
    {
        final Path absolute = dir.toAbsolutePath();
        try
        {
            if (!Files.exists(absolute, LinkOption.NOFOLLOW_LINKS))
            {
                Files.createDirectories(absolute, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            }
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException("cannot create the jvmipc directory " + absolute, e);
        }
        final SharedDirectory directory = new SharedDirectory(absolute);
        directory.requirePrivate();
        return directory;
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
            if (attributes.isSymbolicLink())
            {
                throw new SharedObjectException(path, "is a symbolic link; give the jvmipc directory itself");
            }
            if (!attributes.isDirectory())
            {
                throw new SharedObjectException(path, "is not a directory (a file is in the way)");
            }
            final int owner = (int)Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            final int self = LibC.geteuid();
            if (owner != self)
            {
                throw new SharedObjectException(path, "belongs to " + attributes.owner().getName() + " (uid " +
                    owner + "), not to this process's user " + System.getProperty("user.name") + " (uid " + self +
                    "): refusing to share objects through it");
            }
            final Set<PosixFilePermission> permissions = attributes.permissions();
            if (!OWNER_ONLY.containsAll(permissions))
            {
                throw new SharedObjectException(path, "is open to other users (" +
                    PosixFilePermissions.toString(permissions) + "); expected rwx------ (chmod 700 " + path + ")");
            }
            if (!permissions.contains(PosixFilePermission.OWNER_WRITE) ||
                !permissions.contains(PosixFilePermission.OWNER_EXECUTE) || !Files.isWritable(path))
            {
                throw new SharedObjectException(path, "is read-only (" + PosixFilePermissions.toString(permissions) +
                    (Files.isWritable(path) ? "" : ", or on a read-only file system") +
                    "): objects cannot be created in it; expected rwx------");
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
