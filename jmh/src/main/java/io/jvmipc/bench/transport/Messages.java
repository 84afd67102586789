package io.jvmipc.bench.transport;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** Reads and writes the sequence number (and producer id) at the head of a benchmark message. */
public final class Messages
{
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    /** Bytes of the smallest message: the sequence number and the producer id. */
    public static final int MIN_LENGTH = 12;

    private Messages()
    {
    }

    /**
     * Writes a sequence number at index 0.
     *
     * @param message the message.
     * @param sequence the number.
     */
    public static void sequence(final byte[] message, final long sequence)
    {
        LONG.set(message, 0, sequence);
    }

    /**
     * Reads the sequence number at index 0.
     *
     * @param message the message.
     * @return the number.
     */
    public static long sequence(final byte[] message)
    {
        return (long)LONG.get(message, 0);
    }

    /**
     * Writes a producer id at index 8.
     *
     * @param message the message.
     * @param producer the id.
     */
    public static void producer(final byte[] message, final int producer)
    {
        INT.set(message, 8, producer);
    }

    /**
     * Reads the producer id at index 8.
     *
     * @param message the message.
     * @return the id.
     */
    public static int producer(final byte[] message)
    {
        return (int)INT.get(message, 8);
    }

    /**
     * A message buffer of the given length filled with a recognisable pattern.
     *
     * @param length its length.
     * @return the buffer.
     */
    public static byte[] filled(final int length)
    {
        final byte[] message = new byte[length];
        for (int i = 0; i < length; i++)
        {
            message[i] = (byte)(i * 31 + 7);
        }
        return message;
    }
}
