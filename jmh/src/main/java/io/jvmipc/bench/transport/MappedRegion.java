package io.jvmipc.bench.transport;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * A zero-filled file mapped shared by both sides. A creates it under a temporary name, sizes it and renames
 * it into place (so B never maps a short file); B waits for the rendezvous, then maps it.
 */
public final class MappedRegion implements AutoCloseable
{
    private final Arena arena;
    private final MemorySegment segment;
    private final MappedByteBuffer buffer;

    private MappedRegion(final Arena arena, final MemorySegment segment, final MappedByteBuffer buffer)
    {
        this.arena = arena;
        this.segment = segment;
        this.buffer = buffer;
    }

    /**
     * Maps {@code dir/name} of {@code length} bytes, creating it on side A.
     *
     * @param dir the run's directory.
     * @param name the file name.
     * @param length the size in bytes.
     * @param sideA true to create it.
     * @return the mapping (both a segment and a byte buffer view of the same memory).
     * @throws IOException if the file cannot be created or mapped.
     */
    public static MappedRegion map(final Path dir, final String name, final long length, final boolean sideA)
        throws IOException
    {
        final Path file = dir.resolve(name);
        if (sideA)
        {
            final Path temp = dir.resolve(name + ".tmp");
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE))
            {
                channel.truncate(length);
                channel.write(java.nio.ByteBuffer.allocate(1), length - 1);
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            final Arena arena = Arena.ofShared();
            final MemorySegment segment = channel.map(FileChannel.MapMode.READ_WRITE, 0, length, arena);
            // pre-touch every page so neither side takes page faults while measured
            for (long offset = 0; offset < length; offset += 4096)
            {
                segment.get(java.lang.foreign.ValueLayout.JAVA_BYTE, offset);
            }
            final MappedByteBuffer buffer = channel.map(FileChannel.MapMode.READ_WRITE, 0, length);
            return new MappedRegion(arena, segment, buffer);
        }
    }

    /**
     * The mapping as a memory segment.
     *
     * @return the segment.
     */
    public MemorySegment segment()
    {
        return segment;
    }

    /**
     * The mapping as a byte buffer (for libraries that want one).
     *
     * @return the buffer.
     */
    public MappedByteBuffer buffer()
    {
        return buffer;
    }

    @Override
    public void close()
    {
        arena.close();
    }
}
