package chorus.relay.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chorus.protocol.control.ControlMessage;
import chorus.protocol.control.ErrorCode;
import chorus.protocol.tls.CertificateFingerprint;
import chorus.protocol.tls.PinnedTrustManager;
import chorus.relay.RawClient;
import chorus.relay.RelayNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The relay's certificate: PEM files from a CA (each key layout cert-manager and openssl write), or
 * its own self-signed one kept across restarts; and the control port speaking TLS with the same
 * hello timeout and the same answer to a peer that speaks something else.
 */
class RelayTlsTest {
    @TempDir
    Path dir;

    /** A relay with TLS on (the test classpath turns it off for every other test). */
    private static RelayNode startTls(Map<String, Object> settings) throws IOException {
        Map<String, Object> all = new HashMap<>(settings);
        all.put("chorus.relay.tls.enabled", true);
        return RelayNode.startOnLoopback(ConfigFactory.parseMap(all));
    }

    private RelayNode startSelfSigned(Path tlsDir) throws IOException {
        return startTls(Map.of("chorus.relay.tls.directory", tlsDir.toString(),
                "chorus.relay.files.directory", dir.resolve("files").toString()));
    }

    private static SSLSocket connect(SSLContext context, InetSocketAddress to, String hostName) throws IOException {
        Socket tcp = new Socket();
        tcp.connect(to, 5000);
        tcp.setSoTimeout(5000);
        SSLSocket ssl = (SSLSocket) context.getSocketFactory().createSocket(tcp, hostName, to.getPort(), true);
        SSLParameters p = ssl.getSSLParameters();
        p.setEndpointIdentificationAlgorithm("HTTPS");
        ssl.setSSLParameters(p);
        ssl.startHandshake();
        return ssl;
    }

    private static ControlMessage.Welcome join(Socket socket, String room) throws Exception {
        RawClient client = new RawClient(socket);
        client.send(new ControlMessage.Hello(ControlMessage.PROTOCOL_VERSION, "Ada", room, "tls-test"));
        return assertInstanceOf(ControlMessage.Welcome.class, client.read());
    }

    @Test
    void aCaIssuedPemCertificateIsServedOnTheControlPortAndTheFileService() throws Exception {
        TestCertificates ca = new TestCertificates();
        KeyPair keys = TestCertificates.rsa();
        X509Certificate leaf = ca.issue(keys.getPublic());
        // The cert-manager / kubernetes.io/tls layout: tls.crt (leaf, then the CA), tls.key (PKCS#1 for RSA).
        Path crt = TestCertificates.write(dir.resolve("tls.crt"), TestCertificates.pem(leaf, false),
                TestCertificates.pem(ca.ca, false));
        Path key = TestCertificates.write(dir.resolve("tls.key"), TestCertificates.pem(keys, false));
        assertTrue(Files.readString(key).startsWith("-----BEGIN RSA PRIVATE KEY-----"));

        try (RelayNode relay = startTls(Map.of("chorus.relay.tls.certificate", crt.toString(),
                "chorus.relay.tls.private-key", key.toString(),
                "chorus.relay.files.directory", dir.resolve("files").toString()))) {
            String fingerprint = CertificateFingerprint.of(leaf);
            assertTrue(relay.readyLine().contains(" tls=" + fingerprint + " access="), relay.readyLine());

            // A client that trusts only the CA, checking the host name: the relay is who the CA says.
            try (SSLSocket ssl = connect(ca.clientTrustingCa(), relay.controlAddress(), "localhost")) {
                assertEquals("TLSv1.3", ssl.getSession().getProtocol());
                assertEquals(2, ssl.getSession().getPeerCertificates().length, "the chain is sent whole");
                assertEquals(relay.filesPort(), join(ssl, "pem-" + System.nanoTime()).files().port());
            }
            HttpClient https = HttpClient.newBuilder().sslContext(ca.clientTrustingCa()).build();
            HttpResponse<String> rsp = https.send(HttpRequest.newBuilder(
                    URI.create("https://localhost:" + relay.filesPort() + "/rooms/r/files")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(403, rsp.statusCode(), "the file service answers over HTTPS (no token: forbidden)");
        }
    }

    @Test
    void keysLoadInEveryPemLayoutAndAWrongKeyIsRefused() throws Exception {
        TestCertificates ca = new TestCertificates();
        KeyPair ec = TestCertificates.ec();
        Path crt = TestCertificates.write(dir.resolve("ec.crt"), TestCertificates.pem(ca.issue(ec.getPublic()), false));
        Path sec1 = TestCertificates.write(dir.resolve("sec1.key"), TestCertificates.pem(ec, false));
        Path pkcs8 = TestCertificates.write(dir.resolve("pkcs8.key"), TestCertificates.pem(ec, true));
        assertTrue(Files.readString(sec1).startsWith("-----BEGIN EC PRIVATE KEY-----"));
        assertTrue(Files.readString(pkcs8).startsWith("-----BEGIN PRIVATE KEY-----"));
        String expected = CertificateFingerprint.of(PemFiles.readChain(crt).get(0));
        assertEquals(expected, RelayTls.load(crt, sec1, false).fingerprint());
        assertEquals(expected, RelayTls.load(crt, pkcs8, false).fingerprint());

        Path other = TestCertificates.write(dir.resolve("other.key"), TestCertificates.pem(TestCertificates.ec(), true));
        IOException wrong = assertThrows(IOException.class, () -> RelayTls.load(crt, other, false));
        assertTrue(wrong.getMessage().contains("is not the key of the certificate"), wrong.getMessage());
        IOException none = assertThrows(IOException.class, () -> RelayTls.load(sec1, sec1, false));
        assertTrue(none.getMessage().contains("no PEM certificate"), none.getMessage());
    }

    @Test
    void theSelfSignedCertificateIsKeptSoItsFingerprintSurvivesARestart() throws Exception {
        Path tlsDir = dir.resolve("chorus-tls");
        String first;
        try (RelayNode relay = startSelfSigned(tlsDir)) {
            first = relay.tls().fingerprint();
            assertTrue(relay.readyLine().contains(" tls=" + first + " access="), relay.readyLine());
            assertTrue(relay.tls().selfSigned());
            X509Certificate cert = relay.tls().certificate();
            assertEquals("EC", cert.getPublicKey().getAlgorithm());
            assertTrue(cert.getSubjectAlternativeNames().stream().anyMatch(n -> n.get(1).equals("localhost")));
            assertTrue(cert.getSubjectAlternativeNames().stream().anyMatch(n -> n.get(1).equals("127.0.0.1")));
        }
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                tlsDir.resolve("tls.key"))), "the private key is readable by its owner only");
        try (RelayNode again = startSelfSigned(tlsDir)) {
            assertEquals(first, again.tls().fingerprint(), "the same certificate after a restart");
            try (SSLSocket ssl = connect(PinnedTrustManager.context(first), again.controlAddress(), "127.0.0.1")) {
                join(ssl, "restart-" + System.nanoTime());
            }
        }
    }

    @Test
    void aTlsConnectionThatSendsNoHelloIsStillClosedByTheHelloTimeout() throws Exception {
        Path tlsDir = dir.resolve("chorus-tls");
        try (RelayNode relay = startTls(Map.of("chorus.relay.tls.directory", tlsDir.toString(),
                "chorus.relay.control.hello-timeout", "500ms"))) {
            try (SSLSocket ssl = connect(PinnedTrustManager.context(relay.tls().fingerprint()),
                    relay.controlAddress(), "127.0.0.1"); RawClient idle = new RawClient(ssl)) {
                ControlMessage.Error error = assertInstanceOf(ControlMessage.Error.class, idle.read());
                assertEquals(ErrorCode.HELLO_TIMEOUT.wire(), error.code(), error.message());
                assertTrue(idle.closedByRelay(), "the relay closes the TLS connection");
            }
        }
    }

    @Test
    void plainTextOnTheTlsPortIsCutOffAtOnceAndTlsClientsStillJoin() throws Exception {
        try (RelayNode relay = startSelfSigned(dir.resolve("chorus-tls"))) {
            try (RawClient plain = new RawClient(relay.controlAddress())) {
                plain.send(new ControlMessage.Hello(ControlMessage.PROTOCOL_VERSION, "Eve", "r", "plain"));
                // Closed by the relay well within the 5 s read timeout: no hang, no welcome.
                int first;
                try {
                    first = plain.in.read();
                    while (first >= 0 && plain.in.read() >= 0) {
                        // an alert record may come first; read to the end
                    }
                } catch (SocketTimeoutException e) {
                    throw new AssertionError("the relay left a plain-text client hanging", e);
                } catch (IOException reset) {
                    first = -1;
                }
                assertTrue(first < 0 || first == 0x15, "nothing but a TLS alert before the close: " + first);
            }
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (relay.stats().tlsHandshakesFailed() < 1 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(1, relay.stats().tlsHandshakesFailed(), "the dropped connection is counted");
            try (SSLSocket ssl = connect(PinnedTrustManager.context(relay.tls().fingerprint()),
                    relay.controlAddress(), "127.0.0.1")) {
                join(ssl, "after-" + System.nanoTime());
            }
        }
    }
}
