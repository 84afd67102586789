package io.jvmipc.queue;

import io.jvmipc.codec.Codec;
import io.jvmipc.codec.Codecs;
import io.jvmipc.file.CorruptFileException;
import io.jvmipc.file.IncompatibleParametersException;
import io.jvmipc.file.ObjectKind;
import io.jvmipc.file.SharedFile;
import io.jvmipc.file.SharedObjectBuilder;
import io.jvmipc.file.SharedObjectException;
import io.jvmipc.wait.WaitStrategy;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Builds a {@link SharedQueue}: sets where it lives and, for creation, its sizes.
 *
 * @param <T> the type of message.
 */
public final class SharedQueueBuilder<T> extends SharedObjectBuilder<SharedQueueBuilder<T>>
{
    private final Codec<T> codec;
    private int capacity = 1024;
    private int maxMessageSize = 1024;
    private WaitStrategy waitStrategy = WaitStrategy.blocking();
    private boolean capacitySet;
    private boolean maxMessageSizeSet;
    /** 0: the default, from the queue's capacity. */
    private int maxLeasesPerProcess;
    private long queueMode;
    private boolean modeSet;

    SharedQueueBuilder(final String name, final Codec<T> codec)
    {
        super(name);
        this.codec = Objects.requireNonNull(codec, "codec");
    }

    /**
     * How many messages the queue holds (default 1024); any value from 1 to 2^30. When attaching to an
     * existing queue, a capacity set here must match it.
     *
     * @param capacity the capacity.
     * @return this builder.
     * @throws IllegalArgumentException if out of range.
     */
    public SharedQueueBuilder<T> capacity(final int capacity)
    {
        if (capacity < 1 || capacity > QueueDescriptor.MAX_CAPACITY)
        {
            throw new IllegalArgumentException("capacity " + capacity + " outside 1.." +
                QueueDescriptor.MAX_CAPACITY);
        }
        this.capacity = capacity;
        this.capacitySet = true;
        return this;
    }

    /**
     * The largest message in bytes (default 1024), from 0 to 64 MiB. Each slot takes this plus 16 bytes,
     * rounded up to 64. When attaching to an existing queue, a size set here must match it.
     *
     * @param maxMessageSize the largest message.
     * @return this builder.
     * @throws IllegalArgumentException if out of range.
     */
    public SharedQueueBuilder<T> maxMessageSize(final int maxMessageSize)
    {
        if (maxMessageSize < 0 || maxMessageSize > QueueDescriptor.MAX_MESSAGE_SIZE_LIMIT)
        {
            throw new IllegalArgumentException("maxMessageSize " + maxMessageSize + " outside 0.." +
                QueueDescriptor.MAX_MESSAGE_SIZE_LIMIT);
        }
        this.maxMessageSize = maxMessageSize;
        this.maxMessageSizeSet = true;
        return this;
    }

    /**
     * How many {@link Lease}s this attachment may hold at once (default: half the capacity, at least 1 and at most
     * 16); a per-process choice, not stored in the queue. A lease holds its message's slot until it ends, so
     * producers see held leases as used capacity; taking a lease over the bound throws
     * {@link IllegalStateException} (see {@link SharedQueue#takeLease()}).
     *
     * @param maxLeases 1 to 2^30.
     * @return this builder.
     * @throws IllegalArgumentException if out of range.
     */
    public SharedQueueBuilder<T> maxLeasesPerProcess(final int maxLeases)
    {
        if (maxLeases < 1 || maxLeases > QueueDescriptor.MAX_CAPACITY)
        {
            throw new IllegalArgumentException("maxLeasesPerProcess " + maxLeases + " outside 1.." +
                QueueDescriptor.MAX_CAPACITY);
        }
        this.maxLeasesPerProcess = maxLeases;
        return this;
    }

    /**
     * Creates (or requires) a queue for one producer at a time, as Agrona's and JCTools' single-producer rings: its
     * producer claims and publishes a slot with plain stores, no compare-and-set, which shortens the round trip.
     * The producer role is held by one attachment and, in it, by one thread: the first to offer, claim or fill
     * takes it; any other attachment, in this process or another, or any other thread of that attachment, gets an
     * {@link IllegalStateException} naming the holder. The role passes on when its attachment closes or its
     * process dies (found by the next one that asks for it), or, within the attachment, when its thread ends. The
     * producer has at most one open claim ({@link SharedQueue#tryClaim()}) at a time. Consumers are not limited
     * (unless {@link #singleConsumer()} is set too). Every process opening the queue must agree: an
     * {@link #open()} that does not set the mode takes the file's.
     *
     * @return this builder.
     */
    public SharedQueueBuilder<T> singleProducer()
    {
        this.queueMode |= QueueDescriptor.SINGLE_PRODUCER;
        this.modeSet = true;
        return this;
    }

    /**
     * Creates (or requires) a queue for one consumer at a time, as {@link #singleProducer()} is for producers: its
     * consumer takes a message without a compare-and-set. The consumer role (one attachment, one thread) is taken
     * by the first take, poll, drain, lease or removal; others get an {@link IllegalStateException} naming the
     * holder. A consumer that dies before its take returns leaves the message in the queue, for the next holder
     * of the role (in a queue of any consumers, a message whose take never returned is lost). A handler passed to
     * a take may not take again from the queue. Producers are not limited (unless {@link #singleProducer()} is set
     * too).
     *
     * @return this builder.
     */
    public SharedQueueBuilder<T> singleConsumer()
    {
        this.queueMode |= QueueDescriptor.SINGLE_CONSUMER;
        this.modeSet = true;
        return this;
    }

    /**
     * How this process's threads wait when the queue is full or empty (default
     * {@link WaitStrategy#blocking()}); a per-process choice, not stored in the queue.
     *
     * @param waitStrategy the strategy.
     * @return this builder.
     */
    public SharedQueueBuilder<T> waitStrategy(final WaitStrategy waitStrategy)
    {
        this.waitStrategy = Objects.requireNonNull(waitStrategy, "waitStrategy");
        return this;
    }

    /**
     * Creates the queue; fails if one of that name exists.
     *
     * @return the queue, attached.
     * @throws io.jvmipc.file.SharedObjectExistsException if it exists.
     */
    public SharedQueue<T> create()
    {
        return build(SharedFile.OpenMode.CREATE);
    }

    /**
     * Attaches to an existing queue; its sizes are read from its file (and checked against any set here).
     *
     * @return the queue, attached.
     * @throws io.jvmipc.file.NoSuchSharedObjectException     if it does not exist.
     * @throws io.jvmipc.file.IncompatibleParametersException if a size set here differs from the queue's, or
     *                                                        the queue was created with a codec of another
     *                                                        {@linkplain Codec#identity() identity}.
     * @throws SharedObjectException                          if the file is not a valid queue.
     */
    public SharedQueue<T> open()
    {
        return build(SharedFile.OpenMode.OPEN);
    }

    /**
     * Attaches to the queue if it exists, else creates it. Safe when many processes do it at once: all end up
     * on one queue.
     *
     * @return the queue, attached.
     * @throws io.jvmipc.file.IncompatibleParametersException if it exists with other sizes than set here, or
     *                                                        with a codec of another
     *                                                        {@linkplain Codec#identity() identity}.
     * @throws SharedObjectException                          if the file is not a valid queue.
     */
    public SharedQueue<T> openOrCreate()
    {
        return build(SharedFile.OpenMode.OPEN_OR_CREATE);
    }

    private SharedQueue<T> build(final SharedFile.OpenMode mode)
    {
        final long codecHash = Codecs.identityHash(codec);
        final int slotLength = QueueDescriptor.slotLength(maxMessageSize);
        final long bodyLength = QueueDescriptor.bodyLength(capacity, slotLength);
        if (bodyLength > QueueDescriptor.MAX_BODY_LENGTH)
        {
            throw new IllegalArgumentException("capacity " + capacity + " x slot " + slotLength + " bytes = " +
                bodyLength + " bytes, over the " + QueueDescriptor.MAX_BODY_LENGTH + "-byte limit");
        }
        final int slots = capacity;
        final SharedFile.Spec spec = new SharedFile.Spec(ObjectKind.QUEUE, QueueDescriptor.KIND_VERSION,
            new long[] {capacity, maxMessageSize, slotLength, codecHash, queueMode}, bodyLength, processTableCapacity(),
            (file, body, length) -> QueueRing.initialize(file, body, slots, slotLength));
        // the one open path: the handle is complete before attach, so a recovery found there runs on it; any
        // failure closes the file
        return openFile(spec, mode, file ->
        {
            validate(file, mode);
            requireCodec(file, codecHash);
            final SharedQueue<T> queue = new SharedQueue<>(file, codec, waitStrategy, name(), maxLeasesPerProcess);
            return new SharedFile.Bound<>(queue, SharedFile.DeadOwnerRecovery.idempotent(queue::recover));
        });
    }

    /** Refuses, at open, a codec of another identity than the creator's: its messages would be lost at decode. */
    private void requireCodec(final SharedFile file, final long codecHash)
    {
        final long fileHash = file.parameter(QueueDescriptor.CODEC_PARAMETER);
        if (fileHash != codecHash)
        {
            final Path path = file.path();
            file.close();
            throw new IncompatibleParametersException(path, "was created with codec " +
                Codecs.describeIdentity(fileHash) + ", not with " + Codecs.describe(codec) +
                ": every process must open it with a codec of the same identity");
        }
    }

    private void validate(final SharedFile file, final SharedFile.OpenMode mode)
    {
        if (mode != SharedFile.OpenMode.OPEN || capacitySet)
        {
            file.requireParameter(QueueDescriptor.CAPACITY_PARAMETER, "capacity", capacity);
        }
        if (mode != SharedFile.OpenMode.OPEN || maxMessageSizeSet)
        {
            file.requireParameter(QueueDescriptor.MAX_MESSAGE_SIZE_PARAMETER, "maxMessageSize", maxMessageSize);
        }
        final long fileMode = file.parameter(QueueDescriptor.MODE_PARAMETER);
        if ((mode != SharedFile.OpenMode.OPEN || modeSet) && fileMode != queueMode &&
            (fileMode & ~QueueDescriptor.MODE_BITS) == 0)
        {
            final Path path = file.path();
            file.close();
            throw new IncompatibleParametersException(path, "exists as a queue for " + describeMode(fileMode) +
                ", not for " + describeMode(queueMode));
        }
        final long fileCapacity = file.parameter(QueueDescriptor.CAPACITY_PARAMETER);
        final long fileMax = file.parameter(QueueDescriptor.MAX_MESSAGE_SIZE_PARAMETER);
        final long fileSlot = file.parameter(QueueDescriptor.SLOT_LENGTH_PARAMETER);
        final boolean sane = fileCapacity >= 1 && fileCapacity <= QueueDescriptor.MAX_CAPACITY &&
            fileMax >= 0 && fileMax <= QueueDescriptor.MAX_MESSAGE_SIZE_LIMIT &&
            fileSlot == QueueDescriptor.slotLength((int)fileMax) &&
            file.bodyLength() == QueueDescriptor.bodyLength((int)fileCapacity, (int)fileSlot) &&
            (fileMode & ~QueueDescriptor.MODE_BITS) == 0;
        if (!sane)
        {
            final Path path = file.path();
            file.close();
            throw new CorruptFileException(path, "queue parameters are inconsistent: capacity " +
                fileCapacity + ", max message " + fileMax + ", slot " + fileSlot + ", body " + file.bodyLength() +
                ", mode " + fileMode);
        }
    }

    /** A queue mode in words, for a message. */
    static String describeMode(final long mode)
    {
        final String producers = (mode & QueueDescriptor.SINGLE_PRODUCER) != 0 ? "one producer" : "any producers";
        final String consumers = (mode & QueueDescriptor.SINGLE_CONSUMER) != 0 ? "one consumer" : "any consumers";
        return producers + " and " + consumers;
    }
}
