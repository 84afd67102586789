package io.jvmipc.aeron;

import io.aeron.ExclusivePublication;
import io.aeron.FragmentAssembler;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.logbuffer.Header;
import io.jvmipc.codec.Codec;
import io.jvmipc.file.SharedDirectory;
import io.jvmipc.file.SharedFile;
import io.jvmipc.queue.Lease;
import io.jvmipc.queue.SharedQueue;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The sending end of a bridge: carries the messages of a {@link SharedQueue} on this host to a queue on another
 * host, where a {@link BridgeReceiver} puts them. Started by {@link #builder(SharedDirectory, String, Codec)}; runs
 * on a thread of its own until {@link #close()}.
 * <p>
 * <b>How</b>: the sender takes each message under a {@link Lease} (at most {@link Builder#window(int)} at once,
 * and at most the queue's {@link SharedQueue#maxLeasesPerProcess()}), sends its bytes as they are in the slot over
 * an Aeron publication with the message's identity (this sender's id and the message's
 * {@linkplain Lease#position() position} in the queue), and acknowledges the lease only when the receiver reports
 * the message put into its queue. It must be the queue's only consumer, and only one sender may run per queue
 * (a lock file beside the queue refuses a second one): that is what makes the positions it sends increase.
 * <p>
 * <b>What survives a crash</b>: if the sender dies (or loses its link), its unacknowledged leases are given back to
 * the queue and its restart (same id, same queue) first waits for the dead process's attachment to be recovered,
 * so it sends those messages again, oldest first, before newer ones; the receiver drops the ones it had already
 * put. If the receiver dies, the sender keeps its leases and sends again what the restarted receiver did not put.
 * So a message whose {@code put} returned on this host is put exactly once into the remote queue, in each
 * producer's order (see {@link BridgeReceiver} for the one window where a receiver's death can put one message
 * twice).
 * <p>
 * <b>Backpressure</b>: a full remote queue stops the receiver, hence the acknowledgements; this sender then holds
 * its window of leases and takes no more, so this host's queue fills and its producers wait, as on one host.
 * <p>
 * <b>Peer</b>: the receiver answers every 100 ms at least; silence longer than the peer timeout is reported to
 * {@link BridgeListener#onPeerLost}, and the sender keeps saying hello until the receiver is back.
 */
public final class BridgeSender implements AutoCloseable
{
    private static final long HELLO_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long RECOVERY_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final SharedQueue<byte[]> queue;
    private final BridgeLock lock;
    private final AeronMedia media;
    private final ExclusivePublication publication;
    private final Subscription control;
    private final FragmentAssembler assembler = new FragmentAssembler(this::onControl);
    private final BridgeListener listener;
    private final IdleStrategy idle = new BackoffIdleStrategy(10, 10, 1_000, 500_000);
    private final long sender;
    private final long epoch;
    private final long peerTimeoutNanos;
    /** Re-say hello when the receiver has been silent this long with messages in flight. */
    private final long resyncNanos;
    private final byte[] hello;
    private final UnsafeBuffer out;
    private final UnsafeBuffer payload = new UnsafeBuffer(new byte[0]);
    private final Thread thread;

    /** The leases in flight, oldest first, in a ring of {@code window} entries: [head, sent) sent, [sent, tail) not. */
    private final Lease<?>[] leases;
    private final long[] previous;
    private final int window;
    private long head;
    private long sent;
    private long tail;
    /** The position the next new message follows (the chain the receiver checks). */
    private long last = BridgeProtocol.NONE;
    /** The last position the receiver said it holds. */
    private long delivered = BridgeProtocol.NONE;
    private boolean synced;
    private long nextHelloNanos;
    private long lastHeardNanos;
    private long lastSentNanos;
    private boolean lost;

    private volatile boolean running = true;
    private volatile boolean connected;
    private volatile long acked;
    private volatile Throwable failure;

    private BridgeSender(final Builder builder)
    {
        final String what = "the bridge sender of queue " + builder.queueName;
        this.sender = builder.sender;
        this.listener = builder.listener;
        this.peerTimeoutNanos = builder.peerTimeoutNanos;
        this.resyncNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(250), peerTimeoutNanos / 4);
        this.epoch = ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE;
        this.hello = builder.local.getBytes(StandardCharsets.UTF_8);
        final Path lockPath = builder.directory.path().resolve(builder.queueName + ".bridge-sender.lock");
        this.lock = BridgeLock.acquire(lockPath, what);
        SharedQueue<byte[]> opened = null;
        AeronMedia startedMedia = null;
        try
        {
            opened = SharedQueue.builder(builder.queueName, new RawCodec(builder.codecIdentity))
                .directory(builder.directory).open();
            awaitRecovered(opened, lock.previousPid());
            this.window = Math.min(builder.window, opened.maxLeasesPerProcess());
            this.leases = new Lease<?>[window];
            this.previous = new long[window];
            this.out = new UnsafeBuffer(new byte[BridgeProtocol.DATA_HEADER_LENGTH +
                Math.max(opened.maxMessageSize(), hello.length)]);
            startedMedia = AeronMedia.start(builder.aeronDirectory("sender"), builder.externalDriver);
            this.publication = startedMedia.aeron().addExclusivePublication(builder.remote, builder.dataStream);
            this.control = startedMedia.aeron().addSubscription(builder.local, builder.controlStream);
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
        this.thread = Thread.ofPlatform().name("jvmipc-bridge-sender-" + builder.queueName).unstarted(this::run);
    }

    /**
     * Starts configuring the sender of the queue {@code queueName} of {@code directory}.
     *
     * @param directory the queue's directory.
     * @param queueName the queue (it must exist).
     * @param codec     the codec the queue's producers use (only its identity is used: the bridge carries bytes).
     * @return a builder.
     */
    public static Builder builder(final SharedDirectory directory, final String queueName, final Codec<?> codec)
    {
        return new Builder(directory, queueName, codec);
    }

    /**
     * Waits for a dead predecessor's attachment to be recovered, so that its leases are back in the queue
     * before this sender takes anything: otherwise it could send a newer message first, and the receiver would
     * then drop the older one as already delivered.
     */
    private static void awaitRecovered(final SharedQueue<byte[]> queue, final long pid)
    {
        final long deadline = System.nanoTime() + RECOVERY_TIMEOUT_NANOS;
        while (hasEntryOf(queue, pid))
        {
            if (queue.recoverDeadProcesses())
            {
                continue;
            }
            if (System.nanoTime() - deadline > 0)
            {
                throw new IllegalStateException(queue.path() + ": the previous bridge sender, pid " + pid +
                    ", released its lock but is still attached after " +
                    TimeUnit.NANOSECONDS.toSeconds(RECOVERY_TIMEOUT_NANOS) + " s");
            }
            Thread.onSpinWait();
        }
    }

    private static boolean hasEntryOf(final SharedQueue<byte[]> queue, final long pid)
    {
        if (pid <= 0)
        {
            return false;
        }
        for (final SharedFile.ProcessEntry entry : queue.processes())
        {
            if (entry.pid() == pid && !entry.self())
            {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the receiver answered within the peer timeout.
     *
     * @return {@code true} while the receiver is heard.
     */
    public boolean isPeerConnected()
    {
        return connected;
    }

    /**
     * How many messages the receiver confirmed and this sender acknowledged, since it started.
     *
     * @return the count.
     */
    public long acknowledged()
    {
        return acked;
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
     * Stops the bridge: its thread ends, its unacknowledged leases go back to the queue (a later sender sends
     * them), Aeron and the embedded driver close, and the lock is released. Idempotent; waits for the thread.
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
        CloseHelper.quietCloseAll(publication, control, media);
        queue.close();
        lock.close();
        if (interrupted)
        {
            Thread.currentThread().interrupt();
        }
    }

    private BridgeSender begin()
    {
        final long now = System.nanoTime();
        lastHeardNanos = now;
        nextHelloNanos = now;
        thread.start();
        return this;
    }

    private void run()
    {
        try
        {
            while (running)
            {
                int work = control.poll(assembler, 16);
                final long now = System.nanoTime();
                if (!synced)
                {
                    if (now - nextHelloNanos >= 0)
                    {
                        sayHello();
                        nextHelloNanos = now + HELLO_INTERVAL_NANOS;
                    }
                }
                else
                {
                    work += take(work == 0 && head == tail);
                    final int sentNow = send();
                    work += sentNow;
                    if (sentNow > 0)
                    {
                        lastSentNanos = now;
                    }
                    else if (now - lastSentNanos > HELLO_INTERVAL_NANOS)
                    {
                        BridgeProtocol.header(out, BridgeProtocol.HEARTBEAT, sender, epoch);
                        if (publication.offer(out, 0, BridgeProtocol.HELLO_HEADER_LENGTH) >= 0)
                        {
                            lastSentNanos = now;
                        }
                    }
                    if (now - lastHeardNanos > resyncNanos)
                    {
                        synced = false;
                    }
                }
                if (!lost && now - lastHeardNanos > peerTimeoutNanos)
                {
                    lost = true;
                    connected = false;
                    listener.onPeerLost(sender, "no answer from the receiver for " +
                        TimeUnit.NANOSECONDS.toMillis(now - lastHeardNanos) + " ms" +
                        (publication.isConnected() ? "" : " (no receiver subscribed)"));
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

    /** Takes new leases into the free part of the window; {@code mayWait}: nothing else to do, wait up to 1 ms. */
    private int take(final boolean mayWait) throws InterruptedException
    {
        int taken = 0;
        boolean wait = mayWait;
        while (tail - head < window)
        {
            final Lease<byte[]> lease = wait ? queue.pollLease(1, TimeUnit.MILLISECONDS) : queue.pollLease();
            wait = false;
            if (lease == null)
            {
                break;
            }
            taken++;
            if (lease.position() <= delivered)
            {
                // the receiver holds it already: its holder died after the receiver's answer, before its ack
                lease.ack();
                continue;
            }
            final int index = (int)(tail % window);
            leases[index] = lease;
            previous[index] = last;
            last = lease.position();
            tail++;
        }
        return taken;
    }

    /** Sends the taken, unsent messages, as long as the publication takes them. */
    private int send()
    {
        int count = 0;
        while (sent < tail)
        {
            final int index = (int)(sent % window);
            @SuppressWarnings("unchecked")
            final Lease<byte[]> lease = (Lease<byte[]>)leases[index];
            final byte[] bytes = lease.value();
            BridgeProtocol.dataHeader(out, sender, epoch, lease.position(), previous[index]);
            payload.wrap(bytes);
            final long result = publication.offer(out, 0, BridgeProtocol.DATA_HEADER_LENGTH, payload, 0,
                bytes.length, null);
            if (result < 0)
            {
                failIfClosed(result);
                break;
            }
            sent++;
            count++;
        }
        return count;
    }

    private void sayHello()
    {
        BridgeProtocol.header(out, BridgeProtocol.HELLO, sender, epoch);
        out.putBytes(BridgeProtocol.HELLO_HEADER_LENGTH, hello);
        failIfClosed(publication.offer(out, 0, BridgeProtocol.HELLO_HEADER_LENGTH + hello.length));
    }

    private static void failIfClosed(final long result)
    {
        if (result == Publication.CLOSED || result == Publication.MAX_POSITION_EXCEEDED)
        {
            throw new IllegalStateException("the bridge's Aeron publication failed: " + Publication.errorString(result));
        }
    }

    /** An answer of the receiver: ignored unless it is for this sender's run. */
    private void onControl(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        if (length < BridgeProtocol.CONTROL_LENGTH || BridgeProtocol.sender(buffer, offset) != sender ||
            BridgeProtocol.epoch(buffer, offset) != epoch)
        {
            return;
        }
        final int type = BridgeProtocol.type(buffer, offset);
        final long position = BridgeProtocol.position(buffer, offset);
        lastHeardNanos = System.nanoTime();
        if (lost || !connected)
        {
            lost = false;
            connected = true;
        }
        if (type == BridgeProtocol.ACK)
        {
            ackUpTo(position);
        }
        else if (type == BridgeProtocol.STATE)
        {
            final boolean first = !synced;
            ackUpTo(position);
            // the chain restarts at the receiver's position: send again everything after it
            sent = head;
            if (head < tail)
            {
                previous[(int)(head % window)] = position;
            }
            else
            {
                last = position;
            }
            synced = true;
            if (first)
            {
                listener.onPeerConnected(sender);
            }
        }
    }

    private void ackUpTo(final long position)
    {
        if (position > delivered)
        {
            delivered = position;
        }
        long count = 0;
        while (head < tail)
        {
            final int index = (int)(head % window);
            final Lease<?> lease = leases[index];
            if (lease.position() > position)
            {
                break;
            }
            lease.ack();
            leases[index] = null;
            head++;
            count++;
        }
        if (sent < head)
        {
            sent = head;
        }
        if (count > 0)
        {
            acked += count;
        }
    }

    /** Configures a {@link BridgeSender}. */
    public static final class Builder extends BridgeBuilder<Builder>
    {
        private long sender = -1;
        private String remote;
        private String local;
        private int window = 16;

        private Builder(final SharedDirectory directory, final String queueName, final Codec<?> codec)
        {
            super(directory, queueName, codec);
        }

        /**
         * This sender's id, unique among the senders of a receiver, and the same across its restarts (the
         * receiver keeps, per id, the last position it put).
         *
         * @param id the id, 0 or more.
         * @return this builder.
         * @throws IllegalArgumentException if it is negative.
         */
        public Builder senderId(final long id)
        {
            if (id < 0)
            {
                throw new IllegalArgumentException("sender id " + id + " is negative");
            }
            this.sender = id;
            return this;
        }

        /**
         * Where the receiver listens: its {@link BridgeReceiver.Builder#channel(String)},
         * {@code aeron:udp?endpoint=host:port} with the receiving host's address.
         *
         * @param channel the Aeron UDP URI.
         * @return this builder.
         * @throws IllegalArgumentException if it is not an Aeron UDP URI with an endpoint.
         */
        public Builder remote(final String channel)
        {
            this.remote = requireUdpEndpoint(channel, "remote channel");
            return this;
        }

        /**
         * Where this sender listens for the receiver's answers: {@code aeron:udp?endpoint=host:port} with this
         * host's address, as the receiver can reach it (the receiver learns it from the sender's hello).
         *
         * @param channel the Aeron UDP URI.
         * @return this builder.
         * @throws IllegalArgumentException if it is not an Aeron UDP URI with an endpoint.
         */
        public Builder local(final String channel)
        {
            this.local = requireUdpEndpoint(channel, "local channel");
            return this;
        }

        /**
         * The most messages in flight (sent or taken, not yet confirmed); default 16, bounded by the queue's
         * {@link SharedQueue#maxLeasesPerProcess()}.
         *
         * @param window the bound, 1 or more.
         * @return this builder.
         * @throws IllegalArgumentException if it is below 1.
         */
        public Builder window(final int window)
        {
            if (window < 1)
            {
                throw new IllegalArgumentException("window " + window + " is below 1");
            }
            this.window = window;
            return this;
        }

        /**
         * Opens the queue and Aeron and starts the bridge's thread.
         *
         * @return the running sender.
         * @throws IllegalStateException if the id or a channel is missing, or another sender of this queue runs.
         * @throws io.jvmipc.file.SharedObjectException if the queue cannot be opened.
         */
        public BridgeSender start()
        {
            if (sender < 0 || remote == null || local == null)
            {
                throw new IllegalStateException("a bridge sender needs senderId, remote and local");
            }
            return new BridgeSender(this).begin();
        }
    }
}
