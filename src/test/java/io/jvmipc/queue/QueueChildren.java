package io.jvmipc.queue;

import io.jvmipc.codec.Codecs;
import io.jvmipc.file.SharedDirectory;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

/**
 * Child JVM programs for the cross-process queue tests; each is a {@code public static void name(String[])}
 * started through {@link io.jvmipc.process.JvmProcess.Builder#method(String)}. Arguments: the directory,
 * the queue's name, then per program.
 */
public final class QueueChildren
{
    /** Bytes before the payload: producer id, sequence, checksum of the payload. */
    static final int HEADER = 12;
    static final int STOP = -1;

    private QueueChildren()
    {
    }

    static SharedQueue<String> attach(final String dir, final String name)
    {
        return SharedQueue.builder(name, Codecs.utf8()).directory(SharedDirectory.of(Path.of(dir))).open();
    }

    /** The length of message {@code seq} of producer {@code producer}: 12 to 256 bytes. */
    static int messageLength(final int producer, final int seq)
    {
        return HEADER + Math.floorMod(seq * 7 + producer * 13, 245);
    }

    /** Fills and checksums message {@code seq}; returns its length. */
    static int fill(final byte[] buffer, final int producer, final int seq, final CRC32C crc)
    {
        final int length = messageLength(producer, seq);
        for (int i = HEADER; i < length; i++)
        {
            buffer[i] = (byte)(seq * 31 + i);
        }
        crc.reset();
        crc.update(buffer, HEADER, length - HEADER);
        final ByteBuffer header = ByteBuffer.wrap(buffer).order(ByteOrder.LITTLE_ENDIAN);
        header.putInt(0, producer).putInt(4, seq).putInt(8, (int)crc.getValue());
        return length;
    }

    /**
     * Args: dir, name, producer id, count, and optionally a sequence number at which to say RUNNING (for a test
     * that kills it mid-stream). Puts {@code count} checksummed messages of mixed sizes.
     */
    public static void produce(final String[] args) throws InterruptedException
    {
        final int producer = Integer.parseInt(args[2]);
        final int count = Integer.parseInt(args[3]);
        final int announceAt = args.length > 4 ? Integer.parseInt(args[4]) : -1;
        final byte[] buffer = new byte[256];
        final CRC32C crc = new CRC32C();
        try (SharedQueue<String> queue = attach(args[0], args[1]))
        {
            for (int seq = 0; seq < count; seq++)
            {
                final int length = fill(buffer, producer, seq, crc);
                if (!queue.offerBytes(buffer, 0, length, 60, TimeUnit.SECONDS))
                {
                    throw new IllegalStateException("queue stayed full for 60 s at message " + seq);
                }
                if (seq == announceAt)
                {
                    System.out.println("RUNNING");
                }
            }
        }
        System.out.println("PRODUCED " + count);
    }

    /**
     * As {@link #produce(String[])}, writing the messages in place in batches of 16 with
     * {@link SharedQueue#fill(MessageWriter, int, long, TimeUnit)}. With a sixth argument "hang", the writer's call
     * for message {@code announceAt} prints RUNNING and never returns (the claim stays held, for a kill -9).
     */
    public static void produceFilling(final String[] args) throws InterruptedException
    {
        final int producer = Integer.parseInt(args[2]);
        final int count = Integer.parseInt(args[3]);
        final int announceAt = args.length > 4 ? Integer.parseInt(args[4]) : -1;
        final byte[] buffer = new byte[256];
        final CRC32C crc = new CRC32C();
        final boolean hang = args.length > 5 && args[5].equals("hang");
        final int[] next = {0};
        final MessageWriter writer = (slots, offset, maxLength) ->
        {
            if (next[0] == count)
            {
                return -1;
            }
            if (hang && next[0] == announceAt)
            {
                System.out.println("RUNNING");
                try
                {
                    new CountDownLatch(1).await();
                }
                catch (final InterruptedException e)
                {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while holding the claim", e);
                }
            }
            final int length = fill(buffer, producer, next[0]++, crc);
            MemorySegment.copy(buffer, 0, slots, ValueLayout.JAVA_BYTE, offset, length);
            return length;
        };
        try (SharedQueue<String> queue = attach(args[0], args[1]))
        {
            boolean announced = false;
            while (next[0] < count)
            {
                if (queue.fill(writer, 16, 60, TimeUnit.SECONDS) == 0 && next[0] < count)
                {
                    throw new IllegalStateException("queue stayed full for 60 s at message " + next[0]);
                }
                if (!hang && !announced && announceAt >= 0 && next[0] > announceAt)
                {
                    announced = true;
                    System.out.println("RUNNING");
                }
            }
        }
        System.out.println("PRODUCED " + count);
    }

    /**
     * Args: dir, name, consumer id, producers, output directory. Takes messages until a STOP, checking
     * checksums and per-producer order; writes a bit set of the sequences seen from each producer.
     */
    public static void consume(final String[] args) throws InterruptedException, IOException
    {
        final int consumer = Integer.parseInt(args[2]);
        final int producers = Integer.parseInt(args[3]);
        final Path out = Path.of(args[4]);
        final BitSet[] seen = new BitSet[producers];
        final int[] last = new int[producers];
        for (int p = 0; p < producers; p++)
        {
            seen[p] = new BitSet();
            last[p] = -1;
        }
        final byte[] buffer = new byte[256];
        final ByteBuffer view = ByteBuffer.wrap(buffer).order(ByteOrder.LITTLE_ENDIAN);
        final CRC32C crc = new CRC32C();
        long count = 0;
        try (SharedQueue<String> queue = attach(args[0], args[1]))
        {
            while (true)
            {
                final int length = queue.pollBytes(buffer, 0, 60, TimeUnit.SECONDS);
                if (length < 0)
                {
                    throw new IllegalStateException("no message for 60 s after " + count);
                }
                final int producer = view.getInt(0);
                if (producer == STOP)
                {
                    break;
                }
                final int seq = view.getInt(4);
                if (length != messageLength(producer, seq))
                {
                    throw new IllegalStateException("message " + producer + ":" + seq + " has length " + length);
                }
                crc.reset();
                crc.update(buffer, HEADER, length - HEADER);
                if (view.getInt(8) != (int)crc.getValue())
                {
                    throw new IllegalStateException("checksum mismatch in " + producer + ":" + seq);
                }
                if (seq <= last[producer])
                {
                    throw new IllegalStateException("producer " + producer + " out of order: " + seq + " after " +
                        last[producer]);
                }
                last[producer] = seq;
                seen[producer].set(seq);
                count++;
            }
        }
        for (int p = 0; p < producers; p++)
        {
            Files.write(out.resolve("consumer-" + consumer + "-producer-" + p + ".bits"), seen[p].toByteArray());
        }
        System.out.println("CONSUMED " + count);
    }

    /** Args: dir, name, n. Puts p0..p(n-1), then claims a slot, says CLAIMED and never commits. */
    public static void claimAndHold(final String[] args) throws InterruptedException
    {
        final SharedQueue<String> queue = attach(args[0], args[1]);
        for (int i = 0; i < Integer.parseInt(args[2]); i++)
        {
            queue.put("p" + i);
        }
        if (queue.tryClaim() < 0)
        {
            throw new IllegalStateException("could not claim");
        }
        System.out.println("CLAIMED");
        new CountDownLatch(1).await();
    }

    /**
     * Args: dir, name, n. Takes n messages (each released), says TOOK:m1,m2,... and never returns or closes (its
     * consumer role stays held, for a kill -9).
     */
    public static void takeAndHang(final String[] args) throws InterruptedException
    {
        final SharedQueue<String> queue = attach(args[0], args[1]);
        final StringBuilder took = new StringBuilder();
        for (int i = 0; i < Integer.parseInt(args[2]); i++)
        {
            final String message = queue.poll(60, TimeUnit.SECONDS);
            if (message == null)
            {
                throw new IllegalStateException("no message " + i + " in 60 s");
            }
            took.append(i == 0 ? "" : ",").append(message);
        }
        System.out.println("TOOK:" + took);
        new CountDownLatch(1).await();
    }

    /** Args: dir, name. Takes one message in place, says READING:msg while holding it, and never returns. */
    public static void readAndHold(final String[] args)
    {
        final SharedQueue<String> queue = attach(args[0], args[1]);
        final boolean got = queue.poll((buffer, offset, length) ->
        {
            System.out.println("READING:" + Codecs.utf8().decode(buffer, offset, length));
            try
            {
                new CountDownLatch(1).await();
            }
            catch (final InterruptedException e)
            {
                Thread.currentThread().interrupt();
            }
        });
        System.out.println("EMPTY " + got);
    }

    /** Args: dir, name. Says WAITING, blocks in take(), prints GOT:msg. */
    public static void takeOne(final String[] args) throws InterruptedException
    {
        try (SharedQueue<String> queue = attach(args[0], args[1]))
        {
            System.out.println("WAITING");
            System.out.println("GOT:" + queue.take());
        }
    }
}
