package io.jvmipc.shm;

import io.jvmipc.file.SharedDirectory;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Child JVM programs for the cross-process shared-memory tests, each a {@code public static void
 * name(String[])} started through {@link io.jvmipc.process.JvmProcess.Builder#method(String)}. Arguments: the
 * directory, the segment's name, then per program.
 */
public final class ShmChildren
{
    private ShmChildren()
    {
    }

    /**
     * Args: dir, name. Attaches, writes long i = i * 3 + 1 over the whole segment, then a release store of -1 to
     * the last long as "done", prints WRITTEN and stays attached until killed.
     */
    public static void writeAndHold(final String[] args) throws InterruptedException
    {
        try (SharedMemory memory = SharedMemory.builder(args[1]).directory(SharedDirectory.of(Path.of(args[0])))
            .open())
        {
            final MemorySegment segment = memory.segment();
            final long longs = segment.byteSize() / Long.BYTES;
            for (long i = 0; i < longs - 1; i++)
            {
                segment.setAtIndex(JAVA_LONG, i, i * 3 + 1);
            }
            // release: the pattern above is visible to whoever sees the marker with acquire
            JAVA_LONG.varHandle().setRelease(segment, (longs - 1) * Long.BYTES, -1L);
            System.out.println("WRITTEN");
            while (true)
            {
                TimeUnit.SECONDS.sleep(60);
            }
        }
    }
}
