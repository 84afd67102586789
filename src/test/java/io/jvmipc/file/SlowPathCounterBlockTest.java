package io.jvmipc.file;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The slow-path counter block of every file: where it lies, that it is shared and read-only readable, validated. */
@Timeout(30)
class SlowPathCounterBlockTest
{
    @TempDir
    Path tempDir;
    private Path path;

    @BeforeEach
    void setUp()
    {
        path = SharedDirectory.of(tempDir).resolve("object");
    }

    @Test
    void shouldLieBetweenTheProcessTableAndTheBodyAsTheHeaderRecords() throws IOException
    {
        for (final int capacity : new int[] {1, 4, 30, 64})
        {
            Files.deleteIfExists(path);
            try (SharedFile file = SharedFile.map(path, TestObjects.KIND, TestObjects.KIND_VERSION,
                SharedFile.OpenMode.CREATE, TestObjects.spec(capacity)))
            {
                final ByteBuffer header = header();
                final int offset = header.getInt(HeaderDescriptor.COUNTERS_OFFSET);
                assertEquals(HeaderDescriptor.countersOffset(capacity), offset);
                assertEquals(SlowPath.COUNT, header.getInt(HeaderDescriptor.COUNTER_COUNT_OFFSET));
                assertEquals(0, offset % HeaderDescriptor.COUNTERS_ALIGNMENT);
                assertTrue(offset >= ProcessTableDescriptor.entryOffset(capacity), "after the table: " + offset);
                assertTrue(offset + SlowPath.COUNT * Long.BYTES <= file.bodyOffset(), "before the body: " + offset);
                assertEquals(0, file.bodyOffset() % HeaderDescriptor.BODY_ALIGNMENT);
                assertEquals(HeaderDescriptor.bodyOffset(capacity), file.bodyOffset());
            }
        }
    }

    @Test
    void shouldBeSharedByEveryAttachmentAndReadableWithoutAttaching()
    {
        try (SharedFile first = TestObjects.openOrCreate(path, 4, 1);
            SharedFile second = TestObjects.open(path))
        {
            first.count(SlowPath.TIMEOUTS);
            second.count(SlowPath.TIMEOUTS);
            second.count(SlowPath.REDELIVERIES);
            assertEquals(2, first.slowPathCount(SlowPath.TIMEOUTS));
            assertEquals(1, first.slowPathCount(SlowPath.REDELIVERIES));
            assertEquals(0, first.slowPathCount(SlowPath.WAITS));
            try (ReadOnlyFile view = ReadOnlyFile.open(path))
            {
                assertEquals(SlowPath.COUNT, view.counterCount());
                for (final SlowPath counter : SlowPath.values())
                {
                    assertEquals(first.slowPathCount(counter), view.counter(counter.ordinal()), counter.key());
                }
                assertThrows(IndexOutOfBoundsException.class, () -> view.counter(SlowPath.COUNT));
            }
            assertEquals(TestObjects.MARKER, TestObjects.read(first, TestObjects.MARKER_OFFSET),
                "the counters are outside the body");
        }
    }

    @Test
    void shouldRefuseAnInconsistentCounterBlockEvenWithAValidChecksum() throws IOException
    {
        TestObjects.openOrCreate(path, 4, 1).close();
        final ByteBuffer original = header();
        for (final int[] patch : new int[][] {
            {HeaderDescriptor.COUNTERS_OFFSET, original.getInt(HeaderDescriptor.COUNTERS_OFFSET) + 64},
            {HeaderDescriptor.COUNTERS_OFFSET, 0},
            {HeaderDescriptor.COUNTER_COUNT_OFFSET, -1},
            {HeaderDescriptor.COUNTER_COUNT_OFFSET, HeaderDescriptor.MAX_COUNTERS + 1}})
        {
            writeHeader(original, patch[0], patch[1]);
            final CorruptFileException e = assertThrows(CorruptFileException.class, () -> TestObjects.open(path),
                "counter field " + patch[0] + " = " + patch[1]);
            assertTrue(e.getMessage().contains("counters at"), e.getMessage());
            assertThrows(CorruptFileException.class, () -> ReadOnlyFile.open(path));
        }
        writeHeader(original, HeaderDescriptor.COUNTER_COUNT_OFFSET, SlowPath.COUNT);
        TestObjects.open(path).close();
    }

    private ByteBuffer header() throws IOException
    {
        final byte[] bytes = new byte[HeaderDescriptor.LENGTH];
        try (RandomAccessFile file = new RandomAccessFile(path.toFile(), "r"))
        {
            file.readFully(bytes);
        }
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Writes {@code original} with one int field changed and its checksum recomputed as a creator would. */
    private void writeHeader(final ByteBuffer original, final int offset, final int value) throws IOException
    {
        final ByteBuffer header = ByteBuffer.wrap(original.array().clone()).order(ByteOrder.LITTLE_ENDIAN);
        header.putInt(offset, value);
        final byte[] summed = header.array().clone();
        for (int i = 0; i < Integer.BYTES; i++)
        {
            summed[HeaderDescriptor.READY_OFFSET + i] = 0;
            summed[HeaderDescriptor.CHECKSUM_OFFSET + i] = 0;
        }
        final CRC32C crc = new CRC32C();
        crc.update(summed);
        header.putInt(HeaderDescriptor.CHECKSUM_OFFSET, (int)crc.getValue());
        try (RandomAccessFile file = new RandomAccessFile(path.toFile(), "rw"))
        {
            file.write(header.array());
        }
    }
}
