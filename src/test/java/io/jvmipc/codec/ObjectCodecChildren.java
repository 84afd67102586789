package io.jvmipc.codec;

import io.jvmipc.file.SharedDirectory;
import io.jvmipc.pipe.Connection;
import io.jvmipc.pipe.End;
import io.jvmipc.pipe.Pipe;
import io.jvmipc.queue.SharedQueue;

import java.io.EOFException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Child JVM programs for {@link ObjectCodecProcessTest}, each a {@code public static void name(String[])}.
 * Arguments: the directory, the object's name.
 */
public final class ObjectCodecChildren
{
    /** The codec both sides use. */
    static Codec<Object> codec()
    {
        return Codecs.objects(ObjectCodecTest.Point.class, ObjectCodecTest.Color.class);
    }

    private ObjectCodecChildren()
    {
    }

    /** Puts what Python's scenario sends, {@code [1, 2, 3, 4]}, then a map with a record and an enum constant. */
    public static void put(final String[] args) throws InterruptedException
    {
        try (SharedQueue<Object> queue = SharedQueue.builder(args[1], codec())
            .directory(SharedDirectory.of(Path.of(args[0]))).open())
        {
            queue.put(List.of(1, 2, 3, 4));
            queue.put(Map.of("point", new ObjectCodecTest.Point(3, 4L, "p"), "colour", ObjectCodecTest.Color.GREEN,
                "longs", List.of(1L, Long.MAX_VALUE)));
        }
        System.out.println("PUT");
    }

    /** Attaches end B of a pipe and echoes every object back until end-of-file; prints "ECHOED n". */
    public static void echo(final String[] args) throws Exception
    {
        long count = 0;
        try (Connection<Object> connection = Pipe.builder(args[1], codec())
            .directory(SharedDirectory.of(Path.of(args[0]))).attach(End.B))
        {
            while (true)
            {
                final Object value;
                try
                {
                    value = connection.recv();
                }
                catch (final EOFException e)
                {
                    break;
                }
                connection.send(value);
                count++;
            }
        }
        System.out.println("ECHOED " + count);
    }
}
