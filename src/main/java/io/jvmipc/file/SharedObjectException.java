package io.jvmipc.file;

import java.nio.file.Path;

/**
 * A shared object's file cannot be used: base of the specific failures, each naming the file and what is
 * wrong with it. Nothing in the file is changed when one is thrown.
 */
public class SharedObjectException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /** The file concerned, or {@code null}. */
    private final transient Path path;

    /**
     * An exception about {@code path}.
     *
     * @param path    the file concerned.
     * @param message what is wrong.
     */
    public SharedObjectException(final Path path, final String message)
    {
        super(path + ": " + message);
        this.path = path;
    }

    /**
     * An exception about {@code path}, with its cause.
     *
     * @param path    the file concerned.
     * @param message what is wrong.
     * @param cause   the underlying failure.
     */
    public SharedObjectException(final Path path, final String message, final Throwable cause)
    {
        super(path + ": " + message, cause);
        this.path = path;
    }

    /**
     * The file concerned.
     *
     * @return the path.
     */
    public Path path()
    {
        return path;
    }
}
