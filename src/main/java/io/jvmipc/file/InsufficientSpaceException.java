package io.jvmipc.file;

import java.nio.file.Path;

/**
 * The file system has not room for the object: its file's blocks are reserved at creation, so a full disk is
 * refused here, with the sizes, and never later as a fault in the middle of an operation. Nothing is left
 * behind.
 */
public class InsufficientSpaceException extends SharedObjectException
{
    private static final long serialVersionUID = 1L;

    /**
     * An exception about {@code path}.
     *
     * @param path    the object's file.
     * @param message what could not be reserved.
     */
    public InsufficientSpaceException(final Path path, final String message)
    {
        super(path, message);
    }
}
