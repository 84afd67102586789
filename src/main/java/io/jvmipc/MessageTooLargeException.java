package io.jvmipc;

/**
 * A message is larger than the transport's maximum message size (or than the caller's buffer). Nothing is
 * published or consumed: the transport holds what it held before.
 */
public class MessageTooLargeException extends IllegalArgumentException
{
    private static final long serialVersionUID = 1L;

    /** The message's length, or -1 if not known. */
    private final long length;
    /** The most that fits. */
    private final long maxLength;

    /**
     * A message of {@code length} bytes where at most {@code maxLength} fit.
     *
     * @param what      the transport or buffer, for the message.
     * @param length    the message's length in bytes, or -1 if not known.
     * @param maxLength the most that fits.
     */
    public MessageTooLargeException(final String what, final long length, final long maxLength)
    {
        super((length < 0 ? "message" : "message of " + length + " bytes") + " is larger than the " + maxLength +
            "-byte maximum of " + what);
        this.length = length;
        this.maxLength = maxLength;
    }

    /**
     * The message's length.
     *
     * @return bytes, or -1 if not known.
     */
    public long length()
    {
        return length;
    }

    /**
     * The most that fits.
     *
     * @return bytes.
     */
    public long maxLength()
    {
        return maxLength;
    }
}
