package io.jvmipc.agrona;

import org.agrona.DirectBuffer;

/**
 * Reads a message in place through an Agrona {@link DirectBuffer} over the queue slot that holds it: no copy, no
 * allocation, so an SBE decoder can {@code wrap(buffer, offset, ...)} it directly. The buffer is valid only during
 * the call: it is re-pointed at the next message afterwards, and the slot is given back to producers.
 */
// shows Agrona types: the module requires it static, not transitive (an application using this adapter
// requires it itself)
@SuppressWarnings("exports")
@FunctionalInterface
public interface DirectBufferHandler
{
    /**
     * Called once per message.
     *
     * @param buffer the message's bytes; its capacity is the message's length, so a read past the message fails
     *               Agrona's bounds check instead of reading another slot.
     * @param offset where the message starts in {@code buffer} (always 0).
     * @param length the message's length in bytes.
     */
    void onMessage(DirectBuffer buffer, int offset, int length);
}
