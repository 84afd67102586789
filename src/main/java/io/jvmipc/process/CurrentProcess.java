package io.jvmipc.process;

/**
 * This JVM seen as a process: Python's {@code multiprocessing.current_process()}. Its name is the one its parent
 * gave ({@link JvmProcess.Builder#name(String)}, or {@code Process-N} by default) when this JVM was started by
 * {@link JvmProcess}, and {@code "MainProcess"} otherwise, as in Python.
 *
 * @param name   the process's name (the system property {@value #NAME_PROPERTY}, default {@code "MainProcess"}).
 * @param pid    its process id.
 * @param daemon whether its parent started it as a daemon ({@link JvmProcess.Builder#daemon(boolean)}): it ends
 *               when the parent dies.
 */
public record CurrentProcess(String name, long pid, boolean daemon)
{
    /** The system property that carries a child's name. */
    public static final String NAME_PROPERTY = "jvmipc.process.name";

    /** The system property that says that a child is a daemon. */
    public static final String DAEMON_PROPERTY = "jvmipc.process.daemon";

    /** The name of a JVM that no {@link JvmProcess} started. */
    public static final String MAIN_PROCESS = "MainProcess";

    static CurrentProcess get()
    {
        return new CurrentProcess(System.getProperty(NAME_PROPERTY, MAIN_PROCESS), ProcessHandle.current().pid(),
            Boolean.getBoolean(DAEMON_PROPERTY));
    }
}
