package io.jvmipc.process;

import java.io.Serializable;
import java.util.function.BiFunction;

/**
 * A {@link JvmPool} task over two arguments, for
 * {@link JvmPool#starmap(SerializableBiFunction, java.util.Collection)}: a {@link BiFunction} that can be
 * serialised (a static method reference, or a lambda whose captured values are {@link Serializable}).
 *
 * @param <A> the type of the first argument.
 * @param <B> the type of the second argument.
 * @param <R> the type of result.
 */
@FunctionalInterface
public interface SerializableBiFunction<A, B, R> extends BiFunction<A, B, R>, Serializable
{
}
