package io.jvmipc.file;

import java.nio.file.Path;

/**
 * The file is not a jvmipc object: its magic number is not ours (another program's file).
 */
public class ForeignFileException extends SharedObjectException
{
    private static final long serialVersionUID = 1L;

    /**
     * An exception about {@code path}.
     *
     * @param path    the file concerned.
     * @param message what is wrong.
     */
    public ForeignFileException(final Path path, final String message)
    {
        super(path, message);
    }
}
