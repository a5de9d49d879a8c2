package chorus.client.call;

import chorus.client.session.RelayAddress;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Where and when a {@link Call} tries to join: the relay it was given; after a loss, each of the
 * other nodes the lost connection knew of (a clustered relay), starting at a random one, then the
 * original, in turn. The first try after a loss waits {@link CallOptions#reconnectInitial()} (none
 * when the relay asked to move), each failure doubles the wait up to
 * {@link CallOptions#reconnectMax()}. The one reconnect policy of the client: the desktop app and
 * the bot both run on it. Not thread-safe: the call's connector thread only.
 */
final class ReconnectPolicy {
    private final RelayAddress relay;
    private final long initialMillis;
    private final long maxMillis;
    private List<RelayAddress> otherNodes = List.of();
    private int attempts;
    private long backoffMillis;

    ReconnectPolicy(CallOptions options) {
        this.relay = options.relay();
        this.initialMillis = options.reconnectInitial().toMillis();
        this.maxMillis = options.reconnectMax().toMillis();
    }

    /** Where the next attempt goes. */
    RelayAddress next() {
        int i = attempts++ % (otherNodes.size() + 1);
        return i < otherNodes.size() ? otherNodes.get(i) : relay;
    }

    /** Joined: the next loss starts afresh. */
    void joined() {
        otherNodes = List.of();
        attempts = 0;
        backoffMillis = 0;
    }

    /** An attempt failed; returns how long to wait before the next. */
    long failed() {
        backoffMillis = backoffMillis == 0 ? initialMillis : Math.min(maxMillis, backoffMillis * 2);
        return backoffMillis;
    }

    /**
     * The connection was lost, or the relay asked to move; returns how long to wait before the
     * first attempt.
     *
     * @param nodes the other nodes' control endpoints the lost connection knew of
     */
    long lost(List<String> nodes, boolean moved) {
        otherNodes = RelayAddress.parseNodes(nodes);
        // Starting at a random node spreads a drained node's participants over the others.
        attempts = otherNodes.isEmpty() ? 0 : ThreadLocalRandom.current().nextInt(otherNodes.size());
        backoffMillis = initialMillis;
        return moved ? 0 : initialMillis;
    }
}
