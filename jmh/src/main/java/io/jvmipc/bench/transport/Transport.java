package io.jvmipc.bench.transport;

import java.nio.file.Path;
import java.util.List;

/**
 * Every transport the harness knows: its name on the command line, the extra JVM flags its child JVMs need
 * (each child gets only its own transport's flags), and which measurements it takes part in.
 */
public enum Transport
{
    /** jvmipc SharedQueue, busy-spin wait strategy. */
    JVMIPC_QUEUE_SPIN("jvmipc-queue-spin", Flags.JVMIPC, true, true, true),
    /**
     * jvmipc SharedQueue created for one producer and one consumer ({@code singleProducer().singleConsumer()}),
     * which claim and take without a CAS, busy-spin wait strategy: the counterpart of Agrona's OneToOne ring.
     */
    JVMIPC_QUEUE_ONE_TO_ONE_SPIN("jvmipc-queue-1to1-spin", Flags.JVMIPC, true, true, true),
    /** jvmipc SharedQueue, blocking (futex) wait strategy. */
    JVMIPC_QUEUE_BLOCK("jvmipc-queue-block", Flags.JVMIPC, true, true, true),
    /** jvmipc Pipe (duplex Connection), busy-spin wait strategy. */
    JVMIPC_PIPE_SPIN("jvmipc-pipe-spin", Flags.JVMIPC, true, true, true),
    /** jvmipc Pipe (duplex Connection), blocking (futex) wait strategy. */
    JVMIPC_PIPE_BLOCK("jvmipc-pipe-block", Flags.JVMIPC, true, true, true),
    /** Two JVMs ping-ponging a raw counter in shared memory, busy spin: the latency floor. */
    FLOOR_SPIN("floor-spin", Flags.JVMIPC, true, false, false),
    /** The same through a raw futex wait/wake: the blocking floor. */
    FLOOR_FUTEX("floor-futex", Flags.JVMIPC, true, false, false),
    /**
     * Probe, run only when named: the spin floor carrying the payload in the count's own cache line (the count
     * written after the payload), the layout of a ring whose reader polls the record's header. Not in the default
     * set.
     */
    FLOOR_PAYLOAD_ONE_LINE("floor-payload-1line", Flags.JVMIPC, true, false, true),
    /**
     * Probe, run only when named: the spin floor with the payload on a cache line of its own and the count on
     * another, the layout of a ring whose reader polls a tail word and then reads the record (the jvmipc Pipe's).
     * Not in the default set.
     */
    FLOOR_PAYLOAD_TWO_LINES("floor-payload-2lines", Flags.JVMIPC, true, false, true),
    /** OS pipe over a child's stdin/stdout, one write + flush per message. */
    OS_PIPE("os-pipe", Flags.NONE, true, true, true),
    /** OS pipe, writes buffered in 64 KiB and flushed when full (streaming only). */
    OS_PIPE_BATCHED("os-pipe-batched", Flags.NONE, false, true, true),
    /** Unix domain socket, blocking channel. */
    UDS_BLOCK("uds-block", Flags.NONE, true, true, true),
    /** Unix domain socket, non-blocking channel busy-polled. */
    UDS_POLL("uds-poll", Flags.NONE, true, true, true),
    /** TCP on 127.0.0.1, blocking channel, TCP_NODELAY. */
    TCP_BLOCK("tcp-block", Flags.NONE, true, true, true),
    /** TCP on 127.0.0.1, non-blocking channel busy-polled, TCP_NODELAY. */
    TCP_POLL("tcp-poll", Flags.NONE, true, true, true),
    /** Agrona OneToOneRingBuffer over a mapped file, busy spin. */
    AGRONA_ONE_TO_ONE("agrona-1to1", Flags.AGRONA, true, true, true),
    /** Agrona ManyToOneRingBuffer over a mapped file, busy spin. */
    AGRONA_MANY_TO_ONE("agrona-mto1", Flags.AGRONA, true, true, true),
    /** Aeron IPC with an embedded media driver, busy spin. */
    AERON_IPC("aeron-ipc", Flags.AGRONA, true, true, true),
    /** Chronicle Queue, busy-spinning tailer. */
    CHRONICLE_QUEUE("chronicle-queue", Flags.CHRONICLE, true, true, true),
    /** Python multiprocessing.Queue (python3). */
    PYTHON_QUEUE("py-mp-queue", Flags.NONE, true, true, true),
    /** Python multiprocessing.Pipe (python3). */
    PYTHON_PIPE("py-mp-pipe", Flags.NONE, true, true, true),
    /**
     * Between two network namespaces (two "hosts" over a veth pair): a blocking jvmipc SharedQueue on each host per
     * direction, carried by the jvmipc Aeron bridge (a BridgeSender and a BridgeReceiver per direction).
     */
    BRIDGE_NETNS("jvmipc-aeron-bridge", Flags.JVMIPC_AERON, true, true, true),
    /** Between two network namespaces: a jvmipc RemoteConnection (Aeron UDP). */
    REMOTE_PIPE_NETNS("jvmipc-remote-pipe", Flags.JVMIPC_AERON, true, true, true),
    /** Between two network namespaces: TCP over the veth pair, blocking channel, TCP_NODELAY. */
    TCP_NETNS("tcp-netns", Flags.NONE, true, true, true);

    /** The system property holding host A's address in a cross-host run. */
    public static final String HOST_A_PROPERTY = "jvmipc.bench.hostA";
    /** The system property holding host B's address in a cross-host run. */
    public static final String HOST_B_PROPERTY = "jvmipc.bench.hostB";

    private final String id;
    private final List<String> jvmFlags;
    private final boolean roundTrip;
    private final boolean streaming;
    private final boolean carriesPayload;

    Transport(final String id, final List<String> jvmFlags, final boolean roundTrip, final boolean streaming,
        final boolean carriesPayload)
    {
        this.id = id;
        this.jvmFlags = jvmFlags;
        this.roundTrip = roundTrip;
        this.streaming = streaming;
        this.carriesPayload = carriesPayload;
    }

    /**
     * The name used on the command line and in reports.
     *
     * @return the name.
     */
    public String id()
    {
        return id;
    }

    /**
     * The extra JVM flags of this transport's child JVMs.
     *
     * @return the flags.
     */
    public List<String> jvmFlags()
    {
        return jvmFlags;
    }

    /**
     * Whether it takes part in the round-trip measurement.
     *
     * @return true if so.
     */
    public boolean roundTrip()
    {
        return roundTrip;
    }

    /**
     * Whether it takes part in the streaming measurement.
     *
     * @return true if so.
     */
    public boolean streaming()
    {
        return streaming;
    }

    /**
     * Whether the payload is copied (false for the floors, which only hand a counter over).
     *
     * @return true if so.
     */
    public boolean carriesPayload()
    {
        return carriesPayload;
    }

    /**
     * Whether the harness runs it with python3 rather than two JVMs.
     *
     * @return true if so.
     */
    public boolean python()
    {
        return this == PYTHON_QUEUE || this == PYTHON_PIPE;
    }

    /**
     * Whether its two sides run on two "hosts" (network namespaces; the harness sets them up, or leaves the
     * transport out where it cannot).
     *
     * @return true if so.
     */
    public boolean crossHost()
    {
        return this == BRIDGE_NETNS || this == REMOTE_PIPE_NETNS || this == TCP_NETNS;
    }

    /**
     * Whether side A starts side B itself (the OS pipe: B is A's child).
     *
     * @return true if so.
     */
    public boolean parentStartsChild()
    {
        return this == OS_PIPE || this == OS_PIPE_BATCHED;
    }

    /**
     * Finds a transport by its name.
     *
     * @param id the name.
     * @return the transport.
     * @throws IllegalArgumentException if there is none of that name.
     */
    public static Transport byId(final String id)
    {
        for (final Transport transport : values())
        {
            if (transport.id.equals(id))
            {
                return transport;
            }
        }
        throw new IllegalArgumentException("unknown transport '" + id + "'; known: " + names());
    }

    /**
     * All names, comma-separated.
     *
     * @return the names.
     */
    public static String names()
    {
        final StringBuilder names = new StringBuilder();
        for (final Transport transport : values())
        {
            names.append(names.isEmpty() ? "" : ",").append(transport.id);
        }
        return names.toString();
    }

    /**
     * Opens side A or B of this transport (JVM transports only).
     *
     * @param sideA true for side A.
     * @param dir the run's directory, private to this run.
     * @param childCommand for the OS pipe on side A: the command line of side B.
     * @param maxMessageSize the largest message of the run.
     * @return the connected endpoint.
     * @throws Exception if the transport cannot be set up.
     */
    public Endpoint open(final boolean sideA, final Path dir, final List<String> childCommand,
        final int maxMessageSize) throws Exception
    {
        return switch (this)
        {
            case JVMIPC_QUEUE_SPIN -> JvmipcQueueEndpoint.open(dir, sideA, false, false, maxMessageSize);
            case JVMIPC_QUEUE_ONE_TO_ONE_SPIN -> JvmipcQueueEndpoint.open(dir, sideA, false, true, maxMessageSize);
            case JVMIPC_QUEUE_BLOCK -> JvmipcQueueEndpoint.open(dir, sideA, true, false, maxMessageSize);
            case JVMIPC_PIPE_SPIN -> JvmipcPipeEndpoint.open(dir, sideA, false, maxMessageSize);
            case JVMIPC_PIPE_BLOCK -> JvmipcPipeEndpoint.open(dir, sideA, true, maxMessageSize);
            case FLOOR_SPIN -> FloorEndpoint.open(dir, sideA, false);
            case FLOOR_FUTEX -> FloorEndpoint.open(dir, sideA, true);
            case FLOOR_PAYLOAD_ONE_LINE -> FloorEndpoint.openWithPayload(dir, sideA, false, maxMessageSize);
            case FLOOR_PAYLOAD_TWO_LINES -> FloorEndpoint.openWithPayload(dir, sideA, true, maxMessageSize);
            case OS_PIPE, OS_PIPE_BATCHED -> sideA
                ? OsPipeEndpoint.parent(childCommand, this == OS_PIPE_BATCHED)
                : OsPipeEndpoint.child(this == OS_PIPE_BATCHED);
            case UDS_BLOCK -> SocketEndpoint.open(true, false, sideA, dir);
            case UDS_POLL -> SocketEndpoint.open(true, true, sideA, dir);
            case TCP_BLOCK -> SocketEndpoint.open(false, false, sideA, dir);
            case TCP_POLL -> SocketEndpoint.open(false, true, sideA, dir);
            case AGRONA_ONE_TO_ONE -> AgronaEndpoint.open(dir, sideA, false);
            case AGRONA_MANY_TO_ONE -> AgronaEndpoint.open(dir, sideA, true);
            case AERON_IPC -> AeronEndpoint.open(dir.resolve("aeron"), dir, sideA);
            case CHRONICLE_QUEUE -> ChronicleEndpoint.open(dir, sideA);
            case BRIDGE_NETNS -> BridgeEndpoint.open(dir, sideA, maxMessageSize);
            case REMOTE_PIPE_NETNS -> RemotePipeEndpoint.open(dir, sideA, maxMessageSize);
            case TCP_NETNS -> SocketEndpoint.openTcp(sideA, dir, System.getProperty(HOST_A_PROPERTY));
            case PYTHON_QUEUE, PYTHON_PIPE -> throw new IllegalStateException(id + " runs in python3, not in a JVM");
        };
    }

    /**
     * Whether this is a probe that runs only when named with {@code --transports}, not in the default set.
     *
     * @return {@code true} for the payload floors.
     */
    public boolean isProbe()
    {
        return this == FLOOR_PAYLOAD_ONE_LINE || this == FLOOR_PAYLOAD_TWO_LINES;
    }

    /** The flag sets. */
    private static final class Flags
    {
        static final List<String> NONE = List.of();
        static final List<String> JVMIPC = List.of("--enable-native-access=ALL-UNNAMED");
        static final List<String> AGRONA = List.of("--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED");
        static final List<String> JVMIPC_AERON = List.of("--enable-native-access=ALL-UNNAMED",
            "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED");
        static final List<String> CHRONICLE = List.of(
            "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--enable-native-access=ALL-UNNAMED",
            "--sun-misc-unsafe-memory-access=allow",
            "-Dchronicle.analytics.disable=true");
    }
}
