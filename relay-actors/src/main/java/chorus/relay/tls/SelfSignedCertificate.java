package chorus.relay.tls;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.IPAddress;

/**
 * A relay's own certificate for a LAN: EC P-256, self-signed, naming the hosts the relay is reached
 * on. Made on first start in the TLS directory ({@code tls.crt}, {@code tls.key} owner-only) and
 * read back on every later start, so the fingerprint clients pinned stays valid.
 */
final class SelfSignedCertificate {
    static final String CERTIFICATE_FILE = "tls.crt";
    static final String KEY_FILE = "tls.key";
    /** Clients pin the fingerprint, not the dates; ten years is "until the operator replaces it". */
    private static final Duration VALIDITY = Duration.ofDays(3650);

    private SelfSignedCertificate() {
    }

    /** The kept pair in {@code directory}, made first if it is not there. */
    static RelayTls readOrCreate(Path directory, Set<String> names) throws IOException {
        Path cert = directory.resolve(CERTIFICATE_FILE);
        Path key = directory.resolve(KEY_FILE);
        if (!Files.exists(cert) && !Files.exists(key)) {
            create(directory, names);
        }
        return RelayTls.load(cert, key, true);
    }

    private static void create(Path directory, Set<String> names) throws IOException {
        Files.createDirectories(directory);
        KeyPair pair;
        X509Certificate certificate;
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            pair = generator.generateKeyPair();
            certificate = sign(pair, names);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IOException("cannot make a self-signed certificate: " + e.getMessage(), e);
        }
        // The key is written owner-only before it holds anything, then both files are moved into place.
        Path keyPart = directory.resolve(KEY_FILE + ".part");
        Path certPart = directory.resolve(CERTIFICATE_FILE + ".part");
        Files.deleteIfExists(keyPart);
        try {
            Files.createFile(keyPart, PosixFilePermissions.asFileAttribute(Set.of(
                    PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE)));
        } catch (UnsupportedOperationException e) {
            Files.createFile(keyPart); // not a POSIX file system: the directory's own protection applies
        } catch (FileAlreadyExistsException e) {
            throw new IOException("another relay is making the certificate in " + directory + " at the same time", e);
        }
        Files.writeString(keyPart, PemFiles.write(pair.getPrivate()), StandardCharsets.US_ASCII);
        Files.writeString(certPart, PemFiles.write(certificate), StandardCharsets.US_ASCII);
        Files.move(keyPart, directory.resolve(KEY_FILE), StandardCopyOption.ATOMIC_MOVE);
        Files.move(certPart, directory.resolve(CERTIFICATE_FILE), StandardCopyOption.ATOMIC_MOVE);
    }

    private static X509Certificate sign(KeyPair pair, Set<String> names)
            throws GeneralSecurityException, OperatorCreationException, IOException {
        List<GeneralName> san = new ArrayList<>();
        for (String name : names) {
            boolean ip = IPAddress.isValid(name);
            san.add(new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, name));
        }
        String first = names.stream().filter(n -> !IPAddress.isValid(n)).findFirst().orElse("localhost");
        X500Name subject = new X500Name("CN=Chorus relay " + first.replace(",", "").replace("=", ""));
        Instant now = Instant.now();
        byte[] serial = new byte[16];
        new SecureRandom().nextBytes(serial);
        var builder = new JcaX509v3CertificateBuilder(subject, new BigInteger(1, serial),
                Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(VALIDITY)), subject, pair.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                .addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(san.toArray(GeneralName[]::new)));
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
    }

    /**
     * The names to put in a new certificate: localhost, this machine's name and addresses, the
     * configured hosts (bind, advertised, cluster) unless they are wildcards, and any extra names.
     */
    static Set<String> names(List<String> hosts, List<String> extra) {
        Set<String> names = new LinkedHashSet<>();
        names.add("localhost");
        names.add("127.0.0.1");
        names.add("::1");
        for (String h : hosts) {
            if (!h.isBlank() && !h.equals("0.0.0.0") && !h.equals("::")) {
                names.add(h);
            }
        }
        try {
            names.add(InetAddress.getLocalHost().getHostName());
        } catch (IOException e) {
            // no name for this machine: its addresses still go in
        }
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                    String a = address.getHostAddress();
                    int zone = a.indexOf('%');
                    names.add(zone < 0 ? a : a.substring(0, zone));
                }
            }
        } catch (SocketException | NullPointerException e) {
            // interfaces cannot be listed here: the configured names are enough, clients pin the fingerprint
        }
        names.addAll(extra);
        return names;
    }
}
