package io.jvmipc.bench.jmh;

import io.jvmipc.codec.Codec;
import io.jvmipc.codec.Codecs;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The cost per message of the object codec ({@link Codecs#objects(Class[])}, CBOR through Jackson) beside
 * {@link Codecs#utf8()}, measured in the same run: one encode into off-heap memory (as a queue's slot or a pipe's
 * ring) and one decode back, of a short string (both codecs), of {@code List.of(1, 2, 3, 4)} (Python's
 * {@code [1, 2, 3, 4]}), of a small {@code Map<String, Object>} and of a record; and the encodes alone. Read
 * {@code objectString / utf8String} as the object codec's overhead on the same payload; {@code -prof gc} shows
 * the allocation per message (the decoded value and Jackson's parser on decode; no intermediate array on encode).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class ObjectCodecBenchmark
{
    /** The largest message any benchmark here encodes. */
    public static final int MAX_MESSAGE = 1024;

    /** A record as a user would send one. */
    public record Job(int id, String name, double weight)
    {
    }

    private final Codec<String> utf8 = Codecs.utf8();
    private final Codec<Object> objects = Codecs.objects(Job.class);
    private final String string = "message 0 of the jobs queue";
    private final List<Integer> list = List.of(1, 2, 3, 4);
    private final Map<String, Object> map = new LinkedHashMap<>();
    private final Job job = new Job(7, "resize", 0.5);
    private Arena arena;
    private MemorySegment slot;

    /** Allocates the off-heap slot and fills the map. */
    @Setup(Level.Trial)
    public void setUp()
    {
        arena = Arena.ofShared();
        slot = arena.allocate(MAX_MESSAGE, 64);
        map.put("id", 7);
        map.put("name", "resize");
        map.put("tags", List.of("a", "b"));
    }

    /** Frees the slot. */
    @TearDown(Level.Trial)
    public void tearDown()
    {
        arena.close();
    }

    /**
     * Baseline: a string through {@link Codecs#utf8()}.
     *
     * @return the decoded string.
     */
    @Benchmark
    public String utf8String()
    {
        final int length = utf8.encode(string, slot, 0, MAX_MESSAGE);
        return utf8.decode(slot, 0, length);
    }

    /**
     * The same string through the object codec.
     *
     * @return the decoded string.
     */
    @Benchmark
    public Object objectString()
    {
        final int length = objects.encode(string, slot, 0, MAX_MESSAGE);
        return objects.decode(slot, 0, length);
    }

    /**
     * {@code List.of(1, 2, 3, 4)} through the object codec.
     *
     * @return the decoded list.
     */
    @Benchmark
    public Object objectList()
    {
        final int length = objects.encode(list, slot, 0, MAX_MESSAGE);
        return objects.decode(slot, 0, length);
    }

    /**
     * A three-entry {@code Map<String, Object>} (an int, a string, a list of two strings) through the object codec.
     *
     * @return the decoded map.
     */
    @Benchmark
    public Object objectMap()
    {
        final int length = objects.encode(map, slot, 0, MAX_MESSAGE);
        return objects.decode(slot, 0, length);
    }

    /**
     * A registered record of three components through the object codec.
     *
     * @return the decoded record.
     */
    @Benchmark
    public Object objectRecord()
    {
        final int length = objects.encode(job, slot, 0, MAX_MESSAGE);
        return objects.decode(slot, 0, length);
    }

    /**
     * Baseline: the encode alone of the string through {@link Codecs#utf8()}.
     *
     * @return the encoded length.
     */
    @Benchmark
    public int utf8StringEncode()
    {
        return utf8.encode(string, slot, 0, MAX_MESSAGE);
    }

    /**
     * The encode alone of the map through the object codec.
     *
     * @return the encoded length.
     */
    @Benchmark
    public int objectMapEncode()
    {
        return objects.encode(map, slot, 0, MAX_MESSAGE);
    }
}
