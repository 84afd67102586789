package io.jvmipc.process;

import java.io.Serializable;
import java.util.function.Supplier;

/**
 * A {@link Supplier} that can be serialised: how a {@link JvmPool} gets the same codec in every worker JVM
 * ({@code JvmPool.builder().codec(() -> Codecs.objects(Point.class))}), since codecs themselves are not sent.
 *
 * @param <T> the type supplied.
 */
@FunctionalInterface
public interface SerializableSupplier<T> extends Supplier<T>, Serializable
{
}
