package chorus.client.call;

import chorus.client.session.ChorusClient;
import chorus.client.session.ClientSnapshot;

/**
 * A call's connection of the moment, and the counters of the connections before it, added up:
 * what a bot reports is the sum over all of them. Thread-safe: the two change together.
 */
final class Connections {
    private ChorusClient current;
    private ClientSnapshot earlier;

    /** The connection while joined, else null. */
    synchronized ChorusClient current() {
        return current;
    }

    synchronized void joined(ChorusClient client) {
        current = client;
    }

    /** {@code client} is over (closed or left): its counters are added to those before it. */
    synchronized void retire(ChorusClient client) {
        ClientSnapshot last = client.snapshot();
        earlier = earlier == null ? last : last.after(earlier);
        if (current == client) {
            current = null;
        }
    }

    /** See {@link Call#counters()}. */
    synchronized ClientSnapshot counters() {
        if (current == null) {
            return earlier;
        }
        ClientSnapshot now = current.snapshot();
        return earlier == null ? now : now.after(earlier);
    }
}
