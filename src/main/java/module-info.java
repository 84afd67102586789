/**
 * jvmipc: what Python's {@code multiprocessing} gives Python, for JVMs on one Linux host: queues, pipes, shared
 * values and arrays, locks, semaphores, events, conditions, barriers and counters, through memory-mapped files,
 * with futex waiting and recovery from processes killed at any instruction.
 * <p>
 * Exported: the API packages. Not exported: {@code io.jvmipc.internal} (the native calls) and
 * {@code io.jvmipc.tools} (the {@code jvmipc} command line, opened to picocli only, which binds its options by
 * reflection). The library makes restricted native calls (futex, fcntl, mmap): run it with
 * {@code --enable-native-access=io.jvmipc} on the module path ({@code ALL-UNNAMED} on the class path).
 * <p>
 * The optional dependencies are {@code requires static}: the object codec ({@code Codecs.objects}) needs
 * Jackson's CBOR format, the command line picocli, {@code io.jvmipc.agrona} Agrona and
 * {@code io.jvmipc.chronicle} Chronicle Bytes, {@code io.jvmipc.aeron} the Aeron client and driver; an application that uses one adds that module itself. Starting
 * child JVMs ({@code io.jvmipc.process.JvmProcess}) gives the child the class path only.
 */
module io.jvmipc
{
    requires java.management;
    requires jdk.jfr;

    requires static com.fasterxml.jackson.core;
    requires static com.fasterxml.jackson.dataformat.cbor;
    requires static info.picocli;
    // automatic modules (stable Automatic-Module-Name); not transitive, which would make every application's
    // compilation need them: an application that uses an adapter requires its library itself
    requires static org.agrona;
    requires static chronicle.bytes;
    requires static io.aeron.client;
    requires static io.aeron.driver;

    exports io.jvmipc;
    exports io.jvmipc.aeron;
    exports io.jvmipc.agrona;
    exports io.jvmipc.chronicle;
    exports io.jvmipc.codec;
    exports io.jvmipc.counters;
    exports io.jvmipc.file;
    exports io.jvmipc.pipe;
    exports io.jvmipc.process;
    exports io.jvmipc.queue;
    exports io.jvmipc.shm;
    exports io.jvmipc.sync;
    exports io.jvmipc.tools.inspect;
    exports io.jvmipc.value;
    exports io.jvmipc.wait;

    opens io.jvmipc.tools to info.picocli;
}
