package io.jvmipc.aeron;

/**
 * What a bridge reports about its peer, called on the bridge's own thread (keep it short; never block in it).
 * Every method does nothing by default.
 */
public interface BridgeListener
{
    /**
     * The peer answered: for a sender, the receiver answered its hello (again, after a loss); for a receiver, a
     * sender said hello.
     *
     * @param sender the sender's id.
     */
    default void onPeerConnected(final long sender)
    {
    }

    /**
     * The peer has not been heard from for the bridge's peer timeout ({@link BridgeBuilder#peerTimeout}): it
     * died, or the link between the hosts is down. The bridge keeps trying; nothing it holds is lost (a sender
     * keeps its unacknowledged leases, and sends them again when the peer answers).
     *
     * @param sender the sender's id.
     * @param reason what was seen.
     */
    default void onPeerLost(final long sender, final String reason)
    {
    }

    /**
     * The bridge stopped on an error (its queue was truncated or closed under it, Aeron failed); nothing it had
     * not acknowledged is lost: its leases are given back when it closes.
     *
     * @param error the error.
     */
    default void onFailure(final Throwable error)
    {
    }
}
