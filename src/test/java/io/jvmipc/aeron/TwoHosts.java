package io.jvmipc.aeron;

import io.jvmipc.file.SharedDirectory;
import io.jvmipc.process.JvmProcess;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Two "hosts" on this machine: two network namespaces joined by a veth pair (10.77.0.1 and 10.77.0.2), each child
 * JVM started in its host's namespace with {@code ip netns exec}, when this JVM may create namespaces (root with
 * iproute2); otherwise loopback (127.0.0.1, distinct ports). Either way each host has its own object directory
 * (a subfolder of the test's temporary directory); {@code JVMIPC_TEST_LOOPBACK=1} in the environment forces
 * loopback. This JVM stays in the root namespace and reaches both
 * directories, as an observer: the bridges' traffic goes between the namespaces.
 */
final class TwoHosts implements AutoCloseable
{
    private static final AtomicInteger COUNT = new AtomicInteger();

    final boolean namespaces;
    final String addressA;
    final String addressB;
    final SharedDirectory dirA;
    final SharedDirectory dirB;
    final Path tempDir;
    private final String namespaceA;
    private final String namespaceB;
    private final String vethB;

    private TwoHosts(final Path tempDir, final boolean namespaces, final String namespaceA, final String namespaceB,
        final String vethB) throws IOException
    {
        this.vethB = vethB;
        this.tempDir = tempDir;
        this.namespaces = namespaces;
        this.namespaceA = namespaceA;
        this.namespaceB = namespaceB;
        this.addressA = namespaces ? "10.77.0.1" : "127.0.0.1";
        this.addressB = namespaces ? "10.77.0.2" : "127.0.0.1";
        this.dirA = privateDirectory(tempDir.resolve("host-a"));
        this.dirB = privateDirectory(tempDir.resolve("host-b"));
    }

    private static SharedDirectory privateDirectory(final Path path) throws IOException
    {
        return SharedDirectory.of(Files.createDirectory(path,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"))));
    }

    /** Sets up the namespaces if it can, else loopback; says on stdout which. */
    static TwoHosts create(final Path tempDir) throws Exception
    {
        final int n = (int)((ProcessHandle.current().pid() * 16 + COUNT.incrementAndGet()) % 100_000);
        final String a = "jvmipc-a" + n;
        final String b = "jvmipc-b" + n;
        boolean made = false;
        // JVMIPC_TEST_LOOPBACK=1 forces the fallback, to test it where namespaces are available
        if (!"1".equals(System.getenv("JVMIPC_TEST_LOOPBACK")) && run("ip", "netns", "add", a))
        {
            made = run("ip", "netns", "add", b) &&
                run("ip", "link", "add", "jva" + n, "type", "veth", "peer", "name", "jvb" + n) &&
                run("ip", "link", "set", "jva" + n, "netns", a) &&
                run("ip", "link", "set", "jvb" + n, "netns", b) &&
                run("ip", "-n", a, "addr", "add", "10.77.0.1/24", "dev", "jva" + n) &&
                run("ip", "-n", b, "addr", "add", "10.77.0.2/24", "dev", "jvb" + n) &&
                run("ip", "-n", a, "link", "set", "jva" + n, "up") &&
                run("ip", "-n", b, "link", "set", "jvb" + n, "up") &&
                run("ip", "-n", a, "link", "set", "lo", "up") &&
                run("ip", "-n", b, "link", "set", "lo", "up");
            if (!made)
            {
                run("ip", "netns", "del", a);
                run("ip", "netns", "del", b);
            }
        }
        final TwoHosts hosts = new TwoHosts(tempDir, made, made ? a : null, made ? b : null, "jvb" + n);
        System.out.println("TwoHosts: " + (made ? "network namespaces " + a + " (10.77.0.1) and " + b +
            " (10.77.0.2) over a veth pair" : "loopback with separate directories (" +
            ("1".equals(System.getenv("JVMIPC_TEST_LOOPBACK")) ? "forced" : "ip netns not available") + ")"));
        return hosts;
    }

    private static boolean run(final String... command)
    {
        try
        {
            final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(10, TimeUnit.SECONDS))
            {
                process.destroyForcibly();
                return false;
            }
            if (process.exitValue() != 0)
            {
                System.out.println("TwoHosts: " + String.join(" ", command) + ": " + output.trim());
                return false;
            }
            return true;
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

    /** A channel on host A's address. */
    String channelA(final int port)
    {
        return "aeron:udp?endpoint=" + addressA + ":" + port;
    }

    /** A channel on host B's address. */
    String channelB(final int port)
    {
        return "aeron:udp?endpoint=" + addressB + ":" + port;
    }

    /** Starts {@code AeronChildren.method(args)} on host A (in its namespace), its output captured. */
    JvmProcess startOnA(final String method, final String... args)
    {
        return start(namespaceA, method, args);
    }

    /** Starts {@code AeronChildren.method(args)} on host B (in its namespace), its output captured. */
    JvmProcess startOnB(final String method, final String... args)
    {
        return start(namespaceB, method, args);
    }

    private static JvmProcess start(final String namespace, final String method, final String... args)
    {
        final JvmProcess.Builder builder = JvmProcess.builder(AeronChildren.class).method(method)
            .jvmArgs("-Xmx96m", "-XX:TieredStopAtLevel=1").args(args).captureOutput();
        if (namespace != null)
        {
            builder.commandPrefix("ip", "netns", "exec", namespace);
        }
        return builder.start();
    }

    /** Takes host B's link down (namespaces only): the hosts can no longer reach each other. */
    void linkDown()
    {
        if (!namespaces || !run("ip", "-n", namespaceB, "link", "set", vethB, "down"))
        {
            throw new IllegalStateException("cannot take the link down without namespaces");
        }
    }

    @Override
    public void close()
    {
        if (namespaces)
        {
            // deleting a namespace deletes the veth end in it, and with it the pair
            run("ip", "netns", "del", namespaceA);
            run("ip", "netns", "del", namespaceB);
        }
    }

    /** A list of the given child's output lines that start with {@code prefix}, without it. */
    static List<String> linesAfter(final JvmProcess child, final String prefix)
    {
        final List<String> result = new ArrayList<>();
        for (final String line : child.outputLines())
        {
            if (line.startsWith(prefix))
            {
                result.add(line.substring(prefix.length()));
            }
        }
        return result;
    }
}
