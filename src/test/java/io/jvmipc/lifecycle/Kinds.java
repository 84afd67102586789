package io.jvmipc.lifecycle;

import io.jvmipc.codec.Codecs;
import io.jvmipc.counters.SharedCounters;
import io.jvmipc.file.SharedDirectory;
import io.jvmipc.pipe.Pipe;
import io.jvmipc.queue.JoinableQueue;
import io.jvmipc.queue.SharedQueue;
import io.jvmipc.shm.SharedMemory;
import io.jvmipc.sync.SharedBarrier;
import io.jvmipc.sync.SharedBoundedSemaphore;
import io.jvmipc.sync.SharedCondition;
import io.jvmipc.sync.SharedEvent;
import io.jvmipc.sync.SharedLock;
import io.jvmipc.sync.SharedReentrantLock;
import io.jvmipc.sync.SharedSemaphore;
import io.jvmipc.value.SharedBoolean;
import io.jvmipc.value.SharedDouble;
import io.jvmipc.value.SharedDoubleArray;
import io.jvmipc.value.SharedInt;
import io.jvmipc.value.SharedIntArray;
import io.jvmipc.value.SharedLong;
import io.jvmipc.value.SharedLongArray;

import java.util.List;

/** Every kind of object, made and opened the same way, for the lifecycle tests. */
final class Kinds
{
    /** One kind: how to create it and how to attach to it by name; the handle's {@code unlink()}. */
    interface Kind
    {
        String label();

        Made create(SharedDirectory directory, String name);

        Made open(SharedDirectory directory, String name);
    }

    /** An attachment of one kind, and its instance unlink. */
    record Made(AutoCloseable object, Runnable unlink) implements AutoCloseable
    {
        @Override
        public void close()
        {
            try
            {
                object.close();
            }
            catch (final Exception e)
            {
                throw new IllegalStateException(e);
            }
        }
    }

    /** A condition and the lock it is bound to (the lock's file is the condition's name with "-l"). */
    private record ConditionWithLock(SharedCondition condition, SharedLock lock) implements AutoCloseable
    {
        @Override
        public void close()
        {
            try
            {
                condition.close();
            }
            finally
            {
                lock.close();
            }
        }
    }

    private Kinds()
    {
    }

    private static Kind kind(final String label, final Maker create, final Maker open)
    {
        return new Kind()
        {
            @Override
            public String label()
            {
                return label;
            }

            @Override
            public Made create(final SharedDirectory directory, final String name)
            {
                return create.make(directory, name);
            }

            @Override
            public Made open(final SharedDirectory directory, final String name)
            {
                return open.make(directory, name);
            }

            @Override
            public String toString()
            {
                return label;
            }
        };
    }

    @FunctionalInterface
    private interface Maker
    {
        Made make(SharedDirectory directory, String name);
    }

    private static Made condition(final SharedDirectory d, final String n, final boolean create)
    {
        final SharedLock lock = create ? SharedLock.builder(n + "-l").directory(d).create() :
            SharedLock.builder(n + "-l").directory(d).open();
        final SharedCondition condition = create ? SharedCondition.builder(n, lock).directory(d).create() :
            SharedCondition.builder(n, lock).directory(d).open();
        return new Made(new ConditionWithLock(condition, lock), () ->
        {
            condition.unlink();
            lock.unlink();
        });
    }

    static final List<Kind> ALL = List.of(
        kind("queue", (d, n) -> made(SharedQueue.builder(n, Codecs.utf8()).directory(d).create()),
            (d, n) -> made(SharedQueue.builder(n, Codecs.utf8()).directory(d).open())),
        kind("joinable queue", (d, n) -> made(JoinableQueue.builder(n, Codecs.utf8()).directory(d).create()),
            (d, n) -> made(JoinableQueue.builder(n, Codecs.utf8()).directory(d).open())),
        kind("pipe", (d, n) -> made(Pipe.builder(n).directory(d).connect(io.jvmipc.pipe.End.A)),
            (d, n) -> made(Pipe.builder(n).directory(d).attach(io.jvmipc.pipe.End.B))),
        kind("int", (d, n) -> made(SharedInt.builder(n).directory(d).create()),
            (d, n) -> made(SharedInt.builder(n).directory(d).open())),
        kind("long", (d, n) -> made(SharedLong.builder(n).directory(d).create()),
            (d, n) -> made(SharedLong.builder(n).directory(d).open())),
        kind("double", (d, n) -> made(SharedDouble.builder(n).directory(d).create()),
            (d, n) -> made(SharedDouble.builder(n).directory(d).open())),
        kind("boolean", (d, n) -> made(SharedBoolean.builder(n).directory(d).create()),
            (d, n) -> made(SharedBoolean.builder(n).directory(d).open())),
        kind("int array", (d, n) -> made(SharedIntArray.builder(n).length(4).directory(d).create()),
            (d, n) -> made(SharedIntArray.builder(n).directory(d).open())),
        kind("long array", (d, n) -> made(SharedLongArray.builder(n).length(4).directory(d).create()),
            (d, n) -> made(SharedLongArray.builder(n).directory(d).open())),
        kind("double array", (d, n) -> made(SharedDoubleArray.builder(n).length(4).directory(d).create()),
            (d, n) -> made(SharedDoubleArray.builder(n).directory(d).open())),
        kind("shared memory", (d, n) -> made(SharedMemory.builder(n).size(4096).track(false).directory(d).create()),
            (d, n) -> made(SharedMemory.builder(n).track(false).directory(d).open())),
        kind("lock", (d, n) -> made(SharedLock.builder(n).directory(d).create()),
            (d, n) -> made(SharedLock.builder(n).directory(d).open())),
        kind("rlock", (d, n) -> made(SharedReentrantLock.builder(n).directory(d).create()),
            (d, n) -> made(SharedReentrantLock.builder(n).directory(d).open())),
        kind("semaphore", (d, n) -> made(SharedSemaphore.builder(n, 2).directory(d).create()),
            (d, n) -> made(SharedSemaphore.builder(n, 2).directory(d).open())),
        kind("bounded semaphore", (d, n) -> made(SharedBoundedSemaphore.builder(n, 2).directory(d).create()),
            (d, n) -> made(SharedBoundedSemaphore.builder(n, 2).directory(d).open())),
        kind("event", (d, n) -> made(SharedEvent.builder(n).directory(d).create()),
            (d, n) -> made(SharedEvent.builder(n).directory(d).open())),
        kind("condition", (d, n) -> condition(d, n, true), (d, n) -> condition(d, n, false)),
        kind("barrier", (d, n) -> made(SharedBarrier.builder(n).parties(2).directory(d).create()),
            (d, n) -> made(SharedBarrier.builder(n).directory(d).open())),
        kind("counters", (d, n) -> made(SharedCounters.builder(n).directory(d).create()),
            (d, n) -> made(SharedCounters.builder(n).directory(d).open())));

    private static Made made(final SharedQueue<?> o)
    {
        return new Made(o, o::unlink);
    }

    private static Made made(final JoinableQueue<?> o)
    {
        return new Made(o, o::unlink);
    }

    private static Made made(final io.jvmipc.pipe.Connection<?> o)
    {
        return new Made(o, o::unlink);
    }

    private static Made made(final SharedInt o)
    {
        return new Made(o, o::unlink);
    }

    private static Made made(final SharedLong o)
    {
        return new Made(o, o::unlink);
    }

    private static Made made(final SharedDouble o)
    {
        return new Made(o, o::unlink);
    }

    private static Made made(final SharedBoolean o)
    {
        return new Made(o, o::unlink);
    }

    private static Made made(final SharedIntArray o)
    {
        return new Made(o, o::unlink);
    }

    private static Made made(final SharedLongArray o)
    {
        return new Made(o, o::unlink);
    }

    private static Made made(final SharedDoubleArray o)
    {
        return new Made(o, o::unlink);
    }

    private static Made made(final SharedMemory o)
    {
        return new Made(o, o::unlink);
    }

    private static Made made(final SharedLock o)
    {
        return new Made(o, o::unlink);
    }

    private static Made made(final SharedReentrantLock o)
    {
        return new Made(o, o::unlink);
    }

    private static Made made(final SharedSemaphore o)
    {
        return new Made(o, o::unlink);
    }

    private static Made made(final SharedBoundedSemaphore o)
    {
        return new Made(o, o::unlink);
    }

    private static Made made(final SharedEvent o)
    {
        return new Made(o, o::unlink);
    }

    private static Made made(final SharedBarrier o)
    {
        return new Made(o, o::unlink);
    }

    private static Made made(final SharedCounters o)
    {
        return new Made(o, o::unlink);
    }
}
