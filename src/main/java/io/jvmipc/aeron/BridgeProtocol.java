package io.jvmipc.aeron;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * The bridge's messages on its two Aeron streams (data: sender to receiver; control: receiver to sender), all
 * little-endian, each one Aeron message (Aeron fragments and reassembles a long one):
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-------------------------------+-------------------------------+
 *  |             type              |          (reserved)           |
 *  +-------------------------------+-------------------------------+
 *  |                       sender id (64 bits)                     |
 *  +---------------------------------------------------------------+
 *  |                 epoch: the sender's run (64 bits)             |
 *  +---------------------------------------------------------------+
 *  |             position (DATA, ACK, STATE; 64 bits)              |
 *  +---------------------------------------------------------------+
 *  |       previous position (DATA only; 64 bits)                  |
 *  +---------------------------------------------------------------+
 *  |  DATA: the message's bytes as the queue holds them            |
 *  |  HELLO: the UTF-8 control channel the sender listens on       |
 *  +---------------------------------------------------------------+
 * </pre>
 * <ul>
 *   <li>HELLO (sender): "I am sender S in run E, answer on this channel"; repeated until a STATE of run E.</li>
 *   <li>STATE (receiver): "the last message of S put into my queue is at position P" (-1: none yet); the answer
 *       to a HELLO, and to a DATA that does not follow P (a message was lost on the way, or the receiver
 *       restarted): the sender then sends again everything after P.</li>
 *   <li>DATA (sender): a message at position P of the sending queue, following the message at PREV (the
 *       previous message of S, or the STATE's position for the first of a run).</li>
 *   <li>ACK (receiver): "everything of S up to position P is in my queue"; the sender then acknowledges those
 *       leases. Also sent every 100 ms as the receiver's heartbeat.</li>
 *   <li>HEARTBEAT (sender): "run E of S is alive", every 100 ms while it sends nothing else.</li>
 * </ul>
 */
final class BridgeProtocol
{
    static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    static final int HELLO = 1;
    static final int STATE = 2;
    static final int DATA = 3;
    static final int ACK = 4;
    static final int HEARTBEAT = 5;

    static final int TYPE_OFFSET = 0;
    static final int SENDER_OFFSET = TYPE_OFFSET + 8;
    static final int EPOCH_OFFSET = SENDER_OFFSET + 8;
    static final int POSITION_OFFSET = EPOCH_OFFSET + 8;
    static final int PREVIOUS_OFFSET = POSITION_OFFSET + 8;
    /** Where a DATA's message bytes start. */
    static final int DATA_HEADER_LENGTH = PREVIOUS_OFFSET + 8;
    /** Where a HELLO's channel starts. */
    static final int HELLO_HEADER_LENGTH = POSITION_OFFSET;
    /** The length of a STATE or an ACK. */
    static final int CONTROL_LENGTH = POSITION_OFFSET + 8;

    /** A position before every message: nothing delivered yet. */
    static final long NONE = -1;

    private BridgeProtocol()
    {
    }

    static int type(final DirectBuffer buffer, final int offset)
    {
        return buffer.getInt(offset + TYPE_OFFSET, ORDER);
    }

    static long sender(final DirectBuffer buffer, final int offset)
    {
        return buffer.getLong(offset + SENDER_OFFSET, ORDER);
    }

    static long epoch(final DirectBuffer buffer, final int offset)
    {
        return buffer.getLong(offset + EPOCH_OFFSET, ORDER);
    }

    static long position(final DirectBuffer buffer, final int offset)
    {
        return buffer.getLong(offset + POSITION_OFFSET, ORDER);
    }

    static long previous(final DirectBuffer buffer, final int offset)
    {
        return buffer.getLong(offset + PREVIOUS_OFFSET, ORDER);
    }

    /** Writes the common header; returns the offset after it for the type's fields. */
    static void header(final MutableDirectBuffer buffer, final int type, final long sender, final long epoch)
    {
        buffer.putInt(TYPE_OFFSET, type, ORDER);
        buffer.putInt(TYPE_OFFSET + 4, 0, ORDER);
        buffer.putLong(SENDER_OFFSET, sender, ORDER);
        buffer.putLong(EPOCH_OFFSET, epoch, ORDER);
    }

    static int control(final MutableDirectBuffer buffer, final int type, final long sender, final long epoch,
        final long position)
    {
        header(buffer, type, sender, epoch);
        buffer.putLong(POSITION_OFFSET, position, ORDER);
        return CONTROL_LENGTH;
    }

    static void dataHeader(final MutableDirectBuffer buffer, final long sender, final long epoch,
        final long position, final long previous)
    {
        header(buffer, DATA, sender, epoch);
        buffer.putLong(POSITION_OFFSET, position, ORDER);
        buffer.putLong(PREVIOUS_OFFSET, previous, ORDER);
    }
}
