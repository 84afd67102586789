package io.jvmipc.wait;

import io.jvmipc.process.JvmProcess;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Signal} and {@link Doorbell} on a mapping whose file was truncated: every access raises the JVM's
 * {@link InternalError} and none crashes the JVM, interpreted only ({@code -Xint}, where an atomic on a removed
 * page crashes it unless a read faults first) or with default flags, in a fresh child JVM
 * ({@link WaitFaultChildren}).
 */
@Timeout(120)
class WaitFaultTest
{
    @TempDir
    Path tempDir;

    @ParameterizedTest
    @ValueSource(strings = {"-Xint", "-Xshare:auto"})
    void shouldRaiseInternalErrorAndNeverCrashOnATruncatedMapping(final String mode) throws InterruptedException
    {
        try (JvmProcess child = JvmProcess.builder(WaitFaultChildren.class).captureOutput().method("signal")
            .jvmArgs(mode, "-Xmx64m").args(tempDir.toString()).start())
        {
            assertTrue(child.join(90, TimeUnit.SECONDS), child::output);
            assertEquals(0, child.exitValue(), child::output);
            assertTrue(child.output().contains("FAULTS RAISED"), child::output);
            assertEquals("-Xint".equals(mode), child.output().contains("MODE interpreted mode"), child::output);
        }
    }
}
