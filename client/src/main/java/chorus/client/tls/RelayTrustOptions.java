package chorus.client.tls;

import chorus.protocol.tls.CertificateFingerprint;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The trust flags shared by the commands that join a relay ({@code chorus bot}, the desktop app):
 * a picocli mixin building a {@link RelayTrust}.
 */
public final class RelayTrustOptions {

    @Option(names = "--fingerprint", paramLabel = "sha256:HEX",
            description = "The relay's certificate fingerprint (its ready line's tls=...); the relay must present "
                    + "exactly this certificate.")
    String fingerprint;

    @Option(names = "--known-relays", paramLabel = "FILE",
            description = "Where relays trusted on first use are pinned (default: ~/.chorus/known-relays, or the "
                    + "system property " + KnownRelays.PROPERTY + ").")
    Path knownRelays;

    @Option(names = "--plaintext",
            description = "Speak plain text to a relay started with --plaintext (nothing is encrypted).")
    boolean plaintext;

    /** A join link's {@code fingerprint=sha256:HEX}: the certificate to expect, unless --fingerprint names one. */
    public void linkFingerprint(String fromLink) {
        if (fingerprint == null) {
            fingerprint = fromLink;
        }
    }

    /** The policy these flags give, with {@code firstContact} for a relay seen for the first time. */
    public RelayTrust trust(RelayTrust.FirstContact firstContact) {
        return new RelayTrust(plaintext, fingerprint == null ? null : CertificateFingerprint.parse(fingerprint),
                knownRelays == null ? KnownRelays.standard() : new KnownRelays(knownRelays), firstContact);
    }
}
