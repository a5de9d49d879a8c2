package chorus.client.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chorus.protocol.tls.CertificateFingerprint;
import chorus.protocol.tls.PinnedTrustManager.PinMismatchException;
import chorus.relay.RelayNode;
import com.typesafe.config.ConfigFactory;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The second rule of the client's trust: a relay whose certificate a trusted CA issued for the host
 * name joins with no pin and no question; for another host name the CA does not count and the
 * relay is unknown; and a fingerprint given explicitly wins over the CA. The CA stands in for the
 * JVM's trust store (made here with BouncyCastle).
 */
class TrustStoreOrderTest {
    @TempDir
    Path dir;

    @Test
    void aCaIssuedCertificateForTheHostNameIsTrustedAndOnlyForIt() throws Exception {
        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        ec.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair caKeys = ec.generateKeyPair();
        KeyPair leafKeys = ec.generateKeyPair();
        X500Name caName = new X500Name("CN=test CA");
        X509Certificate ca = sign(caName, caKeys, caName, caKeys, true);
        X509Certificate leaf = sign(caName, caKeys, new X500Name("CN=localhost"), leafKeys, false);
        Path crt = Files.writeString(dir.resolve("tls.crt"), pem(leaf) + pem(ca));
        Path key = Files.writeString(dir.resolve("tls.key"), pem(new JcaPKCS8Generator(leafKeys.getPrivate(), null)));
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry("ca", ca);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        X509ExtendedTrustManager caTrust = (X509ExtendedTrustManager) tmf.getTrustManagers()[0];

        try (RelayNode relay = RelayNode.startOnLoopback(ConfigFactory.parseMap(Map.of("chorus.relay.tls.enabled", true,
                "chorus.relay.tls.certificate", crt.toString(), "chorus.relay.tls.private-key", key.toString(),
                "chorus.relay.files.directory", dir.resolve("files").toString())))) {
            RelayTrust nothingPinned = RelayTrust.defaults();
            assertEquals("TLSv1.3", handshake(relay, "localhost", new RelayTrustManager(nothingPinned, Optional.empty(),
                    caTrust)).getSession().getProtocol(), "valid for localhost: trusted without a question");

            SSLHandshakeException otherName = assertThrows(SSLHandshakeException.class, () -> handshake(relay,
                    "relay.example", new RelayTrustManager(nothingPinned, Optional.empty(), caTrust)));
            assertTrue(hasCause(otherName, RelayTrustManager.Unknown.class), "not valid for that name: unknown");

            RelayTrust pinnedElsewhere = RelayTrust.defaults().withFingerprint("sha256:" + "00".repeat(32));
            SSLHandshakeException mismatch = assertThrows(SSLHandshakeException.class, () -> handshake(relay, "localhost",
                    new RelayTrustManager(pinnedElsewhere, Optional.empty(), caTrust)));
            assertTrue(hasCause(mismatch, PinMismatchException.class), "an explicit fingerprint wins over the CA");
            assertEquals(CertificateFingerprint.of(leaf), relay.tls().fingerprint());
        }
    }

    private static SSLSocket handshake(RelayNode relay, String hostName, RelayTrustManager tm) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {tm}, null);
        Socket tcp = new Socket("127.0.0.1", relay.controlPort());
        tcp.setSoTimeout(5000);
        SSLSocket ssl = (SSLSocket) context.getSocketFactory().createSocket(tcp, hostName, relay.controlPort(), true);
        SSLParameters p = ssl.getSSLParameters();
        p.setEndpointIdentificationAlgorithm("HTTPS"); // as RelayHandshake sets it
        ssl.setSSLParameters(p);
        try {
            ssl.startHandshake();
        } catch (Exception e) {
            ssl.close();
            throw e;
        }
        return ssl;
    }

    private static boolean hasCause(Throwable e, Class<?> type) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }

    private static X509Certificate sign(X500Name issuer, KeyPair issuerKeys, X500Name subject, KeyPair keys,
                                        boolean isCa) throws Exception {
        Instant now = Instant.now();
        var builder = new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(now.toEpochMilli() + (isCa ? 0 : 1)),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(1))), subject,
                keys.getPublic()).addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
        if (!isCa) {
            builder.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(new GeneralName(GeneralName.dNSName, "localhost")));
        }
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate())));
    }

    private static String pem(Object o) throws Exception {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(text)) {
            w.writeObject(o);
        }
        return text.toString();
    }
}
