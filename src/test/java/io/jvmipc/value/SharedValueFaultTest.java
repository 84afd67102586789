package io.jvmipc.value;

import io.jvmipc.file.HeaderDescriptor;
import io.jvmipc.process.JvmProcess;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

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

    static Stream<Arguments> cases()
    {
        return Stream.of("scalars", "arrays", "unlink").flatMap(method -> Stream.of("-Xint", "-Xmixed")
            .flatMap(flags -> Stream.of("0", String.valueOf(HeaderDescriptor.LENGTH))
                .map(cut -> Arguments.of(method, flags, cut))));
    }

    /**
     * One child per method family, JVM mode and truncation size: {@code -Xint} runs every access interpreted,
     * where a compare-and-set on a removed page would kill the JVM; a cut to nothing also removes the header
     * and the process table, a cut to the header length only the body's pages.
     */
    @ParameterizedTest(name = "{0} {1} cut {2}")
    @MethodSource("cases")
    void shouldNameTheFileWhenTheFileIsTruncatedUnderALiveHandle(final String method, final String flags,
        final String cut) throws InterruptedException
    {
        try (JvmProcess child = JvmProcess.builder(ValueFaultChildren.class).captureOutput().method(method)
            .jvmArgs("-Xmx64m", flags).args(tempDir.toString(), cut).start())
        {
            assertTrue(child.join(90, TimeUnit.SECONDS), child::output);
            assertEquals(0, child.exitValue(), child::output);
            assertTrue(child.output().contains("FAULTS NAMED"), child::output);
        }
    }
}
