package io.jvmipc.value;

import io.jvmipc.ChildJvms;
import io.jvmipc.process.JvmProcess;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A value's or array's file truncated under a live handle: every method throws the library's exception naming
 * the file (never the JVM's {@code InternalError}), and close still works. Each case runs in a child JVM
 * ({@link ValueFaultChildren}) because the JVM does not turn every fault into an {@code InternalError}: an
 * interpreted compare-and-set on a truncated mapping crashes it (the values load first so that it cannot), and
 * so can a JIT-compiled load folded into another instruction. The cases run cold (interpreted), where the fault is
 * raised at the access: in JIT-compiled code HotSpot raises it asynchronously, at the next safepoint poll, which
 * may be after the library's method returned (see the {@code io.jvmipc.value} package comment).
 */
@Timeout(120)
class SharedValueFaultTest
{
    @TempDir
    Path tempDir;

    @ParameterizedTest
    @ValueSource(strings = {"scalars", "arrays", "unlink"})
    void shouldNameTheFileWhenTheFileIsTruncatedUnderALiveHandle(final String method) throws InterruptedException
    {
        try (JvmProcess child = ChildJvms.start(ValueFaultChildren.class, method, "64m", tempDir))
        {
            assertTrue(child.join(90, TimeUnit.SECONDS), child::output);
            assertEquals(0, child.exitValue(), child::output);
            assertTrue(child.output().contains("FAULTS NAMED"), child::output);
        }
    }
}
