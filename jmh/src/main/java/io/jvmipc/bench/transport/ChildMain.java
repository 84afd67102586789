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
 *
 * <p>Arguments: {@code transport=ID side=A|B dir=PATH sizes=32,256 warmup=N rtt=N stream=N}.
 */
public final class ChildMain
{
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
                        roundTrip(transport, endpoint, size, warmup, rttCount);
                    }
                    else
                    {
                        echo(endpoint, size, warmup + rttCount);
                    }
                }
                if (transport.streaming() && streamCount > 0)
                {
                    if (sideA)
                    {
                        receiveStream(transport, endpoint, size, warmup * 5, streamCount);
                    }
                    else
                    {
                        sendStream(endpoint, size, warmup * 5 + streamCount);
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

    private static void roundTrip(final Transport transport, final Endpoint endpoint, final int size, final int warmup,
        final int count) throws Exception
    {
        final byte[] out = Messages.filled(size);
        final byte[] in = new byte[size];
        final Histogram histogram = new Histogram(60_000_000_000L, 3);
        final int total = warmup + count;
        for (int i = 0; i < total; i++)
        {
            Messages.sequence(out, i);
            final long start = System.nanoTime();
            endpoint.send(out, size);
            endpoint.receive(in, size);
            final long rtt = System.nanoTime() - start;
            if (transport.carriesPayload() && Messages.sequence(in) != i)
            {
                throw new IllegalStateException("round trip " + i + " came back as " + Messages.sequence(in));
            }
            if (i >= warmup)
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
    }

    private static void echo(final Endpoint endpoint, final int size, final int total) throws Exception
    {
        final byte[] message = new byte[size];
        for (int i = 0; i < total; i++)
        {
            endpoint.receive(message, size);
            endpoint.send(message, size);
        }
        endpoint.flush();
    }

    private static void receiveStream(final Transport transport, final Endpoint endpoint, final int size,
        final int warmup, final int count) throws Exception
    {
        final byte[] in = new byte[size];
        final int total = warmup + count;
        long start = System.nanoTime();
        for (int i = 0; i < total; i++)
        {
            endpoint.receive(in, size);
            if (Messages.sequence(in) != i)
            {
                throw new IllegalStateException("stream message " + i + " arrived as " + Messages.sequence(in)
                    + " (lost, duplicated or reordered)");
            }
            if (i == warmup - 1)
            {
                start = System.nanoTime();
            }
        }
        final long nanos = System.nanoTime() - start;
        final double perSecond = count * 1e9 / nanos;
        System.out.println("@result kind=stream size=" + size + " count=" + count + " nanos=" + nanos
            + " msgs=" + Math.round(perSecond) + " mbs=" + String.format("%.1f", perSecond * size / 1e6));
        System.out.flush();
    }

    private static void sendStream(final Endpoint endpoint, final int size, final int total) throws Exception
    {
        final byte[] out = Messages.filled(size);
        for (int i = 0; i < total; i++)
        {
            Messages.sequence(out, i);
            endpoint.send(out, size);
        }
        endpoint.flush();
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
