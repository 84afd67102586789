package io.jvmipc.file;

import java.nio.file.Path;

/**
 * Creation was asked for, but an object of that name exists already.
 */
public class SharedObjectExistsException extends SharedObjectException
{
    private static final long serialVersionUID = 1L;

    /**
     * An exception about {@code path}.
     *
     * @param path    the file concerned.
     * @param message what is wrong.
     */
    public SharedObjectExistsException(final Path path, final String message)
    {
        super(path, message);
    }
}
