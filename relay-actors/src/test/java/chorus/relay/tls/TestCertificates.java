package chorus.relay.tls;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.security.interfaces.ECPrivateKey;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** A test CA and certificates it issues, made with BouncyCastle, and PEM files of them in each key layout. */
final class TestCertificates {
    final KeyPair caKeys;
    final X509Certificate ca;

    TestCertificates() throws Exception {
        caKeys = ec();
        X500Name name = new X500Name("CN=Chorus test CA");
        ca = sign(name, caKeys.getPrivate(), name, caKeys.getPublic(), true);
    }

    static KeyPair ec() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    static KeyPair rsa() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        return g.generateKeyPair();
    }

    /** A server certificate for localhost and 127.0.0.1, issued by the CA. */
    X509Certificate issue(PublicKey key) throws Exception {
        return sign(new X500Name("CN=Chorus test CA"), caKeys.getPrivate(), new X500Name("CN=localhost"), key, false);
    }

    private static X509Certificate sign(X500Name issuer, PrivateKey issuerKey, X500Name subject, PublicKey key,
                                        boolean isCa) throws Exception {
        Instant now = Instant.now();
        var builder = new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(now.toEpochMilli()),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(1))), subject, key)
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
        if (!isCa) {
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                    new GeneralName(GeneralName.dNSName, "localhost"),
                    new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
        }
        String algorithm = issuerKey.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder(algorithm).build(issuerKey)));
    }

    /** PEM text; a private key as PKCS#8 when {@code pkcs8}, else in its traditional layout (PKCS#1 or SEC1). */
    static String pem(Object object, boolean pkcs8) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(text)) {
            if (object instanceof KeyPair pair && pkcs8) {
                w.writeObject(new JcaPKCS8Generator(pair.getPrivate(), null));
            } else if (object instanceof KeyPair pair && pair.getPrivate() instanceof ECPrivateKey ec) {
                // SEC1 as openssl ecparam -genkey writes it: the curve's name and the public key inside
                byte[] point = SubjectPublicKeyInfo.getInstance(pair.getPublic().getEncoded()).getPublicKeyData().getBytes();
                var sec1 = new org.bouncycastle.asn1.sec.ECPrivateKey(256, ec.getS(), new DERBitString(point),
                        SECObjectIdentifiers.secp256r1);
                w.writeObject(new PemObject("EC PRIVATE KEY", sec1.getEncoded()));
            } else {
                w.writeObject(object); // a KeyPair is written as RSA PRIVATE KEY / EC PRIVATE KEY
            }
        }
        return text.toString();
    }

    static Path write(Path file, String... pems) throws IOException {
        Files.writeString(file, String.join("", pems), StandardCharsets.US_ASCII);
        return file;
    }

    /** A client context trusting this CA only. */
    SSLContext clientTrustingCa() throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry("ca", ca);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }
}
