package io.jvmipc.pipe;

import io.jvmipc.file.CorruptFileException;
import io.jvmipc.file.ObjectKind;
import io.jvmipc.file.SharedDirectory;
import io.jvmipc.file.SharedFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Corrupt records in a pipe's ring, written into the mapping directly: every length read from the ring is
 * checked against the pipe's limits, and a record the writer could not have written is a
 * {@link CorruptFileException} naming the file and the position, without a large allocation or a hang.
 */
@Timeout(30)
class PipeBadRecordTest
{
    private static final int CAPACITY = 4096;

    @TempDir
    Path tempDir;

    /** Where the first record of the ring A writes starts, in the file. */
    private long firstRecord(final Path path)
    {
        try (SharedFile file = SharedFile.map(path, ObjectKind.PIPE, PipeDescriptor.VERSION,
            SharedFile.OpenMode.OPEN, null))
        {
            return file.bodyOffset() + PipeDescriptor.ringOffset(End.A, CAPACITY) + RingDescriptor.DATA_OFFSET;
        }
    }

    private void overwrite(final Path path, final long offset, final int value)
    {
        try (SharedFile file = SharedFile.map(path, ObjectKind.PIPE, PipeDescriptor.VERSION,
            SharedFile.OpenMode.OPEN, null))
        {
            file.segment().set(JAVA_INT, offset, value);
        }
    }

    private void overwriteLong(final Path path, final long offset, final long value)
    {
        try (SharedFile file = SharedFile.map(path, ObjectKind.PIPE, PipeDescriptor.VERSION,
            SharedFile.OpenMode.OPEN, null))
        {
            file.segment().set(JAVA_LONG, offset, value);
        }
    }

    /**
     * Rewrites the check word of the record at file offset {@code record} (ring position {@code position} of ring
     * A to B) to match its header, as only someone who knows the ring's seed could: the record then passes as
     * published, and the reader's own limits must refuse it.
     */
    private void forge(final Path path, final long record, final long position)
    {
        try (SharedFile file = SharedFile.map(path, ObjectKind.PIPE, PipeDescriptor.VERSION,
            SharedFile.OpenMode.OPEN, null))
        {
            final long ring = file.bodyOffset() + PipeDescriptor.ringOffset(End.A, CAPACITY);
            final long seed = Connection.ringSeed(file, ring);
            final long header = file.segment().get(JAVA_LONG, record + RingDescriptor.HEADER_FIELD);
            file.segment().set(JAVA_LONG, record + RingDescriptor.CHECK_FIELD, RingDescriptor.check(seed, position,
                header));
        }
    }

    private Pipe<byte[]> open(final String name)
    {
        return Pipe.builder(name).directory(SharedDirectory.of(tempDir)).capacity(CAPACITY).open();
    }

    private static void assertCorrupt(final Path path, final Executable receive)
    {
        final CorruptFileException e = assertThrows(CorruptFileException.class, receive);
        assertTrue(e.getMessage().contains(path.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("position"), e.getMessage());
    }

    /**
     * The message-length (info) word of a 5-byte message replaced by {@code info}; a second message follows. Once
     * with the check word left as it was (the record no longer checks, and the tail shows it published), once with
     * a forged check word (the record's limits refuse it).
     */
    private void assertMessageLengthRefused(final String name, final int info) throws Exception
    {
        for (final boolean forged : new boolean[] {false, true})
        {
            try (Pipe<byte[]> pipe = open(name + forged))
            {
                final Path path = pipe.a().path();
                pipe.a().sendBytes(new byte[] {1, 2, 3, 4, 5});
                pipe.a().sendBytes(new byte[] {6});
                overwrite(path, firstRecord(path) + RingDescriptor.INFO_FIELD, info);
                if (forged)
                {
                    forge(path, firstRecord(path), 0);
                }
                assertCorrupt(path, () -> pipe.b().recv());
                assertCorrupt(path, () -> pipe.b().recvBytes());
                assertCorrupt(path, () -> pipe.b().recvBytesInto(new byte[1 << 20]));
                assertCorrupt(path, () -> pipe.b().poll(0, TimeUnit.MILLISECONDS));
                assertCorrupt(path, () -> Connection.wait(List.of(pipe.b()), 0, TimeUnit.MILLISECONDS));
            }
        }
    }

    @Test
    void shouldRefuseAMessageLengthOfOneGibibyte() throws Exception
    {
        assertMessageLengthRefused("info1g", 1 << 30);
    }

    @Test
    void shouldRefuseAMessageLengthOfIntegerMax() throws Exception
    {
        assertMessageLengthRefused("infomax", Integer.MAX_VALUE);
    }

    @Test
    void shouldRefuseAMessageLengthBelowTheMaximumThatTheRecordDoesNotCarry() throws Exception
    {
        // 40 MiB is below the 64 MiB maximum, but a fragmented message starts with a full fragment
        assertMessageLengthRefused("info40m", 40 << 20);
    }

    @Test
    void shouldRefuseAMessageLengthAboveTheMaximum() throws Exception
    {
        assertMessageLengthRefused("info100m", 100 << 20);
    }

    @Test
    void shouldRefuseAMessageShorterThanItsRecordOrOfNegativeLength() throws Exception
    {
        assertMessageLengthRefused("info4", 4);
        assertMessageLengthRefused("infoneg", -7);
    }

    @Test
    void shouldRefuseARecordLengthBeyondTheRingOrTheFragmentLimit() throws Exception
    {
        for (final int length : new int[] {1 << 30, Integer.MAX_VALUE, -1, RingDescriptor.maxFragment(CAPACITY) + 8})
        {
            for (final boolean forged : new boolean[] {false, true})
            {
                try (Pipe<byte[]> pipe = open("length" + length + forged))
                {
                    final Path path = pipe.a().path();
                    pipe.a().sendBytes(new byte[] {1, 2, 3, 4, 5});
                    // length and info together, as a writer would write a single-record message of that length
                    overwriteLong(path, firstRecord(path) + RingDescriptor.HEADER_FIELD,
                        RingDescriptor.header(length, length));
                    if (forged)
                    {
                        forge(path, firstRecord(path), 0);
                    }
                    assertCorrupt(path, () -> pipe.b().recvBytes());
                    assertCorrupt(path, () -> pipe.b().poll());
                }
            }
        }
    }

    @Test
    void shouldRefuseAPublishedRecordWhoseHeaderNoLongerMatchesItsCheckWord() throws Exception
    {
        try (Pipe<byte[]> pipe = open("pasttail"))
        {
            final Path path = pipe.a().path();
            pipe.a().sendBytes(new byte[] {1, 2, 3, 4, 5});
            overwriteLong(path, firstRecord(path) + RingDescriptor.HEADER_FIELD, RingDescriptor.header(900, 900));
            // the check word no longer matches, and the tail shows the record published
            assertCorrupt(path, () -> pipe.b().recvBytes());
        }
    }

    @Test
    void shouldRefuseAnImpossibleTail() throws Exception
    {
        try (Pipe<byte[]> pipe = open("tail"))
        {
            final Path path = pipe.a().path();
            pipe.a().sendBytes(new byte[] {1});
            overwriteLong(path, firstRecord(path) - RingDescriptor.DATA_OFFSET + RingDescriptor.TAIL_OFFSET,
                3L * CAPACITY);
            // the published record checks, so it is received; the tail is read when the next record does not
            assertArrayEquals(new byte[] {1}, pipe.b().recvBytes());
            assertCorrupt(path, () -> pipe.b().recvBytes());
            assertCorrupt(path, () -> pipe.b().poll());
        }
    }

    @Test
    void shouldRefuseAContinuationLongerThanWhatTheMessageMisses() throws Exception
    {
        try (Pipe<byte[]> pipe = open("continuation"))
        {
            final Path path = pipe.a().path();
            final int fragment = RingDescriptor.maxFragment(CAPACITY);
            final byte[] message = new byte[fragment + 10];
            pipe.a().sendBytes(message);
            final long second = firstRecord(path) + RingDescriptor.recordLength(fragment);
            overwrite(path, second + RingDescriptor.LENGTH_FIELD, 16);
            assertCorrupt(path, () -> pipe.b().recvBytes());
        }
    }

    @Test
    void shouldStillCarryGoodRecordsOfEveryShape() throws Exception
    {
        try (Pipe<byte[]> pipe = open("good"))
        {
            final int fragment = RingDescriptor.maxFragment(CAPACITY);
            for (final int length : new int[] {0, 1, fragment, fragment + 1, 3 * fragment, 3 * fragment + 5})
            {
                final byte[] message = new byte[length];
                java.util.Arrays.fill(message, (byte)length);
                final Thread sender = Thread.ofVirtual().start(() ->
                {
                    try
                    {
                        pipe.a().sendBytes(message);
                    }
                    catch (final Exception e)
                    {
                        throw new AssertionError(e);
                    }
                });
                assertArrayEquals(message, pipe.b().recvBytes());
                sender.join();
            }
        }
    }
}
