package io.jvmipc.process;

import java.io.Serializable;
import java.util.concurrent.Callable;

/**
 * A {@link JvmPool} task without an argument: a {@link Callable} that can be serialised, so that a lambda or
 * method reference given to {@link JvmPool#submit(SerializableCallable)} reaches a worker JVM with its captured
 * values (which must be {@link Serializable}). Python's {@code pool.apply_async(f, (a, b))} is
 * {@code pool.submit(() -> f(a, b))}. The lambda's class (the class that wrote it) must be on the class path.
 *
 * @param <R> the type of result.
 */
@FunctionalInterface
public interface SerializableCallable<R> extends Callable<R>, Serializable
{
}
