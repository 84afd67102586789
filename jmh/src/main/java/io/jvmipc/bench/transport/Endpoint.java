package io.jvmipc.bench.transport;

/**
 * One side of a two-way channel between process A (the measuring side) and process B (the echoing or
 * streaming side). Messages have a fixed length per phase, known to both sides, whose first 8 bytes carry a
 * sequence number (little-endian). Every call blocks (spinning or sleeping, as the transport does) until done.
 */
public interface Endpoint extends AutoCloseable
{
    /**
     * Sends one message to the other side.
     *
     * @param message the bytes to send, from index 0.
     * @param length  how many bytes.
     * @throws Exception if the transport fails.
     */
    void send(byte[] message, int length) throws Exception;

    /**
     * Receives one message of the given length from the other side, copying it into {@code into}.
     *
     * @param into   where to copy the message.
     * @param length the length both sides agreed on for this phase.
     * @throws Exception if the transport fails or the peer is gone.
     */
    void receive(byte[] into, int length) throws Exception;

    /**
     * Pushes out whatever a batching transport still buffers; nothing for the others.
     *
     * @throws Exception if the transport fails.
     */
    default void flush() throws Exception
    {
    }

    @Override
    void close() throws Exception;
}
