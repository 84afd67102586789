package io.jvmipc.process;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.NotSerializableException;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.lang.invoke.SerializedLambda;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A child JVM running a target: Python's {@code multiprocessing.Process(target=..., args=...)} for JVMs. The
 * target is a lambda or method reference ({@link #start(SerializableRunnable)}: its captured values are the
 * arguments, serialised to the child), a class's {@code main} ({@link #start(Class, String...)}), or another
 * public static method of a class ({@link Builder#method(String)}).
 * <p>
 * The child runs with this JVM's {@code java} binary, class path ({@code java.class.path}) and JVM options
 * (minus those that must not be inherited: debugger and instrumentation agents, and the test runner's own
 * options, see {@link #inheritedJvmArguments()}), plus {@code --enable-native-access=ALL-UNNAMED}, which the
 * library's futex and lock calls need. The child gets the class path only: an application run from the module
 * path is not supported yet, and classes that are not on the class path (a source-file launch
 * {@code java Main.java} compiles its classes in memory) cannot be a child's target: {@code start} refuses them
 * with {@link ChildStartException}.
 * <p>
 * Output: as in Python, the child writes to this JVM's stdout and stderr (its stdin is {@code /dev/null}). With
 * {@link Builder#captureOutput()} its stdout and stderr are merged and captured by a daemon thread, line by
 * line, instead: {@link #output()} returns what it printed so far, and
 * {@link #awaitOutput(String, long, TimeUnit)} waits until it printed a given text, which lets a parent know
 * that a child reached a point of its program. With {@link Builder#inheritIO()} it also reads this JVM's stdin.
 * <p>
 * Start: {@link Builder#start()} returns once the child's JVM is up and about to run the target (a child
 * started without a wait, {@link Builder#startTimeout(long, TimeUnit)} of zero, is checked by {@code join}). A
 * child that dies before that (the JVM refused its options, the target's class or method is missing, the
 * target cannot be deserialised) makes {@code start} (or {@code join}) throw {@link ChildStartException} with the
 * child's error text.
 * <p>
 * Crashes: a child is an independent process. If this JVM dies, the child keeps running (as with Python's
 * non-daemon processes), unless it is a {@linkplain Builder#daemon(boolean) daemon}; {@link #close()} kills it.
 * <p>
 * Thread-safe.
 */
public final class JvmProcess implements AutoCloseable
{
    /** The option every child gets, so that the library's native calls work without a warning. */
    static final String NATIVE_ACCESS = "--enable-native-access=ALL-UNNAMED";

    /** How long {@code start} waits by default for the child's JVM to reach its target. */
    static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(30);

    /** How long the parent sleeps between two looks at the child's status file while it starts. */
    private static final long STATUS_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    /** How long a failed child's last output, or a diagnostic run of the JVM's options, is waited for. */
    private static final long DIAGNOSTIC_NANOS = TimeUnit.SECONDS.toNanos(30);

    private static final AtomicInteger CHILDREN = new AtomicInteger();

    private final Process process;
    private final String name;
    private final String description;
    private final boolean captured;
    private final List<String> jvmOptions;
    private final Thread reader;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition linesChanged = lock.newCondition();
    private final List<String> lines = new ArrayList<>();
    private final Object startLock = new Object();
    private boolean outputEnded;
    /** The control directory while the start is not yet confirmed; null once it is (and the directory gone). */
    private Path control;
    private ChildStartException startFailure;

    private final boolean daemon;

    private JvmProcess(final Process process, final String name, final String description, final boolean captured,
        final boolean daemon, final List<String> jvmOptions, final Path control)
    {
        this.process = process;
        this.daemon = daemon;
        this.name = name;
        this.description = description;
        this.captured = captured;
        this.jvmOptions = jvmOptions;
        this.control = control;
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
     * @throws NullPointerException if {@code mainClass} is null.
     */
    public static Builder builder(final Class<?> mainClass)
    {
        return new Builder(Objects.requireNonNull(mainClass, "mainClass"), null);
    }

    /**
     * A builder for a child JVM that runs {@code target}, a lambda or method reference whose captured values
     * are its arguments: Python's {@code Process(target=f, args=(a, b))} is
     * {@code JvmProcess.builder(() -> f(a, b))}. The target and what it captures are serialised in a private
     * temporary directory; the child reads them back through a filter that admits only the classes written.
     *
     * @param target what the child runs; an exception it throws ends the child with exit value 1 and its stack
     *               trace on stderr.
     * @return a builder.
     * @throws NullPointerException if {@code target} is null.
     */
    public static Builder builder(final SerializableRunnable target)
    {
        return new Builder(null, Objects.requireNonNull(target, "target"));
    }

    /**
     * Starts a child JVM running {@code mainClass.main(args)}, writing to this JVM's stdout and stderr. Python's
     * {@code Process(target=main, args=args).start()}.
     *
     * @param mainClass the class whose {@code main} the child runs.
     * @param args      the arguments of {@code main}.
     * @return the running child.
     * @throws ChildStartException  if the child could not start its {@code main}.
     * @throws UncheckedIOException if the JVM cannot be started.
     */
    public static JvmProcess start(final Class<?> mainClass, final String... args)
    {
        return builder(mainClass).args(args).start();
    }

    /**
     * Starts a child JVM running {@code target}, writing to this JVM's stdout and stderr: Python's
     * {@code Process(target=f, args=(a, b)).start()} is {@code JvmProcess.start(() -> f(a, b))}. See
     * {@link #builder(SerializableRunnable)}.
     *
     * @param target what the child runs, with its captured values.
     * @return the running child.
     * @throws IllegalArgumentException if the target or a value it captures cannot be serialised (the message
     *                                  names the class).
     * @throws ChildStartException      if the child could not start the target.
     * @throws UncheckedIOException     if the JVM cannot be started.
     */
    public static JvmProcess start(final SerializableRunnable target)
    {
        return builder(target).start();
    }

    /**
     * This JVM as a process: its name and pid. Python's {@code multiprocessing.current_process()}.
     *
     * @return this process.
     */
    public static CurrentProcess current()
    {
        return CurrentProcess.get();
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
     * The child's name, as {@link Builder#name(String)} set it ({@code Process-N} by default); the child sees it
     * as {@link #current()}{@code .name()}. Python's {@code Process.name}.
     *
     * @return the name.
     */
    public String name()
    {
        return name;
    }

    /**
     * Whether the child is a daemon: it ends when this JVM dies. Python's {@code Process.daemon}.
     *
     * @return {@code true} if it was started with {@link Builder#daemon(boolean) daemon(true)}.
     */
    public boolean isDaemon()
    {
        return daemon;
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
     * @throws ChildStartException  if the child exited before its target started (only for a child started
     *                              without waiting for that, see {@link Builder#startTimeout(long, TimeUnit)}).
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
        checkStarted();
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
     * @throws ChildStartException  if the child exited before its target started (only for a child started
     *                              without waiting for that, see {@link Builder#startTimeout(long, TimeUnit)}).
     * @throws InterruptedException if the thread is interrupted while waiting.
     */
    public int join() throws InterruptedException
    {
        final int exitValue = process.waitFor();
        checkStarted();
        if (reader != null)
        {
            reader.join();
        }
        return exitValue;
    }

    /**
     * A future completed with this child once it has exited (however it ended), as {@link Process#onExit()}; its
     * dependent actions run in a JDK thread that watches processes, so they must be short.
     *
     * @return the future.
     */
    public CompletableFuture<JvmProcess> onExit()
    {
        return process.onExit().thenApply(ignored -> this);
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
     * @throws IllegalStateException if the output is not captured (no {@link Builder#captureOutput()}).
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
     * @throws IllegalStateException if the output is not captured (no {@link Builder#captureOutput()}).
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
     * @throws IllegalStateException if the output is not captured (no {@link Builder#captureOutput()}).
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
     * Kills the child if it is still running ({@code SIGKILL}), removes its start-up files and waits for it to
     * exit. Python's {@code Process.close()}, except that Python refuses to close a running process. Idempotent. If the thread
     * is interrupted, it still waits and keeps the interrupt flag set.
     */
    @Override
    public void close()
    {
        if (process.isAlive())
        {
            process.toHandle().destroyForcibly();
        }
        deleteControl();
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
        return "JvmProcess{pid=" + process.pid() + ", name=" + name + ", " + description + '}';
    }

    /**
     * The JVM options of this JVM that a child inherits: this JVM's input arguments without debugger and
     * instrumentation agents ({@code -agentlib:}, {@code -agentpath:}, {@code -javaagent:}, {@code -Xrunjdwp},
     * {@code -Xdebug}), the test runners' own properties ({@code -Dsurefire.*}, {@code -Dbasedir=},
     * {@code -Dlocalrepository=}, {@code -Didea.*}), {@code -Djava.class.path=} and this JVM's own process
     * properties ({@code -Djvmipc.process.*}: a child gets its own name), and with
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
            argument.startsWith("-Djava.class.path=") || argument.startsWith("-Djvmipc.process."));
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
            throw new IllegalStateException(this + ": output is not captured: the child writes to this JVM's " +
                "stdout and stderr; ask for Builder.captureOutput() to read it");
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
     * Waits, for at most {@code timeoutNanos}, until the child's launcher reported that the target is about to
     * run; kills the child and throws if it failed, died or timed out. Keeps waiting if interrupted (the wait is
     * bounded) and restores the interrupt.
     */
    private void awaitStarted(final long timeoutNanos)
    {
        final long deadline = System.nanoTime() + timeoutNanos;
        boolean interrupted = false;
        try
        {
            while (true)
            {
                final boolean exited = !process.isAlive();
                final String status = readStatus();
                if (status != null || exited)
                {
                    settle(status);
                    return;
                }
                final long left = deadline - System.nanoTime();
                if (left <= 0)
                {
                    final ChildStartException failure = new ChildStartException(this + " did not start its target " +
                        "within " + Duration.ofNanos(timeoutNanos) + "; it was killed");
                    fail(failure);
                    throw failure;
                }
                try
                {
                    process.waitFor(Math.min(left, STATUS_POLL_NANOS), TimeUnit.NANOSECONDS);
                }
                catch (final InterruptedException e)
                {
                    interrupted = true;
                }
            }
        }
        finally
        {
            if (interrupted)
            {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** After the child exited: throws if its target never started (for a child whose start was not awaited). */
    private void checkStarted()
    {
        final ChildStartException failure;
        synchronized (startLock)
        {
            if (control == null && startFailure == null)
            {
                return;
            }
            failure = startFailure;
        }
        if (failure != null)
        {
            throw failure;
        }
        settle(readStatus());
    }

    /**
     * Acts on the status file's content: returns if the target started, throws otherwise (the child is then
     * killed). {@code status} null means that the child exited without writing it.
     */
    private void settle(final String status)
    {
        if (status != null && status.startsWith(MethodLauncher.STARTED))
        {
            deleteControl();
            return;
        }
        final ChildStartException failure;
        if (status != null)
        {
            awaitExit();
            failure = new ChildStartException(this + " could not start its target" + exitText() + ":\n" +
                status.substring(status.indexOf('\n') + 1).strip());
        }
        else
        {
            failure = new ChildStartException(this + " exited" + exitText() + " before its target started:\n" +
                deadChildText());
        }
        fail(failure);
        throw failure;
    }

    private void fail(final ChildStartException failure)
    {
        process.toHandle().destroyForcibly();
        awaitExit();
        synchronized (startLock)
        {
            startFailure = failure;
        }
        deleteControl();
    }

    private void awaitExit()
    {
        try
        {
            process.waitFor(DIAGNOSTIC_NANOS, TimeUnit.NANOSECONDS);
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
        }
    }

    private String exitText()
    {
        if (process.isAlive())
        {
            return "";
        }
        final int exit = process.exitValue();
        return exit > 128 ? " (killed by signal " + (exit - 128) + ")" : " with exit value " + exit;
    }

    /**
     * What a child that died before its launcher ran printed: its captured output, or, when it wrote to this
     * JVM's stderr, the error of a diagnostic run of {@code java <its options> -version} (the JVM refuses bad
     * options in the same way).
     */
    private String deadChildText()
    {
        if (captured)
        {
            try
            {
                reader.join(Duration.ofNanos(DIAGNOSTIC_NANOS));
            }
            catch (final InterruptedException e)
            {
                Thread.currentThread().interrupt();
            }
            return output().strip();
        }
        if (process.exitValue() > 128)
        {
            return "(it was killed; what it printed went to this JVM's stdout and stderr)";
        }
        final List<String> diagnostic = new ArrayList<>();
        diagnostic.add(javaBinary().toString());
        diagnostic.addAll(jvmOptions);
        diagnostic.add("-version");
        try
        {
            final Process check = new ProcessBuilder(diagnostic).redirectErrorStream(true).start();
            check.getOutputStream().close();
            final String text = new String(check.getInputStream().readAllBytes(), Charset.defaultCharset()).strip();
            if (check.waitFor(DIAGNOSTIC_NANOS, TimeUnit.NANOSECONDS) && check.exitValue() != 0)
            {
                return text;
            }
            check.destroyForcibly();
        }
        catch (final IOException e)
        {
            return "(its error went to this JVM's stderr; a diagnostic run of its options failed: " + e + ")";
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
        }
        return "(its error went to this JVM's stderr)";
    }

    private String readStatus()
    {
        final Path directory;
        synchronized (startLock)
        {
            directory = control;
        }
        if (directory == null)
        {
            return MethodLauncher.STARTED;
        }
        try
        {
            return Files.readString(directory.resolve(MethodLauncher.STATUS_FILE), StandardCharsets.UTF_8);
        }
        catch (final NoSuchFileException e)
        {
            return null;
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException("cannot read the start status of " + this, e);
        }
    }

    private void deleteControl()
    {
        final Path directory;
        synchronized (startLock)
        {
            directory = control;
            control = null;
        }
        deleteTree(directory);
    }

    private static void deleteTree(final Path directory)
    {
        if (directory == null)
        {
            return;
        }
        for (final String file : new String[] {MethodLauncher.STATUS_FILE, MethodLauncher.STATUS_FILE + ".tmp",
            MethodLauncher.TARGET_FILE})
        {
            try
            {
                Files.deleteIfExists(directory.resolve(file));
            }
            catch (final IOException e)
            {
                // a file that cannot be removed stays in the temporary directory; nothing depends on it
            }
        }
        try
        {
            Files.deleteIfExists(directory);
        }
        catch (final IOException e)
        {
            // as above
        }
    }

    /** A serialised target: its bytes, the classes the stream names (comma-separated), a description. */
    record SerialisedTarget(byte[] bytes, Set<Class<?>> classes, String description)
    {
        String allowed()
        {
            final StringBuilder names = new StringBuilder();
            for (final Class<?> type : classes)
            {
                names.append(names.isEmpty() ? "" : ",").append(type.getName());
            }
            return names.toString();
        }
    }

    /** Records every class the stream describes, and the lambda's serialised form. */
    private static final class TargetOutput extends ObjectOutputStream
    {
        private final Set<Class<?>> classes = new LinkedHashSet<>();
        private SerializedLambda lambda;

        TargetOutput(final OutputStream out) throws IOException
        {
            super(out);
            enableReplaceObject(true);
        }

        @Override
        protected void annotateClass(final Class<?> type)
        {
            classes.add(type);
        }

        @Override
        protected void annotateProxyClass(final Class<?> type) throws IOException
        {
            throw new NotSerializableException(type.getName() + " (a proxy class, which a child cannot be sent)");
        }

        @Override
        protected Object replaceObject(final Object object)
        {
            if (lambda == null && object instanceof final SerializedLambda serialized)
            {
                lambda = serialized;
            }
            return object;
        }
    }

    /** Serialises a target (or a {@link JvmPool} task), recording the classes its stream names. */
    static SerialisedTarget serialise(final Serializable target)
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final TargetOutput out;
        try
        {
            out = new TargetOutput(bytes);
            out.writeObject(target);
            out.close();
        }
        catch (final NotSerializableException e)
        {
            throw new IllegalArgumentException("the target cannot be sent to a child JVM: it is or captures a " +
                e.getMessage() + ", which is not Serializable (capture only serializable values; a lambda " +
                "written in an instance method that uses a field captures 'this')", e);
        }
        catch (final IOException e)
        {
            throw new IllegalArgumentException("the target cannot be serialised for a child JVM: " + e, e);
        }
        final String description = out.lambda == null ? target.getClass().getName() :
            "lambda " + out.lambda.getCapturingClass().replace('/', '.') + "." + out.lambda.getImplMethodName();
        return new SerialisedTarget(bytes.toByteArray(), out.classes, description);
    }

    /** Throws if the child, which has this JVM's class path only, could not load {@code type} as this JVM has. */
    private static void requireOnClassPath(final Class<?> type, final String description)
    {
        Class<?> element = type;
        while (element.isArray())
        {
            element = element.getComponentType();
        }
        final ClassLoader loader = element.getClassLoader();
        if (element.isPrimitive() || loader == null || loader == ClassLoader.getPlatformClassLoader())
        {
            return;
        }
        try
        {
            if (Class.forName(element.getName(), false, ClassLoader.getSystemClassLoader()) == element)
            {
                return;
            }
        }
        catch (final ClassNotFoundException | LinkageError e)
        {
            // not on the class path: refused below
        }
        final String sourceFile = System.getProperty("jdk.launcher.sourcefile");
        if (sourceFile != null)
        {
            throw new ChildStartException("cannot start a child JVM for " + description + ": this JVM runs the " +
                "source file " + sourceFile + " (java " + Path.of(sourceFile).getFileName() + "), whose classes " +
                "are compiled in memory, so a child cannot load " + element.getName() + ". Compile it (javac -d " +
                "classes ...) and run it from the class path (java -cp classes ...)");
        }
        throw new ChildStartException("cannot start a child JVM for " + description + ": " + element.getName() +
            " was loaded by " + loader + ", not from the class path (java.class.path) that a child gets");
    }

    /** Starts the processes of daemon children from one thread that lives as long as this JVM (see daemon). */
    private static final class Spawner
    {
        private static final ExecutorService THREAD = Executors.newSingleThreadExecutor(
            task -> Thread.ofPlatform().daemon().name("jvmipc-daemon-spawner").unstarted(task));

        private Spawner()
        {
        }

        static Process start(final ProcessBuilder builder) throws IOException
        {
            final Future<Process> started = THREAD.submit(builder::start);
            boolean interrupted = false;
            try
            {
                while (true)
                {
                    try
                    {
                        return started.get();
                    }
                    catch (final InterruptedException e)
                    {
                        // the process is being started: wait for it, so that it is never left unowned
                        interrupted = true;
                    }
                    catch (final ExecutionException e)
                    {
                        if (e.getCause() instanceof final IOException io)
                        {
                            throw io;
                        }
                        if (e.getCause() instanceof final RuntimeException runtime)
                        {
                            throw runtime;
                        }
                        throw new IllegalStateException("cannot start a child JVM", e.getCause());
                    }
                }
            }
            finally
            {
                if (interrupted)
                {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /** Where a child's stdout and stderr go. */
    private enum Output
    {
        /** To this JVM's stdout and stderr; stdin is {@code /dev/null}. */
        INHERIT,
        /** Merged and captured; stdin is closed. */
        CAPTURE,
        /** All three of this JVM's standard streams. */
        INHERIT_ALL
    }

    /**
     * Configures and starts a child JVM. Not thread-safe; a builder may start several children.
     */
    public static final class Builder
    {
        private final Class<?> mainClass;
        private final SerializableRunnable target;
        private final List<String> args = new ArrayList<>();
        private final List<String> jvmArgs = new ArrayList<>();
        private final Map<String, String> environment = new LinkedHashMap<>();
        private final List<String> commandPrefix = new ArrayList<>();
        private String method;
        private Output output = Output.INHERIT;
        private Path directory;
        private String name;
        private boolean daemon;
        private long startTimeoutNanos = DEFAULT_START_TIMEOUT.toNanos();

        private Builder(final Class<?> mainClass, final SerializableRunnable target)
        {
            this.mainClass = mainClass;
            this.target = target;
        }

        /**
         * Appends arguments for the child's {@code main} (or method). Python's {@code Process(args=...)}. A lambda
         * target takes its arguments by capturing them instead.
         *
         * @param args the arguments.
         * @return this builder.
         * @throws IllegalStateException if the target is a lambda.
         */
        public Builder args(final String... args)
        {
            requireClassTarget("args");
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
         * @throws IllegalStateException    if the target is a lambda.
         */
        public Builder method(final String name)
        {
            requireClassTarget("method");
            final Method found;
            try
            {
                found = mainClass.getMethod(name, String[].class);
            }
            catch (final NoSuchMethodException e)
            {
                throw new IllegalArgumentException(mainClass.getName() + " has no public method " + name +
                    "(String[])", e);
            }
            if (!Modifier.isStatic(found.getModifiers()) || found.getReturnType() != void.class)
            {
                throw new IllegalArgumentException(mainClass.getName() + "." + name +
                    "(String[]) must be public static void");
            }
            this.method = name;
            return this;
        }

        /**
         * Captures the child's stdout and stderr, merged, for {@link JvmProcess#output()},
         * {@link JvmProcess#outputLines()} and {@link JvmProcess#awaitOutput(String, long, TimeUnit)}, instead of
         * letting it write to this JVM's; its stdin is closed.
         *
         * @return this builder.
         */
        public Builder captureOutput()
        {
            this.output = Output.CAPTURE;
            return this;
        }

        /**
         * Lets the child use this JVM's stdin, stdout and stderr (by default it writes to this JVM's stdout and
         * stderr but reads {@code /dev/null}); then its output is not captured.
         *
         * @return this builder.
         */
        public Builder inheritIO()
        {
            this.output = Output.INHERIT_ALL;
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
         * Runs the child's java command through another program that then executes it, such as
         * {@code ip netns exec NAME} (which runs it in a network namespace) or {@code taskset -c 1}: the words come
         * before the java binary on the command line. The program must replace itself by the java command
         * ({@code exec}), so that {@link JvmProcess#pid()}, {@link JvmProcess#kill()} and the exit value are the
         * JVM's.
         *
         * @param prefix the words, appended to any given before.
         * @return this builder.
         */
        public Builder commandPrefix(final String... prefix)
        {
            Collections.addAll(commandPrefix, prefix);
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
         * Names the child (Python's {@code Process(name=...)}): the child sees it as
         * {@link JvmProcess#current()}{@code .name()} (the system property {@value CurrentProcess#NAME_PROPERTY}).
         * Default: {@code Process-N}, N counting the children this JVM started.
         *
         * @param name the name.
         * @return this builder.
         * @throws NullPointerException if {@code name} is null.
         */
        public Builder name(final String name)
        {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /**
         * Makes the child a daemon (Python's {@code Process(daemon=True)}): it ends ({@code SIGKILL}) when this
         * JVM dies, however it dies. The child asks the kernel for {@code SIGKILL} at its parent's death
         * ({@code prctl(PR_SET_PDEATHSIG)}); the kernel sends it when the parent's THREAD that created the child
         * exits, so this JVM creates daemon children from one thread of its own that lives as long as the JVM.
         * The child then checks that its parent did not die before (it exits at once if so), and checks every
         * 100 ms that its parent is still alive, in case the signal is lost. Unlike Python, a daemon child may
         * start children of its own.
         *
         * @param daemon whether the child is a daemon (default {@code false}: it outlives this JVM).
         * @return this builder.
         */
        public Builder daemon(final boolean daemon)
        {
            this.daemon = daemon;
            return this;
        }

        /**
         * How long {@link #start()} waits for the child's JVM to reach its target (default 30 s); if it does not,
         * the child is killed and {@code start} throws {@link ChildStartException}. Zero or less does not wait:
         * {@code start} returns once the process exists, and {@link JvmProcess#join()} throws
         * {@link ChildStartException} if the child exited before its target started.
         *
         * @param timeout the bound.
         * @param unit    its unit.
         * @return this builder.
         * @throws NullPointerException if {@code unit} is null.
         */
        public Builder startTimeout(final long timeout, final TimeUnit unit)
        {
            this.startTimeoutNanos = Math.max(0, unit.toNanos(timeout));
            return this;
        }

        /**
         * The command line the child would be started with ({@code <control dir>} stands for the private
         * temporary directory that each start creates).
         *
         * @return the command: java, JVM options, class path, the launcher, its arguments, the target.
         * @throws IllegalArgumentException if a lambda target cannot be serialised.
         */
        public List<String> command()
        {
            return command(Path.of("<control dir>"), options(name == null ? "Process-N" : name),
                target == null ? null : serialise(target));
        }

        /**
         * Starts the child. Python's {@code Process.start()}. Returns once the child's JVM is about to run the
         * target (see {@link #startTimeout(long, TimeUnit)}), not once the target did something (use
         * {@link JvmProcess#awaitOutput(String, long, TimeUnit)} or a shared object for that).
         *
         * @return the running child.
         * @throws IllegalArgumentException if a lambda target or a value it captures cannot be serialised.
         * @throws ChildStartException      if the target's classes are not on the class path (a source-file
         *                                  launch), or the child died or timed out before its target started
         *                                  (with the child's error text).
         * @throws UncheckedIOException     if the JVM cannot be started.
         */
        public JvmProcess start()
        {
            final SerialisedTarget serialised = target == null ? null : serialise(target);
            final String description = serialised != null ? serialised.description() :
                mainClass.getName() + (method == null ? "" : "." + method) + " " + args;
            if (serialised == null)
            {
                requireOnClassPath(mainClass, description);
            }
            else
            {
                for (final Class<?> type : serialised.classes())
                {
                    requireOnClassPath(type, description);
                }
            }
            final String childName = name != null ? name : "Process-" + CHILDREN.incrementAndGet();
            final List<String> options = options(childName);
            final Path control;
            try
            {
                control = Files.createTempDirectory("jvmipc-process-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            catch (final IOException e)
            {
                throw new UncheckedIOException("cannot create a temporary directory for a child JVM", e);
            }
            final Process process;
            try
            {
                if (serialised != null)
                {
                    Files.write(control.resolve(MethodLauncher.TARGET_FILE), serialised.bytes());
                }
                final ProcessBuilder builder = new ProcessBuilder(command(control, options, serialised));
                builder.environment().putAll(environment);
                if (directory != null)
                {
                    builder.directory(directory.toFile());
                }
                switch (output)
                {
                    case INHERIT -> builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                        .redirectOutput(ProcessBuilder.Redirect.INHERIT)
                        .redirectError(ProcessBuilder.Redirect.INHERIT);
                    case CAPTURE -> builder.redirectErrorStream(true);
                    case INHERIT_ALL -> builder.inheritIO();
                }
                process = daemon ? Spawner.start(builder) : builder.start();
            }
            catch (final IOException e)
            {
                deleteTree(control);
                throw new UncheckedIOException("cannot start a JVM for " + description, e);
            }
            if (output == Output.CAPTURE)
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
            final JvmProcess child = new JvmProcess(process, childName, description, output == Output.CAPTURE,
                daemon, options, control);
            if (startTimeoutNanos > 0)
            {
                child.awaitStarted(startTimeoutNanos);
            }
            return child;
        }

        private void requireClassTarget(final String what)
        {
            if (mainClass == null)
            {
                throw new IllegalStateException(what + "(...) is for a class target; a lambda target takes its " +
                    "arguments by capturing them");
            }
        }

        private List<String> options(final String childName)
        {
            final List<String> options = new ArrayList<>(inheritedJvmArguments());
            options.addAll(jvmArgs);
            options.add("-D" + CurrentProcess.NAME_PROPERTY + "=" + childName);
            if (daemon)
            {
                options.add("-D" + CurrentProcess.DAEMON_PROPERTY + "=true");
            }
            return options;
        }

        private List<String> command(final Path control, final List<String> options,
            final SerialisedTarget serialised)
        {
            final List<String> command = new ArrayList<>(commandPrefix);
            command.add(javaBinary().toString());
            command.addAll(options);
            command.add("-cp");
            command.add(System.getProperty("java.class.path"));
            command.add(MethodLauncher.class.getName());
            command.add(control.toString());
            command.add(Long.toString(daemon ? ProcessHandle.current().pid() : 0));
            if (serialised != null)
            {
                command.add("lambda");
                command.add(serialised.allowed());
            }
            else if (method == null)
            {
                command.add("main");
                command.add(mainClass.getName());
            }
            else
            {
                command.add("method");
                command.add(mainClass.getName());
                command.add(method);
            }
            command.addAll(args);
            return command;
        }
    }
}
