package io.jvmipc;

import io.jvmipc.process.JvmProcess;

import java.nio.file.Path;

/**
 * Starts the child JVMs of the multi-process tests: one static method of a children class, run with a small
 * heap, given the test's object directory as its first argument, their output captured (children started by
 * {@code JvmProcess} write to the parent's stdout and stderr unless asked to capture).
 */
public final class ChildJvms
{
    private ChildJvms()
    {
    }

    /**
     * Starts a child JVM that runs {@code children.method(directory, args...)}.
     *
     * @param children  the class holding the child's static methods.
     * @param method    the method the child runs.
     * @param maxHeap   the child's {@code -Xmx} value, such as {@code "64m"}.
     * @param directory the test's object directory, passed as the first argument.
     * @param args      the remaining arguments.
     * @return the started child.
     */
    public static JvmProcess start(final Class<?> children, final String method, final String maxHeap,
        final Path directory, final String... args)
    {
        final String[] all = new String[args.length + 1];
        all[0] = directory.toString();
        System.arraycopy(args, 0, all, 1, args.length);
        return JvmProcess.builder(children).method(method).jvmArgs("-Xmx" + maxHeap).args(all).captureOutput()
            .start();
    }

    /**
     * Starts a child JVM that runs {@code mainClass.main(args)}, its output captured (for
     * {@code awaitOutput}, {@code output()}).
     *
     * @param mainClass the class whose {@code main} the child runs.
     * @param args      the arguments of {@code main}.
     * @return the started child.
     */
    public static JvmProcess startMain(final Class<?> mainClass, final String... args)
    {
        return JvmProcess.builder(mainClass).args(args).captureOutput().start();
    }
}
