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
 * @param wakeWanted the "wake wanted" word: 1 while a registered sleeper waits for a waker to enter the kernel
 *                   for it, 0 once one did (used by the queue's and the pipe's signals; 0 on the others).
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
