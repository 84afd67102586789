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
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
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
    /** The prefix of the names {@link #newAnonymousName()} gives; no name a user gives starts with it. */
    public static final String ANONYMOUS_PREFIX = "_anon.";
    /** Anonymous objects' names, and their side files' ({@code .lock}, {@code .items}). */
    private static final Pattern ANONYMOUS = Pattern.compile("_anon\\.[A-Za-z0-9._-]{1,194}");
    private static final int MAX_NAME_LENGTH = 200;
    /** The side file of a value's or array's {@code getLock()}. */
    private static final String LOCK_SUFFIX = ".lock";
    /** The side file of a joinable queue: its message queue ({@code JoinableQueueDescriptor.QUEUE_SUFFIX}). */
    private static final String QUEUE_SUFFIX = ".items";
    /** Temporary files of creations in progress: {@code .NAME.creating.PID.RANDOM} (see {@code FileMapping}). */
    private static final Pattern TEMPORARY = Pattern.compile("\\.(.+)\\.creating\\.([0-9]+)\\.[0-9]+");
    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();
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
        if (!isValidName(name))
        {
            throw new IllegalArgumentException("invalid jvmipc object name '" + name +
                "': use a letter or digit, then up to 199 letters, digits, '.', '_' or '-'");
        }
        return name;
    }

    /**
     * Checks the name of an object that also has a side file named {@code name + sideSuffix} (a value's lock, a
     * joinable queue's message queue): both must be valid names, so that every call on the object works, not
     * only its creation.
     *
     * @param name       the name.
     * @param sideSuffix what the side file's name appends.
     * @param side       what the side file is, for the message.
     * @return the name.
     * @throws NullPointerException     if it is null.
     * @throws IllegalArgumentException if it is not a valid name, or too long to leave room for the suffix.
     */
    public static String requireValidName(final String name, final String sideSuffix, final String side)
    {
        requireValidName(name);
        if (name.length() + sideSuffix.length() > MAX_NAME_LENGTH)
        {
            throw new IllegalArgumentException("jvmipc object name '" + name + "' has " + name.length() +
                " characters; at most " + (MAX_NAME_LENGTH - sideSuffix.length()) + " leave room for its " + side +
                ", named with '" + sideSuffix + "' appended, within the limit of " + MAX_NAME_LENGTH);
        }
        return name;
    }

    private static boolean isValidName(final String name)
    {
        return NAME.matcher(name).matches() || ANONYMOUS.matcher(name).matches();
    }

    /**
     * Whether {@code name} is of the form the library gives anonymous objects ({@link #ANONYMOUS_PREFIX}...). An
     * object created under such a name is marked anonymous in its header ({@link HeaderDescriptor#FLAG_ANONYMOUS}):
     * its file is removed when its last attached process closes it, and an unused one (everyone died) is removed
     * by the next open of its name, by {@link #removeUnusedAnonymous()} and by {@code jvmipc clean}.
     *
     * @param name a file name.
     * @return {@code true} if it is an anonymous object's (or its side file's) name.
     */
    public static boolean isAnonymousName(final String name)
    {
        return ANONYMOUS.matcher(name).matches();
    }

    /**
     * A fresh name for an anonymous object: {@link #ANONYMOUS_PREFIX}, this process's PID, the time and 64 random
     * bits, so {@code ls} shows it as anonymous and no two creations, in any process, pick the same one. The
     * kinds' {@code anonymous(...)} builders use it.
     *
     * @return the name, valid for {@link #resolve(String)}.
     */
    public static String newAnonymousName()
    {
        return ANONYMOUS_PREFIX + ProcessHandle.current().pid() + "." + Long.toString(System.currentTimeMillis(), 36) +
            "." + Long.toHexString(RANDOM.nextLong());
    }

    /**
     * The names of every object in the directory, sorted: regular files with a valid object name whose first
     * eight bytes are the jvmipc magic number. Their headers are not validated here (an inspector does that, and
     * reports a corrupt one). Symbolic links, directories, other programs' files and the temporary files of
     * creations in progress ({@link #temporaryFiles()}) are left out. Reads only.
     *
     * @return the names.
     * @throws UncheckedIOException if the directory cannot be read.
     */
    public List<String> list()
    {
        return namesOf(SharedDirectory::hasMagic);
    }

    /** The sorted names of the entries with a valid object name that {@code test} accepts. */
    private List<String> namesOf(final Predicate<Path> test)
    {
        final List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(path))
        {
            for (final Path file : entries)
            {
                final String name = file.getFileName().toString();
                if (isValidName(name) && test.test(file))
                {
                    names.add(name);
                }
            }
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException("cannot list the jvmipc directory " + path, e);
        }
        Collections.sort(names);
        return names;
    }

    /**
     * The regular files in the directory that {@link #list()} leaves out although their names are valid object
     * names, sorted: other programs' files, a jvmipc file whose first eight bytes were overwritten or cut short, or
     * one this process cannot read. Symbolic links, directories and temporary files are left out. Reads only.
     *
     * @return the names.
     * @throws UncheckedIOException if the directory cannot be read.
     */
    public List<String> otherFiles()
    {
        return namesOf(file -> Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) && !hasMagic(file));
    }

    /**
     * The temporary files of object creations in the directory ({@code .NAME.creating.PID.RANDOM}): a creator
     * builds its file under such a name and links it to the object's name when it is complete, and removes the
     * temporary name whatever happens; one is left only if its creator died meanwhile. Reads only.
     *
     * @return the temporary files, sorted by name.
     * @throws UncheckedIOException if the directory cannot be read.
     */
    public List<TemporaryFile> temporaryFiles()
    {
        final List<TemporaryFile> files = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(path))
        {
            for (final Path file : entries)
            {
                final Matcher matcher = TEMPORARY.matcher(file.getFileName().toString());
                if (matcher.matches() && Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS))
                {
                    long pid;
                    try
                    {
                        pid = Long.parseLong(matcher.group(2));
                    }
                    catch (final NumberFormatException e)
                    {
                        pid = -1;
                    }
                    files.add(new TemporaryFile(file, matcher.group(1), pid,
                        pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)));
                }
            }
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException("cannot list the jvmipc directory " + path, e);
        }
        files.sort((a, b) -> a.path().compareTo(b.path()));
        return files;
    }

    /**
     * Removes the object {@code name} if no live process holds it, by the same path as
     * {@link SharedFile#unlink()}: under the name lock taken exclusively (so no process can be between opening
     * the file and holding its entry), every process-table entry's lock is tested with {@code F_OFD_GETLK},
     * and the name is removed only if none is held. Attaches to nothing and runs no recovery. Never removes a
     * file that is not a valid jvmipc object. Idempotent: an absent name is {@link Removal.Outcome#ABSENT}.
     *
     * @param name the object's name.
     * @return what happened.
     * @throws IllegalArgumentException if the name is not a valid object name.
     * @throws NullPointerException     if {@code name} is null.
     * @throws UncheckedIOException     if the name cannot be removed.
     */
    public Removal removeIfUnused(final String name)
    {
        return FileMapping.removeIfUnused(resolve(name), name, null, false);
    }

    /**
     * Removes every anonymous object ({@link #isAnonymousName(String)}, marked {@link HeaderDescriptor#FLAG_ANONYMOUS}
     * in its header) that no live process holds, as {@link #removeIfUnused(String)} does: those whose processes
     * all died without closing them. A file a live process holds is never removed, and named objects are left to
     * {@link #unlink(String)}. Attaches to nothing and runs no recovery.
     *
     * @return one result per anonymous object found, sorted by name.
     * @throws UncheckedIOException if the directory cannot be read or a name cannot be removed.
     */
    public List<Removal> removeUnusedAnonymous()
    {
        final List<Removal> removals = new ArrayList<>();
        for (final String name : list())
        {
            if (isAnonymousName(name))
            {
                final Removal removal = FileMapping.removeIfUnused(resolve(name), name, null, true);
                if (removal != null)
                {
                    removals.add(removal);
                }
            }
        }
        return removals;
    }

    /**
     * Removes the named object {@code name} and its side files, from any process, attached or not (also after
     * every attachment closed): the side files are a value's or array's lock ({@code NAME.lock}, from
     * {@code getLock()}) and a joinable queue's message queue ({@code NAME.items}). Made as
     * {@link #removeIfUnused(String)} is, under the exclusive name lock of each file, so a process attaching at
     * that instant either is counted (and nothing is removed) or finds no object
     * ({@link NoSuchSharedObjectException}, or a new object for a creating open). Idempotent: absent names are
     * not an error.
     *
     * @param name the object's name.
     * @return {@code true} if the object's own name was removed by this call.
     * @throws IllegalStateException    if a live process is attached to the object or a side file, or is attaching
     *                                  (the object's name is then left, or only the busy side file).
     * @throws SharedObjectException    if the name holds something else than a valid jvmipc object.
     * @throws IllegalArgumentException if the name is not a valid object name.
     * @throws UncheckedIOException     if a name cannot be removed.
     */
    public boolean unlink(final String name)
    {
        final Removal removal = removeIfUnused(name);
        requireRemoved(removal);
        for (final String side : List.of(name + LOCK_SUFFIX, name + QUEUE_SUFFIX))
        {
            if (side.length() <= MAX_NAME_LENGTH)
            {
                requireRemoved(removeIfUnused(side));
            }
        }
        return removal.outcome() == Removal.Outcome.REMOVED;
    }

    private void requireRemoved(final Removal removal)
    {
        switch (removal.outcome())
        {
            case REMOVED, ABSENT ->
            {
            }
            case INVALID -> throw new SharedObjectException(resolve(removal.name()), "cannot be unlinked: " +
                removal.detail());
            default -> throw new IllegalStateException(removal.detail());
        }
    }

    /**
     * Removes a temporary file left by a creator that is dead ({@link TemporaryFile#creatorAlive()} false, checked
     * again now). No object refers to such a file: a name is linked only to a complete file, and the creator
     * links it before it removes its temporary name. Note that a creator in another PID namespace sharing this
     * directory would look dead; such setups must not run {@code clean}.
     *
     * @param temporary a file from {@link #temporaryFiles()}.
     * @return {@code true} if removed, {@code false} if its creator is alive or it is gone already.
     * @throws UncheckedIOException if it cannot be removed.
     */
    public boolean removeStaleTemporary(final TemporaryFile temporary)
    {
        if (temporary.creatorPid() > 0 &&
            ProcessHandle.of(temporary.creatorPid()).map(ProcessHandle::isAlive).orElse(false))
        {
            return false;
        }
        try
        {
            return Files.deleteIfExists(temporary.path());
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException("cannot remove " + temporary.path(), e);
        }
    }

    private static boolean hasMagic(final Path file)
    {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS))
        {
            return false;
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS))
        {
            final ByteBuffer magic = ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            while (magic.hasRemaining() && channel.read(magic) >= 0)
            {
                // a regular file: reads until eight bytes or its end
            }
            return !magic.hasRemaining() && magic.getLong(0) == HeaderDescriptor.MAGIC;
        }
        catch (final IOException e)
        {
            return false;
        }
    }

    /**
     * A temporary file of an object creation ({@link #temporaryFiles()}).
     *
     * @param path         the file.
     * @param objectName   the name of the object being created.
     * @param creatorPid   the creator's PID from the file name, -1 if unreadable.
     * @param creatorAlive whether a process of that PID was alive when listed.
     */
    public record TemporaryFile(Path path, String objectName, long creatorPid, boolean creatorAlive)
    {
    }

    /**
     * The result of {@link #removeIfUnused(String)}.
     *
     * @param name     the object's name.
     * @param outcome  what happened.
     * @param livePids for {@link Outcome#IN_USE}, the PIDs of the live processes attached.
     * @param detail   a message saying why.
     */
    public record Removal(String name, Outcome outcome, List<Long> livePids, String detail)
    {
        /** What {@link #removeIfUnused(String)} did. */
        public enum Outcome
        {
            /** The name was removed: no live process held the object. */
            REMOVED,
            /** There was no object of that name (already removed). */
            ABSENT,
            /** Live processes are attached: not removed. */
            IN_USE,
            /** A process is attaching or removing it right now: not removed; try again. */
            BUSY,
            /** Not a valid jvmipc object (foreign, corrupt, not a regular file): not removed. */
            INVALID
        }
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
