package io.jvmipc.aeron;

import io.aeron.ExclusivePublication;
import io.aeron.FragmentAssembler;
import io.aeron.Image;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.logbuffer.Header;
import io.jvmipc.codec.Codec;
import io.jvmipc.file.SharedDirectory;
import io.jvmipc.queue.SharedQueue;
import io.jvmipc.value.SharedLong;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * The receiving end of a bridge: puts into a {@link SharedQueue} on this host the messages that
 * {@link BridgeSender}s on other hosts send, each once, in each sender's order. Started by
 * {@link #builder(SharedDirectory, String, Codec)}; runs on a thread of its own until {@link #close()}.
 * <p>
 * <b>How</b>: for each sender id it keeps, in a shared long beside the queue ({@code QUEUE.bridge-from-ID}), the
 * position of the last message of that sender it put. A message is put only if it follows that one (the sender
 * names the message it follows); one at or before it is a duplicate (a sender that died, or lost its link, sends
 * again what it had not seen confirmed) and is dropped; one that does not follow it (a message lost on the way)
 * makes the receiver tell the sender where it is, and the sender sends again from there. Each put is confirmed to
 * the sender, which only then acknowledges its lease. The window of duplicates kept per sender is that one
 * position: a sender's positions increase.
 * <p>
 * <b>What survives a crash</b>: the receiver may die at any point and restart (one receiver per queue: a lock
 * file beside the queue refuses a second one); the senders keep their unconfirmed messages and send them again.
 * A message is lost never. It is put twice only if the receiver dies in the few instructions between its put
 * returning and its store of that message's position (the two cannot be one store): then the next receiver puts
 * it again. Consumers that must not see that duplicate can take under a lease and drop a message they have seen.
 * <p>
 * <b>Backpressure</b>: when the queue is full the receiver waits (stops reading and confirming), telling its
 * senders every 100 ms that it is alive; they then stop taking, and their own queues fill.
 */
public final class BridgeReceiver implements AutoCloseable
{
    private static final long HEARTBEAT_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long STATE_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final long PUT_SLICE_MILLIS = 50;

    private final SharedDirectory directory;
    private final String queueName;
    private final SharedQueue<byte[]> queue;
    private final BridgeLock lock;
    private final AeronMedia media;
    private final Subscription data;
    private final FragmentAssembler assembler = new FragmentAssembler(this::onData);
    private final BridgeListener listener;
    private final IdleStrategy idle = new BackoffIdleStrategy(10, 10, 1_000, 500_000);
    private final int controlStream;
    private final long peerTimeoutNanos;
    private final Long2ObjectHashMap<Peer> peers = new Long2ObjectHashMap<>();
    private final Int2ObjectHashMap<Peer> sessions = new Int2ObjectHashMap<>();
    /** Sessions whose image went away, from Aeron's conductor thread to the bridge's. */
    private final ConcurrentLinkedQueue<Integer> gone = new ConcurrentLinkedQueue<>();
    private final UnsafeBuffer out = new UnsafeBuffer(new byte[BridgeProtocol.CONTROL_LENGTH]);
    private final byte[] scratch;
    private final Thread thread;

    private volatile boolean running = true;
    private volatile long put;
    private volatile long duplicates;
    private volatile Throwable failure;

    private BridgeReceiver(final Builder builder)
    {
        this.directory = builder.directory;
        this.queueName = builder.queueName;
        this.listener = builder.listener;
        this.controlStream = builder.controlStream;
        this.peerTimeoutNanos = builder.peerTimeoutNanos;
        final Path lockPath = builder.directory.path().resolve(builder.queueName + ".bridge-receiver.lock");
        this.lock = BridgeLock.acquire(lockPath, "the bridge receiver of queue " + builder.queueName);
        SharedQueue<byte[]> opened = null;
        AeronMedia startedMedia = null;
        try
        {
            opened = SharedQueue.builder(builder.queueName, new RawCodec(builder.codecIdentity))
                .directory(builder.directory).open();
            this.scratch = new byte[opened.maxMessageSize()];
            startedMedia = AeronMedia.start(builder.aeronDirectory("receiver"), builder.externalDriver);
            this.data = startedMedia.aeron().addSubscription(builder.channel, builder.dataStream, null,
                this::onUnavailable);
        }
        catch (final RuntimeException | Error e)
        {
            CloseHelper.quietClose(startedMedia);
            CloseHelper.quietClose(opened);
            lock.close();
            throw e;
        }
        this.queue = opened;
        this.media = startedMedia;
        this.thread = Thread.ofPlatform().name("jvmipc-bridge-receiver-" + builder.queueName).unstarted(this::run);
    }

    /**
     * Starts configuring the receiver into the queue {@code queueName} of {@code directory}.
     *
     * @param directory the queue's directory.
     * @param queueName the queue (it must exist).
     * @param codec     the codec the queue's consumers use (only its identity is used: the bridge carries bytes).
     * @return a builder.
     */
    public static Builder builder(final SharedDirectory directory, final String queueName, final Codec<?> codec)
    {
        return new Builder(directory, queueName, codec);
    }

    /**
     * How many messages this receiver put into its queue since it started.
     *
     * @return the count.
     */
    public long delivered()
    {
        return put;
    }

    /**
     * How many duplicates (messages already put, sent again) it dropped since it started.
     *
     * @return the count.
     */
    public long duplicates()
    {
        return duplicates;
    }

    /**
     * The error that stopped the bridge, or {@code null} while it runs (or if it was closed).
     *
     * @return the error.
     */
    public Throwable failure()
    {
        return failure;
    }

    /**
     * Stops the bridge: its thread ends (a put it was waiting on is abandoned: the sender sends it again), Aeron
     * and the embedded driver close, and the lock is released. Idempotent; waits for the thread.
     */
    @Override
    public void close()
    {
        running = false;
        boolean interrupted = false;
        while (thread.isAlive())
        {
            try
            {
                thread.join();
            }
            catch (final InterruptedException e)
            {
                interrupted = true;
            }
        }
        for (final Peer peer : peers.values())
        {
            CloseHelper.quietClose(peer.publication);
            CloseHelper.quietClose(peer.last);
        }
        CloseHelper.quietCloseAll(data, media);
        queue.close();
        lock.close();
        if (interrupted)
        {
            Thread.currentThread().interrupt();
        }
    }

    private BridgeReceiver begin()
    {
        thread.start();
        return this;
    }

    private void run()
    {
        try
        {
            while (running)
            {
                final int work = data.poll(assembler, 16);
                final long now = System.nanoTime();
                for (final Peer peer : peers.values())
                {
                    if (peer.ackDue || now - peer.lastSentNanos > HEARTBEAT_NANOS)
                    {
                        answer(peer, BridgeProtocol.ACK, now);
                    }
                    if (!peer.lost && now - peer.lastHeardNanos > peerTimeoutNanos && peer.publication != null)
                    {
                        peer.lost = true;
                        listener.onPeerLost(peer.sender, "nothing from sender " + peer.sender + " for " +
                            TimeUnit.NANOSECONDS.toMillis(now - peer.lastHeardNanos) + " ms");
                    }
                }
                Integer session;
                while ((session = gone.poll()) != null)
                {
                    final Peer peer = sessions.remove(session.intValue());
                    if (peer != null && !peer.lost)
                    {
                        peer.lost = true;
                        listener.onPeerLost(peer.sender, "the stream of sender " + peer.sender + " went away");
                    }
                }
                idle.idle(work);
            }
        }
        catch (final Throwable e)
        {
            failure = e;
            running = false;
            listener.onFailure(e);
        }
    }

    private void onUnavailable(final Image image)
    {
        gone.add(image.sessionId());
    }

    private void onData(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        if (length < BridgeProtocol.HELLO_HEADER_LENGTH)
        {
            return;
        }
        final int type = BridgeProtocol.type(buffer, offset);
        final long sender = BridgeProtocol.sender(buffer, offset);
        final long epoch = BridgeProtocol.epoch(buffer, offset);
        final long now = System.nanoTime();
        if (type == BridgeProtocol.HELLO)
        {
            final String channel = buffer.getStringWithoutLengthUtf8(offset + BridgeProtocol.HELLO_HEADER_LENGTH,
                length - BridgeProtocol.HELLO_HEADER_LENGTH);
            final Peer peer = peer(sender, channel);
            final boolean fresh = peer.epoch != epoch || peer.lost;
            peer.epoch = epoch;
            peer.lastHeardNanos = now;
            peer.lost = false;
            sessions.put(header.sessionId(), peer);
            answer(peer, BridgeProtocol.STATE, now);
            if (fresh)
            {
                listener.onPeerConnected(sender);
            }
            return;
        }
        final Peer peer = peers.get(sender);
        if (peer == null || peer.epoch != epoch)
        {
            // a run this receiver has not greeted (it restarted, or the run is over): the sender says hello again
            return;
        }
        peer.lastHeardNanos = now;
        peer.lost = false;
        if (type != BridgeProtocol.DATA || length < BridgeProtocol.DATA_HEADER_LENGTH)
        {
            return;
        }
        final long position = BridgeProtocol.position(buffer, offset);
        final long last = peer.last.get();
        if (position <= last)
        {
            duplicates++;
            peer.ackDue = true;
            return;
        }
        if (BridgeProtocol.previous(buffer, offset) != last)
        {
            if (now - peer.lastStateNanos > STATE_INTERVAL_NANOS)
            {
                peer.lastStateNanos = now;
                answer(peer, BridgeProtocol.STATE, now);
            }
            return;
        }
        final int size = length - BridgeProtocol.DATA_HEADER_LENGTH;
        if (size > scratch.length)
        {
            throw new IllegalStateException(queue.path() + ": sender " + sender + " sent a message of " + size +
                " bytes, over this queue's maximum of " + scratch.length + "; the queues must agree");
        }
        buffer.getBytes(offset + BridgeProtocol.DATA_HEADER_LENGTH, scratch, 0, size);
        if (!putWhileAlive(peer, size))
        {
            return;
        }
        // the window: a kill here, after the put and before this store, makes the next receiver put it again
        peer.last.set(position);
        put++;
        peer.ackDue = true;
    }

    /** Puts the scratch message, telling the sender every 100 ms that this receiver lives; false if closed. */
    private boolean putWhileAlive(final Peer peer, final int size)
    {
        try
        {
            while (!queue.offerBytes(scratch, 0, size, PUT_SLICE_MILLIS, TimeUnit.MILLISECONDS))
            {
                if (!running)
                {
                    return false;
                }
                final long now = System.nanoTime();
                if (now - peer.lastSentNanos > HEARTBEAT_NANOS)
                {
                    answer(peer, BridgeProtocol.ACK, now);
                }
            }
            return true;
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            running = false;
            return false;
        }
    }

    private Peer peer(final long sender, final String channel)
    {
        Peer peer = peers.get(sender);
        if (peer == null)
        {
            final SharedLong last = SharedLong.builder(queueName + ".bridge-from-" + sender).directory(directory)
                .initialValue(BridgeProtocol.NONE).openOrCreate();
            peer = new Peer(sender, last);
            peers.put(sender, peer);
        }
        if (!channel.equals(peer.channel))
        {
            CloseHelper.quietClose(peer.publication);
            peer.publication = media.aeron().addExclusivePublication(channel, controlStream);
            peer.channel = channel;
        }
        return peer;
    }

    /** Sends an ACK or a STATE of the peer's last position; a failed offer leaves the ACK due. */
    private void answer(final Peer peer, final int type, final long now)
    {
        if (peer.publication == null)
        {
            return;
        }
        final int length = BridgeProtocol.control(out, type, peer.sender, peer.epoch, peer.last.get());
        final long result = peer.publication.offer(out, 0, length);
        if (result >= 0)
        {
            peer.lastSentNanos = now;
            if (type == BridgeProtocol.ACK)
            {
                peer.ackDue = false;
            }
        }
        else if (result == Publication.CLOSED || result == Publication.MAX_POSITION_EXCEEDED)
        {
            throw new IllegalStateException("the bridge's Aeron publication to sender " + peer.sender +
                " failed: " + Publication.errorString(result));
        }
    }

    /** What the receiver knows of one sender. */
    private static final class Peer
    {
        final long sender;
        /** The position of its last message put into the queue: persisted, so a restarted receiver drops repeats. */
        final SharedLong last;
        String channel;
        ExclusivePublication publication;
        long epoch = -1;
        boolean ackDue;
        boolean lost;
        long lastHeardNanos = System.nanoTime();
        long lastSentNanos;
        long lastStateNanos;

        Peer(final long sender, final SharedLong last)
        {
            this.sender = sender;
            this.last = last;
        }
    }

    /** Configures a {@link BridgeReceiver}. */
    public static final class Builder extends BridgeBuilder<Builder>
    {
        private String channel;

        private Builder(final SharedDirectory directory, final String queueName, final Codec<?> codec)
        {
            super(directory, queueName, codec);
        }

        /**
         * Where this receiver listens: {@code aeron:udp?endpoint=host:port} with this host's address (or
         * {@code 0.0.0.0}), the senders' {@link BridgeSender.Builder#remote(String)}.
         *
         * @param channel the Aeron UDP URI.
         * @return this builder.
         * @throws IllegalArgumentException if it is not an Aeron UDP URI with an endpoint.
         */
        public Builder channel(final String channel)
        {
            this.channel = requireUdpEndpoint(channel, "channel");
            return this;
        }

        /**
         * Opens the queue and Aeron and starts the bridge's thread.
         *
         * @return the running receiver.
         * @throws IllegalStateException if the channel is missing, or another receiver of this queue runs.
         * @throws io.jvmipc.file.SharedObjectException if the queue cannot be opened.
         */
        public BridgeReceiver start()
        {
            if (channel == null)
            {
                throw new IllegalStateException("a bridge receiver needs its channel");
            }
            return new BridgeReceiver(this).begin();
        }
    }
}
