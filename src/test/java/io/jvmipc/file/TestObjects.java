package io.jvmipc.file;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.nio.file.Files;
import java.nio.file.Path;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/** Shared fixtures of the file-layer tests (used by the test JVM and its children). */
final class TestObjects
{
    static final ObjectKind KIND = ObjectKind.VALUE;
    static final int KIND_VERSION = 3;
    static final long BODY_LENGTH = 8192;
    static final long PARAMETER_0 = 7;
    static final long PARAMETER_1 = 9;
    /** Written at body offset 0 by the initializer. */
    static final long MARKER = 0x4D41_524B_4552_2121L;
    /** Body offset of the marker. */
    static final long MARKER_OFFSET = 0;
    /** Body offset of a counter every participant increments. */
    static final long COUNTER_OFFSET = 128;
    /** Body offset of the token naming the initializer that won. */
    static final long TOKEN_OFFSET = 256;
    static final VarHandle LONG = JAVA_LONG.varHandle();

    private TestObjects()
    {
    }

    /** A spec whose initializer writes {@link #MARKER} and {@code token}. */
    static SharedFile.Spec spec(final int capacity, final long token)
    {
        return new SharedFile.Spec(KIND, KIND_VERSION, new long[] {PARAMETER_0, PARAMETER_1}, BODY_LENGTH, capacity,
            (file, bodyOffset, bodyLength) ->
            {
                file.set(JAVA_LONG, bodyOffset + MARKER_OFFSET, MARKER);
                file.set(JAVA_LONG, bodyOffset + TOKEN_OFFSET, token);
            });
    }

    static SharedFile.Spec spec(final int capacity)
    {
        return spec(capacity, 1);
    }

    static SharedFile openOrCreate(final Path path, final int capacity, final long token)
    {
        return SharedFile.map(path, KIND, KIND_VERSION, SharedFile.OpenMode.OPEN_OR_CREATE, spec(capacity, token));
    }

    static SharedFile open(final Path path)
    {
        return SharedFile.map(path, KIND, KIND_VERSION, SharedFile.OpenMode.OPEN, null);
    }

    /** Adds one to the counter, atomically across processes. */
    static long increment(final SharedFile file)
    {
        // volatile read-modify-write: many processes add at once
        return (long)LONG.getAndAdd(file.segment(), file.bodyOffset() + COUNTER_OFFSET, 1L);
    }

    static long read(final SharedFile file, final long bodyOffset)
    {
        // volatile: written by other processes
        return (long)LONG.getVolatile(file.segment(), file.bodyOffset() + bodyOffset);
    }


    /** Waits, without sleeping, until {@code path} exists; false if it did not within the timeout. */
    static boolean awaitFile(final Path path, final long timeoutNanos)
    {
        final long deadline = System.nanoTime() + timeoutNanos;
        while (!Files.exists(path))
        {
            if (System.nanoTime() - deadline >= 0)
            {
                return false;
            }
            Thread.onSpinWait();
        }
        return true;
    }
}
