package chorus.relay.cluster;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManagerFactory;
import org.apache.pekko.remote.artery.tcp.SSLEngineProvider;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import scala.Option;

/**
 * Artery's TLS for a relay alone: an EC key and a self-signed certificate made in memory at start
 * and trusted only by itself, with mutual authentication, so no other process can join its cluster
 * of one, even on loopback. In memory, not files, and EC, not RSA, because Pekko's PEM reader
 * takes only RSA, and two RSA-2048 keys cost about 2 s of CPU in a fresh JVM. Made on the first
 * connection, not at start: nothing legitimate ever connects to a relay alone, so it pays nothing
 * (making it at start cost a cold JVM about 1 s of CPU, loading BouncyCastle and JSSE).
 * Given to Artery through {@code SSLEngineProviderSetup}.
 */
final class EphemeralTls implements SSLEngineProvider {
    private static final String[] PROTOCOLS = {"TLSv1.3"};

    private SSLContext context;
    private X509Certificate own;

    /** The context, made on first use. */
    private synchronized SSLContext context() {
        if (context == null) {
            make();
        }
        return context;
    }

    private void make() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair keys = g.generateKeyPair();
            X500Name name = new X500Name("CN=" + ClusterCertificates.SUBJECT);
            own = ClusterCertificates.sign(ClusterCertificates.builder(name, name, keys.getPublic(), Duration.ofDays(3650))
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(true)),
                    keys.getPrivate(), "SHA256withECDSA");
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            char[] password = new char[0];
            store.setKeyEntry("own", keys.getPrivate(), password, new Certificate[] {own});
            KeyStore trusted = KeyStore.getInstance("PKCS12");
            trusted.load(null, null);
            trusted.setCertificateEntry("own", own);
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(store, password);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trusted);
            context = SSLContext.getInstance("TLSv1.3");
            context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot make this relay's own TLS certificate: " + e.getMessage(), e);
        }
    }

    @Override
    public SSLEngine createServerSSLEngine(String hostname, int port) {
        SSLEngine engine = context().createSSLEngine(hostname, port);
        engine.setUseClientMode(false);
        engine.setNeedClientAuth(true);
        engine.setEnabledProtocols(PROTOCOLS);
        return engine;
    }

    @Override
    public SSLEngine createClientSSLEngine(String hostname, int port) {
        SSLEngine engine = context().createSSLEngine(hostname, port);
        engine.setUseClientMode(true);
        engine.setEnabledProtocols(PROTOCOLS);
        return engine;
    }

    @Override
    public Option<Throwable> verifyClientSession(String hostname, SSLSession session) {
        return verify(session);
    }

    @Override
    public Option<Throwable> verifyServerSession(String hostname, SSLSession session) {
        return verify(session);
    }

    /** The trust manager trusts only this certificate; checked again here, since nothing else may pass. */
    private synchronized Option<Throwable> verify(SSLSession session) {
        try {
            Certificate[] peer = session.getPeerCertificates();
            if (own != null && peer.length > 0 && peer[0].equals(own)) {
                return Option.empty();
            }
            return Option.apply(new SSLPeerUnverifiedException("not this relay's own certificate"));
        } catch (SSLPeerUnverifiedException e) {
            return Option.apply(e);
        }
    }
}
