package io.jvmipc;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits in tests for a condition that another thread or process brings about, with a deadline: never a sleep
 * of a guessed length. Yields between checks, so the threads and processes being waited for get the CPU.
 */
public final class Await
{
    private Await()
    {
    }

    /**
     * Returns once {@code condition} holds; fails the test if it does not within {@code timeout}.
     *
     * @param what      what is awaited, for the failure message.
     * @param condition the condition.
     * @param timeout   how long at most.
     * @param unit      its unit.
     */
    public static void until(final String what, final BooleanSupplier condition, final long timeout,
        final TimeUnit unit)
    {
        until(() -> what, condition, timeout, unit);
    }

    /**
     * Returns once {@code condition} holds; fails the test if it does not within {@code timeout}.
     *
     * @param what      describes what is awaited (evaluated only on failure, e.g. with a child's output).
     * @param condition the condition.
     * @param timeout   how long at most.
     * @param unit      its unit.
     */
    public static void until(final Supplier<String> what, final BooleanSupplier condition, final long timeout,
        final TimeUnit unit)
    {
        final long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() - deadline >= 0)
            {
                throw new AssertionError("timed out after " + timeout + " " + unit + " waiting for: " + what.get());
            }
            Thread.yield();
        }
    }
}
