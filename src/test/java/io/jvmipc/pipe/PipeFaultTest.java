package io.jvmipc.pipe;

import io.jvmipc.file.HeaderDescriptor;
import io.jvmipc.file.SharedDirectory;
import io.jvmipc.file.SharedObjectException;
import io.jvmipc.process.JvmProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A pipe's file truncated under live connections: clear exceptions naming the file, and close still works. */
@Timeout(30)
class PipeFaultTest
{
    @TempDir
    Path tempDir;

    private static void assertFaulted(final Path path, final Executable call)
    {
        final SharedObjectException e = assertThrows(SharedObjectException.class, call);
        assertTrue(e.getMessage().contains(path.toString()), e.getMessage());
    }

    /**
     * Every public method in a fresh child JVM, interpreted only ({@code -Xint}: an interpreted CAS on a removed
     * page crashes the JVM, so every CAS must follow a read that faults first) or with default flags, truncated
     * to the header (the first page stays) or to nothing.
     */
    @ParameterizedTest
    @CsvSource({"-Xint,256", "-Xint,0", "-Xshare:auto,256", "-Xshare:auto,0"})
    @Timeout(200)
    void shouldNameTheFileAtEveryMethodInAChildJvm(final String mode, final long size) throws InterruptedException
    {
        assertEquals(256, HeaderDescriptor.LENGTH, "the sizes above");
        try (JvmProcess child = JvmProcess.builder(PipeFaultChildren.class).captureOutput().method("pipe").jvmArgs(mode, "-Xmx64m")
            .args(tempDir.toString(), Long.toString(size)).start())
        {
            assertTrue(child.join(180, TimeUnit.SECONDS), child::output);
            assertEquals(0, child.exitValue(), child::output);
            assertTrue(child.output().contains("FAULTS NAMED"), child::output);
            assertEquals("-Xint".equals(mode), child.output().contains("MODE interpreted mode"), child::output);
        }
    }

    @Test
    void shouldReportATruncatedFileToAnAttacher() throws Exception
    {
        final SharedDirectory directory = SharedDirectory.of(tempDir);
        try (Connection<byte[]> a = Pipe.builder("attach").directory(directory).connect(End.A))
        {
            try (FileChannel channel = FileChannel.open(a.path(), StandardOpenOption.WRITE))
            {
                channel.truncate(HeaderDescriptor.LENGTH);
            }
            assertThrows(SharedObjectException.class, () -> Pipe.attach(directory, "attach", End.B));
        }
    }
}
