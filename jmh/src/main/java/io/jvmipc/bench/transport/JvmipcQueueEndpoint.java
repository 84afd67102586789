package io.jvmipc.bench.transport;

import java.nio.file.Path;

/** jvmipc SharedQueue transport: waits for SharedQueue to land on main. */
final class JvmipcQueueEndpoint
{
    private JvmipcQueueEndpoint()
    {
    }

    static Endpoint open(final Path dir, final boolean sideA, final boolean blocking)
    {
        throw new UnsupportedOperationException("jvmipc SharedQueue is not on main yet");
    }
}
