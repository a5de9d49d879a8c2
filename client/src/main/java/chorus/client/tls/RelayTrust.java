package chorus.client.tls;

import chorus.protocol.tls.CertificateFingerprint;
import java.io.IOException;
import java.util.Optional;

/**
 * How the client decides that a relay's certificate is the relay's (PROTOCOL.md §1.1), in order:
 * a fingerprint given explicitly must match; else a certificate valid under the JVM's trust store
 * for the host name is trusted; else the known-relays file decides, as SSH's known_hosts does: the
 * fingerprint pinned for this host and port must match (a changed one is refused), and a relay seen
 * for the first time is shown to {@link FirstContact}, which pins it or refuses.
 *
 * <p>A relay that answers the TLS handshake in plain text (one started with {@code --plaintext})
 * is joined in plain text, with a warning, only when nothing pins it; {@link #plaintext} skips TLS
 * altogether.
 *
 * @param plaintext    speak plain text (for a relay started with {@code --plaintext})
 * @param fingerprint  {@code sha256:HEX} the relay must present, or null
 * @param knownRelays  where first-use pins are kept and looked up, or null for none
 * @param firstContact asked about a relay neither a fingerprint, the trust store nor the file vouches for
 */
public record RelayTrust(boolean plaintext, String fingerprint, KnownRelays knownRelays, FirstContact firstContact) {

    /** Decides about a relay seen for the first time. Called on the connecting thread, outside the handshake. */
    @FunctionalInterface
    public interface FirstContact {
        /** Refuses: the user must pin the fingerprint explicitly. */
        FirstContact REFUSE = (relay, fingerprint) -> false;
        /** Trusts and pins it (the bot's {@code --trust-on-first-use}). */
        FirstContact ACCEPT = (relay, fingerprint) -> true;

        /**
         * @param relay       {@code host:port}
         * @param fingerprint {@code sha256:HEX} of the certificate it presented
         * @return true to trust it (and pin it in the known-relays file, when there is one)
         */
        boolean trust(String relay, String fingerprint);
    }

    public RelayTrust {
        fingerprint = fingerprint == null ? null : CertificateFingerprint.parse(fingerprint);
        firstContact = firstContact == null ? FirstContact.REFUSE : firstContact;
    }

    /** TLS when the relay speaks it; no known-relays file; a relay no CA vouches for is refused unless pinned. */
    public static RelayTrust defaults() {
        return new RelayTrust(false, null, null, FirstContact.REFUSE);
    }

    /** No TLS: for a relay started with {@code --plaintext}. */
    public static RelayTrust plaintextOnly() {
        return new RelayTrust(true, null, null, FirstContact.REFUSE);
    }

    public RelayTrust withFingerprint(String fingerprint) {
        return new RelayTrust(plaintext, fingerprint, knownRelays, firstContact);
    }

    public RelayTrust withKnownRelays(KnownRelays knownRelays) {
        return new RelayTrust(plaintext, fingerprint, knownRelays, firstContact);
    }

    public RelayTrust withFirstContact(FirstContact firstContact) {
        return new RelayTrust(plaintext, fingerprint, knownRelays, firstContact);
    }

    public RelayTrust withPlaintext(boolean plaintext) {
        return new RelayTrust(plaintext, fingerprint, knownRelays, firstContact);
    }

    /** The fingerprint the known-relays file pins for this relay, if there is a file and a line. */
    public Optional<String> known(String host, int port) throws IOException {
        return knownRelays == null ? Optional.empty() : knownRelays.fingerprint(host, port);
    }
}
