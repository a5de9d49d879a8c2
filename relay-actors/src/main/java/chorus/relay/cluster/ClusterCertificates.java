package chorus.relay.cluster;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The cluster's certificate authority and its node certificates, which Pekko Artery's mutual TLS
 * checks ({@code RotatingKeysSSLEngineProvider}): a node is let in only with a certificate issued
 * by the CA in every node's {@code ca.crt} and sharing the subject name {@value #SUBJECT} with
 * theirs. Files in cert-manager's layout ({@code tls.crt}, {@code tls.key}, {@code ca.crt}); RSA
 * keys and a root CA, which is what Pekko's PEM reader takes.
 */
public final class ClusterCertificates {
    /** The name every node certificate carries (CN and DNS SAN): Pekko compares it between peers. */
    public static final String SUBJECT = "chorus-cluster";
    public static final String CERTIFICATE = "tls.crt";
    public static final String PRIVATE_KEY = "tls.key";
    public static final String CA_CERTIFICATE = "ca.crt";
    /** The CA's key, written by {@code chorus cluster-certs} beside {@code ca.crt} to issue more; never on a node. */
    public static final String CA_KEY = "ca.key";
    /** The three files a node reads. */
    public static final List<String> NODE_FILES = List.of(CERTIFICATE, PRIVATE_KEY, CA_CERTIFICATE);

    private static final String SIGNATURE = "SHA256withRSA";
    private static final int RSA_BITS = 2048;
    private static final SecureRandom RANDOM = new SecureRandom();

    private ClusterCertificates() {
    }

    /** A CA: its certificate and key pair. */
    public record Authority(X509Certificate certificate, KeyPair keys) {

        /** A new root CA named {@code name}, valid for {@code validity}. */
        public static Authority create(String name, Duration validity) {
            KeyPair keys = rsa();
            X500Name subject = new X500Name("CN=" + name);
            try {
                JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
                X509v3CertificateBuilder b = builder(subject, subject, keys.getPublic(), validity)
                        .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                        .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                        .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()));
                return new Authority(sign(b, keys.getPrivate()), keys);
            } catch (IOException | GeneralSecurityException e) {
                throw new IllegalStateException("cannot make the cluster CA: " + e.getMessage(), e);
            }
        }

        /** Reads {@code ca.crt} and {@code ca.key} from {@code dir}. */
        public static Authority read(Path dir) throws IOException {
            X509Certificate cert = readCertificate(dir.resolve(CA_CERTIFICATE));
            PrivateKey key = readPrivateKey(dir.resolve(CA_KEY));
            return new Authority(cert, new KeyPair(cert.getPublicKey(), key));
        }

        /**
         * A node certificate ({@value ClusterCertificates#SUBJECT}, for TLS server and client) with
         * these extra DNS names, valid for {@code validity}.
         */
        public NodeCertificate issue(List<String> dnsNames, Duration validity) {
            List<String> names = new ArrayList<>();
            names.add(SUBJECT);
            dnsNames.stream().filter(n -> !n.equals(SUBJECT)).forEach(names::add);
            return issue(SUBJECT, names, validity);
        }

        /** A TLS server and client certificate named {@code commonName}, with these DNS names. */
        public NodeCertificate issue(String commonName, List<String> dnsNames, Duration validity) {
            KeyPair node = rsa();
            List<GeneralName> names = new ArrayList<>();
            for (String n : dnsNames) {
                names.add(new GeneralName(GeneralName.dNSName, n));
            }
            try {
                JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
                X509v3CertificateBuilder b = builder(X500Name.getInstance(
                        certificate.getSubjectX500Principal().getEncoded()), new X500Name("CN=" + commonName),
                        node.getPublic(), validity)
                        .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                        .addExtension(Extension.keyUsage, true,
                                new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment))
                        .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                                new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}))
                        .addExtension(Extension.subjectAlternativeName, false,
                                new GeneralNames(names.toArray(GeneralName[]::new)))
                        .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(certificate))
                        .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(node.getPublic()));
                return new NodeCertificate(sign(b, keys.getPrivate()), node.getPrivate(), certificate);
            } catch (IOException | GeneralSecurityException e) {
                throw new IllegalStateException("cannot issue a node certificate: " + e.getMessage(), e);
            }
        }

        /** Writes {@code ca.crt} and {@code ca.key} (owner-only) into {@code dir}. */
        public void write(Path dir) throws IOException {
            Files.createDirectories(dir);
            writeFile(dir.resolve(CA_CERTIFICATE), pem(certificate), false);
            writeFile(dir.resolve(CA_KEY), pem(new JcaPKCS8Generator(keys.getPrivate(), null).generate()), true);
        }
    }

    /** What one node holds: its certificate and key, and the CA certificate it trusts. */
    public record NodeCertificate(X509Certificate certificate, PrivateKey key, X509Certificate ca) {

        /** The three files, as a Kubernetes Secret of type kubernetes.io/tls holds them. */
        public Map<String, byte[]> files() throws IOException {
            Map<String, byte[]> files = new LinkedHashMap<>();
            files.put(CERTIFICATE, pem(certificate).getBytes(StandardCharsets.US_ASCII));
            files.put(PRIVATE_KEY, pem(new JcaPKCS8Generator(key, null).generate()).getBytes(StandardCharsets.US_ASCII));
            files.put(CA_CERTIFICATE, pem(ca).getBytes(StandardCharsets.US_ASCII));
            return files;
        }

        /** Writes {@code tls.crt}, {@code tls.key} (owner-only) and {@code ca.crt} into {@code dir}. */
        public void write(Path dir) throws IOException {
            writeFiles(dir, files());
        }
    }

    /**
     * A certificate that is its own CA ({@code ca.crt} is {@code tls.crt}): one RSA key instead of
     * two, for what the relays make and share themselves on Kubernetes, where no other certificate
     * is ever issued from it (so no CA key is kept apart).
     */
    public static NodeCertificate selfSigned(String commonName, List<String> dnsNames, Duration validity) {
        KeyPair keys = rsa();
        X500Name name = new X500Name("CN=" + commonName);
        List<GeneralName> names = new ArrayList<>();
        for (String n : dnsNames) {
            names.add(new GeneralName(GeneralName.dNSName, n));
        }
        try {
            X509v3CertificateBuilder b = builder(name, name, keys.getPublic(), validity)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature
                            | KeyUsage.keyEncipherment | KeyUsage.keyCertSign))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                            new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}))
                    .addExtension(Extension.subjectAlternativeName, false,
                            new GeneralNames(names.toArray(GeneralName[]::new)));
            X509Certificate cert = sign(b, keys.getPrivate());
            return new NodeCertificate(cert, keys.getPrivate(), cert);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot make a self-signed certificate: " + e.getMessage(), e);
        }
    }

    /** Writes node files (as {@link NodeCertificate#files} gives them) into {@code dir}, the key owner-only. */
    public static void writeFiles(Path dir, Map<String, byte[]> files) throws IOException {
        Files.createDirectories(dir);
        for (String name : NODE_FILES) {
            byte[] content = files.get(name);
            if (content == null) {
                throw new IOException("no " + name + " among " + files.keySet());
            }
            writeFile(dir.resolve(name), new String(content, StandardCharsets.US_ASCII), name.equals(PRIVATE_KEY));
        }
    }

    /** True when {@code dir} holds the three files a node reads. */
    public static boolean present(Path dir) {
        return NODE_FILES.stream().allMatch(f -> Files.isRegularFile(dir.resolve(f)));
    }

    /** The files of {@code dir} a node needs and does not have, for the message that says so. */
    public static List<String> missing(Path dir) {
        return NODE_FILES.stream().filter(f -> !Files.isRegularFile(dir.resolve(f))).toList();
    }

    static X509Certificate readCertificate(Path file) throws IOException {
        try (Reader in = new StringReader(Files.readString(file, StandardCharsets.US_ASCII));
             PEMParser pem = new PEMParser(in)) {
            if (pem.readObject() instanceof X509CertificateHolder holder) {
                return new JcaX509CertificateConverter().getCertificate(holder);
            }
            throw new IOException(file + " holds no PEM certificate");
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot read the certificate in " + file + ": " + e.getMessage(), e);
        }
    }

    static PrivateKey readPrivateKey(Path file) throws IOException {
        try (Reader in = new StringReader(Files.readString(file, StandardCharsets.US_ASCII));
             PEMParser pem = new PEMParser(in)) {
            Object o = pem.readObject();
            JcaPEMKeyConverter convert = new JcaPEMKeyConverter();
            if (o instanceof PEMKeyPair pair) {
                return convert.getKeyPair(pair).getPrivate();
            }
            if (o instanceof PrivateKeyInfo info) {
                return convert.getPrivateKey(info);
            }
            throw new IOException(file + " holds no unencrypted PEM private key");
        }
    }

    private static KeyPair rsa() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(RSA_BITS, RANDOM);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("RSA unavailable", e);
        }
    }

    static JcaX509v3CertificateBuilder builder(X500Name issuer, X500Name subject, PublicKey key, Duration validity) {
        Instant now = Instant.now();
        // A minute back, so a peer whose clock is a little behind accepts it at once.
        return new JcaX509v3CertificateBuilder(issuer, new BigInteger(127, RANDOM).add(BigInteger.ONE),
                Date.from(now.minusSeconds(60)), Date.from(now.plus(validity)), subject, key);
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey issuerKey) throws GeneralSecurityException {
        return sign(b, issuerKey, SIGNATURE);
    }

    static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey issuerKey, String algorithm)
            throws GeneralSecurityException {
        try {
            return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder(algorithm)
                    .build(issuerKey)));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e.getMessage(), e);
        }
    }

    private static String pem(Object o) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            w.writeObject(o);
        }
        return out.toString();
    }

    /** Written beside and moved into place, so a reader (Pekko reloads the files) never sees half a file. */
    private static void writeFile(Path file, String content, boolean secret) throws IOException {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        if (secret) {
            // Owner-only from its creation, not after: the key is never readable by others, even briefly.
            try {
                Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: its own permissions apply
            }
        }
        Files.writeString(tmp, content, StandardCharsets.US_ASCII);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
