package io.jvmipc.sync;

import io.jvmipc.file.HeaderDescriptor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Writes a word of an object's body through a mapping of its own, as another program (or a bug in one) would, to
 * see what the handles make of a corrupt word.
 */
final class BodyWords
{
    private BodyWords()
    {
    }

    /**
     * Stores {@code value} at {@code offset} in the body of the file at {@code path}.
     *
     * @param path   the object's file.
     * @param offset the word's offset in the body (a {@code *Descriptor} constant).
     * @param value  what to write.
     */
    static void putLong(final Path path, final long offset, final long value)
    {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
            Arena arena = Arena.ofConfined())
        {
            final MemorySegment file = channel.map(FileChannel.MapMode.READ_WRITE, 0, channel.size(), arena);
            file.set(JAVA_LONG, file.get(JAVA_LONG, HeaderDescriptor.BODY_OFFSET_OFFSET) + offset, value);
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
    }
}
