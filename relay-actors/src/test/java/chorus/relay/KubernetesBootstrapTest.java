package chorus.relay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chorus.protocol.control.ControlMessage;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three relay JVMs whose Kubernetes API discovery talks (over HTTPS, trusting its CA) to a fabric8
 * Kubernetes API mock listing the relay pods, as the API server would: they form one cluster
 * through Cluster Bootstrap, each reports ready only once it has joined, and, given no cluster secret,
 * they agree on one through a Kubernetes Secret (so a file uploaded through one downloads through the
 * others); likewise the cluster certificate (so they join each other over mutual TLS), the token key
 * and the control port's certificate, whose mounted files are missing.
 */
class KubernetesBootstrapTest {
    private static final String NAMESPACE = "chorus-test";
    private static final Duration WAIT = Duration.ofSeconds(60);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    Path dir;

    @Test
    void threeRelaysListedByTheApiFormOneClusterTurnReadyOnlyAfterJoiningAndShareOneSecret() throws Exception {
        MockWebServer web = new MockWebServer();
        KubernetesMockServer api = new KubernetesMockServer(new Context(), web, new HashMap<>(),
                new JsonCrudDispatcher(), true);
        api.init(InetAddress.getByName("127.0.0.1"), 0);
        List<RelayProcess> relays = new ArrayList<>();
        try (NamespacedKubernetesClient kube = api.createClient()) {
            Path token = Files.writeString(dir.resolve("token"), "test-token");
            int[] management = {freePort(), freePort(), freePort()};
            for (int i = 0; i < 3; i++) {
                // As k8s/relay.yaml has it: the Secrets' mounts named, and empty (they do not exist yet).
                Path mounts = dir.resolve("relay-" + i + "-etc");
                relays.add(RelayProcess.start(dir, "relay-" + i, Map.of(
                                "pekko.discovery.kubernetes-api.api-ca-path", web.getSelfSignedCertificate().certificatePath(),
                                "pekko.discovery.kubernetes-api.api-token-path", token.toString(),
                                "pekko.discovery.kubernetes-api.pod-namespace", NAMESPACE,
                                "pekko.management.cluster.bootstrap.contact-point-discovery.interval", "500ms",
                                "chorus.relay.cluster.tls.directory", mounts.resolve("cluster-tls").toString(),
                                "chorus.relay.access.token-key-file", mounts.resolve("token-key/key").toString(),
                                "chorus.relay.tls.certificate", mounts.resolve("tls/tls.crt").toString(),
                                "chorus.relay.tls.private-key", mounts.resolve("tls/tls.key").toString()),
                        Map.of("CHORUS_KUBERNETES", "true",
                                "CHORUS_MANAGEMENT_PORT", Integer.toString(management[i]),
                                "KUBERNETES_SERVICE_HOST", "localhost",
                                "KUBERNETES_SERVICE_PORT", Integer.toString(web.getPort()))));
            }
            for (RelayProcess r : relays) {
                r.awaitReady(WAIT);
            }
            // Up and serving, but the API lists no relay pods yet: nobody has joined, nobody is ready.
            Thread.sleep(1500);
            for (int port : management) {
                assertEquals(200, get(port, "/alive").statusCode(), "alive");
                assertNotEquals(200, get(port, "/ready").statusCode(), "not ready before joining");
            }

            for (int i = 0; i < 3; i++) {
                kube.pods().inNamespace(NAMESPACE).resource(pod("chorus-relay-" + i, management[i])).create();
            }
            for (int i = 0; i < 3; i++) {
                Pod created = kube.pods().inNamespace(NAMESPACE).withName("chorus-relay-" + i).get();
                if (created.getStatus() == null || created.getStatus().getPodIP() == null) {
                    kube.pods().inNamespace(NAMESPACE).resource(pod("chorus-relay-" + i, management[i])).updateStatus();
                }
            }

            long deadline = System.nanoTime() + WAIT.toNanos();
            for (int i = 0; i < 3; i++) {
                while (get(management[i], "/ready").statusCode() != 200) {
                    assertTrue(System.nanoTime() < deadline, "relay " + i + " ready; log:\n" + relays.get(i).output());
                    Thread.sleep(250);
                }
            }
            Set<String> leaders = new HashSet<>();
            for (int port : management) {
                // Ready means this node joined; the others' view of it converges by gossip shortly after.
                JsonNode members = new ObjectMapper().readTree(get(port, "/cluster/members").body());
                while (!allUp(members, 3)) {
                    assertTrue(System.nanoTime() < deadline, "three members Up: " + members);
                    Thread.sleep(250);
                    members = new ObjectMapper().readTree(get(port, "/cluster/members").body());
                }
                leaders.add(members.path("leader").asText());
            }
            assertEquals(1, leaders.size(), "one cluster, one leader: " + leaders);
            assertTrue(web.getRequestCount() > 0, "discovery asked the API");

            // No relay was given a cluster secret, a cluster certificate, a token key or a control
            // certificate (the first pods start before the Secrets exist): one of them made each
            // Secret k8s/relay.yaml reads, and all three use it. They formed one cluster over mutual
            // TLS, so they hold the one cluster certificate.
            Map<String, Secret> secrets = new HashMap<>();
            kube.secrets().inNamespace(NAMESPACE).list().getItems().forEach(x -> secrets.put(x.getMetadata().getName(), x));
            assertEquals(Set.of("chorus-cluster-secret", "chorus-cluster-tls", "chorus-token-key", "chorus-tls"),
                    secrets.keySet(), "one of each");
            for (String tls : List.of("chorus-cluster-tls", "chorus-tls")) {
                assertEquals("kubernetes.io/tls", secrets.get(tls).getType(), tls + " as cert-manager makes it");
                assertTrue(secrets.get(tls).getData().keySet().containsAll(List.of("tls.crt", "tls.key", "ca.crt")),
                        tls + ": " + secrets.get(tls).getData().keySet());
            }
            assertEquals(Set.of("key"), secrets.get("chorus-token-key").getData().keySet());
            assertEquals(32, Base64.getDecoder().decode(Base64.getDecoder().decode(
                    secrets.get("chorus-token-key").getData().get("key"))).length, "an HS256 key of 256 bits, as base64 text");
            aFileUploadedThroughOneRelayDownloadsThroughTheOthers(relays);
        } finally {
            for (RelayProcess r : relays) {
                r.close();
            }
            api.destroy();
        }
    }

    /** Node-to-node copies and fetches are authorised by the cluster secret: they work only if it is shared. */
    private static void aFileUploadedThroughOneRelayDownloadsThroughTheOthers(List<RelayProcess> relays) throws Exception {
        String room = "k8s-" + System.nanoTime();
        byte[] content = new byte[100_000];
        new Random(11).nextBytes(content);
        try (RawClient ada = RawClient.joinKnowingNodes(control(relays.get(0)), room, "Ada", 2);
             RawClient bob = RawClient.join(control(relays.get(1)), room, "Bob");
             RawClient cy = RawClient.join(control(relays.get(2)), room, "Cy")) {
            var uploaded = ada.upload(room, "notes.bin", content, RawClient.sha256(content));
            assertEquals(201, uploaded.statusCode(), uploaded.body());
            for (RawClient other : List.of(bob, cy)) {
                String fileId = other.await(ControlMessage.FileOffered.class, f -> true, WAIT).file().fileId();
                var got = other.getFiles(room, "/" + fileId, other.welcome.files().token());
                assertEquals(200, got.statusCode(), new String(got.body(), StandardCharsets.UTF_8));
                assertArrayEquals(content, got.body(), "the bytes, whole");
            }
        }
    }

    private static InetSocketAddress control(RelayProcess relay) {
        return new InetSocketAddress("127.0.0.1", relay.ready().controlPort());
    }

    /** The mock's CRUD API, with the Content-Type the API server sends (discovery insists on JSON). */
    private static final class JsonCrudDispatcher extends KubernetesCrudDispatcher {
        @Override
        public MockResponse dispatch(RecordedRequest request) {
            MockResponse response = super.dispatch(request);
            if (response.header("Content-Type") == null) {
                response.setHeader("Content-Type", "application/json");
            }
            return response;
        }
    }

    /** A running relay pod as the API server reports it: label, management port, IP. */
    private static Pod pod(String name, int managementPort) {
        return new PodBuilder()
                .withNewMetadata().withName(name).withNamespace(NAMESPACE)
                .addToLabels("app.kubernetes.io/name", "chorus-relay").endMetadata()
                .withNewSpec().addNewContainer().withName("relay").withImage("chorus/relay")
                .addNewPort().withName("management").withContainerPort(managementPort).withProtocol("TCP").endPort()
                .endContainer().endSpec()
                .withNewStatus().withPhase("Running").withPodIP("127.0.0.1").withHostIP("127.0.0.1").endStatus()
                .build();
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new AssertionError("GET " + path + " on management port " + port + ": " + e, e);
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    private static boolean allUp(JsonNode members, int expected) {
        if (members.path("members").size() != expected) {
            return false;
        }
        for (JsonNode m : members.path("members")) {
            if (!"Up".equals(m.path("status").asText())) {
                return false;
            }
        }
        return true;
    }
}
