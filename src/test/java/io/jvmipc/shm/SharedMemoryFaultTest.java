package io.jvmipc.shm;

import io.jvmipc.file.HeaderDescriptor;
import io.jvmipc.file.ProcessTableDescriptor;
import io.jvmipc.file.SharedDirectory;
import io.jvmipc.file.SharedObjectException;
import io.jvmipc.process.JvmProcess;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A shared-memory segment's file truncated under a live handle, in an {@code -Xint} and a default child JVM: the
 * library's own methods (size, path, toString, unlink, close, faulted) never crash the JVM nor let a raw
 * {@link InternalError} out, and close completes, whether the process table was cut off too or only the data.
 */
public class SharedMemoryFaultTest
{
    @TempDir
    Path tempDir;

    @ParameterizedTest
    @ValueSource(strings = {"-Xint", "-Xmixed"})
    @Timeout(120)
    void shouldNameTheTruncatedFileAndStillClose(final String flags) throws Exception
    {
        try (JvmProcess child = JvmProcess.builder(SharedMemoryFaultTest.class).captureOutput().method("faults")
            .jvmArgs("-Xmx64m", flags).args(tempDir.toString()).start())
        {
            assertTrue(child.join(110, TimeUnit.SECONDS), child::output);
            assertEquals(0, child.exitValue(), child::output);
            assertTrue(child.output().contains("FAULTS OK"), child::output);
        }
    }

    /**
     * Child program: args dir. Prints FAULTS OK if every check passed.
     *
     * @param args the directory.
     * @throws Exception if a check fails.
     */
    public static void faults(final String[] args) throws Exception
    {
        final SharedDirectory dir = SharedDirectory.of(Path.of(args[0]));
        for (final long cut : new long[] {0, HeaderDescriptor.bodyOffset(ProcessTableDescriptor.DEFAULT_CAPACITY)})
        {
            final SharedMemory memory = SharedMemory.builder("m" + cut).directory(dir).size(8192).create();
            final Path path = memory.path();
            memory.segment().set(JAVA_LONG, 0, 1L);
            try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE))
            {
                channel.truncate(cut);
            }
            final InternalError raw = assertThrows(InternalError.class, () -> memory.segment().get(JAVA_LONG, 0));
            final SharedObjectException named = memory.faulted(raw);
            assertTrue(named.getMessage().contains(path.toString()), named.getMessage());
            assertSame(raw, named.getCause());
            assertEquals(8192, memory.size());
            assertTrue(memory.isTracked());
            assertTrue(memory.toString().contains(path.toString()));
            if (cut == 0)
            {
                final SharedObjectException unlink = assertThrows(SharedObjectException.class, memory::unlink);
                assertTrue(unlink.getMessage().contains(path.toString()), unlink.getMessage());
            }
            memory.close();
            memory.close();
            assertTrue(memory.isClosed());
            if (Files.exists(path))
            {
                // unlink after close opens the name again: a file that is no valid object any more is refused
                final SharedObjectException closedUnlink = assertThrows(SharedObjectException.class, memory::unlink);
                assertTrue(closedUnlink.getMessage().contains(path.toString()), closedUnlink.getMessage());
            }
            else
            {
                // the tracked close removed it already: nothing to do
                memory.unlink();
            }
            Files.deleteIfExists(path);
        }
        System.out.println("FAULTS OK");
    }
}
