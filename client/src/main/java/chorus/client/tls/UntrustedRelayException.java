package chorus.client.tls;

import java.io.IOException;

/**
 * The relay's certificate was not trusted, so the client did not join: an unknown certificate
 * refused on first contact, a certificate other than the pinned one, or one that changed since it
 * was pinned. The message says which, with both fingerprints, and what the user can do.
 */
public final class UntrustedRelayException extends IOException {
    /** Why the certificate was not trusted. */
    public enum Reason {
        /** Seen for the first time and not accepted. */
        UNKNOWN,
        /** Not the fingerprint given explicitly. */
        MISMATCH,
        /** Not the fingerprint pinned in the known-relays file on first use. */
        CHANGED
    }

    private final Reason reason;
    private final String presented;

    public UntrustedRelayException(Reason reason, String presented, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
        this.presented = presented;
    }

    public Reason reason() {
        return reason;
    }

    /** {@code sha256:HEX} of the certificate the relay presented. */
    public String presented() {
        return presented;
    }
}
