package io.jvmipc.agrona;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/** A hand-written SBE-style flyweight layout for the tests: fixed fields at fixed offsets, then a short symbol. */
final class Orders
{
    static final int ID = 0;
    static final int PRICE = 8;
    static final int QUANTITY = 16;
    static final int SIDE = 20;
    static final int SYMBOL = 21;
    static final int FIXED_LENGTH = SYMBOL;

    private Orders()
    {
    }

    static String symbol(final long id)
    {
        return "SYM" + id % 10;
    }

    /** Writes order {@code id} at {@code offset}; returns its length. */
    static int encode(final MutableDirectBuffer buffer, final int offset, final long id)
    {
        buffer.putLong(offset + ID, id, ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(offset + PRICE, 100_000 + id, ByteOrder.LITTLE_ENDIAN);
        buffer.putInt(offset + QUANTITY, (int) (id * 3), ByteOrder.LITTLE_ENDIAN);
        buffer.putByte(offset + SIDE, (byte) (id % 2));
        return FIXED_LENGTH + buffer.putStringAscii(offset + SYMBOL, symbol(id), ByteOrder.LITTLE_ENDIAN);
    }

    /** Checks that order {@code id} is at {@code offset} with {@code length}; returns its id. */
    static long decodeAndCheck(final DirectBuffer buffer, final int offset, final int length)
    {
        final long id = buffer.getLong(offset + ID, ByteOrder.LITTLE_ENDIAN);
        final String symbol = buffer.getStringAscii(offset + SYMBOL, ByteOrder.LITTLE_ENDIAN);
        if (buffer.getLong(offset + PRICE, ByteOrder.LITTLE_ENDIAN) != 100_000 + id ||
            buffer.getInt(offset + QUANTITY, ByteOrder.LITTLE_ENDIAN) != (int) (id * 3) ||
            buffer.getByte(offset + SIDE) != (byte) (id % 2) || !symbol.equals(symbol(id)) ||
            length != FIXED_LENGTH + 4 + symbol.length())
        {
            throw new AssertionError("order " + id + " decoded wrongly (length " + length + ", symbol " + symbol + ")");
        }
        return id;
    }
}
