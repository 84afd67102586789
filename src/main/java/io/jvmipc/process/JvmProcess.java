package io.jvmipc.process;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A child JVM running a class's {@code main} (or another public static method): Python's
 * {@code multiprocessing.Process(target=..., args=...)} for JVMs.
 * <p>
 * The child runs with this JVM's {@code java} binary, class path ({@code java.class.path}) and JVM options
 * (minus those that must not be inherited: debugger and instrumentation agents, and the test runner's own
 * options, see {@link #inheritedJvmArguments()}), plus {@code --enable-native-access=ALL-UNNAMED}, which the
 * library's futex and lock calls need. Hand it the names of shared objects as arguments. The child gets the class
 * path only: an application run from the module path is not supported yet.
 * <p>
 * By default the child's stdout and stderr are merged and captured by a daemon thread, line by line:
 * {@link #output()} returns what it printed so far, and {@link #awaitOutput(String, long, TimeUnit)} waits
 * until it printed a given text, which lets a parent know that a child reached a point of its program. With
 * {@link Builder#inheritIO()} the child writes to this JVM's stdout and stderr instead. The child's stdin is
 * closed at start.
 * <p>
 * Crashes: the child is an independent process. If this JVM dies, the child keeps running (as with Python's
 * non-daemon processes); {@link #close()} kills it.
 * <p>
 * Thread-safe.
 */
public final class JvmProcess implements AutoCloseable
{
    /** The option every child gets, so that the library's native calls work without a warning. */
    static final String NATIVE_ACCESS = "--enable-native-access=ALL-UNNAMED";

    private final Process process;
    private final String description;
    private final boolean captured;
    private final Thread reader;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition linesChanged = lock.newCondition();
    private final List<String> lines = new ArrayList<>();
    private boolean outputEnded;

    private JvmProcess(final Process process, final String description, final boolean captured)
    {
        this.process = process;
        this.description = description;
        this.captured = captured;
        if (captured)
        {
            reader = Thread.ofPlatform().daemon().name("jvmipc-output-" + process.pid()).unstarted(this::readOutput);
            reader.start();
        }
        else
        {
            reader = null;
            outputEnded = true;
        }
    }

    /**
     * A builder for a child JVM that runs {@code mainClass}'s {@code main}.
     *
     * @param mainClass the class whose {@code main} (or {@link Builder#method(String) method}) the child runs.
     * @return a builder.
     */
    public static Builder builder(final Class<?> mainClass)
    {
        return new Builder(mainClass);
    }

    /**
     * Starts a child JVM running {@code mainClass.main(args)}, its output captured. Python's
     * {@code Process(target=main, args=args).start()}.
     *
     * @param mainClass the class whose {@code main} the child runs.
     * @param args      the arguments of {@code main}.
     * @return the running child.
     * @throws UncheckedIOException if the JVM cannot be started.
     */
    public static JvmProcess start(final Class<?> mainClass, final String... args)
    {
        return builder(mainClass).args(args).start();
    }

    /**
     * The child's process id. Python's {@code Process.pid}.
     *
     * @return the PID.
     */
    public long pid()
    {
        return process.pid();
    }

    /**
     * Whether the child is still running. Python's {@code Process.is_alive()}. Does not block.
     *
     * @return {@code true} until it has exited.
     */
    public boolean isAlive()
    {
        return process.isAlive();
    }

    /**
     * Waits for the child to exit, for at most {@code timeout}. Python's {@code Process.join(timeout)}, except
     * that it says whether the child exited. Once it returns {@code true}, {@link #output()} holds everything the
     * child printed, unless its last lines were still being read when the timeout passed (or a grandchild of
     * its keeps the output open): the rest of the timeout is given to reading them.
     *
     * @param timeout how long to wait; zero or negative does not wait (as {@code java.util.concurrent}), it only
     *                checks whether the child has exited.
     * @param unit    the unit of {@code timeout}.
     * @return {@code true} if the child has exited, {@code false} if the timeout passed first.
     * @throws InterruptedException if the thread is interrupted while waiting.
     * @throws NullPointerException if {@code unit} is null.
     */
    public boolean join(final long timeout, final TimeUnit unit) throws InterruptedException
    {
        final long start = System.nanoTime();
        final long timeoutNanos = unit.toNanos(timeout);
        if (!process.waitFor(timeoutNanos, TimeUnit.NANOSECONDS))
        {
            return false;
        }
        if (reader != null)
        {
            // the output ends with the process (unless a grandchild holds it open): wait what is left of the
            // timeout; a duration of zero or less does not wait
            final long remaining = timeoutNanos <= 0 ? 0 : timeoutNanos - (System.nanoTime() - start);
            reader.join(Duration.ofNanos(remaining));
        }
        return true;
    }

    /**
     * Waits, without a timeout, for the child to exit. Python's {@code Process.join()}.
     *
     * @return the child's exit value, as {@link #exitValue()}.
     * @throws InterruptedException if the thread is interrupted while waiting.
     */
    public int join() throws InterruptedException
    {
        final int exitValue = process.waitFor();
        if (reader != null)
        {
            reader.join();
        }
        return exitValue;
    }

    /**
     * The child's exit value. Python's {@code Process.exitcode}, except that a child ended by signal
     * {@code n} reports {@code 128 + n} (137 after {@link #kill()}, 143 after {@link #terminate()} of a JVM that
     * does not handle it) where Python reports {@code -n}. Does not block.
     *
     * @return the exit value.
     * @throws IllegalStateException if the child is still running.
     */
    public int exitValue()
    {
        try
        {
            return process.exitValue();
        }
        catch (final IllegalThreadStateException e)
        {
            throw new IllegalStateException(this + " is still running", e);
        }
    }

    /**
     * Asks the child to stop with {@code SIGTERM} (through {@link ProcessHandle#destroy()}, which unlike
     * {@link Process#destroy()} leaves the output pipe open, so what the child prints while stopping is still
     * captured): the child JVM runs its shutdown hooks and exits (with 143 unless a hook halts it with another
     * status). Python's {@code Process.terminate()}. Does not wait: follow with {@link #join(long, TimeUnit)}.
     * Harmless once the child has exited.
     */
    public void terminate()
    {
        process.toHandle().destroy();
    }

    /**
     * Kills the child with {@code SIGKILL} (through {@link ProcessHandle#destroyForcibly()}, leaving the output
     * pipe open so that nothing it printed before is lost): it stops at whatever instruction it was at, as in a
     * crash; shared objects it was attached to see it as dead. Python's {@code Process.kill()}. Does not wait:
     * follow with {@link #join(long, TimeUnit)}. Harmless once the child has exited.
     */
    public void kill()
    {
        process.toHandle().destroyForcibly();
    }

    /**
     * What the child printed so far on stdout and stderr (merged, in the order read), one line per line, each
     * ending with {@code '\n'}. Does not block. Python has no counterpart (its children share the parent's
     * output).
     *
     * @return the captured output, empty if none yet.
     * @throws IllegalStateException if the output is not captured ({@link Builder#inheritIO()}).
     */
    public String output()
    {
        requireCaptured();
        lock.lock();
        try
        {
            final StringBuilder text = new StringBuilder();
            for (final String line : lines)
            {
                text.append(line).append('\n');
            }
            return text.toString();
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * The lines the child printed so far on stdout and stderr, merged. Does not block.
     *
     * @return an unmodifiable snapshot of the lines.
     * @throws IllegalStateException if the output is not captured ({@link Builder#inheritIO()}).
     */
    public List<String> outputLines()
    {
        requireCaptured();
        lock.lock();
        try
        {
            return List.copyOf(lines);
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * Waits until the child has printed a line containing {@code substring} (or had printed one before this
     * call), for at most {@code timeout}. Use it to know that a child reached a point of its program, e.g. a
     * child prints {@code HOLDING} once it holds a lock, and the parent kills it then.
     *
     * @param substring the text to look for within one line.
     * @param timeout   how long to wait; zero or negative does not wait, it only checks the lines printed so far.
     * @param unit      the unit of {@code timeout}.
     * @return {@code true} once such a line was printed; {@code false} if the timeout passed first or the child's
     *         output ended (it exited) without one.
     * @throws InterruptedException  if the thread is interrupted while waiting.
     * @throws IllegalStateException if the output is not captured ({@link Builder#inheritIO()}).
     * @throws NullPointerException  if {@code substring} or {@code unit} is null.
     */
    public boolean awaitOutput(final String substring, final long timeout, final TimeUnit unit)
        throws InterruptedException
    {
        Objects.requireNonNull(substring, "substring");
        requireCaptured();
        long remaining = Math.max(0, unit.toNanos(timeout));
        lock.lock();
        try
        {
            int scanned = 0;
            while (true)
            {
                for (; scanned < lines.size(); scanned++)
                {
                    if (lines.get(scanned).contains(substring))
                    {
                        return true;
                    }
                }
                if (outputEnded)
                {
                    return false;
                }
                if (remaining <= 0)
                {
                    return false;
                }
                remaining = linesChanged.awaitNanos(remaining);
            }
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * Kills the child if it is still running ({@code SIGKILL}) and waits for it to exit. Python's
     * {@code Process.close()}, except that Python refuses to close a running process. Idempotent. If the thread
     * is interrupted, it still waits and keeps the interrupt flag set.
     */
    @Override
    public void close()
    {
        if (process.isAlive())
        {
            process.toHandle().destroyForcibly();
        }
        boolean interrupted = false;
        while (true)
        {
            try
            {
                process.waitFor();
                break;
            }
            catch (final InterruptedException e)
            {
                interrupted = true;
            }
        }
        if (interrupted)
        {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString()
    {
        return "JvmProcess{pid=" + process.pid() + ", " + description + '}';
    }

    /**
     * The JVM options of this JVM that a child inherits: this JVM's input arguments without debugger and
     * instrumentation agents ({@code -agentlib:}, {@code -agentpath:}, {@code -javaagent:}, {@code -Xrunjdwp},
     * {@code -Xdebug}), the test runners' own properties ({@code -Dsurefire.*}, {@code -Dbasedir=},
     * {@code -Dlocalrepository=}, {@code -Didea.*}) and {@code -Djava.class.path=}, and with
     * {@code --enable-native-access=ALL-UNNAMED} present once.
     *
     * @return the options, in order.
     */
    public static List<String> inheritedJvmArguments()
    {
        final List<String> result = new ArrayList<>();
        for (final String argument : ManagementFactory.getRuntimeMXBean().getInputArguments())
        {
            if (isInheritable(argument) && !result.contains(argument))
            {
                result.add(argument);
            }
        }
        if (!result.contains(NATIVE_ACCESS))
        {
            result.add(NATIVE_ACCESS);
        }
        return result;
    }

    static boolean isInheritable(final String argument)
    {
        return !(argument.startsWith("-agentlib:") || argument.startsWith("-agentpath:") ||
            argument.startsWith("-javaagent:") || argument.startsWith("-Xrunjdwp") || argument.equals("-Xdebug") ||
            argument.startsWith("-Dsurefire.") || argument.startsWith("-Dbasedir=") ||
            argument.startsWith("-Dlocalrepository=") || argument.startsWith("-Didea.") ||
            argument.startsWith("-Djava.class.path="));
    }

    static Path javaBinary()
    {
        final Path bin = Path.of(System.getProperty("java.home"), "bin", "java");
        if (Files.isExecutable(bin))
        {
            return bin;
        }
        final Optional<String> command = ProcessHandle.current().info().command();
        return command.map(Path::of).orElseThrow(
            () -> new IllegalStateException("cannot find the java binary of this JVM (java.home " +
                System.getProperty("java.home") + ")"));
    }

    private void requireCaptured()
    {
        if (!captured)
        {
            throw new IllegalStateException(this + ": output is not captured (started with inheritIO())");
        }
    }

    private void readOutput()
    {
        final Charset charset = Charset.forName(System.getProperty("native.encoding", "UTF-8"),
            Charset.defaultCharset());
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), charset)))
        {
            String line;
            while ((line = in.readLine()) != null)
            {
                lock.lock();
                try
                {
                    lines.add(line);
                    linesChanged.signalAll();
                }
                finally
                {
                    lock.unlock();
                }
            }
        }
        catch (final IOException e)
        {
            // the stream closes under us only when the process is gone: its output has ended either way
        }
        finally
        {
            lock.lock();
            try
            {
                outputEnded = true;
                linesChanged.signalAll();
            }
            finally
            {
                lock.unlock();
            }
        }
    }

    /**
     * Configures and starts a child JVM. Not thread-safe; a builder may start several children.
     */
    public static final class Builder
    {
        private final Class<?> mainClass;
        private final List<String> args = new ArrayList<>();
        private final List<String> jvmArgs = new ArrayList<>();
        private final Map<String, String> environment = new LinkedHashMap<>();
        private String method;
        private boolean inheritIO;
        private Path directory;

        private Builder(final Class<?> mainClass)
        {
            if (mainClass == null)
            {
                throw new NullPointerException("mainClass");
            }
            this.mainClass = mainClass;
        }

        /**
         * Appends arguments for the child's {@code main} (or method). Python's {@code Process(args=...)}.
         *
         * @param args the arguments.
         * @return this builder.
         */
        public Builder args(final String... args)
        {
            Collections.addAll(this.args, args);
            return this;
        }

        /**
         * Appends JVM options (such as {@code -Xmx64m} or {@code -Dname=value}) after the inherited ones, so
         * that they win where the JVM takes the last occurrence.
         *
         * @param jvmArgs the options.
         * @return this builder.
         */
        public Builder jvmArgs(final String... jvmArgs)
        {
            Collections.addAll(this.jvmArgs, jvmArgs);
            return this;
        }

        /**
         * Runs {@code public static void name(String[] args)} of the class instead of {@code main}: Python's
         * {@code Process(target=function)}. A small launcher class in this package calls it; an exception it
         * throws ends the child with exit value 1 and its stack trace on stderr, as from {@code main}.
         *
         * @param name the method's name.
         * @return this builder.
         * @throws IllegalArgumentException if the class has no such public static void method.
         */
        public Builder method(final String name)
        {
            final Method target;
            try
            {
                target = mainClass.getMethod(name, String[].class);
            }
            catch (final NoSuchMethodException e)
            {
                throw new IllegalArgumentException(mainClass.getName() + " has no public method " + name +
                    "(String[])", e);
            }
            if (!Modifier.isStatic(target.getModifiers()) || target.getReturnType() != void.class)
            {
                throw new IllegalArgumentException(mainClass.getName() + "." + name +
                    "(String[]) must be public static void");
            }
            this.method = name;
            return this;
        }

        /**
         * Lets the child write to this JVM's stdout and stderr instead of capturing its output; then
         * {@link #output()} and {@link #awaitOutput(String, long, TimeUnit)} are not available.
         *
         * @return this builder.
         */
        public Builder inheritIO()
        {
            this.inheritIO = true;
            return this;
        }

        /**
         * Sets an environment variable of the child (which otherwise inherits this JVM's environment).
         *
         * @param name  the variable.
         * @param value its value.
         * @return this builder.
         */
        public Builder environment(final String name, final String value)
        {
            environment.put(name, value);
            return this;
        }

        /**
         * Sets the child's working directory (default: this JVM's).
         *
         * @param directory the directory.
         * @return this builder.
         */
        public Builder directory(final Path directory)
        {
            this.directory = directory;
            return this;
        }

        /**
         * The command line the child would be started with.
         *
         * @return the command: java, JVM options, class path, main class, arguments.
         */
        public List<String> command()
        {
            final List<String> command = new ArrayList<>();
            command.add(javaBinary().toString());
            command.addAll(inheritedJvmArguments());
            command.addAll(jvmArgs);
            command.add("-cp");
            command.add(System.getProperty("java.class.path"));
            if (method == null)
            {
                command.add(mainClass.getName());
            }
            else
            {
                command.add(MethodLauncher.class.getName());
                command.add(mainClass.getName());
                command.add(method);
            }
            command.addAll(args);
            return command;
        }

        /**
         * Starts the child. Python's {@code Process.start()}. Returns once the process exists, not once its
         * {@code main} runs (use {@link JvmProcess#awaitOutput(String, long, TimeUnit)} for that).
         *
         * @return the running child.
         * @throws UncheckedIOException if the JVM cannot be started.
         */
        public JvmProcess start()
        {
            final ProcessBuilder builder = new ProcessBuilder(command());
            builder.environment().putAll(environment);
            if (directory != null)
            {
                builder.directory(directory.toFile());
            }
            if (inheritIO)
            {
                builder.inheritIO();
            }
            else
            {
                builder.redirectErrorStream(true);
            }
            final String description = mainClass.getName() + (method == null ? "" : "." + method) + " " + args;
            final Process process;
            try
            {
                process = builder.start();
            }
            catch (final IOException e)
            {
                throw new UncheckedIOException("cannot start a JVM for " + description, e);
            }
            if (!inheritIO)
            {
                try
                {
                    process.getOutputStream().close();
                }
                catch (final IOException ignored)
                {
                    // the child's stdin is closed either way
                }
            }
            return new JvmProcess(process, description, !inheritIO);
        }
    }
}
