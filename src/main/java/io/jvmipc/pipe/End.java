package io.jvmipc.pipe;

/**
 * One of a pipe's two ends. In a duplex pipe both send and receive; in a one-way pipe, as with Python's
 * {@code Pipe(duplex=False)}, {@link #A} only receives and {@link #B} only sends.
 */
public enum End
{
    /** The first end ({@code conn1} of Python's {@code Pipe()}): the receiving end of a one-way pipe. */
    A,
    /** The second end ({@code conn2}): the sending end of a one-way pipe. */
    B;

    /**
     * The end at the other side.
     *
     * @return the peer end.
     */
    public End peer()
    {
        return this == A ? B : A;
    }
}
