package io.jvmipc.file;

import java.nio.file.Path;

/**
 * The file holds another kind of object than the one asked for (a queue attached as a lock, say).
 */
public class WrongKindException extends SharedObjectException
{
    private static final long serialVersionUID = 1L;

    /**
     * An exception about {@code path}.
     *
     * @param path    the file concerned.
     * @param message what is wrong.
     */
    public WrongKindException(final Path path, final String message)
    {
        super(path, message);
    }
}
