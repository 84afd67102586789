package io.jvmipc.process;

import io.jvmipc.codec.Codec;
import io.jvmipc.codec.Codecs;
import io.jvmipc.file.SharedDirectory;
import io.jvmipc.queue.SharedQueue;

import java.io.ByteArrayInputStream;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The program of a {@link JvmPool} worker JVM (its {@link JvmProcess} target): opens its inbox and the pool's
 * results queue, runs the initializer, says READY, then runs the tasks of its inbox one at a time, in order,
 * replying to each with its result or exception, until a STOP. A worker keeps no state about the pool: the
 * parent decides what each worker runs, and re-dispatches what a dead worker held.
 */
final class PoolWorker
{
    /**
     * The parent's settings for a worker, sent as the captured value of its target.
     *
     * @param directory   the pool's directory.
     * @param inbox       the name of the worker's inbox queue.
     * @param results     the name of the pool's results queue.
     * @param worker      the worker's number in the pool.
     * @param initializer run once before the first task, or {@code null}.
     * @param codec       makes the codec of the tasks' arguments and results.
     */
    record Settings(String directory, String inbox, String results, int worker, SerializableRunnable initializer,
        SerializableSupplier<? extends Codec<?>> codec) implements Serializable
    {
        private static final long serialVersionUID = 1L;
    }

    private final SharedQueue<byte[]> inbox;
    private final SharedQueue<byte[]> results;
    private final Codec<Object> codec;
    private final int worker;
    /** The last function block read and what it held, so that a map's tasks deserialise their function once. */
    private byte[] lastBlock = new byte[0];
    private Object lastFunction;

    private PoolWorker(final SharedQueue<byte[]> inbox, final SharedQueue<byte[]> results, final Codec<Object> codec,
        final int worker)
    {
        this.inbox = inbox;
        this.results = results;
        this.codec = codec;
        this.worker = worker;
    }

    /**
     * Runs a worker until its STOP; then ends this JVM (threads the tasks or the initializer started do not keep
     * it alive).
     *
     * @param settings the parent's settings.
     */
    static void run(final Settings settings)
    {
        final SharedDirectory directory = SharedDirectory.of(Path.of(settings.directory()));
        try (SharedQueue<byte[]> inbox = SharedQueue.builder(settings.inbox(), Codecs.bytes()).directory(directory)
            .open();
            SharedQueue<byte[]> results = SharedQueue.builder(settings.results(), Codecs.bytes())
                .directory(directory).open())
        {
            final Codec<Object> codec = codec(settings.codec());
            final PoolWorker worker = new PoolWorker(inbox, results, codec, settings.worker());
            if (!worker.initialise(settings.initializer()))
            {
                System.exit(1);
            }
            worker.serve();
        }
        catch (final InterruptedException e)
        {
            // nothing interrupts a worker's thread; if something does, the worker ends and the pool replaces it
            System.exit(1);
        }
        System.exit(0);
    }

    @SuppressWarnings("unchecked")
    static Codec<Object> codec(final SerializableSupplier<? extends Codec<?>> supplier)
    {
        return supplier == null ? Codecs.objects() : (Codec<Object>)supplier.get();
    }

    private boolean initialise(final SerializableRunnable initializer) throws InterruptedException
    {
        try
        {
            if (initializer != null)
            {
                initializer.run();
            }
        }
        catch (final Throwable t)
        {
            results.put(PoolMessages.reply(PoolMessages.ERROR, worker, PoolMessages.INITIALIZER,
                PoolMessages.writeError(t, results.maxMessageSize() - PoolMessages.REPLY_PAYLOAD_OFFSET)));
            return false;
        }
        results.put(PoolMessages.ready(worker));
        return true;
    }

    private void serve() throws InterruptedException
    {
        final int maxPayload = results.maxMessageSize() - PoolMessages.REPLY_PAYLOAD_OFFSET;
        while (true)
        {
            final byte[] message = inbox.take();
            if (message[0] == PoolMessages.STOP)
            {
                return;
            }
            final long taskId = PoolMessages.taskId(message);
            byte[] reply;
            try
            {
                reply = PoolMessages.reply(PoolMessages.RESULT, worker, taskId,
                    PoolMessages.encode(codec, runTask(message), maxPayload));
            }
            catch (final Throwable t)
            {
                reply = PoolMessages.reply(PoolMessages.ERROR, worker, taskId, PoolMessages.writeError(t, maxPayload));
            }
            results.put(reply);
        }
    }

    /** Reads the task's function (or reuses the last one) and argument, and runs it. */
    @SuppressWarnings("unchecked")
    private Object runTask(final byte[] message) throws Exception
    {
        final ByteBuffer in = ByteBuffer.wrap(message);
        in.position(PoolMessages.FUNCTION_OFFSET);
        final byte shape = in.get();
        final int allowedLength = in.getInt();
        final int allowedOffset = in.position();
        in.position(allowedOffset + allowedLength);
        final int streamLength = in.getInt();
        final int streamOffset = in.position();
        final int blockEnd = streamOffset + streamLength;
        if (!Arrays.equals(lastBlock, 0, lastBlock.length, message, PoolMessages.FUNCTION_OFFSET, blockEnd))
        {
            final String allowed = new String(message, allowedOffset, allowedLength, StandardCharsets.UTF_8);
            lastFunction = MethodLauncher.readFiltered(new ByteArrayInputStream(message, streamOffset, streamLength),
                allowed, "the task");
            lastBlock = Arrays.copyOfRange(message, PoolMessages.FUNCTION_OFFSET, blockEnd);
        }
        return switch (shape)
        {
            case PoolMessages.CALL -> ((SerializableCallable<Object>)lastFunction).call();
            case PoolMessages.APPLY -> ((SerializableFunction<Object, Object>)lastFunction).apply(
                PoolMessages.decode(codec, message, blockEnd));
            case PoolMessages.APPLY_TWO ->
            {
                final List<Object> arguments = (List<Object>)PoolMessages.decode(codec, message, blockEnd);
                yield ((SerializableBiFunction<Object, Object, Object>)lastFunction).apply(arguments.get(0),
                    arguments.get(1));
            }
            default -> throw new IllegalArgumentException("unknown task shape " + shape);
        };
    }
}
