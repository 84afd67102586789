package io.jvmipc.process;

import java.io.Serializable;
import java.util.function.Function;

/**
 * A {@link JvmPool} task over one argument: a {@link Function} that can be serialised (a static method reference
 * such as {@code Tasks::square}, or a lambda whose captured values are {@link Serializable}). The argument and
 * the result travel through the pool's codec, the function itself through Java serialisation.
 *
 * @param <T> the type of argument.
 * @param <R> the type of result.
 */
@FunctionalInterface
public interface SerializableFunction<T, R> extends Function<T, R>, Serializable
{
}
