package io.jvmipc.process;

import io.jvmipc.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Lambda targets, inherited output, start failures, daemon children and process names, across real JVMs. */
@Timeout(120)
class JvmProcessTargetTest
{
    private static final long SECONDS = 60;

    @Test
    void shouldRunALambdaWithItsCapturedStringAndInt() throws InterruptedException
    {
        final String who = "wörld";
        final int times = 3;
        try (JvmProcess child = JvmProcess.builder(() -> ProcessChildren.greet(who, times)).name("greeter")
            .captureOutput().start())
        {
            assertEquals(0, child.join(), child::output);
            assertTrue(child.outputLines().contains("hello wörld x3 from greeter"), child::output);
            assertEquals("greeter", child.name());
        }
    }

    @Test
    void shouldRunAMethodReferenceAndTellItsNameAndPid() throws InterruptedException
    {
        try (JvmProcess child = JvmProcess.builder(ProcessChildren::printCurrent).captureOutput().start())
        {
            assertEquals(0, child.join(), child::output);
            assertTrue(child.name().startsWith("Process-"), child.name());
            assertTrue(child.outputLines().contains("current name=" + child.name() + " pid=" + child.pid() +
                " daemon=false"), child::output);
        }
    }

    @Test
    void shouldNameThisJvmMainProcess()
    {
        final CurrentProcess current = JvmProcess.current();
        assertEquals(CurrentProcess.MAIN_PROCESS, current.name());
        assertEquals(ProcessHandle.current().pid(), current.pid());
        assertFalse(current.daemon());
    }

    @Test
    void shouldRefuseANonSerializableCaptureAtStartNamingItsClass()
    {
        final ProcessChildren.NotSerializableValue value = new ProcessChildren.NotSerializableValue();
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> JvmProcess.start(() -> System.out.println(value)));
        assertTrue(e.getMessage().contains(ProcessChildren.NotSerializableValue.class.getName()), e::getMessage);
    }

    @Test
    void shouldRefuseArgsAndMethodForALambdaTarget()
    {
        final JvmProcess.Builder builder = JvmProcess.builder(ProcessChildren::printCurrent);
        assertThrows(IllegalStateException.class, () -> builder.args("x"));
        assertThrows(IllegalStateException.class, () -> builder.method("main"));
        assertThrows(NullPointerException.class, () -> JvmProcess.builder((SerializableRunnable)null));
        assertThrows(NullPointerException.class, () -> builder.name(null));
    }

    @Test
    void shouldWriteToTheParentsOutputByDefault() throws InterruptedException
    {
        try (JvmProcess parent = JvmProcess.builder(ProcessChildren.InheritingParent.class).args("hi there")
            .name("outer").captureOutput().start())
        {
            assertEquals(0, parent.join(), parent::output);
            final List<String> lines = parent.outputLines();
            assertTrue(lines.contains("grandchild says hi there"), lines::toString);
            assertTrue(lines.contains("joined true exit 0"), lines::toString);
            assertTrue(lines.stream().anyMatch(line -> line.startsWith("awaitOutput refused: ") &&
                line.contains("captureOutput")), lines::toString);
            // the grandchild has a name of its own, not its parent's
            assertTrue(lines.stream().anyMatch(line -> line.startsWith("current name=Process-2 ")), lines::toString);
        }
    }

    @Test
    void shouldThrowAtStartWithTheJvmsErrorForBadOptions()
    {
        for (final boolean capture : new boolean[] {false, true})
        {
            final JvmProcess.Builder builder = JvmProcess.builder(ProcessChildren.EchoAndExit.class).args("0")
                .jvmArgs("-XX:+JvmipcNoSuchOption");
            if (capture)
            {
                builder.captureOutput();
            }
            final ChildStartException e = assertThrows(ChildStartException.class, builder::start);
            assertTrue(e.getMessage().contains("JvmipcNoSuchOption"), e::getMessage);
            assertTrue(e.getMessage().contains("before its target started"), e::getMessage);
        }
    }

    @Test
    void shouldThrowFromJoinWhenTheStartWasNotAwaited() throws InterruptedException
    {
        try (JvmProcess child = JvmProcess.builder(ProcessChildren.EchoAndExit.class).args("0")
            .jvmArgs("-XX:+JvmipcNoSuchOption").startTimeout(0, TimeUnit.SECONDS).start())
        {
            final ChildStartException e = assertThrows(ChildStartException.class, child::join);
            assertTrue(e.getMessage().contains("JvmipcNoSuchOption"), e::getMessage);
            assertThrows(ChildStartException.class, () -> child.join(1, TimeUnit.SECONDS));
        }
    }

    @Test
    void shouldThrowAtStartWithTheChildsErrorWhenTheTargetCannotBeRead()
    {
        final ProcessChildren.FailsInChild value = new ProcessChildren.FailsInChild();
        final ChildStartException e = assertThrows(ChildStartException.class,
            () -> JvmProcess.start(() -> System.out.println(value)));
        assertTrue(e.getMessage().contains("refusing to be deserialised in Process-"), e::getMessage);
        assertTrue(e.getMessage().contains("exit value 1"), e::getMessage);
    }

    @Test
    void shouldRefuseAClassThatIsNotOnTheClassPath() throws Exception
    {
        final List<URL> urls = new ArrayList<>();
        for (final String entry : System.getProperty("java.class.path").split(File.pathSeparator))
        {
            urls.add(Path.of(entry).toUri().toURL());
        }
        try (URLClassLoader loader = new URLClassLoader(urls.toArray(URL[]::new),
            ClassLoader.getPlatformClassLoader()))
        {
            final Class<?> copy = Class.forName(ProcessChildren.EchoAndExit.class.getName(), false, loader);
            final ChildStartException e = assertThrows(ChildStartException.class,
                () -> JvmProcess.start(copy, "0"));
            assertTrue(e.getMessage().contains("not from the class path"), e::getMessage);
        }
    }

    @Test
    void shouldRefuseASourceFileLaunchWithAClearMessage(@TempDir final Path dir) throws Exception
    {
        final Path source = dir.resolve("Main.java");
        Files.writeString(source, """
            import io.jvmipc.process.ChildStartException;
            import io.jvmipc.process.JvmProcess;

            public class Main
            {
                public static void main(String[] args) throws Exception
                {
                    try
                    {
                        JvmProcess.start(() -> System.out.println("RAN"));
                        System.out.println("NOT REFUSED");
                    }
                    catch (ChildStartException e)
                    {
                        System.out.println("REFUSED " + e.getMessage());
                    }
                }
            }
            """);
        final Process java = new ProcessBuilder(JvmProcess.javaBinary().toString(), JvmProcess.NATIVE_ACCESS,
            "-cp", System.getProperty("java.class.path"), source.toString()).redirectErrorStream(true).start();
        java.getOutputStream().close();
        final String output = new String(java.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(java.waitFor(SECONDS, TimeUnit.SECONDS));
        assertTrue(output.contains("REFUSED ") && output.contains("source file") && output.contains("Main.java"),
            output);
        assertFalse(output.contains("RAN"), output);
    }

    @Test
    void shouldAdmitOnlyTheClassesThatTheParentWrote(@TempDir final Path dir) throws Exception
    {
        final ArrayList<String> list = new ArrayList<>(List.of("x"));
        final SerializableRunnable target = () -> System.out.println("RAN " + list);
        try (OutputStream file = Files.newOutputStream(dir.resolve(MethodLauncher.TARGET_FILE));
            ObjectOutputStream out = new ObjectOutputStream(file))
        {
            out.writeObject(target);
        }
        // the allow-list leaves out ArrayList, which the stream holds
        final String allowed = "java.lang.invoke.SerializedLambda," + JvmProcessTargetTest.class.getName() +
            ",[Ljava.lang.Object;";
        try (JvmProcess child = JvmProcess.builder(MethodLauncher.class)
            .args(dir.toString(), "0", "lambda", allowed).captureOutput().start())
        {
            assertEquals(1, child.join(), child::output);
            assertFalse(child.output().contains("RAN"), child::output);
            final String status = Files.readString(dir.resolve(MethodLauncher.STATUS_FILE));
            assertTrue(status.startsWith(MethodLauncher.FAILED) && status.contains("REJECTED"), status);
        }
    }

    @Test
    void shouldEndADaemonChildWhenItsParentIsKilled() throws InterruptedException
    {
        final long grandchild = startGrandchildAndKillParent("daemon");
        Await.until("the daemon grandchild " + grandchild + " ends with its parent", () -> !alive(grandchild),
            SECONDS, TimeUnit.SECONDS);
    }

    @Test
    void shouldLetANonDaemonChildOutliveItsParent() throws InterruptedException
    {
        final long grandchild = startGrandchildAndKillParent("plain");
        try
        {
            assertTrue(alive(grandchild), "a non-daemon grandchild outlives its killed parent");
            final Optional<ProcessHandle> handle = ProcessHandle.of(grandchild);
            assertTrue(handle.isPresent());
            assertTrue(handle.get().info().arguments().map(a -> String.join(" ", a)).orElse("")
                .contains(ProcessChildren.BlockForever.class.getName()), "pid " + grandchild + " is the grandchild");
        }
        finally
        {
            ProcessHandle.of(grandchild).ifPresent(ProcessHandle::destroyForcibly);
        }
        Await.until("the grandchild is gone", () -> !alive(grandchild), SECONDS, TimeUnit.SECONDS);
    }

    @Test
    void shouldKeepADaemonChildWhoseStartingThreadEnded() throws InterruptedException
    {
        try (JvmProcess parent = JvmProcess.builder(ProcessChildren.GrandParent.class).args("daemon", "thread")
            .captureOutput().start())
        {
            assertTrue(parent.awaitOutput("GRANDCHILD ", SECONDS, TimeUnit.SECONDS), parent::output);
            assertTrue(parent.outputLines().contains("SURVIVED"), parent::output);
            final long grandchild = grandchildPid(parent);
            parent.kill();
            Await.until("the daemon grandchild ends with its parent", () -> !alive(grandchild), SECONDS,
                TimeUnit.SECONDS);
        }
    }

    @Test
    void shouldTellADaemonChildThatItIsOne() throws InterruptedException
    {
        try (JvmProcess child = JvmProcess.builder(ProcessChildren::printCurrent).daemon(true).name("d")
            .captureOutput().start())
        {
            assertEquals(0, child.join(), child::output);
            assertTrue(child.isDaemon());
            assertTrue(child.output().contains("current name=d pid=" + child.pid() + " daemon=true"), child::output);
        }
    }

    private static long startGrandchildAndKillParent(final String mode) throws InterruptedException
    {
        try (JvmProcess parent = JvmProcess.builder(ProcessChildren.GrandParent.class).args(mode).captureOutput()
            .start())
        {
            assertTrue(parent.awaitOutput("GRANDCHILD ", SECONDS, TimeUnit.SECONDS), parent::output);
            final long grandchild = grandchildPid(parent);
            assertTrue(alive(grandchild));
            parent.kill();
            // not join: a grandchild that lives on holds the captured output open, and join waits for its end
            Await.until("the killed parent exits", () -> !parent.isAlive(), SECONDS, TimeUnit.SECONDS);
            return grandchild;
        }
    }

    private static long grandchildPid(final JvmProcess parent)
    {
        return parent.outputLines().stream().filter(line -> line.startsWith("GRANDCHILD ")).findFirst()
            .map(line -> Long.parseLong(line.substring("GRANDCHILD ".length()).strip())).orElseThrow();
    }

    private static boolean alive(final long pid)
    {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
}
