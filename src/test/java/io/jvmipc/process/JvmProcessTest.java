package io.jvmipc.process;

import io.jvmipc.Await;
import io.jvmipc.ChildJvms;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class JvmProcessTest
{
    private static final long JOIN_SECONDS = 30;

    @Test
    void shouldCaptureOutputAndExitValueAndPassArguments() throws InterruptedException
    {
        try (JvmProcess child = ChildJvms.startMain(ProcessChildren.EchoAndExit.class, "3", "two words", "é€"))
        {
            assertTrue(child.join(JOIN_SECONDS, TimeUnit.SECONDS));
            assertEquals(3, child.exitValue());
            assertFalse(child.isAlive());
            final List<String> lines = child.outputLines();
            assertTrue(lines.contains("arg0=3"), lines::toString);
            assertTrue(lines.contains("arg1=two words"), lines::toString);
            assertTrue(lines.contains("arg2=é€"), lines::toString);
            assertTrue(lines.contains("to stderr"), lines::toString);
            assertTrue(child.output().contains("arg1=two words\n"));
        }
    }

    @Test
    void shouldRunAStaticMethodInsteadOfMain() throws InterruptedException
    {
        try (JvmProcess child = JvmProcess.builder(ProcessChildren.EchoAndExit.class).captureOutput().method("shout")
            .args("a", "b").start())
        {
            assertTrue(child.join(JOIN_SECONDS, TimeUnit.SECONDS));
            assertEquals(0, child.exitValue());
            assertTrue(child.outputLines().contains("shout:A,B"), child::output);
        }
    }

    @Test
    void shouldExitWithOneWhenTheMethodThrows() throws InterruptedException
    {
        try (JvmProcess child = JvmProcess.builder(ProcessChildren.EchoAndExit.class).captureOutput().method("fail").start())
        {
            assertTrue(child.join(JOIN_SECONDS, TimeUnit.SECONDS));
            assertEquals(1, child.exitValue());
            assertTrue(child.output().contains("failed on purpose 0"), child::output);
        }
    }

    @Test
    void shouldRefuseAMethodThatIsNotPublicStaticVoid()
    {
        final JvmProcess.Builder builder = JvmProcess.builder(ProcessChildren.EchoAndExit.class);
        assertThrows(IllegalArgumentException.class, () -> builder.method("noSuchMethod"));
        assertThrows(IllegalArgumentException.class, () -> builder.method("toString"));
    }

    @Test
    void shouldReturnFalseFromJoinWhileTheChildIsBlocked() throws InterruptedException
    {
        try (JvmProcess child = ChildJvms.startMain(ProcessChildren.BlockForever.class))
        {
            assertTrue(child.awaitOutput("READY", JOIN_SECONDS, TimeUnit.SECONDS), child::output);
            assertFalse(child.join(200, TimeUnit.MILLISECONDS));
            assertTrue(child.isAlive());
            assertThrows(IllegalStateException.class, child::exitValue);
        }
    }

    @Test
    void shouldOnlyCheckForTimeoutsOfZeroOrLess() throws InterruptedException
    {
        try (JvmProcess child = ChildJvms.startMain(ProcessChildren.BlockForever.class))
        {
            assertTrue(child.awaitOutput("READY", JOIN_SECONDS, TimeUnit.SECONDS), child::output);
            for (final long timeout : new long[] {0, -1, Long.MIN_VALUE})
            {
                assertFalse(child.join(timeout, TimeUnit.NANOSECONDS), "join(" + timeout + ")");
                assertFalse(child.join(timeout, TimeUnit.DAYS), "join(" + timeout + " days)");
                assertFalse(child.awaitOutput("NEVER PRINTED", timeout, TimeUnit.DAYS), "awaitOutput(" + timeout + ")");
                assertTrue(child.awaitOutput("READY", timeout, TimeUnit.DAYS), "a line already printed counts");
            }
            assertThrows(NullPointerException.class, () -> child.join(1, null));
            assertThrows(NullPointerException.class, () -> child.awaitOutput(null, 1, TimeUnit.SECONDS));
            child.kill();
            Await.until("the killed child is seen exited by join(Long.MIN_VALUE)",
                () -> joinNow(child, Long.MIN_VALUE), JOIN_SECONDS, TimeUnit.SECONDS);
            assertTrue(child.join(0, TimeUnit.SECONDS));
            assertTrue(child.join(-1, TimeUnit.SECONDS));
        }
    }

    private static boolean joinNow(final JvmProcess child, final long timeout)
    {
        try
        {
            return child.join(timeout, TimeUnit.NANOSECONDS);
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Test
    void shouldKillWithSigkill() throws InterruptedException
    {
        try (JvmProcess child = ChildJvms.startMain(ProcessChildren.BlockForever.class, "with-hook"))
        {
            assertTrue(child.awaitOutput("READY", JOIN_SECONDS, TimeUnit.SECONDS), child::output);
            child.kill();
            assertTrue(child.join(JOIN_SECONDS, TimeUnit.SECONDS));
            assertFalse(child.isAlive());
            assertEquals(128 + 9, child.exitValue());
            assertFalse(child.output().contains("SHUTDOWN-HOOK"), "SIGKILL runs no shutdown hook");
        }
    }

    @Test
    void shouldTerminateWithSigtermRunningShutdownHooks() throws InterruptedException
    {
        try (JvmProcess child = ChildJvms.startMain(ProcessChildren.BlockForever.class, "with-hook"))
        {
            assertTrue(child.awaitOutput("READY", JOIN_SECONDS, TimeUnit.SECONDS), child::output);
            child.terminate();
            assertTrue(child.join(JOIN_SECONDS, TimeUnit.SECONDS));
            assertEquals(128 + 15, child.exitValue());
            assertTrue(child.output().contains("SHUTDOWN-HOOK"), child::output);
        }
    }

    @Test
    void shouldReturnFalseFromAwaitOutputOnTimeoutAndOnExit() throws InterruptedException
    {
        try (JvmProcess blocked = ChildJvms.startMain(ProcessChildren.BlockForever.class);
            JvmProcess exiting = ChildJvms.startMain(ProcessChildren.EchoAndExit.class, "0"))
        {
            assertTrue(blocked.awaitOutput("READY", JOIN_SECONDS, TimeUnit.SECONDS), blocked::output);
            assertFalse(blocked.awaitOutput("NEVER PRINTED", 100, TimeUnit.MILLISECONDS));
            assertTrue(blocked.isAlive());
            // the child exits without printing it: false well before the long timeout
            assertFalse(exiting.awaitOutput("NEVER PRINTED", 10, TimeUnit.MINUTES));
            assertTrue(exiting.join(JOIN_SECONDS, TimeUnit.SECONDS));
            assertTrue(exiting.awaitOutput("arg0=0", 0, TimeUnit.SECONDS), "already printed lines count");
            assertTrue(blocked.awaitOutput("READY", Long.MAX_VALUE, TimeUnit.DAYS), "a huge timeout must not overflow");
            assertTrue(exiting.join(Long.MAX_VALUE, TimeUnit.DAYS));
        }
    }

    @Test
    void shouldPassJvmArgumentsEnvironmentAndDirectory(@TempDir final Path dir) throws InterruptedException
    {
        try (JvmProcess child = JvmProcess.builder(ProcessChildren.PrintProperty.class).captureOutput().args("jvmipc.test")
            .jvmArgs("-Djvmipc.test=from-parent").environment("JVMIPC_TEST_ENV", "env-value").directory(dir).start())
        {
            assertTrue(child.join(JOIN_SECONDS, TimeUnit.SECONDS));
            assertEquals(0, child.exitValue(), child::output);
            final List<String> lines = child.outputLines();
            assertTrue(lines.contains("property jvmipc.test=from-parent"), lines::toString);
            assertTrue(lines.contains("env JVMIPC_TEST_ENV=env-value"), lines::toString);
            assertTrue(lines.contains("cwd=" + dir.toAbsolutePath()), lines::toString);
        }
    }

    @Test
    void shouldRunTheJavaCommandThroughACommandPrefix() throws InterruptedException
    {
        // env execs the java command with one more variable: the pid, kill and exit value stay the JVM's
        final JvmProcess.Builder builder = JvmProcess.builder(ProcessChildren.PrintProperty.class).captureOutput()
            .args("jvmipc.test").commandPrefix("env", "JVMIPC_TEST_ENV=from-prefix");
        assertEquals(List.of("env", "JVMIPC_TEST_ENV=from-prefix"), builder.command().subList(0, 2));
        try (JvmProcess child = builder.start())
        {
            assertTrue(child.join(JOIN_SECONDS, TimeUnit.SECONDS));
            assertEquals(0, child.exitValue(), child::output);
            assertTrue(child.outputLines().contains("env JVMIPC_TEST_ENV=from-prefix"), child::output);
        }
    }

    @Test
    void shouldKillALiveChildOnClose() throws InterruptedException
    {
        final JvmProcess child = ChildJvms.startMain(ProcessChildren.BlockForever.class);
        assertTrue(child.awaitOutput("READY", JOIN_SECONDS, TimeUnit.SECONDS), child::output);
        assertNotEquals(ProcessHandle.current().pid(), child.pid());
        child.close();
        assertFalse(child.isAlive());
        assertFalse(ProcessHandle.of(child.pid()).map(ProcessHandle::isAlive).orElse(false));
        child.close();
    }

    @Test
    void shouldNotCaptureWithInheritIo() throws InterruptedException
    {
        try (JvmProcess child = JvmProcess.builder(ProcessChildren.EchoAndExit.class).method("quiet")
            .args("5").inheritIO().start())
        {
            assertTrue(child.join(JOIN_SECONDS, TimeUnit.SECONDS));
            assertEquals(5, child.exitValue());
            assertThrows(IllegalStateException.class, child::output);
        }
    }

    @Test
    void shouldDropDebugAgentsAndAddNativeAccess()
    {
        assertFalse(JvmProcess.isInheritable("-agentlib:jdwp=transport=dt_socket,server=y,address=5005"));
        assertFalse(JvmProcess.isInheritable("-javaagent:/x/agent.jar"));
        assertFalse(JvmProcess.isInheritable("-Dsurefire.test.class.path=x"));
        assertTrue(JvmProcess.isInheritable("-Xmx1g"));
        final List<String> inherited = JvmProcess.inheritedJvmArguments();
        assertEquals(1, inherited.stream().filter(JvmProcess.NATIVE_ACCESS::equals).count(), inherited::toString);
    }

    @Test
    void shouldShareNothingByDefaultLikePythonProcesses() throws InterruptedException
    {
        try (JvmProcess adder = JvmProcess.builder(ProcessChildren.GlobalNumber.class).captureOutput().method("change").args("50")
            .start();
            JvmProcess subtracter = JvmProcess.builder(ProcessChildren.GlobalNumber.class).captureOutput().method("change")
                .args("-50").start())
        {
            assertTrue(adder.join(JOIN_SECONDS, TimeUnit.SECONDS));
            assertTrue(subtracter.join(JOIN_SECONDS, TimeUnit.SECONDS));
            assertTrue(adder.outputLines().contains("g_num=150"), adder::output);
            assertTrue(subtracter.outputLines().contains("g_num=50"), subtracter::output);
            assertEquals(100, ProcessChildren.GlobalNumber.gNum, "the parent's copy is untouched");
        }
    }
}
