package chorus.client.tls;

import chorus.protocol.tls.CertificateFingerprint;
import chorus.protocol.tls.PinnedTrustManager.PinMismatchException;
import chorus.protocol.tls.ServerTrustManager;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Applies a {@link RelayTrust} to the certificate one relay presents in one handshake: explicit
 * fingerprint, then the JVM's trust store (with the host name check the socket asks for), then the
 * fingerprint pinned on first use. A refusal is one of the nested exceptions, so the caller can
 * tell an unknown relay (to ask about) from a wrong one (to refuse loudly).
 */
final class RelayTrustManager extends ServerTrustManager {
    private final RelayTrust trust;
    private final Optional<String> known;
    private final X509ExtendedTrustManager system;

    RelayTrustManager(RelayTrust trust, Optional<String> known) {
        this(trust, known, systemTrust());
    }

    /** @param system the CA check (the JVM's trust store), or null for none */
    RelayTrustManager(RelayTrust trust, Optional<String> known, X509ExtendedTrustManager system) {
        this.trust = trust;
        this.known = known;
        this.system = system;
    }

    private static X509ExtendedTrustManager systemTrust() {
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init((KeyStore) null);
            for (TrustManager tm : factory.getTrustManagers()) {
                if (tm instanceof X509ExtendedTrustManager x509) {
                    return x509;
                }
            }
        } catch (GeneralSecurityException e) {
            // no usable trust store: only pins count
        }
        return null;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        check(chain, () -> system.checkServerTrusted(chain, authType, socket));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        check(chain, () -> system.checkServerTrusted(chain, authType, engine));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain, () -> system.checkServerTrusted(chain, authType));
    }

    private interface SystemCheck {
        void run() throws CertificateException;
    }

    private void check(X509Certificate[] chain, SystemCheck systemCheck) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateException("the relay sent no certificate");
        }
        String presented = CertificateFingerprint.of(chain[0]);
        if (trust.fingerprint() != null) {
            if (!trust.fingerprint().equals(presented)) {
                throw new PinMismatchException(trust.fingerprint(), presented);
            }
            return;
        }
        String notValid;
        try {
            if (system == null) {
                throw new CertificateException("no trust store");
            }
            systemCheck.run();
            return;
        } catch (CertificateException e) {
            notValid = e.getMessage();
        }
        if (known.isPresent()) {
            if (!known.get().equals(presented)) {
                throw new Changed(known.get(), presented);
            }
            return;
        }
        throw new Unknown(presented, notValid);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return system == null ? new X509Certificate[0] : system.getAcceptedIssuers();
    }

    /** No CA vouches for the certificate and nothing pins this relay. */
    static final class Unknown extends CertificateException {
        final String presented;

        Unknown(String presented, String notValid) {
            super("certificate " + presented + " is not known (" + notValid + ")");
            this.presented = presented;
        }
    }

    /** The certificate is not the one pinned on first use. */
    static final class Changed extends CertificateException {
        final String known;
        final String presented;

        Changed(String known, String presented) {
            super("certificate " + presented + " is not the pinned " + known);
            this.known = known;
            this.presented = presented;
        }
    }
}
