package io.jvmipc;

import io.jvmipc.file.SharedObjectException;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * For child programs that call every public method of a primitive on a file truncated under them: records, per
 * call, what it gave, and prints one line per call ({@code CALL name -> outcome}) and a final verdict line
 * ({@code FAULTS NAMED} or {@code FAULTS BAD n}). No JUnit in the child: its failures are printed, and the test
 * asserts on the output and the exit code (an exit code of 134 is a JVM crash).
 */
public final class FaultChecks
{
    /** A call to check. */
    @FunctionalInterface
    public interface Call
    {
        /**
         * Makes the call.
         *
         * @throws Exception whatever it throws.
         */
        void run() throws Exception;
    }

    private final List<String> bad = new ArrayList<>();

    /** Prints the JVM's mode ({@code java.vm.info}: "interpreted mode" under {@code -Xint}). */
    public static void printMode()
    {
        System.out.println("MODE " + System.getProperty("java.vm.info"));
    }

    /**
     * Truncates a file, as another program would.
     *
     * @param path the file.
     * @param size the new size.
     * @throws IOException if it cannot be truncated.
     */
    public static void truncate(final Path path, final long size) throws IOException
    {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE))
        {
            channel.truncate(size);
        }
    }

    /**
     * A call that touches the truncated mapping: it must throw {@link SharedObjectException} naming the file.
     *
     * @param name the call, for the output.
     * @param path the file the exception must name.
     * @param call the call.
     */
    public void faults(final String name, final Path path, final Call call)
    {
        check(name, path, call, false);
    }

    /**
     * A call that may not touch the truncated mapping: it returns normally or throws
     * {@link SharedObjectException} naming the file.
     *
     * @param name the call, for the output.
     * @param path the file the exception must name if there is one.
     * @param call the call.
     */
    public void mayFault(final String name, final Path path, final Call call)
    {
        check(name, path, call, true);
    }

    /**
     * A call that must complete normally (close).
     *
     * @param name the call, for the output.
     * @param call the call.
     */
    public void completes(final String name, final Call call)
    {
        try
        {
            call.run();
            System.out.println("CALL " + name + " -> returned");
        }
        catch (final Throwable t)
        {
            bad(name, "threw " + t);
        }
    }

    /**
     * A call that must throw {@link IllegalStateException} (a call after close).
     *
     * @param name the call, for the output.
     * @param call the call.
     */
    public void refusedAsClosed(final String name, final Call call)
    {
        try
        {
            call.run();
            bad(name, "returned after close");
        }
        catch (final IllegalStateException e)
        {
            System.out.println("CALL " + name + " -> IllegalStateException");
        }
        catch (final Throwable t)
        {
            bad(name, "threw " + t);
        }
    }

    /** Prints the verdict: {@code FAULTS NAMED} if every call gave what it must. */
    public void report()
    {
        System.out.println(bad.isEmpty() ? "FAULTS NAMED" : "FAULTS BAD " + bad.size() + ": " + bad);
        System.out.flush();
    }

    private void check(final String name, final Path path, final Call call, final boolean mayReturn)
    {
        try
        {
            call.run();
            if (mayReturn)
            {
                System.out.println("CALL " + name + " -> returned");
            }
            else
            {
                bad(name, "returned normally");
            }
        }
        catch (final SharedObjectException e)
        {
            if (e.getMessage().contains(path.toString()))
            {
                System.out.println("CALL " + name + " -> SharedObjectException naming the file");
            }
            else
            {
                bad(name, "SharedObjectException not naming " + path + ": " + e.getMessage());
            }
        }
        catch (final Throwable t)
        {
            bad(name, "threw " + t);
        }
    }

    private void bad(final String name, final String what)
    {
        bad.add(name);
        System.out.println("CALL " + name + " -> BAD: " + what);
    }
}
