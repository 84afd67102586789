package io.jvmipc.queue;

import io.jvmipc.file.HeaderDescriptor;
import io.jvmipc.process.JvmProcess;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A queue's or joinable queue's file truncated under a live handle: every public method throws
 * {@link io.jvmipc.file.SharedObjectException} naming the file (never the JVM's {@code InternalError}, never a
 * JVM crash) and close completes. Each case runs in a fresh child JVM ({@link QueueFaultChildren}), interpreted
 * only ({@code -Xint}: an interpreted atomic on a removed page crashes the JVM, so every atomic must follow a
 * read that faults first) or with default flags. Sizes: {@link HeaderDescriptor#LENGTH} (the first page stays
 * mapped, the body's pages are gone) and 0 (every page is gone, the process table too).
 */
@Timeout(300)
class QueueFaultTest
{
    @TempDir
    Path tempDir;

    @ParameterizedTest
    @CsvSource({"queue,-Xint,256,-", "queue,-Xint,0,-", "queue,-Xshare:auto,256,-", "queue,-Xshare:auto,0,-",
        "joinable,-Xint,256,count", "joinable,-Xint,0,items", "joinable,-Xshare:auto,0,count",
        "joinable,-Xshare:auto,256,items", "queueRecovery,-Xint,-1,-", "queueRecovery,-Xshare:auto,-1,-",
        "claimPastTheHints,-Xint,-1,-", "claimPastTheHints,-Xshare:auto,-1,-"})
    void shouldNameTheFileAtEveryMethodAfterATruncation(final String method, final String mode, final long size,
        final String which) throws InterruptedException
    {
        assertEquals(256, HeaderDescriptor.LENGTH, "the sizes above");
        try (JvmProcess child = JvmProcess.builder(QueueFaultChildren.class).captureOutput().method(method)
            .jvmArgs(mode, "-Xmx64m").args(tempDir.toString(), Long.toString(size), which).start())
        {
            assertTrue(child.join(240, TimeUnit.SECONDS), child::output);
            assertEquals(0, child.exitValue(), child::output);
            assertTrue(child.output().contains("FAULTS NAMED"), child::output);
            assertEquals("-Xint".equals(mode), child.output().contains("MODE interpreted mode"), child::output);
        }
    }
}
