package chorus.protocol.tls;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts exactly one server certificate, named by its fingerprint, whatever its issuer, dates or
 * host names: the certificate was pinned (given by the user, kept from the first contact, or
 * published by the other node), so nothing else about it matters. Being an
 * {@link X509ExtendedTrustManager}, it also stands in for the host name check, which a pinned
 * certificate does not need.
 */
public final class PinnedTrustManager extends ServerTrustManager {
    private final String fingerprint;

    /** @param fingerprint {@code sha256:HEX} */
    public PinnedTrustManager(String fingerprint) {
        this.fingerprint = CertificateFingerprint.parse(fingerprint);
    }

    /** A client TLS context that trusts only the certificate with this fingerprint. */
    public static SSLContext context(String fingerprint) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new PinnedTrustManager(fingerprint)}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java runtime has TLS", e);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateException("the server sent no certificate");
        }
        String got = CertificateFingerprint.of(chain[0]);
        if (!got.equals(fingerprint)) {
            throw new PinMismatchException(fingerprint, got);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        checkServerTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        checkServerTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }

    /** The server showed another certificate than the pinned one. */
    public static final class PinMismatchException extends CertificateException {
        private final String expected;
        private final String presented;

        public PinMismatchException(String expected, String presented) {
            super("the server's certificate is " + presented + ", not the pinned " + expected);
            this.expected = expected;
            this.presented = presented;
        }

        public String expected() {
            return expected;
        }

        public String presented() {
            return presented;
        }
    }
}
