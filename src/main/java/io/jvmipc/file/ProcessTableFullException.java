package io.jvmipc.file;

import java.nio.file.Path;

/**
 * Every entry of the object's process table is held by a live process: no more can attach.
 */
public class ProcessTableFullException extends SharedObjectException
{
    private static final long serialVersionUID = 1L;

    /**
     * An exception about {@code path}.
     *
     * @param path    the file concerned.
     * @param message what is wrong.
     */
    public ProcessTableFullException(final Path path, final String message)
    {
        super(path, message);
    }
}
