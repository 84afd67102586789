package io.jvmipc.queue;

import java.lang.foreign.MemorySegment;

/**
 * Writes one message in place, into a slot claimed for it in the shared memory consumers read: no copy, no
 * allocation ({@link SharedQueue#fill(MessageWriter, int)}). The message is published when the call returns.
 */
@FunctionalInterface
public interface MessageWriter
{
    /**
     * Called once per message, with a slot claimed for it.
     *
     * @param buffer    the queue's slots ({@link SharedQueue#buffer()}); write only from {@code offset}.
     * @param offset    where the message starts in {@code buffer}.
     * @param maxLength the most bytes the message may have ({@link SharedQueue#maxMessageSize()}).
     * @return the message's length, 0 to {@code maxLength}; or a negative value to publish nothing in this slot
     *         (it is given back) and end the batch.
     */
    int write(MemorySegment buffer, long offset, int maxLength);
}
