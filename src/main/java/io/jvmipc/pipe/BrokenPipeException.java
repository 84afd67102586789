package io.jvmipc.pipe;

import java.io.IOException;

/**
 * A send found the peer's end closed, or its process dead: Python's {@code BrokenPipeError}. Nothing of the
 * message was published.
 */
public class BrokenPipeException extends IOException
{
    private static final long serialVersionUID = 1L;

    /**
     * An exception with a message naming the pipe and the peer's fate.
     *
     * @param message the detail message.
     */
    public BrokenPipeException(final String message)
    {
        super(message);
    }
}
