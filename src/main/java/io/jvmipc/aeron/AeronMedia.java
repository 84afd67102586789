package io.jvmipc.aeron;

import io.aeron.Aeron;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import org.agrona.CloseHelper;
import org.agrona.concurrent.BackoffIdleStrategy;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A bridge's Aeron client, with the embedded media driver it runs in its own JVM (the default) or attached to a
 * media driver the user runs. The embedded driver uses one thread (shared threading mode) that backs off to
 * sleeping when idle; shorter image-liveness and publication-connection timeouts than Aeron's defaults, so that a
 * dead peer's streams are dropped within about {@link #LIVENESS_TIMEOUT_MS} (the client liveness timeout stays
 * Aeron's 10 s: a shorter one let a client whose conductor thread was starved of CPU lose its subscription
 * mid-stream); and a directory that it deletes when it starts (a killed bridge's left-over directory is reclaimed
 * by its restart) and when it closes.
 */
final class AeronMedia implements AutoCloseable
{
    /** How long the embedded driver keeps a silent peer's image or publication connection. */
    static final long LIVENESS_TIMEOUT_MS = 2_000;

    private final MediaDriver driver;
    private final Aeron aeron;

    private AeronMedia(final MediaDriver driver, final Aeron aeron)
    {
        this.driver = driver;
        this.aeron = aeron;
    }

    /**
     * Starts the embedded driver in {@code directory} and connects to it, or (if {@code external}) connects to the
     * driver already running there.
     */
    static AeronMedia start(final Path directory, final boolean external)
    {
        MediaDriver driver = null;
        try
        {
            if (!external)
            {
                final long liveness = TimeUnit.MILLISECONDS.toNanos(LIVENESS_TIMEOUT_MS);
                driver = MediaDriver.launch(new MediaDriver.Context()
                    .aeronDirectoryName(directory.toString())
                    .threadingMode(ThreadingMode.SHARED)
                    .sharedIdleStrategy(new BackoffIdleStrategy(10, 10, 1_000, 1_000_000))
                    .dirDeleteOnStart(true)
                    .dirDeleteOnShutdown(true)
                    .termBufferSparseFile(true)
                    .publicationTermBufferLength(1 << 20)
                    .imageLivenessTimeoutNs(liveness)
                    .publicationConnectionTimeoutNs(liveness)
                    .publicationLingerTimeoutNs(TimeUnit.MILLISECONDS.toNanos(100))
                    .publicationUnblockTimeoutNs(TimeUnit.SECONDS.toNanos(15))
                    .timerIntervalNs(TimeUnit.MILLISECONDS.toNanos(100)));
            }
            final Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(directory.toString()));
            return new AeronMedia(driver, aeron);
        }
        catch (final RuntimeException | Error e)
        {
            CloseHelper.quietClose(driver);
            throw e;
        }
    }

    Aeron aeron()
    {
        return aeron;
    }

    @Override
    public void close()
    {
        CloseHelper.closeAll(aeron, driver);
    }
}
