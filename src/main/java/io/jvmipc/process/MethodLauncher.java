package io.jvmipc.process;

import io.jvmipc.internal.LibC;

import java.io.IOException;
import java.io.InputStream;
import java.io.InvalidClassException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Set;

/**
 * The main class of every child that {@link JvmProcess} starts. It sets up the child (the daemon watch), loads
 * the target, reports to the parent through a status file that it started (or why it could not), then runs
 * the target. Arguments: the parent's control directory, the parent's pid for a daemon child ({@code 0}
 * otherwise), the kind of target, then the target:
 * <ul>
 *   <li>{@code main <class> [args...]}: the class's {@code main};</li>
 *   <li>{@code method <class> <method> [args...]}: {@code public static void <method>(String[])};</li>
 *   <li>{@code lambda <allowed classes>}: the {@link SerializableRunnable} serialised in the control directory's
 *       {@value #TARGET_FILE}, read through a filter that admits only the classes, comma-separated, that the
 *       parent wrote.</li>
 * </ul>
 * An exception from the target propagates out of {@code main}, so the child prints its stack trace and exits
 * with 1, as if the target were {@code main}.
 */
final class MethodLauncher
{
    /** The file in the control directory that holds a serialised target. */
    static final String TARGET_FILE = "target.ser";

    /** The file in the control directory that the launcher writes once it started the target or failed to. */
    static final String STATUS_FILE = "status";

    /** The first line of the status file once the target is about to run. */
    static final String STARTED = "STARTED";

    /** The first line of the status file when the target could not be started; the error text follows. */
    static final String FAILED = "FAILED";

    /** How often a daemon child checks that its parent is alive, besides the kernel's parent-death signal. */
    static final long PARENT_CHECK_MILLIS = 100;

    /** The limits of a serialised target: graph depth, references, bytes. */
    private static final long MAX_DEPTH = 64;
    private static final long MAX_REFERENCES = 100_000;
    private static final long MAX_BYTES = 64L << 20;

    private MethodLauncher()
    {
    }

    /**
     * Starts the target.
     *
     * @param args control directory, parent pid or 0, kind, target.
     * @throws Throwable whatever the target throws.
     */
    public static void main(final String[] args) throws Throwable
    {
        if (args.length < 4)
        {
            throw new IllegalArgumentException("usage: MethodLauncher <control dir> <parent pid> " +
                "main|method|lambda <target...>");
        }
        final Path control = Path.of(args[0]);
        final long parentPid = Long.parseLong(args[1]);
        if (parentPid != 0)
        {
            watchParent(parentPid);
        }
        final Runnable target;
        try
        {
            target = switch (args[2])
            {
                case "main" -> mainOf(args[3], Arrays.copyOfRange(args, 4, args.length));
                case "method" -> methodOf(args[3], args.length > 4 ? args[4] : "",
                    Arrays.copyOfRange(args, Math.min(5, args.length), args.length));
                case "lambda" -> lambdaOf(control.resolve(TARGET_FILE), args[3]);
                default -> throw new IllegalArgumentException("unknown target kind " + args[2]);
            };
        }
        catch (final Throwable t)
        {
            final StringWriter trace = new StringWriter();
            t.printStackTrace(new PrintWriter(trace));
            report(control, FAILED + "\n" + trace);
            System.exit(1);
            return;
        }
        report(control, STARTED + "\n");
        target.run();
    }

    /**
     * Makes this JVM end when its parent dies: the kernel's parent-death signal ({@code SIGKILL}), which
     * fires when the parent's thread that created this process exits (the parent creates daemon children from
     * a thread that lives as long as it does), then a check that the parent did not die before that was set,
     * then a daemon thread that checks every {@value #PARENT_CHECK_MILLIS} ms that the parent is still this
     * process's parent (in case the signal could not be set).
     */
    private static void watchParent(final long parentPid)
    {
        LibC.prctl(LibC.PR_SET_PDEATHSIG, LibC.SIGKILL);
        if (LibC.getppid() != parentPid)
        {
            // the parent died before the signal was set: the kernel will never send it
            Runtime.getRuntime().halt(128 + LibC.SIGKILL);
        }
        Thread.ofPlatform().daemon().name("jvmipc-parent-watch").start(() ->
        {
            while (LibC.getppid() == parentPid)
            {
                try
                {
                    Thread.sleep(PARENT_CHECK_MILLIS);
                }
                catch (final InterruptedException e)
                {
                    // nobody interrupts this thread; keep watching
                }
            }
            Runtime.getRuntime().halt(128 + LibC.SIGKILL);
        });
    }

    private static void report(final Path control, final String status) throws IOException
    {
        final Path temporary = control.resolve(STATUS_FILE + ".tmp");
        Files.writeString(temporary, status, StandardCharsets.UTF_8);
        Files.move(temporary, control.resolve(STATUS_FILE), StandardCopyOption.ATOMIC_MOVE);
    }

    private static Runnable mainOf(final String className, final String[] mainArgs) throws ReflectiveOperationException
    {
        final Class<?> target = Class.forName(className, false, ClassLoader.getSystemClassLoader());
        Method main = findMain(target, true);
        final boolean withArgs = main != null;
        if (main == null)
        {
            main = findMain(target, false);
        }
        if (main == null)
        {
            throw new NoSuchMethodException(className + " has no main method");
        }
        final Method chosen = main;
        // a main of a non-public class, or a non-public main, is what the java launcher runs too
        chosen.setAccessible(true);
        final Object instance;
        if (Modifier.isStatic(chosen.getModifiers()))
        {
            instance = null;
        }
        else
        {
            final Constructor<?> constructor = target.getDeclaredConstructor();
            constructor.setAccessible(true);
            instance = constructor.newInstance();
        }
        return () -> invoke(chosen, instance, withArgs ? new Object[] {mainArgs} : new Object[0]);
    }

    private static Method findMain(final Class<?> target, final boolean withArgs)
    {
        for (Class<?> type = target; type != null; type = type.getSuperclass())
        {
            try
            {
                final Method main = withArgs ? type.getDeclaredMethod("main", String[].class) :
                    type.getDeclaredMethod("main");
                if (main.getReturnType() == void.class && !Modifier.isPrivate(main.getModifiers()))
                {
                    return main;
                }
            }
            catch (final NoSuchMethodException e)
            {
                // look in the superclass
            }
        }
        return null;
    }

    private static Runnable methodOf(final String className, final String methodName, final String[] methodArgs)
        throws ReflectiveOperationException
    {
        final Class<?> target = Class.forName(className, false, ClassLoader.getSystemClassLoader());
        final Method method = target.getMethod(methodName, String[].class);
        if (!Modifier.isStatic(method.getModifiers()))
        {
            throw new IllegalArgumentException(className + "." + methodName + "(String[]) is not static");
        }
        // the class may be non-public to others; the caller chose it explicitly
        method.setAccessible(true);
        return () -> invoke(method, null, new Object[] {methodArgs});
    }

    private static Runnable lambdaOf(final Path file, final String allowedList) throws IOException,
        ClassNotFoundException
    {
        final Object target;
        try (InputStream bytes = Files.newInputStream(file))
        {
            target = readFiltered(bytes, allowedList, "the target");
        }
        Files.deleteIfExists(file);
        if (!(target instanceof final Runnable runnable))
        {
            throw new IllegalArgumentException("the target is a " + target.getClass().getName() +
                ", not a Runnable");
        }
        return runnable;
    }

    /**
     * Reads one object written by {@link JvmProcess#serialise}, through a filter that admits only the classes
     * named in {@code allowedList} (comma-separated, as the writer recorded them), the hidden classes of lambdas
     * made by one of them, and the graph limits above. Also reads {@link JvmPool}'s tasks.
     */
    static Object readFiltered(final InputStream bytes, final String allowedList, final String what)
        throws IOException, ClassNotFoundException
    {
        final Set<String> allowed = Set.of(allowedList.isEmpty() ? new String[0] : allowedList.split(","));
        final String[] refused = new String[1];
        final ObjectInputFilter filter = info ->
        {
            if (info.depth() > MAX_DEPTH || info.references() > MAX_REFERENCES || info.streamBytes() > MAX_BYTES)
            {
                return ObjectInputFilter.Status.REJECTED;
            }
            final Class<?> type = info.serialClass();
            if (type == null)
            {
                return ObjectInputFilter.Status.ALLOWED;
            }
            // a lambda's class is hidden, never named by the stream: the filter sees it as the result of
            // SerializedLambda.readResolve, made by its capturing class, which the parent named
            if (allowed.contains(type.getName()) || type.isHidden() && nestmateOfAny(type, allowed))
            {
                return ObjectInputFilter.Status.ALLOWED;
            }
            refused[0] = type.getName();
            return ObjectInputFilter.Status.REJECTED;
        };
        try (ObjectInputStream in = new ObjectInputStream(bytes))
        {
            in.setObjectInputFilter(filter);
            return in.readObject();
        }
        catch (final InvalidClassException e)
        {
            throw new InvalidClassException(what + "'s stream holds " + (refused[0] == null ? "a class" :
                refused[0]) + ", which the parent did not write (it wrote " + allowedList + "): " + e.getMessage());
        }
    }

    /** Whether {@code hidden} is a nestmate of one of the classes named (which are loaded by then). */
    private static boolean nestmateOfAny(final Class<?> hidden, final Set<String> names)
    {
        for (final String name : names)
        {
            try
            {
                if (!name.startsWith("[") &&
                    Class.forName(name, false, ClassLoader.getSystemClassLoader()).isNestmateOf(hidden))
                {
                    return true;
                }
            }
            catch (final ClassNotFoundException | LinkageError e)
            {
                // not a class of this class path: not the lambda's
            }
        }
        return false;
    }

    private static void invoke(final Method method, final Object instance, final Object[] arguments)
    {
        try
        {
            method.invoke(instance, arguments);
        }
        catch (final InvocationTargetException e)
        {
            throw sneaky(e.getCause());
        }
        catch (final IllegalAccessException e)
        {
            throw new IllegalStateException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> RuntimeException sneaky(final Throwable t) throws T
    {
        throw (T)t;
    }
}
