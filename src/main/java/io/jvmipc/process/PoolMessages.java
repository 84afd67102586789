package io.jvmipc.process;

import io.jvmipc.MessageTooLargeException;
import io.jvmipc.codec.Codec;
import io.jvmipc.codec.CodecException;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The messages of a {@link JvmPool}, all carried as byte arrays ({@code Codecs.bytes()}) in its queues. Every
 * message starts with its kind; numbers are big-endian.
 * <pre>
 * to a worker (its inbox):
 *   TASK    [kind][task id: long][function block][argument: the pool's codec, to the end]
 *   STOP    [kind]
 * function block (made once per submitted function, shared by the tasks of a map):
 *           [shape: CALL | APPLY | APPLY_TWO][allowed classes: int length, UTF-8][function: int length, stream]
 * to the parent (the results queue):
 *   READY   [kind][worker: int]                       the initializer returned
 *   RESULT  [kind][worker: int][task id: long][value: the pool's codec, to the end]
 *   ERROR   [kind][worker: int][task id: long][exception, see writeError]   task id -1: the initializer threw
 *   SHUTDOWN [kind]                                   from the parent to its own reader thread
 *   GONE    [kind][worker: int]                       from the parent to its reader: the worker's JVM exited
 * </pre>
 * A function block's stream is Java serialisation of the task's lambda or method reference, read by the worker
 * through {@link MethodLauncher#readFiltered}: only the classes the parent's stream named.
 */
final class PoolMessages
{
    static final byte TASK = 1;
    static final byte STOP = 2;

    static final byte READY = 1;
    static final byte RESULT = 2;
    static final byte ERROR = 3;
    static final byte SHUTDOWN = 4;
    static final byte GONE = 5;

    /** A task without argument ({@link SerializableCallable}). */
    static final byte CALL = 0;
    /** A task over one argument ({@link SerializableFunction}). */
    static final byte APPLY = 1;
    /** A task over two arguments ({@link SerializableBiFunction}), sent as a list of two. */
    static final byte APPLY_TWO = 2;

    /** The task id of an ERROR reporting that the worker's initializer threw. */
    static final long INITIALIZER = -1;

    /** Where a task's id sits in a TASK message. */
    static final int TASK_ID_OFFSET = 1;
    /** Where the function block starts in a TASK message. */
    static final int FUNCTION_OFFSET = TASK_ID_OFFSET + Long.BYTES;
    /** Where the task id and the payload start in a RESULT or ERROR message. */
    static final int REPLY_TASK_OFFSET = 1 + Integer.BYTES;
    static final int REPLY_PAYLOAD_OFFSET = REPLY_TASK_OFFSET + Long.BYTES;

    /** An encoded value is first tried in this many bytes, then in the most a message may hold. */
    private static final int FIRST_TRY = 1024;

    /** The most causes, frames per cause and characters per string an error carries, before it is shortened. */
    private static final int MAX_CAUSES = 8;
    private static final int MAX_FRAMES = 256;
    private static final int MAX_TEXT = 4000;

    private PoolMessages()
    {
    }

    /** Serialises a task's function into a function block; IllegalArgumentException if it cannot be sent. */
    static byte[] functionBlock(final byte shape, final Serializable function)
    {
        final JvmProcess.SerialisedTarget serialised = JvmProcess.serialise(function);
        final byte[] allowed = serialised.allowed().getBytes(StandardCharsets.UTF_8);
        final byte[] stream = serialised.bytes();
        return ByteBuffer.allocate(1 + Integer.BYTES + allowed.length + Integer.BYTES + stream.length)
            .put(shape).putInt(allowed.length).put(allowed).putInt(stream.length).put(stream).array();
    }

    /** A TASK message (its id written later, by {@link #setTaskId}). */
    static byte[] task(final byte[] functionBlock, final byte[] argument)
    {
        final byte[] message = new byte[FUNCTION_OFFSET + functionBlock.length + argument.length];
        message[0] = TASK;
        System.arraycopy(functionBlock, 0, message, FUNCTION_OFFSET, functionBlock.length);
        System.arraycopy(argument, 0, message, FUNCTION_OFFSET + functionBlock.length, argument.length);
        return message;
    }

    static void setTaskId(final byte[] task, final long id)
    {
        ByteBuffer.wrap(task).putLong(TASK_ID_OFFSET, id);
    }

    static long taskId(final byte[] task)
    {
        return ByteBuffer.wrap(task).getLong(TASK_ID_OFFSET);
    }

    static byte[] stop()
    {
        return new byte[] {STOP};
    }

    static byte[] ready(final int worker)
    {
        return ByteBuffer.allocate(1 + Integer.BYTES).put(READY).putInt(worker).array();
    }

    static byte[] gone(final int worker)
    {
        return ByteBuffer.allocate(1 + Integer.BYTES).put(GONE).putInt(worker).array();
    }

    static byte[] shutdown()
    {
        return new byte[] {SHUTDOWN};
    }

    /** A RESULT or ERROR message. */
    static byte[] reply(final byte kind, final int worker, final long taskId, final byte[] payload)
    {
        return ByteBuffer.allocate(REPLY_PAYLOAD_OFFSET + payload.length).put(kind).putInt(worker).putLong(taskId)
            .put(payload).array();
    }

    static int replyWorker(final byte[] reply)
    {
        return ByteBuffer.wrap(reply).getInt(1);
    }

    static long replyTaskId(final byte[] reply)
    {
        return ByteBuffer.wrap(reply).getLong(REPLY_TASK_OFFSET);
    }

    /** Encodes a value with the pool's codec into an array of its length (at most {@code maxLength}). */
    static byte[] encode(final Codec<Object> codec, final Object value, final int maxLength)
    {
        byte[] buffer = new byte[Math.min(FIRST_TRY, maxLength)];
        while (true)
        {
            try
            {
                final int length = codec.encode(value, MemorySegment.ofArray(buffer), 0, buffer.length);
                return Arrays.copyOf(buffer, length);
            }
            catch (final MessageTooLargeException e)
            {
                if (buffer.length >= maxLength)
                {
                    throw e;
                }
                buffer = new byte[maxLength];
            }
            catch (final ClassCastException e)
            {
                // a codec of one type (utf8, a long...) given a value of another
                throw new CodecException("the pool's codec " + codec.getClass().getName() + " cannot encode a " +
                    (value == null ? "null" : value.getClass().getName()) + " (" + e.getMessage() + ")", e);
            }
        }
    }

    /** Decodes the value at {@code offset} to the end of {@code message}. */
    static Object decode(final Codec<Object> codec, final byte[] message, final int offset)
    {
        return codec.decode(MemorySegment.ofArray(message), offset, message.length - offset);
    }

    /**
     * An exception as bytes: for each of it and its causes, the class name, the message, the stack frames;
     * shortened (fewer frames, then none, then no causes) until it fits in {@code maxLength}.
     */
    static byte[] writeError(final Throwable error, final int maxLength)
    {
        for (final int[] limits : new int[][] {{MAX_CAUSES, MAX_FRAMES}, {MAX_CAUSES, 16}, {1, 0}})
        {
            final byte[] bytes = writeError(error, limits[0], limits[1]);
            if (bytes.length <= maxLength)
            {
                return bytes;
            }
        }
        return new byte[0];
    }

    private static byte[] writeError(final Throwable error, final int causes, final int frames)
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes))
        {
            Throwable current = error;
            for (int depth = 0; current != null && depth < causes; depth++, current = current.getCause())
            {
                out.writeBoolean(true);
                out.writeUTF(shorten(current.getClass().getName()));
                out.writeBoolean(current.getMessage() != null);
                if (current.getMessage() != null)
                {
                    out.writeUTF(shorten(current.getMessage()));
                }
                final StackTraceElement[] trace = current.getStackTrace();
                final int count = Math.min(trace.length, frames);
                out.writeInt(count);
                for (int i = 0; i < count; i++)
                {
                    out.writeUTF(shorten(trace[i].getClassName()));
                    out.writeUTF(shorten(trace[i].getMethodName()));
                    out.writeUTF(trace[i].getFileName() == null ? "" : shorten(trace[i].getFileName()));
                    out.writeInt(trace[i].getLineNumber());
                }
                if (current.getCause() == current)
                {
                    break;
                }
            }
            out.writeBoolean(false);
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * The exception written by {@link #writeError} as a {@link RemoteTaskException} chain; {@code what} says what
     * failed (the task, the initializer) for the outermost message.
     */
    static RemoteTaskException readError(final byte[] message, final int offset, final String what)
    {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(message, offset,
            message.length - offset)))
        {
            return readOne(in, what);
        }
        catch (final IOException e)
        {
            return new RemoteTaskException(what + " failed; its exception could not be read: " + e,
                "(unreadable)", null, new StackTraceElement[0], null);
        }
    }

    private static RemoteTaskException readOne(final DataInputStream in, final String what) throws IOException
    {
        if (in.available() == 0 || !in.readBoolean())
        {
            return what == null ? null : new RemoteTaskException(what + " failed (its exception was too large to " +
                "be sent)", "(unknown)", null, new StackTraceElement[0], null);
        }
        final String className = in.readUTF();
        final String text = in.readBoolean() ? in.readUTF() : null;
        final StackTraceElement[] trace = new StackTraceElement[in.readInt()];
        for (int i = 0; i < trace.length; i++)
        {
            final String declaring = in.readUTF();
            final String method = in.readUTF();
            final String file = in.readUTF();
            trace[i] = new StackTraceElement(declaring, method, file.isEmpty() ? null : file, in.readInt());
        }
        final RemoteTaskException cause = readOne(in, null);
        final String description = className + (text == null ? "" : ": " + text);
        return new RemoteTaskException(what == null ? description : what + " failed: " + description, className,
            text, trace, cause);
    }

    private static String shorten(final String text)
    {
        return text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT) + "...";
    }
}
