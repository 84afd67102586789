package io.jvmipc.file;

import java.nio.file.Path;

/**
 * The file is truncated, its header is inconsistent or fails its checksum, or it never became ready.
 */
public class CorruptFileException extends SharedObjectException
{
    private static final long serialVersionUID = 1L;

    /**
     * An exception about {@code path}.
     *
     * @param path    the file concerned.
     * @param message what is wrong.
     */
    public CorruptFileException(final Path path, final String message)
    {
        super(path, message);
    }

    /**
     * An exception about {@code path}, with its cause.
     *
     * @param path    the file concerned.
     * @param message what is wrong.
     * @param cause   the underlying failure.
     */
    public CorruptFileException(final Path path, final String message, final Throwable cause)
    {
        super(path, message, cause);
    }
}
