package io.jvmipc.bench.transport;

import org.HdrHistogram.Histogram;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One child JVM of a run: side A measures (round trip: sends and times the echo; streaming: receives and
 * checks every sequence number), side B echoes or streams. Phases, for each message size in turn: round trip
 * (warm-up, then measured iterations into an HdrHistogram), then streaming (warm-up messages, then the
 * measured ones). Side A prints one {@code @result key=value ...} line per phase on stdout; any failure ends the
 * process with a message on stderr and exit status 1.
 * <p>
 * <b>Warm-up.</b> A warm-up is at least its count of messages and, for a transport that carries the payload, at least
 * {@code warmupMillis} long: a count alone lets the fastest transports start measuring before the JIT, which
 * shares the two CPUs with both busy processes, has compiled their paths (a 150k-message stream warm-up takes
 * 10 ms at 15 M msgs/s). The side that decides marks the change in the sequence word ({@link #PHASE_FLAG}): in a
 * round trip A flags the last message, which B echoes and stops at; in a stream B, the sender, flags every measured
 * message, and A times from the first flagged one. A floor, which carries only a count, warms up by count.
 *
 * <p>Arguments: {@code transport=ID side=A|B dir=PATH sizes=32,256 warmup=N warmupMillis=N rtt=N stream=N}.
 */
public final class ChildMain
{
    /** Set in a message's sequence word: in a round trip, the last message; in a stream, a measured message. */
    static final long PHASE_FLAG = 1L << 62;

    private ChildMain()
    {
    }

    /**
     * Runs one side.
     *
     * @param args key=value arguments, see the class description.
     */
    public static void main(final String[] args)
    {
        final Map<String, String> options = new LinkedHashMap<>();
        for (final String arg : args)
        {
            final int eq = arg.indexOf('=');
            options.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        try
        {
            run(options, args);
            System.exit(0);
        }
        catch (final Throwable failure)
        {
            System.err.println("@error " + options.get("transport") + " side " + options.get("side") + ": " + failure);
            failure.printStackTrace();
            System.exit(1);
        }
    }

    private static void run(final Map<String, String> options, final String[] args) throws Exception
    {
        final Transport transport = Transport.byId(options.get("transport"));
        final boolean sideA = "A".equals(options.get("side"));
        final Path dir = Path.of(options.get("dir"));
        final int warmup = Integer.parseInt(options.get("warmup"));
        final long warmupNanos = Long.parseLong(options.getOrDefault("warmupMillis", "0")) * 1_000_000L;
        final int rttCount = Integer.parseInt(options.get("rtt"));
        final int streamCount = Integer.parseInt(options.get("stream"));
        final List<Integer> sizes = new ArrayList<>();
        for (final String size : options.get("sizes").split(","))
        {
            sizes.add(Integer.parseInt(size));
        }
        if (sideA)
        {
            System.out.println("@pid " + ProcessHandle.current().pid() + " A");
            System.out.flush();
        }
        else if (!transport.parentStartsChild())
        {
            System.out.println("@pid " + ProcessHandle.current().pid() + " B");
            System.out.flush();
        }
        final List<String> childCommand = sideA && transport.parentStartsChild() ? childCommand(args) : List.of();
        final int maxSize = sizes.stream().mapToInt(Integer::intValue).max().orElse(Messages.MIN_LENGTH);
        try (Endpoint endpoint = transport.open(sideA, dir, childCommand, maxSize))
        {
            if (sideA)
            {
                // tells the harness to sample where the processes run from now on
                System.out.println("@phase start");
                System.out.flush();
            }
            for (final int size : sizes)
            {
                if (transport.roundTrip() && rttCount > 0)
                {
                    if (sideA)
                    {
                        roundTrip(transport, endpoint, size, warmup, transport.carriesPayload() ? warmupNanos : 0,
                            rttCount);
                    }
                    else
                    {
                        echo(endpoint, size, warmup + rttCount, transport.carriesPayload());
                    }
                }
                if (transport.streaming() && streamCount > 0)
                {
                    if (sideA)
                    {
                        receiveStream(endpoint, size, streamCount);
                    }
                    else
                    {
                        sendStream(endpoint, size, warmup * 5, warmupNanos, streamCount);
                    }
                }
            }
            if (sideA)
            {
                System.out.println("@phase end");
                System.out.flush();
            }
        }
    }

    /**
     * Side A of a round-trip phase: at least {@code warmup} round trips and {@code warmupNanos} of them, then
     * {@code count} measured; the last message is flagged (if the transport carries the payload).
     *
     * @return how many round trips, warm-up included.
     */
    static long roundTrip(final Transport transport, final Endpoint endpoint, final int size, final int warmup,
        final long warmupNanos, final int count) throws Exception
    {
        final byte[] out = Messages.filled(size);
        final byte[] in = new byte[size];
        final Histogram histogram = new Histogram(60_000_000_000L, 3);
        final long warmupStart = System.nanoTime();
        // the first measured round trip: decided when the warm-up has lasted long enough
        long measuredFrom = warmupNanos > 0 ? Long.MAX_VALUE : warmup;
        for (long i = 0; i < end(measuredFrom, count); i++)
        {
            if (i >= warmup && measuredFrom == Long.MAX_VALUE && System.nanoTime() - warmupStart >= warmupNanos)
            {
                measuredFrom = i;
            }
            final boolean last = i == end(measuredFrom, count) - 1;
            Messages.sequence(out, last && transport.carriesPayload() ? i | PHASE_FLAG : i);
            final long start = System.nanoTime();
            endpoint.send(out, size);
            endpoint.receive(in, size);
            final long rtt = System.nanoTime() - start;
            if (transport.carriesPayload() && (Messages.sequence(in) & ~PHASE_FLAG) != i)
            {
                throw new IllegalStateException("round trip " + i + " came back as " + Messages.sequence(in));
            }
            if (i >= measuredFrom)
            {
                histogram.recordValue(rtt);
            }
        }
        System.out.println("@result kind=rtt size=" + size + " count=" + count
            + " p50=" + histogram.getValueAtPercentile(50)
            + " p90=" + histogram.getValueAtPercentile(90)
            + " p99=" + histogram.getValueAtPercentile(99)
            + " p999=" + histogram.getValueAtPercentile(99.9)
            + " max=" + histogram.getMaxValue()
            + " mean=" + Math.round(histogram.getMean()));
        System.out.flush();
        return end(measuredFrom, count);
    }

    /** One past the last message of a phase measured from {@code measuredFrom} ({@code Long.MAX_VALUE}: not yet). */
    private static long end(final long measuredFrom, final int count)
    {
        return measuredFrom == Long.MAX_VALUE ? Long.MAX_VALUE : measuredFrom + count;
    }

    /**
     * Side B of a round-trip phase: echoes up to the flagged last message, or {@code total} if none carries one.
     *
     * @return how many it echoed.
     */
    static long echo(final Endpoint endpoint, final int size, final int total, final boolean flagged)
        throws Exception
    {
        final byte[] message = new byte[size];
        long echoed = 0;
        while (flagged || echoed < total)
        {
            endpoint.receive(message, size);
            endpoint.send(message, size);
            echoed++;
            if (flagged && (Messages.sequence(message) & PHASE_FLAG) != 0)
            {
                break;
            }
        }
        endpoint.flush();
        return echoed;
    }

    /**
     * Side A of a stream: checks every sequence number, and times the {@code count} flagged (measured) messages from
     * the first one's arrival, so over {@code count - 1} messages.
     *
     * @return how many it received, warm-up included.
     */
    static long receiveStream(final Endpoint endpoint, final int size, final int count) throws Exception
    {
        final byte[] in = new byte[size];
        long start = 0;
        int measured = 0;
        long i = 0;
        for (; measured < count; i++)
        {
            endpoint.receive(in, size);
            final long sequence = Messages.sequence(in);
            if ((sequence & ~PHASE_FLAG) != i)
            {
                throw new IllegalStateException("stream message " + i + " arrived as " + sequence
                    + " (lost, duplicated or reordered)");
            }
            if ((sequence & PHASE_FLAG) != 0 && measured++ == 0)
            {
                start = System.nanoTime();
            }
        }
        final long nanos = System.nanoTime() - start;
        final double perSecond = (count - 1) * 1e9 / nanos;
        System.out.println("@result kind=stream size=" + size + " count=" + count + " nanos=" + nanos
            + " msgs=" + Math.round(perSecond) + " mbs=" + String.format("%.1f", perSecond * size / 1e6));
        System.out.flush();
        return i;
    }

    /**
     * Side B of a stream: at least {@code warmup} messages and {@code warmupNanos} of them, then {@code count}
     * flagged ones.
     *
     * @return how many it sent, warm-up included.
     */
    static long sendStream(final Endpoint endpoint, final int size, final int warmup, final long warmupNanos,
        final int count) throws Exception
    {
        final byte[] out = Messages.filled(size);
        final long warmupStart = System.nanoTime();
        long measuredFrom = warmupNanos > 0 ? Long.MAX_VALUE : warmup;
        long i = 0;
        for (; i < end(measuredFrom, count); i++)
        {
            // the clock is read once per 1024 messages of the warm-up, so its cost is not the sender's rate
            if (i >= warmup && measuredFrom == Long.MAX_VALUE && (i & 1023) == 0
                && System.nanoTime() - warmupStart >= warmupNanos)
            {
                measuredFrom = i;
            }
            Messages.sequence(out, i >= measuredFrom ? i | PHASE_FLAG : i);
            endpoint.send(out, size);
        }
        endpoint.flush();
        return i;
    }

    private static List<String> childCommand(final String[] args)
    {
        final List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(ChildMain.class.getName());
        for (final String arg : args)
        {
            command.add(arg.startsWith("side=") ? "side=B" : arg);
        }
        return command;
    }
}
