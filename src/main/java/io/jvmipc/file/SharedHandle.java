package io.jvmipc.file;

import java.io.Serial;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Names a shared object so that another process can open it: its directory, its name and its kind. Small and
 * {@link Serializable}, so a {@code JvmProcess} target lambda may capture it, or it may be sent in a message; the
 * receiver opens the object with the kind's {@code open(handle, ...)} (or its builder with {@link #name()} and
 * {@link #directory()}). This is how an anonymous object ({@link SharedDirectory#newAnonymousName()}) reaches a
 * child: a handle does not keep the object alive, so the sender keeps its own attachment open until the
 * receiver has opened it (an anonymous object whose last attachment closed is gone:
 * {@link NoSuchSharedObjectException}).
 *
 * @param directory the directory holding the object's file, absolute.
 * @param name      the object's name in it.
 * @param kind      the object's kind.
 */
public record SharedHandle(String directory, String name, ObjectKind kind) implements Serializable
{
    @Serial
    private static final long serialVersionUID = 1L;

    /**
     * Checks the values.
     *
     * @param directory the directory holding the object's file, absolute.
     * @param name      the object's name in it.
     * @param kind      the object's kind.
     * @throws NullPointerException     if any is null.
     * @throws IllegalArgumentException if the name is not a valid object name.
     */
    public SharedHandle
    {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(kind, "kind");
        SharedDirectory.requireValidName(name);
    }

    /**
     * The object's directory, checked as {@link SharedDirectory#of(Path)} does.
     *
     * @return the directory.
     * @throws SharedObjectException if it is not a private, writable directory of this user.
     */
    public SharedDirectory sharedDirectory()
    {
        return SharedDirectory.of(Path.of(directory));
    }

    /**
     * The object's file.
     *
     * @return its path.
     */
    public Path path()
    {
        return Path.of(directory, name);
    }

    /**
     * Throws unless the handle names an object of kind {@code expected}.
     *
     * @param expected the kind the caller opens.
     * @return this handle.
     * @throws WrongKindException if it names another kind.
     */
    public SharedHandle requireKind(final ObjectKind expected)
    {
        if (kind != expected)
        {
            throw new WrongKindException(path(), "is a handle of a " + kind + ", not of a " + expected);
        }
        return this;
    }
}
