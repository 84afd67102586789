package io.jvmipc.codec;

/**
 * A message's bytes could not be decoded, or a value was refused for encoding, by its codec. On decode the
 * message itself is consumed: the transport's state is intact, and the next message can be read. On encode
 * nothing is sent.
 */
public class CodecException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /**
     * A codec failure.
     *
     * @param message what went wrong.
     * @param cause   the underlying failure, or {@code null}.
     */
    public CodecException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
