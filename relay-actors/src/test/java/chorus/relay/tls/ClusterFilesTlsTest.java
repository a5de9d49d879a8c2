package chorus.relay.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chorus.protocol.control.ControlMessage;
import chorus.protocol.tls.PinnedTrustManager;
import chorus.relay.ClusterTest;
import chorus.relay.RawClient;
import chorus.relay.RelayNode;
import chorus.relay.files.FileService;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two clustered nodes with TLS on, each with its own self-signed certificate: the copy of an upload
 * one node pushes to the other goes over HTTPS, the sender trusting the fingerprint the receiver
 * published in the node directory.
 */
class ClusterFilesTlsTest {
    @TempDir
    Path dir;

    private Config node(String name, String seed) {
        return ConfigFactory.parseString("chorus.relay.tls { enabled = true, directory = \""
                + dir.resolve("tls-" + name).toString().replace("\\", "/") + "\" }").withFallback(ClusterTest.clustered(seed));
    }

    private static RawClient joinOverTls(RelayNode node, String room, String name) throws Exception {
        Socket tcp = new Socket();
        tcp.connect(node.controlAddress(), 5000);
        SSLSocket ssl = (SSLSocket) PinnedTrustManager.context(node.tls().fingerprint()).getSocketFactory()
                .createSocket(tcp, "127.0.0.1", node.controlPort(), true);
        RawClient client = new RawClient(ssl);
        client.send(new ControlMessage.Hello(ControlMessage.PROTOCOL_VERSION, name, room, "tls-test"));
        client.readWelcome();
        return client;
    }

    @Test
    void aCopyOfAnUploadGoesToTheOtherNodeOverHttps() throws Exception {
        try (RelayNode first = RelayNode.startOnLoopback(node("a", null));
             RelayNode second = RelayNode.startOnLoopback(node("b", first.clusterAddress()))) {
            assertNotEquals(first.tls().fingerprint(), second.tls().fingerprint(), "each node its own certificate");
            String room = "tls-cluster-" + System.nanoTime();
            RawClient ada = null;
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (ada == null) {
                // Joined once the directory lists the other node: only then is there a node to copy to.
                RawClient c = joinOverTls(first, room, "Ada");
                if (c.welcome.nodes() != null && !c.welcome.nodes().isEmpty()) {
                    ada = c;
                } else {
                    c.close();
                    assertTrue(System.nanoTime() < deadline, "the node directory lists the second node");
                    Thread.sleep(100);
                }
            }
            try (RawClient joined = ada) {
                byte[] content = new byte[100_000];
                new Random(5).nextBytes(content);
                HttpClient https = HttpClient.newBuilder()
                        .sslContext(PinnedTrustManager.context(first.tls().fingerprint())).build();
                HttpResponse<String> uploaded = https.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:"
                                + first.filesPort() + "/rooms/" + room + "/files?name=notes.bin"))
                        .header("Authorization", "Bearer " + joined.welcome.files().token())
                        .header(FileService.SHA256_HEADER, RawClient.sha256(content))
                        .PUT(HttpRequest.BodyPublishers.ofByteArray(content)).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(201, uploaded.statusCode(), uploaded.body());
                String fileId = new ObjectMapper().readTree(uploaded.body()).get("fileId").asText();
                Path copy = second.files().file(room, fileId);
                while (!Files.isRegularFile(copy)) {
                    assertTrue(System.nanoTime() < deadline, "the copy arrives on the second node");
                    Thread.sleep(20);
                }
                assertArrayEquals(content, Files.readAllBytes(copy), "the copy, whole");
                assertEquals(0, first.stats().tlsHandshakesFailed() + second.stats().tlsHandshakesFailed());
            }
        }
    }
}
