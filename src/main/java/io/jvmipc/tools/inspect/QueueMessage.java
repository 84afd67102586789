package io.jvmipc.tools.inspect;

/**
 * One published message of a queue, copied out without taking it ({@link ObjectInspector#queueMessages}).
 *
 * @param position the message's position in the queue (messages ever produced before it).
 * @param bytes    its encoded bytes.
 */
public record QueueMessage(long position, byte[] bytes)
{
}
