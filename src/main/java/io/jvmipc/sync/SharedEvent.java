package io.jvmipc.sync;

import io.jvmipc.file.CorruptFileException;
import io.jvmipc.file.ObjectKind;
import io.jvmipc.file.SharedDirectory;
import io.jvmipc.file.SharedFile;
import io.jvmipc.file.SharedFile.OpenMode;
import io.jvmipc.file.SharedHandle;
import io.jvmipc.wait.Signal;
import io.jvmipc.wait.WaitLoop;
import io.jvmipc.wait.WaitStrategy;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * A flag that threads of any process on this host can set, clear and wait for: Python's
 * {@code multiprocessing.Event}. {@link #set()} wakes every waiter, in every process; {@link #await()} returns
 * at once while the flag is set.
 * <p>
 * <b>Waiting</b>: {@link #await()} and {@link #await(long, TimeUnit)} spin briefly, then sleep on a futex (no CPU)
 * through the configured {@link WaitStrategy}; an interrupt is honoured within one sleep slice (50 ms by
 * default) by throwing {@link InterruptedException}. Like Python's {@code Event.wait}, a wait returns
 * {@code true} if the event was set at any moment while it waited, even if it was cleared again before the
 * waiter ran. {@link #set()} enters the kernel only when some thread is asleep on the event.
 * <p>
 * <b>Memory ordering</b>: everything a thread wrote before {@link #set()} is visible to a thread after its
 * {@link #await()} or {@link #isSet()} returned {@code true} because of that set.
 * <p>
 * <b>Crashes</b>: the flag survives any process's death. A process killed while waiting leaves a waiter
 * registration that the next attach to its process-table entry (or any {@code recoverIfDead}) removes; until
 * then {@link #set()} merely makes one unneeded system call. An unset event blames nobody: a waiter whose setter
 * died waits until its timeout.
 * <p>
 * <b>Lifecycle</b>: {@link #close()} detaches this process; any later call throws {@link IllegalStateException}
 * naming the file. Thread-safe.
 */
public final class SharedEvent implements AutoCloseable
{
    private static final VarHandle INT = JAVA_INT.varHandle();
    private static final WaitLoop.Attempt<Waiting> ATTEMPT = Waiting::attempt;

    private final SharedFile file;
    private final MemorySegment segment;
    private final long stateOffset;
    private final Signal signal;
    private final WaitStrategy waitStrategy;

    private SharedEvent(final SharedFile file, final Signal signal, final WaitStrategy waitStrategy)
    {
        this.file = file;
        this.segment = file.segment();
        this.stateOffset = file.bodyOffset() + EventDescriptor.STATE_OFFSET;
        this.signal = signal;
        this.waitStrategy = waitStrategy;
    }

    /**
     * Starts building an event named {@code name}.
     *
     * @param name the object's name in its directory.
     * @return a builder.
     * @throws IllegalArgumentException if the name is not a valid object name.
     */
    public static Builder builder(final String name)
    {
        return new Builder(name);
    }

    /**
     * Starts building an anonymous object of this kind, Python's unnamed one: it gets a fresh name
     * ({@link SharedDirectory#newAnonymousName()}) and is marked anonymous, and its file is removed when the last
     * attached process closes it (or, if every process died, by the next open of its name or a cleanup). Create
     * it with the builder's {@code create()} (an anonymous builder names one object) and pass its
     * {@code handle()} to the processes that share it.
     *
     * @return a builder.
     */
    public static Builder anonymous()
    {
        return builder(SharedDirectory.newAnonymousName());
    }

    /**
     * Sets the flag and wakes every thread waiting for it, in any process. Does nothing if already set. Never
     * blocks. Python's {@code Event.set()}.
     *
     * @throws IllegalStateException if closed.
     */
    public void set()
    {
        file.ensureOpen();
        try
        {
            setFlag();
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    private void setFlag()
    {
        while (true)
        {
            // volatile: the current state, for the CAS below
            final int state = (int)INT.getVolatile(segment, stateOffset);
            if ((state & EventDescriptor.SET_BIT) != 0)
            {
                return;
            }
            // volatile CAS: turns the flag on and counts the set; publishes this thread's earlier writes
            if (INT.compareAndSet(segment, stateOffset, state,
                (state + EventDescriptor.SET_COUNT_INCREMENT) | EventDescriptor.SET_BIT))
            {
                break;
            }
        }
        signal.signalAll();
    }

    /**
     * Clears the flag; later waits block until the next {@link #set()}. Never blocks. Python's
     * {@code Event.clear()}.
     *
     * @throws IllegalStateException if closed.
     */
    public void clear()
    {
        file.ensureOpen();
        try
        {
            // volatile atomic and: clears only the flag, keeps the set count
            INT.getAndBitwiseAnd(segment, stateOffset, ~EventDescriptor.SET_BIT);
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    /**
     * Whether the flag is set now. Python's {@code Event.is_set()}.
     *
     * @return {@code true} if set.
     * @throws IllegalStateException if closed.
     */
    public boolean isSet()
    {
        file.ensureOpen();
        try
        {
            // acquire: pairs with the setter's CAS, so its earlier writes are visible
            return ((int)INT.getAcquire(segment, stateOffset) & EventDescriptor.SET_BIT) != 0;
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    /**
     * Waits, without a time limit, until the flag is set. Python's {@code Event.wait()}.
     *
     * @throws InterruptedException  if the thread is interrupted (noticed within one sleep slice).
     * @throws IllegalStateException if closed.
     */
    public void await() throws InterruptedException
    {
        awaitNanos(Long.MAX_VALUE);
    }

    /**
     * Waits until the flag is set or the timeout elapses. Python's {@code Event.wait(timeout)}.
     *
     * @param timeout how long to wait at most; zero or less only checks (as in {@code java.util.concurrent}).
     * @param unit    the timeout's unit.
     * @return {@code true} if the flag was set (now, or at some moment while waiting), {@code false} if the
     *         timeout elapsed first.
     * @throws InterruptedException  if the thread is interrupted (noticed within one sleep slice).
     * @throws IllegalStateException if closed.
     */
    public boolean await(final long timeout, final TimeUnit unit) throws InterruptedException
    {
        return awaitNanos(WaitStrategy.timeoutNanos(timeout, unit));
    }

    private boolean awaitNanos(final long timeoutNanos) throws InterruptedException
    {
        file.ensureOpen();
        try
        {
            // acquire: pairs with the setter's CAS
            final int start = (int)INT.getAcquire(segment, stateOffset);
            if ((start & EventDescriptor.SET_BIT) != 0)
            {
                return true;
            }
            // only a caller that may have to wait gets here: the context is the one allocation of a wait
            return !WaitLoop.isWait(WaitLoop.await(file, signal, waitStrategy, new Waiting(this, start), ATTEMPT,
                timeoutNanos, true));
        }
        catch (final InternalError e)
        {
            throw file.faulted(e);
        }
    }

    /** One wait's attempt: set since the wait began (a set that was cleared again counts), or nobody to blame. */
    private record Waiting(SharedEvent event, int start)
    {
        long attempt()
        {
            // acquire: pairs with the setter's CAS, so its earlier writes are visible once we return
            final int now = (int)INT.getAcquire(event.segment, event.stateOffset);
            return (now & EventDescriptor.SET_BIT) != 0 || now != start ? 1 : WaitLoop.WAIT;
        }
    }

    /** How many threads, over all processes, are registered asleep on the event (for tests and tools). */
    int waiters()
    {
        file.ensureOpen();
        return signal.waiters();
    }

    /**
     * A handle naming this object, to pass to another process (it is serializable, so a {@code JvmProcess} target
     * may capture it), which opens the object with it; see {@link SharedHandle}.
     *
     * @return the handle.
     */
    public SharedHandle handle()
    {
        return file.handle();
    }

    /**
     * The event's file.
     *
     * @return its path.
     */
    public Path path()
    {
        return file.path();
    }

    /**
     * Removes the event's name so that no process can attach any more; attached processes keep using it.
     *
     * @throws IllegalStateException if another live process is attached (nothing is removed).
     */
    public void unlink()
    {
        file.unlink();
    }

    /**
     * Detaches this process. Idempotent; the event stays for other processes. A thread of this process still
     * waiting gets an {@link IllegalStateException} within one sleep slice.
     */
    @Override
    public void close()
    {
        file.close();
    }

    @Override
    public String toString()
    {
        if (file.isClosed())
        {
            return "SharedEvent " + file.path() + " (closed)";
        }
        try
        {
            return "SharedEvent " + file.path() + (isSet() ? " (set)" : " (clear)");
        }
        catch (final RuntimeException e)
        {
            return "SharedEvent " + file.path() + " (unreadable)";
        }
    }

    /**
     * Builds a {@link SharedEvent}.
     */
    public static final class Builder extends SyncBuilder<Builder>
    {
        private Builder(final String name)
        {
            super(name);
        }

        /**
         * Creates the event, cleared; fails if the name exists.
         *
         * @return the attached event.
         * @throws io.jvmipc.file.SharedObjectExistsException if an object of that name exists.
         */
        public SharedEvent create()
        {
            return open(OpenMode.CREATE);
        }

        /**
         * Attaches to an existing event.
         *
         * @return the attached event.
         * @throws io.jvmipc.file.NoSuchSharedObjectException if there is none.
         * @throws io.jvmipc.file.WrongKindException          if the file holds another kind of object.
         * @throws io.jvmipc.file.SharedObjectException       if the file is foreign, truncated or corrupt.
         */
        public SharedEvent open()
        {
            return open(OpenMode.OPEN);
        }

        /**
         * Attaches to the event, creating it (cleared) if it does not exist; race-free between processes.
         *
         * @return the attached event.
         * @throws io.jvmipc.file.WrongKindException    if the file holds another kind of object.
         * @throws io.jvmipc.file.SharedObjectException if the file is foreign, truncated or corrupt.
         */
        public SharedEvent openOrCreate()
        {
            return open(OpenMode.OPEN_OR_CREATE);
        }

        private SharedEvent open(final OpenMode mode)
        {
            final Path path = path();
            final SharedFile.Spec spec = mode == OpenMode.OPEN ? null : new SharedFile.Spec(ObjectKind.EVENT,
                EventDescriptor.VERSION, new long[0], EventDescriptor.LENGTH, processTableCapacity(), null);
            return SharedFile.open(path, ObjectKind.EVENT, EventDescriptor.VERSION, mode, spec, file ->
            {
                if (file.bodyLength() < EventDescriptor.LENGTH)
                {
                    throw new CorruptFileException(path, "event body of " + file.bodyLength() + " bytes, expected " +
                        EventDescriptor.LENGTH);
                }
                final Signal signal = Signal.of(file, EventDescriptor.SIGNAL_NUMBER,
                    file.bodyOffset() + EventDescriptor.SIGNAL_OFFSET);
                // a dead process's waiter registrations, which the file releases, are all it held
                return new SharedFile.Bound<>(new SharedEvent(file, signal, waitStrategy), dead ->
                {
                });
            });
        }
    }
}
