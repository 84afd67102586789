/**
 * Read-only inspection of shared objects, for the {@code jvmipc} command line and monitoring tools:
 * {@link io.jvmipc.tools.inspect.ObjectInspector} reads an object's file through
 * {@link io.jvmipc.file.ReadOnlyFile} (mapped {@code PROT_READ}, liveness by {@code F_OFD_GETLK}) and never
 * attaches, takes a lock, runs a recovery or writes a byte, so the processes it watches cannot tell. Reports are
 * plain records with a stable JSON form ({@link io.jvmipc.tools.inspect.Json}). Nothing here depends on a library
 * outside the JDK.
 */
package io.jvmipc.tools.inspect;
