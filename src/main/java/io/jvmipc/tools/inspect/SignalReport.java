package io.jvmipc.tools.inspect;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One signal (futex word and shared waiter count) of an object.
 *
 * @param number     the signal's number within its object (indexes the process-table waiting counts).
 * @param name       what waits on it, e.g. {@code "notEmpty"}.
 * @param waiters    threads registered to sleep on it, over all processes.
 * @param sequence   the futex word, bumped by every wake that found a waiter.
 * @param wakeWanted the "wake wanted" word of a queue's signal: 1 once a sleeper armed it, 0 once a waker took
 *                   it and entered the kernel (it may stay 1 after a sleeper left without being woken: the next
 *                   waker then wakes nobody, once). A pipe's sleepers arm it too, but its wakers go by the
 *                   doorbell instead; always 0 on the other kinds.
 */
public record SignalReport(int number, String name, int waiters, int sequence, int wakeWanted)
{
    /**
     * The signal as a JSON object.
     *
     * @return the fields, in order.
     */
    public Map<String, Object> toJson()
    {
        final Map<String, Object> json = new LinkedHashMap<>();
        json.put("number", number);
        json.put("name", name);
        json.put("waiters", waiters);
        json.put("sequence", sequence);
        json.put("wakeWanted", wakeWanted);
        return json;
    }
}
