package chorus.protocol.tls;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A relay certificate's fingerprint as users see and pin it: {@code sha256:} and the SHA-256 of
 * the certificate's DER encoding in 64 lowercase hex digits (PROTOCOL.md §1). It is printed in the
 * relay's ready line, carried in join links ({@code fingerprint=}) and kept in known-relays files.
 */
public final class CertificateFingerprint {
    public static final String PREFIX = "sha256:";
    private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

    private CertificateFingerprint() {
    }

    /** {@code sha256:HEX} of a certificate. */
    public static String of(X509Certificate certificate) {
        try {
            return of(certificate.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new IllegalArgumentException("certificate cannot be encoded: " + e.getMessage(), e);
        }
    }

    /** {@code sha256:HEX} of a certificate's DER bytes. */
    public static String of(byte[] der) {
        try {
            return PREFIX + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(der));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /**
     * A fingerprint as a user may type it: {@code sha256:} optional, hex in either case, colons
     * between byte pairs allowed (as {@code openssl x509 -fingerprint -sha256} prints them).
     *
     * @return the canonical form {@code sha256:hex}
     * @throws IllegalArgumentException when it is not 32 bytes of hex
     */
    public static String parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("no fingerprint given");
        }
        String t = text.trim();
        String lower = t.toLowerCase(Locale.ROOT);
        if (lower.startsWith(PREFIX)) {
            lower = lower.substring(PREFIX.length());
        }
        String hex = lower.replace(":", "");
        if (!HEX64.matcher(hex).matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a certificate fingerprint: expected sha256: and "
                    + "64 hex digits (the relay prints it at start and in its ready line, tls=sha256:...)");
        }
        return PREFIX + hex;
    }
}
