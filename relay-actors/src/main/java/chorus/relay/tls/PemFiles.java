package chorus.relay.tls;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMException;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * Reads and writes PEM certificates and keys with BouncyCastle's {@link PEMParser}: a chain of
 * {@code CERTIFICATE} blocks, and a key as {@code PRIVATE KEY} (PKCS#8), {@code RSA PRIVATE KEY}
 * (PKCS#1) or {@code EC PRIVATE KEY} (SEC1), which is what cert-manager and openssl write.
 */
final class PemFiles {
    private PemFiles() {
    }

    /** Every certificate in the file, in order (the leaf first, as TLS sends them). */
    static List<X509Certificate> readChain(Path file) throws IOException {
        List<X509Certificate> chain = new ArrayList<>();
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser pem = new PEMParser(reader)) {
            for (Object o = pem.readObject(); o != null; o = pem.readObject()) {
                if (o instanceof X509CertificateHolder holder) {
                    chain.add(converter.getCertificate(holder));
                }
            }
        } catch (CertificateException | RuntimeException e) {
            throw new IOException("cannot read the certificate in " + file + ": " + e.getMessage(), e);
        }
        if (chain.isEmpty()) {
            throw new IOException("no PEM certificate (-----BEGIN CERTIFICATE-----) in " + file);
        }
        return chain;
    }

    /** The one private key in the file. */
    static PrivateKey readKey(Path file) throws IOException {
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser pem = new PEMParser(reader)) {
            for (Object o = pem.readObject(); o != null; o = pem.readObject()) {
                if (o instanceof PrivateKeyInfo info) {
                    return converter.getPrivateKey(info); // PKCS#8
                }
                if (o instanceof PEMKeyPair pair) {
                    // PKCS#1 (RSA) or SEC1 (EC); SEC1's public key is optional, so only the private part is read
                    return converter.getPrivateKey(pair.getPrivateKeyInfo());
                }
                if (o instanceof PEMEncryptedKeyPair || o instanceof PKCS8EncryptedPrivateKeyInfo) {
                    throw new IOException("the private key in " + file + " is encrypted; give it unencrypted "
                            + "(e.g. openssl pkey -in KEY -out tls.key) and readable by the relay only");
                }
            }
        } catch (PEMException | RuntimeException e) {
            throw new IOException("cannot read the private key in " + file + ": " + e.getMessage(), e);
        }
        throw new IOException("no PEM private key (-----BEGIN PRIVATE KEY-----, RSA or EC PRIVATE KEY) in " + file);
    }

    /** PEM text of certificates, keys (PKCS#8 for a key), one block after another. */
    static String write(Object... objects) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter(text)) {
            for (Object o : objects) {
                pem.writeObject(o instanceof PrivateKey key ? new JcaPKCS8Generator(key, null)
                        : o);
            }
        }
        return text.toString();
    }
}
