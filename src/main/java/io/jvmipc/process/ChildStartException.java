package io.jvmipc.process;

/**
 * A child JVM could not start its target: the JVM refused its options, the target class or method was not found,
 * the target could not be deserialised, the child died or did not start in time, or the target cannot reach a
 * child at all (a class loaded from outside the class path, as in a source-file launch {@code java Main.java}).
 * The message holds what the child reported (its error text) when there is any.
 */
public final class ChildStartException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /**
     * A failure to start a child.
     *
     * @param message what failed, with the child's error text.
     */
    public ChildStartException(final String message)
    {
        super(message);
    }

    /**
     * A failure to start a child, caused by {@code cause}.
     *
     * @param message what failed.
     * @param cause   why.
     */
    public ChildStartException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
