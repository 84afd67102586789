package io.jvmipc.bench.transport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * How B learns that A has set a transport up: A writes a small "ready" file (optionally with a payload,
 * e.g. a TCP port) by rename, B waits for it with a deadline.
 */
public final class Rendezvous
{
    private static final String READY = "ready";

    private Rendezvous()
    {
    }

    /**
     * Marks the transport in {@code dir} ready.
     *
     * @param dir the run's directory.
     * @param payload text B will read back.
     * @throws IOException if the file cannot be written.
     */
    public static void ready(final Path dir, final String payload) throws IOException
    {
        final Path temp = dir.resolve(READY + ".tmp");
        Files.writeString(temp, payload, StandardCharsets.UTF_8);
        Files.move(temp, dir.resolve(READY), StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Waits until A marked the transport ready.
     *
     * @param dir the run's directory.
     * @param timeoutMillis how long to wait at most.
     * @return the payload A wrote.
     * @throws IOException if the file cannot be read or A did not get ready in time.
     * @throws InterruptedException if interrupted while waiting.
     */
    public static String await(final Path dir, final long timeoutMillis) throws IOException, InterruptedException
    {
        final Path ready = dir.resolve(READY);
        final long deadline = System.currentTimeMillis() + timeoutMillis;
        while (!Files.exists(ready))
        {
            if (System.currentTimeMillis() > deadline)
            {
                throw new IOException("side A did not set the transport up within " + timeoutMillis + " ms: " + ready);
            }
            Thread.sleep(5);
        }
        return Files.readString(ready, StandardCharsets.UTF_8).trim();
    }
}
