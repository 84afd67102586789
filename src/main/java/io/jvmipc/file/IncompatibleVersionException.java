package io.jvmipc.file;

import java.nio.file.Path;

/**
 * The file was written with another layout version than this library reads.
 */
public class IncompatibleVersionException extends SharedObjectException
{
    private static final long serialVersionUID = 1L;

    /**
     * An exception about {@code path}.
     *
     * @param path    the file concerned.
     * @param message what is wrong.
     */
    public IncompatibleVersionException(final Path path, final String message)
    {
        super(path, message);
    }
}
