package chorus.relay.tls;

import chorus.protocol.tls.CertificateFingerprint;
import chorus.relay.config.TlsConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;

/**
 * The certificate and key the relay's control port and file service present, with the TLS
 * context built from them. TLS 1.3, or 1.2 for older clients; the JDK's cipher suites for each.
 */
public final class RelayTls {
    /** The protocols offered, best first. */
    static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private final List<X509Certificate> chain;
    private final String fingerprint;
    private final SSLContext context;
    private final boolean selfSigned;
    private final Path certificateFile;

    private RelayTls(List<X509Certificate> chain, SSLContext context, boolean selfSigned, Path certificateFile) {
        this.chain = List.copyOf(chain);
        this.fingerprint = CertificateFingerprint.of(chain.get(0));
        this.context = context;
        this.selfSigned = selfSigned;
        this.certificateFile = certificateFile;
    }

    /**
     * The PEM pair the configuration names, or else the self-signed one kept in its directory
     * (made now if this is the first start).
     *
     * @param hosts the hosts the relay is reached on (bind, advertised, cluster), for a new certificate
     */
    public static RelayTls from(TlsConfig config, List<String> hosts) throws IOException {
        if (config.fromFiles()) {
            return load(Path.of(config.certificate()), Path.of(config.privateKey()), false);
        }
        return SelfSignedCertificate.readOrCreate(config.directory(),
                SelfSignedCertificate.names(hosts, config.names()));
    }

    /** A PEM certificate chain and the private key of its first certificate. */
    public static RelayTls load(Path certificateFile, Path keyFile, boolean selfSigned) throws IOException {
        List<X509Certificate> chain = PemFiles.readChain(certificateFile);
        PrivateKey key = PemFiles.readKey(keyFile);
        if (!matches(key, chain.get(0))) {
            throw new IOException("the private key in " + keyFile + " is not the key of the certificate in "
                    + certificateFile);
        }
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            char[] password = new char[0];
            store.setKeyEntry("relay", key, password, chain.toArray(X509Certificate[]::new));
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return new RelayTls(chain, context, selfSigned, certificateFile);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot use the certificate in " + certificateFile + " for TLS: " + e.getMessage(), e);
        }
    }

    /** Signs and verifies a few bytes: the only check that works for any key type. */
    private static boolean matches(PrivateKey key, X509Certificate certificate) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC", "ECDSA" -> "SHA256withECDSA";
            default -> key.getAlgorithm(); // Ed25519, Ed448
        };
        try {
            byte[] probe = "chorus".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** A server-side engine for one accepted connection. */
    public SSLEngine serverEngine() {
        SSLEngine engine = context.createSSLEngine();
        engine.setUseClientMode(false);
        engine.setEnabledProtocols(PROTOCOLS);
        return engine;
    }

    public SSLContext context() {
        return context;
    }

    /** {@code sha256:HEX} of the leaf certificate. */
    public String fingerprint() {
        return fingerprint;
    }

    public X509Certificate certificate() {
        return chain.get(0);
    }

    public List<X509Certificate> chain() {
        return chain;
    }

    /** True when the relay made this certificate itself (clients pin it; no CA vouches for it). */
    public boolean selfSigned() {
        return selfSigned;
    }

    public Path certificateFile() {
        return certificateFile;
    }
}
