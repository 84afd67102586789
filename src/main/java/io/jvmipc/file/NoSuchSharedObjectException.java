package io.jvmipc.file;

import java.nio.file.Path;

/**
 * Attaching was asked for, but no object of that name exists.
 */
public class NoSuchSharedObjectException extends SharedObjectException
{
    private static final long serialVersionUID = 1L;

    /**
     * An exception about {@code path}.
     *
     * @param path    the file concerned.
     * @param message what is wrong.
     */
    public NoSuchSharedObjectException(final Path path, final String message)
    {
        super(path, message);
    }
}
