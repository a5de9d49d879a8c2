package chorus.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chorus.protocol.process.ReadyLine;
import chorus.protocol.tls.CertificateFingerprint;
import chorus.protocol.tls.PinnedTrustManager;
import java.io.File;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code chorus server} as a user runs it, in JVMs of its own: its port flags, its ready line, its errors. */
class RelayMainTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void twoServersWithEveryPortEphemeralRunSideBySideAndNameEveryPortTheyBound() throws Exception {
        try (RelayProcess a = RelayProcess.start(dir, "a", Map.of(), Map.of(), RelayProcess.EPHEMERAL);
             RelayProcess b = RelayProcess.start(dir, "b", Map.of(), Map.of(), RelayProcess.EPHEMERAL)) {
            Set<Integer> ports = new HashSet<>();
            List<ReadyLine> lines = new ArrayList<>();
            for (RelayProcess r : List.of(a, b)) {
                ReadyLine ready = r.awaitReady(WAIT).ready();
                lines.add(ready);
                assertEquals(ReadyLine.RELAY, ready.server());
                assertEquals("127.0.0.1", ready.controlHost());
                assertNull(ready.cluster(), "alone");
                for (int port : new int[] {ready.controlPort(), ready.videoPort(), ready.audioPort(), ready.filesPort(),
                        ready.metricsPort()}) {
                    assertTrue(port > 0, "a real port: " + ready);
                    ports.add(port);
                }
            }
            assertEquals(10, ports.size(), "ten different ports: " + lines);
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            for (ReadyLine ready : lines) {
                HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + ready.metricsPort() + "/metrics"))
                        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, metrics.statusCode());
                assertTrue(metrics.body().contains("chorus_participants"), "the relay's metrics on metrics=");
                try (Socket files = new Socket()) {
                    files.connect(new InetSocketAddress("127.0.0.1", ready.filesPort()), 5000);
                }
            }
        }
    }

    @Test
    void withNoFlagsItSpeaksTlsWithItsOwnCertificateAndPlainTextIsAskedForAndWarnedOf() throws Exception {
        // The test classpath's application.conf turns TLS off for the other tests: this relay runs without it.
        String mainOnly = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !entry.endsWith("test-classes")).collect(Collectors.joining(File.pathSeparator));
        // (and so in the tokens mode: its key file goes to the test's directory, not the working one)
        Map<String, String> env = Map.of("CHORUS_TLS_DIR", dir.resolve("tls").toString(),
                "CHORUS_TOKEN_KEY_FILE", dir.resolve("token.key").toString());
        try (RelayProcess secure = RelayProcess.start(dir, "secure", Map.of(), env, RelayProcess.EPHEMERAL, mainOnly)) {
            ReadyLine ready = secure.awaitReady(WAIT).ready();
            String fingerprint = ready.tlsFingerprint().orElseThrow(() -> new AssertionError(ready.toString()));
            X509Certificate kept;
            try (var in = Files.newInputStream(dir.resolve("tls").resolve("tls.crt"))) {
                kept = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            }
            assertEquals(CertificateFingerprint.of(kept), fingerprint, "the certificate it made and kept");
            assertTrue(secure.output().contains("fingerprint " + fingerprint), "logged at start: " + secure.output());
            try (Socket tcp = new Socket()) {
                tcp.connect(new InetSocketAddress("127.0.0.1", ready.controlPort()), 5000);
                SSLSocket tls = (SSLSocket) PinnedTrustManager.context(fingerprint).getSocketFactory()
                        .createSocket(tcp, "127.0.0.1", ready.controlPort(), true);
                tls.startHandshake();
                assertEquals("TLSv1.3", tls.getSession().getProtocol());
            }
        }
        List<String> plain = new ArrayList<>(RelayProcess.EPHEMERAL);
        plain.add("--plaintext");
        try (RelayProcess relay = RelayProcess.start(dir, "plain", Map.of(), env, plain, mainOnly)) {
            assertEquals("off", relay.awaitReady(WAIT).ready().tls());
            assertTrue(relay.output().contains("WARN") && relay.output().contains("TLS is off"), relay.output());
        }
    }

    @Test
    void aTakenMetricsPortIsTheOneTheErrorNames() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            List<String> args = new ArrayList<>(RelayProcess.EPHEMERAL);
            args.set(args.indexOf("--metrics-port") + 1, Integer.toString(taken.getLocalPort()));
            try (RelayProcess relay = RelayProcess.start(dir, "taken", Map.of(), Map.of(), args)) {
                assertEquals(1, relay.awaitExit(WAIT), relay.output());
                String error = relay.output().lines().filter(l -> l.startsWith("chorus server:")).findFirst()
                        .orElse(relay.output());
                assertTrue(error.contains("127.0.0.1:" + taken.getLocalPort()), error);
                assertTrue(error.contains("metrics"), error);
            }
        }
    }
}
