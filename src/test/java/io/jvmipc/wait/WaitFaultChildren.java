package io.jvmipc.wait;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Child program for {@link WaitFaultTest}: maps a file, truncates it to nothing under the mapping, and calls
 * every method of {@link Signal} and {@link Doorbell} that touches it. Each must throw the JVM's
 * {@link InternalError} (which the primitives turn into a {@code SharedObjectException}); none may crash the JVM,
 * as an atomic executed by the interpreter on a removed page does. Prints {@code CALL name -> outcome} lines and
 * {@code FAULTS RAISED} or {@code FAULTS BAD}. Arguments: a directory.
 */
public final class WaitFaultChildren
{
    private static int bad;

    private WaitFaultChildren()
    {
    }

    private interface Call
    {
        void run();
    }

    private static void raises(final String name, final Call call)
    {
        try
        {
            call.run();
            bad++;
            System.out.println("CALL " + name + " -> BAD: returned");
        }
        catch (final InternalError e)
        {
            System.out.println("CALL " + name + " -> InternalError");
        }
        catch (final Throwable t)
        {
            bad++;
            System.out.println("CALL " + name + " -> BAD: " + t);
        }
    }

    /** Signal and Doorbell on a mapping whose file was truncated to nothing. */
    public static void signal(final String[] args) throws Exception
    {
        System.out.println("MODE " + System.getProperty("java.vm.info"));
        final Path path = Path.of(args[0], "signal");
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
            StandardOpenOption.WRITE); Arena arena = Arena.ofShared())
        {
            final MemorySegment segment = channel.map(FileChannel.MapMode.READ_WRITE, 0, 8192, arena);
            final long own = 4096;
            final Signal signal = new Signal(segment, 0, own);
            final Signal wakeOnly = new Signal(segment, 0, -1);
            final Doorbell doorbell = new Doorbell(segment, signal, 0);
            channel.truncate(0);
            raises("prepareWait", signal::prepareWait);
            raises("prepareWait (wake-only)", wakeOnly::prepareWait);
            raises("cancelWait", signal::cancelWait);
            raises("cancelWait (wake-only)", wakeOnly::cancelWait);
            raises("signalAll", signal::signalAll);
            raises("wakeAll", signal::wakeAll);
            raises("sequence", signal::sequence);
            raises("waiters", signal::waiters);
            raises("await", () -> signal.await(0, 1_000_000L));
            if (FutexWaitv.isAvailable())
            {
                raises("FutexWaitv.await", () -> FutexWaitv.await(new MemorySegment[] {segment}, new long[] {0},
                    new int[] {0}, 1, 1_000_000L));
            }
            raises("releaseWaitersOf", () -> Signal.releaseWaitersOf(segment, 0, own));
            raises("Doorbell.ring", doorbell::ring);
            raises("Doorbell.bump", () -> Doorbell.bump(segment, 0));
        }
        System.out.println(bad == 0 ? "FAULTS RAISED" : "FAULTS BAD " + bad);
    }
}
