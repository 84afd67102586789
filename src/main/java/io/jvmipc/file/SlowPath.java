package io.jvmipc.file;

/**
 * The slow paths every object's file counts, in its slow-path counter block ({@link HeaderDescriptor#COUNTERS_OFFSET}):
 * one 64-bit counter each, at {@link HeaderDescriptor#counterOffset(int, int)} of the counter's
 * {@link #ordinal()}. The order is part of the file layout: new counters are added at the end only.
 * <p>
 * The counters are plain statistics of the object since its creation, over every process that used it, added to
 * with one ordered add (a read, then a release store) where the slow path already runs (never per message: puts
 * and takes are read from positions). They are approximate in three ways only: two threads or processes counting
 * the same path at the same instant may lose one count (an atomic add would need a compare-and-set, which can
 * kill an interpreted JVM whose file is truncated under it), a recovery that a dying recoverer left half-done and
 * the next survivor re-runs may be counted twice, and a process that dies between its slow path and the add does
 * not count it.
 */
public enum SlowPath
{
    /** Blocking calls that could not proceed at once and entered the wait loop (whatever their strategy). */
    WAITS("waits"),
    /** Futex wait system calls (a thread put to sleep on one of the object's signals). */
    FUTEX_SLEEPS("futexSleeps"),
    /** Futex wake system calls on the object's signals (issued only when a sleeper was registered). */
    FUTEX_WAKES("futexWakes"),
    /** Blocking calls that returned on their deadline without a result. */
    TIMEOUTS("timeouts"),
    /** Liveness probes of a suspect process-table entry made by the wait loop (each a system call). */
    PROBES("probes"),
    /** Recoveries of a dead (or closed without detaching) process-table entry. */
    RECOVERIES("recoveries"),
    /** Locks handed over to a new holder after their holder died (owner-died). */
    OWNER_DIED("ownerDied"),
    /** Messages held under a lease by a process that died, made deliverable again (queues). */
    REDELIVERIES("redeliveries");

    /** How many counters this library writes; the header records the count each file has. */
    public static final int COUNT = values().length;

    private static final SlowPath[] VALUES = values();

    private final String key;

    SlowPath(final String key)
    {
        this.key = key;
    }

    /**
     * The counter's stable name in JSON and text output ({@code jvmipc stat}).
     *
     * @return the key, in lower camel case.
     */
    public String key()
    {
        return key;
    }

    /**
     * The stable name of counter {@code index}, also for a counter a newer library added.
     *
     * @param index the counter's index in the block.
     * @return {@link #key()} of the counter, or {@code "counter" + index} for one this library does not know.
     */
    public static String keyOf(final int index)
    {
        return index >= 0 && index < VALUES.length ? VALUES[index].key : "counter" + index;
    }
}
