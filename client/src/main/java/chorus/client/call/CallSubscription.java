package chorus.client.call;

import chorus.client.session.ChorusClient;
import chorus.protocol.control.ControlMessage.Subscribe;
import chorus.protocol.control.ErrorCode;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the call asks the relay to forward ({@link Subscribe}: the tiles the UI shows), kept across
 * connections so that a rejoin asks for the same again, and the relay's answer when it refuses or
 * caps it. Sending runs on the call's connector thread; the rest is read from any thread.
 */
final class CallSubscription {
    private final Runnable changed;
    private final AtomicLong sent = new AtomicLong();
    private volatile Subscribe wanted;
    private volatile Subscribe lastSent;
    private volatile String problem;

    CallSubscription(Runnable changed) {
        this.changed = changed;
    }

    /** On the connector thread: remembers {@code subscription} and sends it over {@code client} if joined. */
    void ask(ChorusClient client, Subscribe subscription) {
        wanted = subscription;
        send(client);
    }

    /** On the connector thread: a new connection gets what the UI last asked for. */
    void joined(ChorusClient client) {
        if (wanted != null) {
            send(client);
        }
    }

    private void send(ChorusClient client) {
        if (client == null) {
            return; // between connections: joined() sends it
        }
        try {
            client.subscribe(wanted);
            lastSent = wanted;
            sent.incrementAndGet();
            if (problem != null) {
                problem = null; // a new subscription: the old refusal no longer applies
                changed.run();
            }
        } catch (IOException e) {
            // the connection is going: the next one is sent the same subscription when it joins
        }
    }

    /** The relay refused the subscription or applied only part of it: said in a sentence for the user. */
    void relayError(String code, String message) {
        if (ErrorCode.BAD_SUBSCRIPTION.wire().equals(code)) {
            problem = "The relay refused the video subscription (" + message + "); the previous one stays.";
        } else if (ErrorCode.SUBSCRIPTION_CAPPED.wire().equals(code)) {
            problem = "The relay sends only part of the video shown (" + message + ").";
        } else {
            return;
        }
        changed.run();
    }

    /** The subscription last sent to the relay, or null while the relay's default (everything) applies. */
    Subscribe lastSent() {
        return lastSent;
    }

    /** Subscriptions sent over all of the call's connections. */
    long sentCount() {
        return sent.get();
    }

    /** Why the relay refused or capped the last subscription, or null. */
    String problem() {
        return problem;
    }
}
