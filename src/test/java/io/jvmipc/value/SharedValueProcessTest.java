package io.jvmipc.value;

import io.jvmipc.ChildJvms;
import io.jvmipc.file.SharedDirectory;
import io.jvmipc.process.JvmProcess;
import io.jvmipc.sync.SharedEvent;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Shared values and arrays across real child JVMs, including kill -9. */
class SharedValueProcessTest
{
    @TempDir
    Path tempDir;
    private SharedDirectory dir;

    @BeforeEach
    void setUp()
    {
        dir = SharedDirectory.of(tempDir);
    }

    private JvmProcess child(final String method, final String... args)
    {
        return ChildJvms.start(ValueChildren.class, method, "64m", tempDir, args);
    }

    private static void awaitSuccess(final JvmProcess process) throws InterruptedException
    {
        assertTrue(process.join(60, TimeUnit.SECONDS), "child did not finish: " + process.output());
        assertEquals(0, process.exitValue(), process.output());
    }

    @Test
    @Timeout(120)
    void shouldCountExactly2000WhenTwoJvmsIncrementASharedIntAThousandTimesEach() throws Exception
    {
        try (SharedInt counter = SharedInt.builder("counter").directory(dir).initialValue(0).create();
            JvmProcess first = child("incrementInt", "counter", "1000");
            JvmProcess second = child("incrementInt", "counter", "1000"))
        {
            awaitSuccess(first);
            awaitSuccess(second);
            assertEquals(2000, counter.get());
        }
    }

    @Test
    @Timeout(120)
    void shouldKeepCompoundUpdatesUnderTheAssociatedLockExactAcrossJvms() throws Exception
    {
        try (SharedInt counter = SharedInt.builder("guarded").directory(dir).initialValue(0).create();
            JvmProcess first = child("incrementUnderLock", "guarded", "2000");
            JvmProcess second = child("incrementUnderLock", "guarded", "2000"))
        {
            awaitSuccess(first);
            awaitSuccess(second);
            assertEquals(4000, counter.get(), "a get-then-set under getLock() lost no update");
            assertTrue(counter.getLock() == counter.getLock(), "one lock per attachment");
        }
    }

    @Test
    @Timeout(180)
    void shouldCountExactly400000WhenFourJvmsIncrementASharedLongAtTheSameTime() throws Exception
    {
        final int children = 4;
        final int perChild = 100_000;
        try (SharedLong counter = SharedLong.builder("counter").directory(dir).create();
            SharedEvent start = SharedEvent.builder("start").directory(dir).create())
        {
            final List<JvmProcess> processes = new ArrayList<>();
            try
            {
                for (int c = 0; c < children; c++)
                {
                    processes.add(child("incrementLongAfterStart", "counter", "start", String.valueOf(perChild)));
                }
                for (final JvmProcess process : processes)
                {
                    assertTrue(process.awaitOutput("READY", 60, TimeUnit.SECONDS), process.output());
                }
                start.set();
                for (final JvmProcess process : processes)
                {
                    awaitSuccess(process);
                }
                assertEquals((long)children * perChild, counter.get());
            }
            finally
            {
                processes.forEach(JvmProcess::close);
            }
        }
    }

    @Test
    @Timeout(120)
    void shouldKeepOtherElementsExactAndAllowUnlinkAfterAnIncrementingJvmIsKilled() throws Exception
    {
        final int count = 200_000;
        try (SharedLongArray array = SharedLongArray.builder("array").directory(dir).length(2).create();
            JvmProcess victim = child("incrementElement", "array", "0", "-1"))
        {
            assertTrue(victim.awaitOutput("RUNNING", 60, TimeUnit.SECONDS), victim.output());
            assertThrows(IllegalStateException.class, array::unlink, "a live process is attached");
            try (JvmProcess survivor = child("incrementElement", "array", "1", String.valueOf(count)))
            {
                assertTrue(survivor.awaitOutput("RUNNING", 60, TimeUnit.SECONDS), survivor.output());
                victim.kill();
                assertTrue(victim.join(10, TimeUnit.SECONDS));
                awaitSuccess(survivor);
            }
            assertEquals(count, array.get(1), "increments of the survivor are all there");
            final long atDeath = array.get(0);
            assertTrue(atDeath > 1000, "the victim was incrementing: " + atDeath);
            assertEquals(atDeath + 1, array.incrementAndGet(0), "the element stays usable");
            array.unlink();
            assertFalse(Files.exists(tempDir.resolve("array")), "a dead process does not hold the file");
        }
    }
}
