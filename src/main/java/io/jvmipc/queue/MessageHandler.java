package io.jvmipc.queue;

import java.lang.foreign.MemorySegment;

/**
 * Reads a message in place, in the shared memory it was written to: no copy, no allocation. The bytes are
 * valid only during the call; the slot is given back to producers when the call returns.
 */
@FunctionalInterface
public interface MessageHandler
{
    /**
     * Called once per message.
     *
     * @param buffer the queue's mapping.
     * @param offset where the message starts in {@code buffer}.
     * @param length the message's length in bytes.
     */
    void onMessage(MemorySegment buffer, long offset, int length);
}
