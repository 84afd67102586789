package io.jvmipc.value;

import io.jvmipc.file.HeaderDescriptor;
import io.jvmipc.file.SharedDirectory;
import io.jvmipc.file.SharedObjectException;
import org.junit.jupiter.api.function.Executable;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Child JVM programs of {@link SharedValueFaultTest}: each truncates the files of the values it created and
 * checks every method, exiting 0 (printing {@code FAULTS NAMED}) if each threw the library's exception. Run in a
 * child so that a JVM that crashes on a fault (see the test) does not take the test run with it, and so that the
 * methods run interpreted: see {@link SharedValueFaultTest} for what compiled code does.
 */
public final class ValueFaultChildren
{
    private ValueFaultChildren()
    {
    }

    /** The size the files are truncated to: the second argument, else the header's length. */
    private static long cut = HeaderDescriptor.LENGTH;

    private static SharedDirectory directory(final String[] args)
    {
        if (args.length > 1)
        {
            cut = Long.parseLong(args[1]);
        }
        return SharedDirectory.of(Path.of(args[0]));
    }

    private static void truncate(final AbstractSharedValue value) throws IOException
    {
        try (FileChannel channel = FileChannel.open(value.path(), StandardOpenOption.WRITE))
        {
            channel.truncate(cut);
        }
    }

    private static void truncateUnchecked(final AbstractSharedValue value)
    {
        try
        {
            truncate(value);
        }
        catch (final IOException e)
        {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void assertFaulted(final AbstractSharedValue value, final Executable... calls)
    {
        for (final Executable call : calls)
        {
            final SharedObjectException e = assertThrows(SharedObjectException.class, call);
            assertTrue(e.getMessage().contains(value.path().toString()), e.getMessage());
            assertTrue(e.getCause() instanceof InternalError, "the JVM's fault is the cause");
        }
        assertTrue(value.toString().contains(value.path().toString()), "toString does not throw");
        value.close();
        assertTrue(value.isClosed());
        assertThrows(IllegalStateException.class, calls[0], "closed now");
    }

    /**
     * Every method of the four scalar values.
     *
     * @param args the directory, and the size to truncate to.
     * @throws IOException if a file cannot be truncated.
     */
    public static void scalars(final String[] args) throws IOException
    {
        final SharedDirectory dir = directory(args);
        final SharedInt i = SharedInt.builder("i").directory(dir).create();
        truncate(i);
        assertFaulted(i, i::get, i::getAcquire, i::getPlain, () -> i.set(1), () -> i.setRelease(1),
            () -> i.getAndSet(1), () -> i.compareAndSet(0, 1), () -> i.getAndAdd(1), () -> i.addAndGet(1),
            i::incrementAndGet, i::getAndIncrement, i::decrementAndGet, () -> i.updateAndGet(x -> x + 1));

        final SharedLong l = SharedLong.builder("l").directory(dir).create();
        truncate(l);
        assertFaulted(l, l::get, l::getAcquire, l::getPlain, () -> l.set(1), () -> l.setRelease(1),
            () -> l.getAndSet(1), () -> l.compareAndSet(0, 1), () -> l.getAndAdd(1), () -> l.addAndGet(1),
            l::incrementAndGet, l::getAndIncrement, l::decrementAndGet, () -> l.updateAndGet(x -> x + 1));

        final SharedDouble d = SharedDouble.builder("d").directory(dir).create();
        truncate(d);
        assertFaulted(d, d::get, d::getAcquire, d::getPlain, () -> d.set(1), () -> d.setRelease(1),
            () -> d.getAndSet(1), () -> d.compareAndSet(0, 1), () -> d.getAndAdd(1), () -> d.addAndGet(1),
            () -> d.updateAndGet(x -> x + 1));

        // the update function (user code) truncates the file between the load and the CAS
        final SharedInt ui = SharedInt.builder("ui").directory(dir).create();
        assertFaulted(ui, () -> ui.updateAndGet(x ->
        {
            truncateUnchecked(ui);
            return x + 1;
        }));
        final SharedLong ul = SharedLong.builder("ul").directory(dir).create();
        assertFaulted(ul, () -> ul.updateAndGet(x ->
        {
            truncateUnchecked(ul);
            return x + 1;
        }));
        final SharedDouble ud = SharedDouble.builder("ud").directory(dir).create();
        assertFaulted(ud, () -> ud.updateAndGet(x ->
        {
            truncateUnchecked(ud);
            return x + 1;
        }));

        final SharedBoolean b = SharedBoolean.builder("b").directory(dir).create();
        truncate(b);
        assertFaulted(b, b::get, b::getAcquire, () -> b.set(true), () -> b.setRelease(true),
            () -> b.getAndSet(true), () -> b.compareAndSet(false, true));
        System.out.println("FAULTS NAMED");
    }

    /**
     * Every method of the three arrays.
     *
     * @param args the directory, and the size to truncate to.
     * @throws IOException if a file cannot be truncated.
     */
    public static void arrays(final String[] args) throws IOException
    {
        final SharedDirectory dir = directory(args);
        final SharedIntArray i = SharedIntArray.builder("ia").directory(dir).length(8).create();
        truncate(i);
        final int[] ints = new int[8];
        assertFaulted(i, () -> i.get(1), () -> i.getAcquire(1), () -> i.set(1, 1), () -> i.setRelease(1, 1),
            () -> i.getAndSet(1, 1), () -> i.compareAndSet(1, 0, 1), () -> i.getAndAdd(1, 1),
            () -> i.addAndGet(1, 1), () -> i.incrementAndGet(1), () -> i.decrementAndGet(1),
            () -> i.copyTo(0, ints, 0, 8), () -> i.copyFrom(ints, 0, 0, 8), i::toArray);

        final SharedLongArray l = SharedLongArray.builder("la").directory(dir).length(8).create();
        truncate(l);
        final long[] longs = new long[8];
        assertFaulted(l, () -> l.get(1), () -> l.getAcquire(1), () -> l.set(1, 1), () -> l.setRelease(1, 1),
            () -> l.getAndSet(1, 1), () -> l.compareAndSet(1, 0, 1), () -> l.getAndAdd(1, 1),
            () -> l.addAndGet(1, 1), () -> l.incrementAndGet(1), () -> l.decrementAndGet(1),
            () -> l.copyTo(0, longs, 0, 8), () -> l.copyFrom(longs, 0, 0, 8), l::toArray);

        final SharedDoubleArray d = SharedDoubleArray.builder("da").directory(dir).length(8).create();
        truncate(d);
        final double[] doubles = new double[8];
        assertFaulted(d, () -> d.get(1), () -> d.getAcquire(1), () -> d.set(1, 1), () -> d.setRelease(1, 1),
            () -> d.getAndSet(1, 1), () -> d.compareAndSet(1, 0, 1), () -> d.getAndAdd(1, 1),
            () -> d.addAndGet(1, 1), () -> d.copyTo(0, doubles, 0, 8), () -> d.copyFrom(doubles, 0, 0, 8),
            d::toArray);
        System.out.println("FAULTS NAMED");
    }

    /**
     * Unlink and close of a truncated value.
     *
     * @param args the directory, and the size to truncate to.
     * @throws IOException if a file cannot be truncated.
     */
    public static void unlink(final String[] args) throws IOException
    {
        final SharedDirectory dir = directory(args);
        final SharedInt value = SharedInt.builder("u").directory(dir).create();
        truncate(value);
        try
        {
            value.unlink();
        }
        catch (final SharedObjectException e)
        {
            assertTrue(e.getMessage().contains(value.path().toString()), e.getMessage());
        }
        value.close();
        assertTrue(value.isClosed());
        System.out.println("FAULTS NAMED");
    }
}
