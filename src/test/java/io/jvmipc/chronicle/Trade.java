package io.jvmipc.chronicle;

import net.openhft.chronicle.bytes.BytesIn;
import net.openhft.chronicle.bytes.BytesMarshallable;
import net.openhft.chronicle.bytes.BytesOut;

import java.util.Objects;

/** A hand-written {@link BytesMarshallable} for the tests (no reflection, so Chronicle needs no flag for it). */
public final class Trade implements BytesMarshallable
{
    long id;
    double price;
    int quantity;
    String symbol;

    /** An empty trade, for decoding. */
    public Trade()
    {
    }

    Trade(final long id, final double price, final int quantity, final String symbol)
    {
        this.id = id;
        this.price = price;
        this.quantity = quantity;
        this.symbol = symbol;
    }

    @Override
    public void readMarshallable(final BytesIn<?> bytes)
    {
        id = bytes.readLong();
        price = bytes.readDouble();
        quantity = bytes.readInt();
        symbol = bytes.readUtf8();
    }

    @Override
    public void writeMarshallable(final BytesOut<?> bytes)
    {
        bytes.writeLong(id);
        bytes.writeDouble(price);
        bytes.writeInt(quantity);
        bytes.writeUtf8(symbol);
    }

    @Override
    public boolean equals(final Object o)
    {
        return o instanceof Trade t && t.id == id && Double.compare(t.price, price) == 0 && t.quantity == quantity &&
            Objects.equals(t.symbol, symbol);
    }

    @Override
    public int hashCode()
    {
        return Long.hashCode(id);
    }

    @Override
    public String toString()
    {
        return "Trade[" + id + ", " + price + ", " + quantity + ", " + symbol + "]";
    }
}
