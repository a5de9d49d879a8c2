package chorus.client.tls;

import chorus.protocol.tls.CertificateFingerprint;
import chorus.protocol.tls.PinnedTrustManager.PinMismatchException;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;

/**
 * The client's TLS handshake with a relay over a connected TCP socket, under a {@link RelayTrust}:
 * returns the secured socket and the fingerprint it trusted, or says in its exception why not.
 */
public final class RelayHandshake {
    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    /** A socket after the handshake, and the fingerprint of the certificate it trusted. */
    public record Secured(SSLSocket socket, String fingerprint) {
    }

    private RelayHandshake() {
    }

    /**
     * @param tcp   connected, with its read timeout set (it bounds the handshake)
     * @param known the fingerprint the known-relays file pins for this relay, if any
     * @throws UntrustedRelayException when the certificate is not trusted
     * @throws NotTlsException         when the relay did not answer in TLS
     */
    public static Secured secure(Socket tcp, String host, int port, RelayTrust trust, Optional<String> known,
                                 String knownFile) throws IOException {
        SSLSocket ssl;
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new RelayTrustManager(trust, known)}, null);
            ssl = (SSLSocket) context.getSocketFactory().createSocket(tcp, host, port, true);
        } catch (GeneralSecurityException e) {
            throw new IOException("no TLS in this Java runtime: " + e.getMessage(), e);
        }
        SSLParameters parameters = ssl.getSSLParameters();
        parameters.setProtocols(PROTOCOLS);
        parameters.setEndpointIdentificationAlgorithm("HTTPS"); // the trust store's certificates are for host names
        ssl.setSSLParameters(parameters);
        String relay = KnownRelays.key(host, port);
        try {
            ssl.startHandshake();
        } catch (SocketTimeoutException e) {
            // The same words as for a plain-text relay that is silent after the hello: the relay hangs.
            throw new IOException("relay at " + relay + " did not answer the hello within " + tcp.getSoTimeout() + " ms", e);
        } catch (SSLException e) {
            for (Throwable c = e; c != null; c = c.getCause()) {
                if (c instanceof PinMismatchException m) {
                    throw new UntrustedRelayException(UntrustedRelayException.Reason.MISMATCH, m.presented(),
                            "relay at " + relay + " presents certificate " + m.presented() + ", not the fingerprint "
                                    + m.expected() + " you gave; not joining (check the fingerprint, or who answers "
                                    + "at that address)", e);
                }
                if (c instanceof RelayTrustManager.Changed changed) {
                    throw new UntrustedRelayException(UntrustedRelayException.Reason.CHANGED, changed.presented,
                            "WARNING: THE CERTIFICATE OF RELAY " + relay + " HAS CHANGED. It presents " + changed.presented
                                    + ", but " + knownFile + " pins " + changed.known + " from an earlier visit. Someone "
                                    + "may be intercepting the connection, or the relay got a new certificate. Not "
                                    + "joining. If the operator confirms the new fingerprint, delete the line for "
                                    + relay + " from " + knownFile + " (or pass --fingerprint " + changed.presented + ")", e);
                }
                if (c instanceof RelayTrustManager.Unknown unknown) {
                    throw new UntrustedRelayException(UntrustedRelayException.Reason.UNKNOWN, unknown.presented,
                            "relay at " + relay + " presents certificate " + unknown.presented + ", which no trusted "
                                    + "authority vouches for and which is not pinned; compare it with the fingerprint "
                                    + "the relay printed at start (tls=sha256:... in its ready line), then join with "
                                    + "--fingerprint " + unknown.presented + " or --trust-on-first-use", e);
                }
                if (c instanceof CertificateException) {
                    throw new IOException("relay at " + relay + ": TLS refused (" + c.getMessage() + ")", e);
                }
            }
            throw new NotTlsException("relay at " + relay + " does not speak TLS (" + e.getMessage() + ")", e);
        }
        X509Certificate leaf = (X509Certificate) ssl.getSession().getPeerCertificates()[0];
        return new Secured(ssl, CertificateFingerprint.of(leaf));
    }
}
