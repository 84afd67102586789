package io.jvmipc.bench.harness;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Two "hosts" for the cross-host transports: two network namespaces joined by a veth pair, 10.77.0.1 (side A) and
 * 10.77.0.2 (side B); each side's JVM is started with {@code ip netns exec}. Needs root and iproute2.
 */
final class HostPair implements AutoCloseable
{
    static final String ADDRESS_A = "10.77.0.1";
    static final String ADDRESS_B = "10.77.0.2";
    private static final AtomicInteger COUNT = new AtomicInteger();

    private final String namespaceA;
    private final String namespaceB;

    private HostPair(final String namespaceA, final String namespaceB)
    {
        this.namespaceA = namespaceA;
        this.namespaceB = namespaceB;
    }

    /**
     * Creates the pair.
     *
     * @return the pair, or {@code null} if namespaces cannot be made here.
     */
    static HostPair create()
    {
        final int n = (int)((ProcessHandle.current().pid() * 16 + COUNT.incrementAndGet()) % 100_000);
        final String a = "jvbench-a" + n;
        final String b = "jvbench-b" + n;
        if (!run("ip", "netns", "add", a))
        {
            return null;
        }
        final boolean made = run("ip", "netns", "add", b) &&
            run("ip", "link", "add", "jba" + n, "type", "veth", "peer", "name", "jbb" + n) &&
            run("ip", "link", "set", "jba" + n, "netns", a) &&
            run("ip", "link", "set", "jbb" + n, "netns", b) &&
            run("ip", "-n", a, "addr", "add", ADDRESS_A + "/24", "dev", "jba" + n) &&
            run("ip", "-n", b, "addr", "add", ADDRESS_B + "/24", "dev", "jbb" + n) &&
            run("ip", "-n", a, "link", "set", "jba" + n, "up") &&
            run("ip", "-n", b, "link", "set", "jbb" + n, "up") &&
            run("ip", "-n", a, "link", "set", "lo", "up") &&
            run("ip", "-n", b, "link", "set", "lo", "up");
        final HostPair pair = new HostPair(a, b);
        if (!made)
        {
            pair.close();
            return null;
        }
        return pair;
    }

    /**
     * Whether a pair can be made here (makes one and removes it).
     *
     * @return true if so.
     */
    static boolean available()
    {
        try (HostPair pair = create())
        {
            return pair != null;
        }
    }

    /** The command prefix that runs a side's command in its namespace. */
    List<String> prefix(final boolean sideA)
    {
        return new ArrayList<>(List.of("ip", "netns", "exec", sideA ? namespaceA : namespaceB));
    }

    private static boolean run(final String... command)
    {
        try
        {
            final Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0;
        }
        catch (final IOException e)
        {
            return false;
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close()
    {
        // deleting a namespace deletes its veth end, and with it the pair
        run("ip", "netns", "del", namespaceA);
        run("ip", "netns", "del", namespaceB);
    }
}
