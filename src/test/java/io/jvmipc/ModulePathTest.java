package io.jvmipc;

import io.jvmipc.file.SharedFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.spi.ToolProvider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The library as the module {@code io.jvmipc} (the tests themselves run on the class path): a small application
 * module that requires it is compiled against the built classes and run on the module path with
 * {@code --enable-native-access=io.jvmipc}, opens a queue, sleeps in a futex wait in {@code take()} until its
 * main thread puts, and reads the counters through the exported inspector; the internals are not exported.
 */
class ModulePathTest
{
    private static final String MODULE = "jvmipc.moduletest";

    @TempDir
    Path tempDir;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldRunOnTheModulePathWithNativeAccessGrantedToTheModuleByName() throws Exception
    {
        final Path classes = Path.of(SharedFile.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        assertTrue(Files.exists(classes.resolve("module-info.class")), "the library is built as a module: " + classes);
        final Path application = compileApplication(classes);
        final Path objects = Files.createDirectory(tempDir.resolve("objects"),
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));

        // --illegal-native-access=deny: a restricted call of a module not granted native access fails instead of
        // warning, so only the grant by the module's name lets the library run
        final Run granted = run(classes, application, objects, "--illegal-native-access=deny",
            "--enable-native-access=io.jvmipc");
        assertEquals(0, granted.code(), granted.toString());
        assertTrue(granted.out().contains("GOT hello"), granted.toString());
        assertTrue(granted.out().contains("library module io.jvmipc"), granted.toString());
        assertTrue(granted.out().contains("native access true"), granted.toString());
        assertTrue(granted.out().contains("internal exported false"), granted.toString());
        assertTrue(granted.out().contains("tools exported false"), granted.toString());
        assertTrue(granted.out().contains("slept true"), "the take slept in a futex wait: " + granted);
        assertFalse(granted.err().contains("restricted method"), "no warning once granted: " + granted);

        final Run ungranted = run(classes, application, objects, "--illegal-native-access=deny");
        assertTrue(ungranted.code() != 0 && !ungranted.out().contains("GOT") &&
            ungranted.err().contains("io.jvmipc"), "without the grant the library's native calls are refused: " +
            ungranted);
    }

    /** Writes and compiles the application module against the library module. */
    private Path compileApplication(final Path classes) throws IOException
    {
        final Path source = tempDir.resolve("src");
        final Path pkg = Files.createDirectories(source.resolve("jvmipc/moduletest"));
        Files.writeString(source.resolve("module-info.java"), "module " + MODULE + " { requires io.jvmipc; }\n");
        Files.writeString(pkg.resolve("Main.java"), """
            package jvmipc.moduletest;

            import io.jvmipc.codec.Codecs;
            import io.jvmipc.file.SharedDirectory;
            import io.jvmipc.queue.SharedQueue;
            import io.jvmipc.tools.inspect.ObjectInspector;
            import java.nio.file.Path;
            import java.util.concurrent.atomic.AtomicReference;

            public final class Main
            {
                public static void main(final String[] args) throws Exception
                {
                    final SharedDirectory directory = SharedDirectory.of(Path.of(args[0]));
                    final Module library = SharedQueue.class.getModule();
                    System.out.println("library module " + library.getName());
                    System.out.println("native access " + library.isNativeAccessEnabled());
                    System.out.println("internal exported " + library.isExported("io.jvmipc.internal"));
                    System.out.println("tools exported " + library.isExported("io.jvmipc.tools"));
                    final String name = "q" + ProcessHandle.current().pid();
                    try (SharedQueue<String> queue = SharedQueue.builder(name, Codecs.utf8()).directory(directory)
                        .create())
                    {
                        final AtomicReference<String> got = new AtomicReference<>();
                        final Thread taker = new Thread(() ->
                        {
                            try
                            {
                                got.set(queue.take());
                            }
                            catch (final InterruptedException e)
                            {
                                Thread.currentThread().interrupt();
                            }
                        });
                        taker.start();
                        final long deadline = System.nanoTime() + 60_000_000_000L;
                        boolean slept = false;
                        while (!slept && System.nanoTime() - deadline < 0)
                        {
                            slept = ObjectInspector.inspect(directory, name).slowPaths().get("futexSleeps") > 0;
                            Thread.onSpinWait();
                        }
                        System.out.println("slept " + slept);
                        queue.put("hello");
                        taker.join();
                        System.out.println("GOT " + got.get());
                    }
                    finally
                    {
                        directory.resolve(name).toFile().delete();
                    }
                }
            }
            """);
        final Path out = Files.createDirectories(tempDir.resolve("app"));
        final ToolProvider javac = ToolProvider.findFirst("javac").orElseThrow();
        final StringWriter diagnostics = new StringWriter();
        final PrintWriter writer = new PrintWriter(diagnostics);
        final int code = javac.run(writer, writer, "--module-path", classes.toString(), "-d", out.toString(),
            source.resolve("module-info.java").toString(), pkg.resolve("Main.java").toString());
        writer.flush();
        assertEquals(0, code, diagnostics.toString());
        return out;
    }

    /** What a run of the application printed and returned. */
    private record Run(int code, String out, String err)
    {
    }

    private Run run(final Path classes, final Path application, final Path objects, final String... flags)
        throws IOException, InterruptedException
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx64m");
        command.addAll(List.of(flags));
        command.add("--module-path");
        command.add(classes + File.pathSeparator + application);
        command.add("-m");
        command.add(MODULE + "/jvmipc.moduletest.Main");
        command.add(objects.toString());
        final Path stdout = tempDir.resolve("out-" + flags.length + ".txt");
        final Path stderr = tempDir.resolve("err-" + flags.length + ".txt");
        final Process process = new ProcessBuilder(command).redirectOutput(stdout.toFile())
            .redirectError(stderr.toFile()).start();
        try
        {
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the module-path JVM did not finish: " + command);
        }
        finally
        {
            process.destroyForcibly();
        }
        return new Run(process.exitValue(), Files.readString(stdout), Files.readString(stderr));
    }
}
