package io.jvmipc.process;

/**
 * A {@link JvmPool} task (or a worker's initializer) threw in its worker JVM: the exception that completes the
 * task's future, carrying the remote exception's class name ({@link #remoteClassName()}), message
 * ({@link #remoteMessage()}) and stack trace (this exception's own {@link #getStackTrace()} is the worker's
 * trace), and its causes as a chain of {@code RemoteTaskException}s. The remote exception itself is not
 * recreated: its class need not exist here, and nothing the worker sent is instantiated but this. Python's
 * {@code multiprocessing.pool.RemoteTraceback}, raised as the task's exception.
 */
public final class RemoteTaskException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /** The remote exception's class name. */
    private final String remoteClassName;
    /** The remote exception's message, or null. */
    private final String remoteMessage;

    /**
     * A remote exception.
     *
     * @param message         what failed, with the remote class name and message.
     * @param remoteClassName the remote exception's class name.
     * @param remoteMessage   its message, or {@code null}.
     * @param remoteTrace     its stack trace, in the worker.
     * @param cause           its cause, or {@code null}.
     */
    public RemoteTaskException(final String message, final String remoteClassName, final String remoteMessage,
        final StackTraceElement[] remoteTrace, final RemoteTaskException cause)
    {
        super(message, cause);
        this.remoteClassName = remoteClassName;
        this.remoteMessage = remoteMessage;
        setStackTrace(remoteTrace);
    }

    /**
     * The class name of the exception the task threw in the worker, such as
     * {@code java.lang.IllegalArgumentException}.
     *
     * @return the class name.
     */
    public String remoteClassName()
    {
        return remoteClassName;
    }

    /**
     * The message of the exception the task threw in the worker.
     *
     * @return the message, or {@code null} if it had none.
     */
    public String remoteMessage()
    {
        return remoteMessage;
    }
}
