package io.jvmipc.pipe;

import io.jvmipc.wait.Signal;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * jcstress tests of the pipe ring's publication ({@link RingDescriptor}): the writer writes a record's payload and
 * header with plain stores and publishes it with a release store of its check word; the reader polls that word
 * with acquire and uses the record only if the word checks. A reader must never see a record whose payload is
 * not whole, nor take a word left from an earlier lap for a record.
 */
public final class RingStress
{
    static final int CAPACITY = 4096;
    static final byte VALUE = 7;

    private RingStress()
    {
    }

    /** A fresh ring: the real writer and reader on one native segment. */
    static class Ring
    {
        final MemorySegment segment = Arena.ofAuto().allocate(RingDescriptor.length(CAPACITY), 4096);
        final long seed = RingDescriptor.seed(1_796_000_000_000L, 77, 0);
        final Signal data = new Signal(segment, RingDescriptor.DATA_SIGNAL_OFFSET, -1);
        final Signal space = new Signal(segment, RingDescriptor.SPACE_SIGNAL_OFFSET, -1);
        final RingWriter writer = new RingWriter(segment, Path.of("stress"), 0, CAPACITY, seed, data, space);
        final RingReader reader =
            new RingReader(segment, Path.of("stress"), 0, CAPACITY, 1 << 20, seed, data, space);

        void send(final int length, final byte value)
        {
            final long payload = writer.claim(length);
            segment.asSlice(payload, length).fill(value);
            writer.commit(payload, length, length);
        }

        /** r1 = the length found (-1: none), r2 = 1 if every payload byte is {@code value}. */
        void receive(final II_Result r, final byte value)
        {
            final long payload = reader.peek();
            if (payload < 0)
            {
                r.r1 = -1;
                return;
            }
            final int length = reader.length();
            int whole = 1;
            for (int i = 0; i < length; i++)
            {
                if (segment.get(JAVA_BYTE, payload + i) != value)
                {
                    whole = 0;
                }
            }
            reader.advance();
            r.r1 = length;
            r.r2 = whole;
        }
    }

    @JCStressTest
    @Description("A 100-byte message (two cache lines after the header) sent into an empty ring while the reader "
        + "peeks. r1 = the length the reader found (-1: none), r2 = 1 if all its bytes were the sent ones.")
    @Outcome(id = "-1, 0", expect = ACCEPTABLE, desc = "Not published yet.")
    @Outcome(id = "100, 1", expect = ACCEPTABLE, desc = "The whole message.")
    @Outcome(expect = FORBIDDEN, desc = "A torn or wrong record.")
    @State
    public static class PublishedRecordIsWhole extends Ring
    {
        @Actor
        public void writer()
        {
            send(100, VALUE);
        }

        @Actor
        public void reader(final II_Result r)
        {
            receive(r, VALUE);
        }
    }

    @JCStressTest
    @Description("The ring first carries a lap and a half of 40-byte messages (all taken), so every word at and "
        + "after the head was written for another position; then a 200-byte message is sent while the reader "
        + "peeks. r1 = the length found (-1: none), r2 = 1 if all its bytes were the new message's.")
    @Outcome(id = "-1, 0", expect = ACCEPTABLE, desc = "Not published yet.")
    @Outcome(id = "200, 1", expect = ACCEPTABLE, desc = "The whole new message.")
    @Outcome(expect = FORBIDDEN, desc = "A record from an earlier lap, or a torn one.")
    @State
    public static class NoRecordFromAnEarlierLap extends Ring
    {
        public NoRecordFromAnEarlierLap()
        {
            final II_Result ignored = new II_Result();
            for (int i = 0; i < 3 * CAPACITY / 128; i++)
            {
                send(40, (byte)i);
                receive(ignored, (byte)i);
            }
        }

        @Actor
        public void writer()
        {
            send(200, VALUE);
        }

        @Actor
        public void reader(final II_Result r)
        {
            receive(r, VALUE);
        }
    }
}
