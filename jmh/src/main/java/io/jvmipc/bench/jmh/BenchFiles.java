package io.jvmipc.bench.jmh;

import io.jvmipc.file.SharedDirectory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** A private directory under /dev/shm for one benchmark trial's shared objects, removed afterwards. */
final class BenchFiles
{
    private BenchFiles()
    {
    }

    static Path newDirectory()
    {
        try
        {
            return Files.createTempDirectory(Path.of("/dev/shm"), "jvmipc-jmh-");
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
    }

    static SharedDirectory shared(final Path dir)
    {
        return SharedDirectory.of(dir.resolve("objects"));
    }

    static void delete(final Path dir)
    {
        try (Stream<Path> paths = Files.walk(dir))
        {
            for (final Path path : paths.sorted(Comparator.reverseOrder()).toList())
            {
                Files.deleteIfExists(path);
            }
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
    }
}
