/**
 * Child JVMs: {@link io.jvmipc.process.JvmProcess} starts a serializable lambda or method reference (with its
 * captured values), a class's {@code main} or another public static method in a new JVM with this JVM's class
 * path, as Python's {@code multiprocessing.Process} starts a function in a new interpreter. Children share no
 * memory with the parent but the shared objects they open by name. {@link io.jvmipc.process.JvmProcess#current()}
 * is Python's {@code current_process()}. {@link io.jvmipc.process.JvmPool} is Python's {@code Pool}: worker JVMs
 * that run serializable tasks, replace a worker that dies and give its task to another.
 * <p>
 * <b>What it guarantees.</b> The child writes to this JVM's stdout and stderr, unless {@code captureOutput()}
 * is asked for (then its output is captured, merged, line by line); {@code start()} returns once the child is
 * about to run its target, or throws {@link io.jvmipc.process.ChildStartException} with the child's error text
 * if it died before; a lambda target is deserialised in the child through a filter admitting only the classes
 * the parent wrote; a child that throws exits with status 1; {@code kill()} sends
 * {@code SIGKILL} (a crash, as far as the shared objects are concerned: they detect the dead process and recover
 * what it held, as each documents) and {@code terminate()} sends {@code SIGTERM} (shutdown hooks run);
 * {@code close()} kills a child still running and waits for it, so that a test or program never leaves one
 * behind.
 * <p>
 * <b>Timeouts.</b> As in {@code java.util.concurrent}, a timeout of zero or less does not wait: the timed methods
 * ({@code join(timeout, unit)}, {@code awaitOutput}) check once and return, and a start timeout of zero or less
 * does not wait for the child to reach its target; {@code Long.MAX_VALUE} of any unit
 * does not overflow. A null unit throws {@link NullPointerException}. Waits can be interrupted
 * ({@link InterruptedException}), except in {@code close()}, which keeps waiting and restores the interrupt.
 * <p>
 * <b>Crashes.</b> The parent's death does not kill its children (as with any process), except daemon children
 * ({@code daemon(true)}), which the kernel kills ({@code PR_SET_PDEATHSIG}) when the parent dies, or which
 * notice it within 100 ms; a child killed at any instruction is seen exited by {@code join}, with exit value
 * {@code 128 + signal}.
 */
package io.jvmipc.process;
