package io.jvmipc.wait;

import io.jvmipc.ChildJvms;
import io.jvmipc.file.ProcessTableDescriptor;
import io.jvmipc.file.SharedDirectory;
import io.jvmipc.file.SharedFile;
import io.jvmipc.process.JvmProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(90)
class SignalTest
{
    @TempDir
    Path tempDir;
    private Path path;
    private SharedFile file;
    private Signal signal;

    @BeforeEach
    void setUp()
    {
        path = SharedDirectory.of(tempDir).resolve("signal");
        file = WaitChildren.openOrCreate(path);
        file.attach(dead -> Signal.releaseWaitersOf(file.segment(), file.bodyOffset() + WaitChildren.SIGNAL,
            ProcessTableDescriptor.waitingOffset(dead, 0)));
        signal = WaitChildren.signal(file);
    }

    @AfterEach
    void tearDown()
    {
        file.close();
    }

    private void setFlag()
    {
        // release: publishes the condition before the wake
        WaitChildren.LONG.setRelease(file.segment(), file.bodyOffset() + WaitChildren.FLAG, 1L);
        signal.signalAll();
    }

    private static boolean awaitValue(final IntSupplier value, final int expected)
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (value.getAsInt() != expected)
        {
            if (System.nanoTime() - deadline >= 0)
            {
                return false;
            }
            Thread.onSpinWait();
        }
        return true;
    }

    @Test
    void shouldWakeAWaiterInAnotherProcessOnSignalAll() throws InterruptedException
    {
        try (JvmProcess child = ChildJvms.startMain(WaitChildren.FlagWaiter.class, path.toString()))
        {
            assertTrue(child.awaitOutput("ATTACHED", 60, TimeUnit.SECONDS), child::output);
            assertTrue(awaitValue(signal::waiters, 1), "the child never registered");
            // the child's futex sleeps last 60 s: only our wake can end this one within the test's timeout
            setFlag();
            assertTrue(child.join(30, TimeUnit.SECONDS), child::output);
            assertTrue(child.outputLines().contains("FLAG SEEN"), child::output);
            assertEquals(0, child.exitValue());
            assertEquals(0, signal.waiters());
        }
    }

    @Test
    void shouldWakeEveryWaitingThreadOnSignalAll() throws Exception
    {
        final List<CompletableFuture<Boolean>> results = new ArrayList<>();
        for (int i = 0; i < 3; i++)
        {
            results.add(CompletableFuture.supplyAsync(() ->
            {
                try
                {
                    return WaitChildren.awaitFlag(file, signal, WaitChildren.LONG_SLEEPS,
                        TimeUnit.SECONDS.toNanos(50));
                }
                catch (final InterruptedException e)
                {
                    throw new IllegalStateException(e);
                }
            }, r -> Thread.ofPlatform().start(r)));
        }
        assertTrue(awaitValue(signal::waiters, 3), "waiters registered: " + signal.waiters());
        setFlag();
        for (final CompletableFuture<Boolean> result : results)
        {
            assertTrue(result.get(30, TimeUnit.SECONDS));
        }
        assertEquals(0, signal.waiters());
        assertEquals(0, file.segment().get(java.lang.foreign.ValueLayout.JAVA_INT,
            ProcessTableDescriptor.waitingOffset(file.entry(), 0)), "this process's registrations");
    }

    @Test
    void shouldNotEnterTheKernelWhenNobodyWaits()
    {
        final int before = signal.sequence();
        signal.signalAll();
        assertEquals(before, signal.sequence(), "signalAll bumped the sequence with no waiter registered");
        signal.prepareWait();
        signal.signalAll();
        assertEquals(before + 1, signal.sequence());
        signal.cancelWait();
        assertEquals(0, signal.waiters());
    }

    @Test
    void shouldTimeOutWhenNobodySignals() throws InterruptedException
    {
        final long timeout = TimeUnit.MILLISECONDS.toNanos(100);
        final long start = System.nanoTime();
        assertFalse(WaitChildren.awaitFlag(file, signal, WaitStrategy.blocking(), timeout));
        assertTrue(System.nanoTime() - start >= timeout, "timed out before its deadline");
        assertEquals(0, signal.waiters());
    }

    @Test
    void shouldReleaseTheRegistrationsOfAKilledWaiter() throws InterruptedException
    {
        signal.prepareWait();
        try (JvmProcess child = ChildJvms.startMain(WaitChildren.RegisteredWaiter.class, path.toString()))
        {
            assertTrue(child.awaitOutput("REGISTERED", 60, TimeUnit.SECONDS), child::output);
            final int entry = Integer.parseInt(child.outputLines().stream().filter(l -> l.startsWith("REGISTERED "))
                .findFirst().orElseThrow().substring("REGISTERED ".length()));
            assertEquals(2, signal.waiters());
            assertFalse(file.recoverIfDead(entry), "alive");
            assertEquals(2, signal.waiters());
            child.kill();
            assertTrue(child.join(30, TimeUnit.SECONDS));
            assertEquals(2, signal.waiters(), "nothing changes until the death is detected");
            assertTrue(file.recoverIfDead(entry));
            assertEquals(1, signal.waiters(), "the dead child's registration is gone, ours stays");
            assertTrue(file.recoverIfDead(entry));
            assertEquals(1, signal.waiters(), "released once only");
        }
        finally
        {
            signal.cancelWait();
        }
        assertEquals(0, signal.waiters());
    }
}
