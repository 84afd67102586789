package io.jvmipc.process;

import java.io.Serializable;

/**
 * A child JVM's target: a {@link Runnable} that can be serialised, so that a lambda or method reference given to
 * {@link JvmProcess#start(SerializableRunnable)} reaches the child with its captured values. Python's
 * {@code Process(target=f, args=(a, b))} is {@code JvmProcess.start(() -> f(a, b))}: the captured {@code a} and
 * {@code b} are the arguments, and must be {@link Serializable} (strings, boxed numbers, records and collections of
 * those...). The lambda's class (the class that wrote it) must be on the class path.
 */
@FunctionalInterface
public interface SerializableRunnable extends Runnable, Serializable
{
}
