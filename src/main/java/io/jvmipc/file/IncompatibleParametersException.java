package io.jvmipc.file;

import java.nio.file.Path;

/**
 * The object exists with other parameters (capacity, sizes) than the ones asked for.
 */
public class IncompatibleParametersException extends SharedObjectException
{
    private static final long serialVersionUID = 1L;

    /**
     * An exception about {@code path}.
     *
     * @param path    the file concerned.
     * @param message what is wrong.
     */
    public IncompatibleParametersException(final Path path, final String message)
    {
        super(path, message);
    }
}
