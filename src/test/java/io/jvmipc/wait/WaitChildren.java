package io.jvmipc.wait;

import io.jvmipc.file.ObjectKind;
import io.jvmipc.file.ProcessTableDescriptor;
import io.jvmipc.file.SharedFile;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/** Child JVM programs for the waiting tests, and the object they share with the test JVM. */
public final class WaitChildren
{
    /** Body offset of the signal. */
    static final long SIGNAL = 0;
    /** Body offset of the condition word (a long) waiters wait for. */
    static final long FLAG = SignalDescriptor.LENGTH;
    /** Body offset of a raw futex word (an int). */
    static final long WORD = FLAG + 128;
    static final VarHandle LONG = JAVA_LONG.varHandle();
    static final VarHandle INT = JAVA_INT.varHandle();
    /** A strategy whose futex sleeps last 60 s: a waiter returns early only if a wake reaches it. */
    static final WaitStrategy LONG_SLEEPS = new FutexWaitStrategy(0, 0, TimeUnit.SECONDS.toNanos(60));

    private WaitChildren()
    {
    }

    static SharedFile openOrCreate(final Path path)
    {
        return SharedFile.map(path, ObjectKind.EVENT, 1, SharedFile.OpenMode.OPEN_OR_CREATE,
            new SharedFile.Spec(ObjectKind.EVENT, 1, new long[0], 4096, 8, null));
    }

    static Signal signal(final SharedFile file)
    {
        return new Signal(file.segment(), file.bodyOffset() + SIGNAL,
            ProcessTableDescriptor.waitingOffset(file.entry(), 0));
    }

    static long flag(final SharedFile file)
    {
        // acquire: pairs with the setter's release
        return (long)LONG.getAcquire(file.segment(), file.bodyOffset() + FLAG);
    }

    static boolean awaitFlag(final SharedFile file, final Signal signal, final WaitStrategy strategy,
        final long timeoutNanos) throws InterruptedException
    {
        final long deadline = WaitStrategy.deadline(timeoutNanos);
        long state = WaitStrategy.INITIAL;
        try
        {
            while (flag(file) == 0)
            {
                state = strategy.idle(signal, state, deadline);
                if (state == WaitStrategy.TIMED_OUT)
                {
                    return false;
                }
            }
            return true;
        }
        finally
        {
            strategy.done(signal, state);
        }
    }

    /** Args: path. Attaches, waits for the flag with 60-second futex sleeps, prints FLAG SEEN or TIMED OUT. */
    public static final class FlagWaiter
    {
        private FlagWaiter()
        {
        }

        public static void main(final String[] args) throws InterruptedException
        {
            try (SharedFile file = openOrCreate(Path.of(args[0])))
            {
                file.attach(dead -> { });
                System.out.println("ATTACHED " + file.entry());
                final boolean seen = awaitFlag(file, signal(file), LONG_SLEEPS, TimeUnit.SECONDS.toNanos(50));
                System.out.println(seen ? "FLAG SEEN" : "TIMED OUT");
            }
        }
    }

    /** Args: path. Attaches, registers on the signal with prepareWait, prints REGISTERED and blocks until killed. */
    public static final class RegisteredWaiter
    {
        private RegisteredWaiter()
        {
        }

        public static void main(final String[] args) throws InterruptedException
        {
            final SharedFile file = openOrCreate(Path.of(args[0]));
            file.attach(dead -> { });
            signal(file).prepareWait();
            System.out.println("REGISTERED " + file.entry());
            System.out.flush();
            new CountDownLatch(1).await();
        }
    }

    /**
     * Args: path. Attaches, binds the signal through {@link Signal#of}, prints LOOPING and registers and
     * deregisters as fast as it can until killed: a kill lands between the two counts' updates as often as not.
     */
    public static final class RegisterLoop
    {
        private RegisterLoop()
        {
        }

        public static void main(final String[] args)
        {
            final SharedFile file = openOrCreate(Path.of(args[0]));
            final Signal signal = Signal.of(file, 0, file.bodyOffset() + SIGNAL);
            file.attach(dead -> { });
            System.out.println("LOOPING " + file.entry());
            System.out.flush();
            while (true)
            {
                signal.prepareWait();
                signal.cancelWait();
            }
        }
    }

    /**
     * Args: path, seconds. Attaches and holds the object (and so its process-table entry) until killed or the
     * time is up; prints HOLDING first.
     */
    public static final class Holder
    {
        private Holder()
        {
        }

        public static void main(final String[] args) throws InterruptedException
        {
            final SharedFile file = openOrCreate(Path.of(args[0]));
            file.attach(dead -> { });
            System.out.println("HOLDING " + file.entry());
            System.out.flush();
            new CountDownLatch(1).await(Long.parseLong(args[1]), TimeUnit.SECONDS);
            file.close();
        }
    }

    /** Args: path. Sleeps on the raw futex word while it is 0, once; prints the result code. */
    public static final class FutexSleeper
    {
        private FutexSleeper()
        {
        }

        public static void main(final String[] args)
        {
            try (SharedFile file = openOrCreate(Path.of(args[0])))
            {
                System.out.println("SLEEPING");
                System.out.flush();
                final int result = Futex.await(file.segment(), file.bodyOffset() + WORD, 0,
                    TimeUnit.SECONDS.toNanos(60));
                System.out.println("RESULT " + result);
            }
        }
    }

    /** Args: path. Calls FUTEX_WAKE on the raw word until it wakes one sleeper (for at most 50 s). */
    public static final class FutexWaker
    {
        private FutexWaker()
        {
        }

        public static void main(final String[] args)
        {
            try (SharedFile file = openOrCreate(Path.of(args[0])))
            {
                final MemorySegment segment = file.segment();
                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(50);
                int woken = 0;
                while (woken == 0 && System.nanoTime() - deadline < 0)
                {
                    woken = Futex.wake(segment, file.bodyOffset() + WORD, 1);
                    Thread.onSpinWait();
                }
                System.out.println("WOKEN " + woken);
            }
        }
    }
}
