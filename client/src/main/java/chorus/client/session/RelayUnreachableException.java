package chorus.client.session;

import java.io.IOException;

/** The relay's control port could not be reached at all (refused, unknown host, timed out). */
public final class RelayUnreachableException extends IOException {
    private final RelayAddress relay;
    private final String reason;

    public RelayUnreachableException(RelayAddress relay, String reason, Throwable cause) {
        super("cannot reach relay at " + relay + " (" + reason + ")", cause);
        this.relay = relay;
        this.reason = reason;
    }

    public RelayAddress relay() {
        return relay;
    }

    /** The system's short reason, e.g. {@code Connection refused}. */
    public String reason() {
        return reason;
    }
}
