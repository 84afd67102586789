package io.jvmipc.queue;

import io.jvmipc.codec.Codecs;
import io.jvmipc.file.SharedDirectory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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

    /**
     * Args: dir, name, producer id, how ("copy" or "inPlace"), offered file, and for "inPlace" a claims file. Puts
     * checksummed messages 0, 1, 2... until killed (or the queue stays full for 60 s), appending each message's
     * sequence to the offered file (4 bytes, little-endian, one write each) once its offer returned. "copy" offers
     * with {@link SharedQueue#offerBytes(byte[], int, int, long, TimeUnit)}; "inPlace" writes each message into its
     * claimed slot with {@link SharedQueue#fill(MessageWriter, int, long, TimeUnit)} and, still holding the claim,
     * appends its sequence to the claims file (a system call inside the claim, where a kill leaves a slot claimed
     * and unpublished). Says RUNNING after the first record, for a test that kills it with kill -9 and reads the
     * records to learn the last offer that returned.
     */
    public static void produceRecording(final String[] args) throws InterruptedException, IOException
    {
        final int producer = Integer.parseInt(args[2]);
        final boolean inPlace = switch (args[3])
        {
            case "copy" -> false;
            case "inPlace" -> true;
            default -> throw new IllegalArgumentException("how: copy or inPlace, not " + args[3]);
        };
        final byte[] buffer = new byte[256];
        final CRC32C crc = new CRC32C();
        final ByteBuffer record = ByteBuffer.allocate(Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        try (SharedQueue<String> queue = attach(args[0], args[1]);
            FileChannel offered = FileChannel.open(Path.of(args[4]), StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE);
            FileChannel claims = inPlace ? FileChannel.open(Path.of(args[5]), StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE) : null)
        {
            final int[] next = new int[1];
            final MessageWriter inClaim = (slots, offset, maxLength) ->
            {
                final int length = fill(buffer, producer, next[0], crc);
                MemorySegment.copy(buffer, 0, slots, ValueLayout.JAVA_BYTE, offset, length);
                try
                {
                    claims.write(record.clear().putInt(0, next[0]));
                }
                catch (final IOException e)
                {
                    throw new UncheckedIOException(e);
                }
                return length;
            };
            for (; next[0] < Integer.MAX_VALUE; next[0]++)
            {
                final int seq = next[0];
                final boolean done;
                if (inPlace)
                {
                    done = queue.fill(inClaim, 1, 60, TimeUnit.SECONDS) == 1;
                }
                else
                {
                    final int length = fill(buffer, producer, seq, crc);
                    done = queue.offerBytes(buffer, 0, length, 60, TimeUnit.SECONDS);
                }
                if (!done)
                {
                    throw new IllegalStateException("queue stayed full for 60 s at message " + seq);
                }
                offered.write(record.clear().putInt(0, seq));
                if (seq == 0)
                {
                    System.out.println("RUNNING");
                }
            }
        }
    }

    /**
     * Args: dir, name, report file, when ("inTake" or "afterTake"). Takes producer 0's messages until a STOP,
     * checking each one's length and checksum, and appends each sequence to the report file (4 bytes, little-endian,
     * one write each): "inTake" from inside the take, in the handler of
     * {@link SharedQueue#poll(MessageHandler, long, TimeUnit)} before the message is released; "afterTake" once
     * {@link SharedQueue#pollBytes(byte[], int, long, TimeUnit)} returned. Says RUNNING after its first report (for a
     * test that kills it with kill -9), CONSUMED n at the STOP.
     */
    public static void consumeReporting(final String[] args) throws InterruptedException, IOException
    {
        final boolean inTake = switch (args[3])
        {
            case "inTake" -> true;
            case "afterTake" -> false;
            default -> throw new IllegalArgumentException("when: inTake or afterTake, not " + args[3]);
        };
        final byte[] message = new byte[256];
        final ByteBuffer record = ByteBuffer.allocate(Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        final CRC32C crc = new CRC32C();
        long count = 0;
        try (SharedQueue<String> queue = attach(args[0], args[1]);
            FileChannel reports = FileChannel.open(Path.of(args[2]), StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE))
        {
            final boolean[] stopped = new boolean[1];
            final MessageHandler reportInTake = (slots, offset, size) ->
            {
                MemorySegment.copy(slots, ValueLayout.JAVA_BYTE, offset, message, 0, size);
                stopped[0] = !checkAndReport(message, size, crc, reports, record);
            };
            while (true)
            {
                final boolean stop;
                if (inTake)
                {
                    if (!queue.poll(reportInTake, 60, TimeUnit.SECONDS))
                    {
                        throw new IllegalStateException("no message for 60 s after " + count);
                    }
                    stop = stopped[0];
                }
                else
                {
                    final int length = queue.pollBytes(message, 0, 60, TimeUnit.SECONDS);
                    if (length < 0)
                    {
                        throw new IllegalStateException("no message for 60 s after " + count);
                    }
                    stop = !checkAndReport(message, length, crc, reports, record);
                }
                if (stop)
                {
                    break;
                }
                if (count++ == 0)
                {
                    System.out.println("RUNNING");
                }
            }
        }
        System.out.println("CONSUMED " + count);
    }

    /**
     * Checks that {@code message} is producer 0's checksummed message (throws if not) and appends its sequence to
     * {@code reports}; false, reporting nothing, for a STOP.
     */
    private static boolean checkAndReport(final byte[] message, final int length, final CRC32C crc,
        final FileChannel reports, final ByteBuffer record)
    {
        final ByteBuffer view = ByteBuffer.wrap(message).order(ByteOrder.LITTLE_ENDIAN);
        final int producer = view.getInt(0);
        if (producer == STOP)
        {
            return false;
        }
        final int seq = view.getInt(4);
        if (producer != 0 || length != messageLength(producer, seq))
        {
            throw new IllegalStateException("message " + producer + ":" + seq + " has length " + length);
        }
        crc.reset();
        crc.update(message, HEADER, length - HEADER);
        if (view.getInt(8) != (int)crc.getValue())
        {
            throw new IllegalStateException("checksum mismatch in " + producer + ":" + seq);
        }
        try
        {
            reports.write(record.clear().putInt(0, seq));
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
        return true;
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
