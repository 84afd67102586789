package io.jvmipc.tools.inspect;

import io.jvmipc.file.ObjectKind;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@link ObjectInspector} read of one object, without attaching: header, process table, signals and the
 * kind's own state. A diagnostic view: each word is read with acquire, the whole is not a snapshot.
 *
 * @param name                 the object's name.
 * @param path                 its file.
 * @param kind                 its kind.
 * @param kindVersion          its body layout version.
 * @param fileLength           the file's length in bytes (all of it is reserved on disk at creation).
 * @param bodyLength           the body's length in bytes.
 * @param processTableCapacity how many processes may be attached at once.
 * @param creatorPid           the PID of the creator.
 * @param creationTimeMillis   when it was created (epoch milliseconds).
 * @param parameters           the header's eight kind parameters.
 * @param nameLock             {@code "none"}, {@code "attaching"} (a process is between open and attach) or
 *                             {@code "removing"} (an unlink is in progress).
 * @param processes            the process-table entries that were ever used.
 * @param signals              the object's signals with their waiters.
 * @param state                the kind's own state (see {@link ObjectInspector} for the fields per kind).
 * @param depth                messages (queue) or bytes (pipe, both rings) waiting to be received, or
 *                             {@code null} for other kinds.
 * @param slowPaths            the file's slow-path counters by their stable keys
 *                             ({@link io.jvmipc.file.SlowPath#key()}), in block order.
 */
public record ObjectReport(String name, Path path, ObjectKind kind, int kindVersion, long fileLength,
    long bodyLength, int processTableCapacity, long creatorPid, long creationTimeMillis, List<Long> parameters,
    String nameLock, List<ProcessReport> processes, List<SignalReport> signals, Map<String, Object> state,
    Long depth, Map<String, Long> slowPaths)
{
    /**
     * How many entries have a live owner.
     *
     * @return the count.
     */
    public int aliveCount()
    {
        return (int)processes.stream().filter(ProcessReport::alive).count();
    }

    /**
     * How many entries read as attached with a dead owner, not yet recovered.
     *
     * @return the count.
     */
    public int deadCount()
    {
        return (int)processes.stream().filter(ProcessReport::dead).count();
    }

    /**
     * The report as the stable JSON object of {@code jvmipc stat --json}.
     *
     * @return the fields, in order.
     */
    public Map<String, Object> toJson()
    {
        final Map<String, Object> json = summaryJson();
        json.put("kindVersion", kindVersion);
        json.put("bodyLength", bodyLength);
        json.put("processTableCapacity", processTableCapacity);
        json.put("creatorPid", creatorPid);
        json.put("creationTimeMillis", creationTimeMillis);
        json.put("parameters", parameters);
        json.put("nameLock", nameLock);
        json.put("processes", ProcessReport.toJson(processes));
        json.put("signals", signals.stream().map(SignalReport::toJson).toList());
        json.put("state", state);
        return json;
    }

    /**
     * The short form of {@code jvmipc ls --json}: name, kind, size, process counts, depth and slow-path counters.
     *
     * @return the fields, in order.
     */
    public Map<String, Object> summaryJson()
    {
        final Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", name);
        json.put("path", path.toString());
        json.put("kind", kind.name());
        json.put("fileLength", fileLength);
        json.put("alive", aliveCount());
        json.put("dead", deadCount());
        json.put("depth", depth);
        json.put("slowPaths", slowPaths);
        return json;
    }
}
