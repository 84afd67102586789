package io.jvmipc.pipe;

import io.jvmipc.codec.Codec;
import io.jvmipc.codec.Codecs;
import io.jvmipc.file.CorruptFileException;
import io.jvmipc.file.IncompatibleParametersException;
import io.jvmipc.file.ObjectKind;
import io.jvmipc.file.ProcessTableDescriptor;
import io.jvmipc.file.SharedDirectory;
import io.jvmipc.file.SharedFile;
import io.jvmipc.file.SharedHandle;
import io.jvmipc.wait.FutexWaitStrategy;
import io.jvmipc.wait.Signal;
import io.jvmipc.wait.WaitStrategy;

import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A pipe between two JVM processes over a shared-memory file: Python's {@code multiprocessing.Pipe(duplex)}.
 * A pipe has two ends, {@link End#A} and {@link End#B}; each is a {@link Connection}. A process takes one end by
 * name ({@link Builder#connect(End)}, {@link #attach}); {@link Builder#open()} takes both in this process.
 * <p>
 * The file ({@link ObjectKind#PIPE}) holds two single-producer single-consumer byte rings, one per direction,
 * and one block per end saying which process-table entry holds it and whether it is open, closed or its holder
 * died (see {@link PipeDescriptor}, {@link EndClaim}). Creation is race-free: whoever connects first creates the
 * file and the other attaches to it.
 * <p>
 * This object holds both ends from {@link Builder#open()}; {@link #close()} closes both.
 *
 * @param <T> the type of value the connections' {@code send}/{@code recv} carry.
 */
public final class Pipe<T> implements AutoCloseable
{
    /**
     * The default wait strategy of a connection: a {@link FutexWaitStrategy} that spins about 2,000 times and
     * yields 20 times (some tens of microseconds here) before sleeping on the futex, in 50 ms slices. Longer than
     * {@link WaitStrategy#blocking()}'s spin, because while a receiver sleeps its sender pays a futex wake system
     * call per message until the receiver runs again: a streaming receiver should catch the next message while
     * still spinning. A thread blocked longer than that uses no CPU.
     */
    public static final WaitStrategy DEFAULT_STRATEGY =
        new FutexWaitStrategy(2000, 20, TimeUnit.MILLISECONDS.toNanos(50));

    private final Connection<T> a;
    private final Connection<T> b;

    private Pipe(final Connection<T> a, final Connection<T> b)
    {
        this.a = a;
        this.b = b;
    }

    /**
     * Starts building a pipe of raw byte arrays ({@code send}/{@code recv} carry {@code byte[]}).
     *
     * @param name the pipe's name in its directory.
     * @return a builder.
     */
    public static Builder<byte[]> builder(final String name)
    {
        return new Builder<>(name, Codecs.bytes());
    }

    /**
     * Starts building an anonymous object of this kind, Python's unnamed one: it gets a fresh name
     * ({@link SharedDirectory#newAnonymousName()}) and is marked anonymous, and its file is removed when the last
     * attached process closes it (or, if every process died, by the next open of its name or a cleanup). Take an
     * end with the builder's {@link Builder#connect(End)} and pass the connection's {@link Connection#handle()} to
     * the process that takes the other end ({@link #attach(SharedHandle, Codec, End)}); or take both ends here
     * with {@link Builder#open()}. An anonymous builder names one pipe.
     *
     * @return a builder.
     */
    public static Builder<byte[]> anonymous()
    {
        return builder(SharedDirectory.newAnonymousName());
    }

    /**
     * Starts building a pipe whose {@code send}/{@code recv} encode values with {@code codec}.
     *
     * @param name  the pipe's name in its directory.
     * @param codec turns values into bytes and back.
     * @param <T>   the type of value.
     * @return a builder.
     */
    public static <T> Builder<T> builder(final String name, final Codec<T> codec)
    {
        return new Builder<>(name, Objects.requireNonNull(codec, "codec"));
    }

    /**
     * Starts building an anonymous object of this kind, Python's unnamed one: it gets a fresh name
     * ({@link SharedDirectory#newAnonymousName()}) and is marked anonymous, and its file is removed when the last
     * attached process closes it (or, if every process died, by the next open of its name or a cleanup). Take an
     * end with the builder's {@link Builder#connect(End)} and pass the connection's {@link Connection#handle()} to
     * the process that takes the other end ({@link #attach(SharedHandle, Codec, End)}); or take both ends here
     * with {@link Builder#open()}. An anonymous builder names one pipe.
     *
     * @param codec turns values into bytes and back.
     * @param <T>   the type of value.
     * @return a builder.
     */
    public static <T> Builder<T> anonymous(final Codec<T> codec)
    {
        return builder(SharedDirectory.newAnonymousName(), codec);
    }

    /**
     * Attaches to end {@code end} of an existing pipe of raw byte arrays, as a child process does.
     *
     * @param directory the directory holding the pipe.
     * @param name      the pipe's name.
     * @param end       the end to take.
     * @return the connection.
     * @throws io.jvmipc.file.NoSuchSharedObjectException     if there is no such pipe.
     * @throws IncompatibleParametersException                if the pipe was created with a codec of another
     *                                                        {@linkplain Codec#identity() identity} than
     *                                                        {@link Codecs#bytes()}.
     * @throws io.jvmipc.file.SharedObjectException           if the file is foreign, of another version or kind,
     *                                                        truncated or corrupt.
     * @throws IllegalStateException                      if the end is held by a live process, or was closed.
     */
    public static Connection<byte[]> attach(final SharedDirectory directory, final String name, final End end)
    {
        return builder(name).directory(directory).attach(end);
    }

    /**
     * Attaches to end {@code end} of the pipe a handle names ({@link Connection#handle()} of the other end, in
     * another process), as a child given an anonymous pipe does.
     *
     * @param handle the pipe's handle.
     * @param codec  a codec of the same {@linkplain Codec#identity() identity} as the creator's.
     * @param end    the end to take.
     * @param <T>    the type of value.
     * @return the connection.
     * @throws io.jvmipc.file.WrongKindException          if the handle names another kind of object.
     * @throws io.jvmipc.file.NoSuchSharedObjectException if the pipe is gone (an anonymous pipe whose last
     *                                                    attachment closed).
     * @throws IllegalStateException                      if the end is held by a live process, or was closed.
     */
    public static <T> Connection<T> attach(final SharedHandle handle, final Codec<T> codec, final End end)
    {
        return builder(handle.requireKind(ObjectKind.PIPE).name(), codec).directory(handle.sharedDirectory())
            .attach(end);
    }

    /**
     * A handle naming this pipe (both ends share one), to pass to another process.
     *
     * @return the handle.
     */
    public SharedHandle handle()
    {
        return a.handle();
    }

    /**
     * End A (Python's first connection; the receiving end of a one-way pipe).
     *
     * @return end A.
     */
    public Connection<T> a()
    {
        return a;
    }

    /**
     * End B (Python's second connection; the sending end of a one-way pipe).
     *
     * @return end B.
     */
    public Connection<T> b()
    {
        return b;
    }

    /** Closes both ends (each is idempotent). */
    @Override
    public void close()
    {
        try
        {
            a.close();
        }
        finally
        {
            b.close();
        }
    }

    /**
     * Configures and opens a pipe.
     *
     * @param <T> the type of value carried.
     */
    public static final class Builder<T>
    {
        private final String name;
        private final Codec<T> codec;
        private SharedDirectory directory;
        private boolean duplex = true;
        private int capacity = PipeDescriptor.DEFAULT_CAPACITY;
        private int maxMessageLength = PipeDescriptor.DEFAULT_MAX_MESSAGE;
        private WaitStrategy waitStrategy = DEFAULT_STRATEGY;

        private Builder(final String name, final Codec<T> codec)
        {
            this.name = Objects.requireNonNull(name, "name");
            this.codec = codec;
        }

        /**
         * The directory of the pipe's file (default: {@link SharedDirectory#defaultDirectory()}).
         *
         * @param directory the directory.
         * @return this builder.
         */
        public Builder<T> directory(final SharedDirectory directory)
        {
            this.directory = Objects.requireNonNull(directory, "directory");
            return this;
        }

        /**
         * Whether both ends send and receive (default {@code true}); if {@code false}, A only receives and B only
         * sends, as in Python's {@code Pipe(duplex=False)}. Used when creating the pipe.
         *
         * @param duplex {@code true} for a two-way pipe.
         * @return this builder.
         */
        public Builder<T> duplex(final boolean duplex)
        {
            this.duplex = duplex;
            return this;
        }

        /**
         * Bytes of ring per direction, a power of two from 4 KiB to 1 GiB (default 1 MiB). Used when creating.
         *
         * @param capacity the ring capacity.
         * @return this builder.
         * @throws IllegalArgumentException if out of range or not a power of two.
         */
        public Builder<T> capacity(final int capacity)
        {
            if (Integer.bitCount(capacity) != 1 || capacity < RingDescriptor.MIN_CAPACITY ||
                capacity > RingDescriptor.MAX_CAPACITY)
            {
                throw new IllegalArgumentException("capacity must be a power of two from " +
                    RingDescriptor.MIN_CAPACITY + " to " + RingDescriptor.MAX_CAPACITY + ": " + capacity);
            }
            this.capacity = capacity;
            return this;
        }

        /**
         * The largest message, 0 to 1 GiB (default 64 MiB). Used when creating.
         *
         * @param maxMessageLength bytes.
         * @return this builder.
         * @throws IllegalArgumentException if out of range.
         */
        public Builder<T> maxMessageLength(final int maxMessageLength)
        {
            if (maxMessageLength < 0 || maxMessageLength > PipeDescriptor.MAX_MESSAGE_LIMIT)
            {
                throw new IllegalArgumentException("maxMessageLength must be from 0 to " +
                    PipeDescriptor.MAX_MESSAGE_LIMIT + ": " + maxMessageLength);
            }
            this.maxMessageLength = maxMessageLength;
            return this;
        }

        /**
         * How this process's connections wait: {@link #DEFAULT_STRATEGY} (spin, yield, then futex sleep), another
         * {@link FutexWaitStrategy} such as {@link WaitStrategy#blocking()}, or {@link WaitStrategy#busySpin()}
         * (lowest latency, burns a core while waiting).
         *
         * @param waitStrategy the strategy.
         * @return this builder.
         */
        public Builder<T> waitStrategy(final WaitStrategy waitStrategy)
        {
            this.waitStrategy = Objects.requireNonNull(waitStrategy, "waitStrategy");
            return this;
        }

        /**
         * Creates the pipe if it does not exist (else attaches to it) and takes end {@code end}.
         *
         * @param end the end to take.
         * @return the connection.
         * @throws IncompatibleParametersException     if the pipe exists with a codec of another
         *                                              {@linkplain Codec#identity() identity}.
         * @throws io.jvmipc.file.SharedObjectException if the existing file is foreign, of another version or
         *                                              kind, truncated or corrupt.
         * @throws IllegalStateException                if the end is held by a live process, or was closed.
         */
        public Connection<T> connect(final End end)
        {
            return connect(end, SharedFile.OpenMode.OPEN_OR_CREATE);
        }

        /**
         * Takes end {@code end} of an existing pipe.
         *
         * @param end the end to take.
         * @return the connection.
         * @throws io.jvmipc.file.NoSuchSharedObjectException if there is no such pipe.
         * @throws IncompatibleParametersException            if the pipe was created with a codec of another
         *                                                    {@linkplain Codec#identity() identity}.
         * @throws io.jvmipc.file.SharedObjectException       if the file is foreign, of another version or
         *                                                    kind, truncated or corrupt.
         * @throws IllegalStateException                      if the end is held by a live process, or was closed.
         */
        public Connection<T> attach(final End end)
        {
            return connect(end, SharedFile.OpenMode.OPEN);
        }

        /**
         * Creates a new pipe and takes both ends in this process, like Python's {@code Pipe()}.
         *
         * @return the pipe, holding both connections.
         * @throws io.jvmipc.file.SharedObjectExistsException if the name exists.
         */
        public Pipe<T> open()
        {
            final Connection<T> a = connect(End.A, SharedFile.OpenMode.CREATE);
            try
            {
                return new Pipe<>(a, connect(End.B, SharedFile.OpenMode.OPEN));
            }
            catch (final RuntimeException e)
            {
                a.close();
                throw e;
            }
        }

        /** Refuses a codec of another identity than the creator's: its messages would be lost at decode. */
        private void requireCodec(final SharedFile file)
        {
            final long fileHash = file.parameter(PipeDescriptor.PARAM_CODEC);
            if (fileHash != Codecs.identityHash(codec))
            {
                throw new IncompatibleParametersException(file.path(), "was created with codec " +
                    Codecs.describeIdentity(fileHash) + ", not with " + Codecs.describe(codec) +
                    ": both ends must use a codec of the same identity");
            }
        }

        private Connection<T> connect(final End end, final SharedFile.OpenMode mode)
        {
            Objects.requireNonNull(end, "end");
            final SharedDirectory dir = directory != null ? directory : SharedDirectory.defaultDirectory();
            final Path path = dir.resolve(name);
            final SharedFile.Spec spec = new SharedFile.Spec(ObjectKind.PIPE, PipeDescriptor.VERSION,
                new long[] {capacity, duplex ? 1 : 0, maxMessageLength, Codecs.identityHash(codec)},
                PipeDescriptor.bodyLength(capacity),
                ProcessTableDescriptor.DEFAULT_CAPACITY, null);
            // the one open path: maps, validates and binds the signals (bind), attaches with the ends' recovery, and
            // closes the file if any of that fails; the end is claimed after attach, since the claim names the entry
            final Mapped mapped = SharedFile.open(path, ObjectKind.PIPE, PipeDescriptor.VERSION, mode,
                mode == SharedFile.OpenMode.OPEN ? null : spec, this::bind);
            final SharedFile file = mapped.file();
            try
            {
                final long claimed = EndClaim.claim(file, end);
                return new Connection<>(file, end, mapped.duplex(), mapped.ringCapacity(), mapped.maxMessage(),
                    codec, waitStrategy, mapped.signals(), claimed);
            }
            catch (final RuntimeException e)
            {
                file.close();
                throw e;
            }
            catch (final InternalError e)
            {
                file.close();
                throw file.faulted(e);
            }
        }

        /** A validated pipe file with its signals bound, before its end is claimed. */
        private record Mapped(SharedFile file, int ringCapacity, boolean duplex, int maxMessage, Signal[] signals)
        {
        }

        /** Validates a mapped pipe file and binds its signals, before attach. */
        private SharedFile.Bound<Mapped> bind(final SharedFile file)
        {
            try
            {
                final long fileCapacity = file.parameter(PipeDescriptor.PARAM_CAPACITY);
                final long fileDuplex = file.parameter(PipeDescriptor.PARAM_DUPLEX);
                final long fileMax = file.parameter(PipeDescriptor.PARAM_MAX_MESSAGE);
                if (Long.bitCount(fileCapacity) != 1 || fileCapacity < RingDescriptor.MIN_CAPACITY ||
                    fileCapacity > RingDescriptor.MAX_CAPACITY || (fileDuplex != 0 && fileDuplex != 1) ||
                    fileMax < 0 || fileMax > PipeDescriptor.MAX_MESSAGE_LIMIT ||
                    file.bodyLength() != PipeDescriptor.bodyLength((int)fileCapacity))
                {
                    throw new CorruptFileException(file.path(), "has impossible pipe parameters: capacity " +
                        fileCapacity + ", duplex " + fileDuplex + ", max message " + fileMax + ", body " +
                        file.bodyLength());
                }
                requireCodec(file);
                final int ringCapacity = (int)fileCapacity;
                final long body = file.bodyOffset();
                final Signal[] signals = Connection.bindSignals(file, ringCapacity);
                return new SharedFile.Bound<>(new Mapped(file, ringCapacity, fileDuplex == 1, (int)fileMax, signals),
                    entry -> EndClaim.recover(file.segment(), body, ringCapacity, entry));
            }
            catch (final InternalError e)
            {
                throw file.faulted(e);
            }
        }
    }
}
