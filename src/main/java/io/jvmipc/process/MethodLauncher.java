package io.jvmipc.process;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;

/**
 * The main class of a child started with {@link JvmProcess.Builder#method(String)}: calls
 * {@code public static void <method>(String[])} of a class. Arguments: class name, method name, then the
 * method's arguments. An exception from the method propagates out of {@code main}, so the child prints its
 * stack trace and exits with 1, as if the method were {@code main}.
 */
final class MethodLauncher
{
    private MethodLauncher()
    {
    }

    /**
     * Runs the method.
     *
     * @param args class name, method name, the method's arguments.
     * @throws Throwable whatever the method throws.
     */
    public static void main(final String[] args) throws Throwable
    {
        if (args.length < 2)
        {
            throw new IllegalArgumentException("usage: MethodLauncher <class> <method> [args...]");
        }
        final Class<?> target = Class.forName(args[0], true, ClassLoader.getSystemClassLoader());
        final Method method = target.getMethod(args[1], String[].class);
        if (!Modifier.isStatic(method.getModifiers()))
        {
            throw new IllegalArgumentException(args[0] + "." + args[1] + "(String[]) is not static");
        }
        // the class or method may be non-public to others; the caller chose it explicitly
        method.setAccessible(true);
        try
        {
            method.invoke(null, (Object)Arrays.copyOfRange(args, 2, args.length));
        }
        catch (final InvocationTargetException e)
        {
            throw e.getCause();
        }
    }
}
