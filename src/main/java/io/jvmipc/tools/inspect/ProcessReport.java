package io.jvmipc.tools.inspect;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One used process-table entry of an object, as {@link ObjectInspector} read it without attaching.
 *
 * @param entry            the entry's index.
 * @param pid              the PID of its latest owner.
 * @param generation       how many attaches the entry has seen.
 * @param attachTimeMillis when its latest owner attached (epoch milliseconds).
 * @param state            {@code "alive"} (its lock is held: proven by the kernel), {@code "dead"} (reads as
 *                         attached but nobody holds its lock: the owner died or closed and no survivor has
 *                         recovered the entry yet), {@code "free"} (left cleanly or recovered) or
 *                         {@code "attaching"} (its lock is held and the state is not yet written).
 * @param waiting          the entry's registrations on each of the object's named signals, by signal name.
 */
public record ProcessReport(int entry, long pid, long generation, long attachTimeMillis, String state,
    Map<String, Integer> waiting)
{
    /**
     * Whether a live process owns the entry.
     *
     * @return {@code true} for {@code "alive"} and {@code "attaching"}.
     */
    public boolean alive()
    {
        return "alive".equals(state) || "attaching".equals(state);
    }

    /**
     * Whether the entry's owner is dead and not yet recovered.
     *
     * @return {@code true} for {@code "dead"}.
     */
    public boolean dead()
    {
        return "dead".equals(state);
    }

    /**
     * The entry as the stable JSON object of {@code jvmipc ps --json}.
     *
     * @return the fields, in order.
     */
    public Map<String, Object> toJson()
    {
        final Map<String, Object> json = new LinkedHashMap<>();
        json.put("entry", entry);
        json.put("pid", pid);
        json.put("generation", generation);
        json.put("attachTimeMillis", attachTimeMillis);
        json.put("state", state);
        json.put("alive", alive());
        json.put("waiting", new LinkedHashMap<String, Object>(waiting));
        return json;
    }

    static List<Map<String, Object>> toJson(final List<ProcessReport> processes)
    {
        return processes.stream().map(ProcessReport::toJson).toList();
    }
}
