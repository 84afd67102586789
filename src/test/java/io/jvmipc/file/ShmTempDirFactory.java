package io.jvmipc.file;

import org.junit.jupiter.api.extension.AnnotatedElementContext;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.io.TempDirFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Makes a {@code @TempDir} on /dev/shm (a tmpfs, mode 0700, removed by JUnit after the test): for the tests
 * whose subject is how a memory-backed file system refuses what it has not room for.
 */
final class ShmTempDirFactory implements TempDirFactory
{
    @Override
    public Path createTempDirectory(final AnnotatedElementContext elementContext,
        final ExtensionContext extensionContext) throws IOException
    {
        return Files.createTempDirectory(Path.of("/dev/shm"), "jvmipc-test-");
    }
}
