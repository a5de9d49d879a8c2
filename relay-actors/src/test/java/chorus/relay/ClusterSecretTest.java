package chorus.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.pekko.cluster.typed.Cluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster secret signs resume tokens and authorises node-to-node file requests, so a clustered
 * node never runs with one the others do not share: without one it refuses to start, and with
 * another one the cluster refuses it and it stops. (On Kubernetes the nodes agree on one through
 * a Secret: {@code KubernetesBootstrapTest}.)
 */
class ClusterSecretTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void aClusteredNodeWithoutASecretRefusesToStartAndSaysHowToMakeOne() {
        IOException refused = assertThrows(IOException.class, () -> RelayNode.startOnLoopback(ConfigFactory.parseString(
                "chorus.relay.cluster { enabled = true, port = 0 }\n"
                        + "chorus.relay.files.directory = \"" + dir.resolve("files").toString().replace("\\", "/") + "\"")).close());
        assertTrue(refused.getMessage().contains("CHORUS_CLUSTER_SECRET"), refused.getMessage());
        assertTrue(refused.getMessage().contains("chorus.relay.cluster.secret"), refused.getMessage());
        assertTrue(refused.getMessage().contains("/dev/urandom"), "how to make one: " + refused.getMessage());
    }

    @Test
    void aServerWhoseSecretIsNotTheClustersIsRefusedByItAndExits() throws Exception {
        try (RelayNode first = RelayNode.startOnLoopback(ClusterTest.clustered(null))) {
            List<String> args = new ArrayList<>(RelayProcess.EPHEMERAL);
            args.addAll(List.of("--cluster-port", "0", "--cluster-hostname", "127.0.0.1",
                    "--cluster-seed", first.clusterAddress()));
            try (RelayProcess stranger = RelayProcess.start(dir, "stranger",
                    Map.of("chorus.relay.cluster.secret", "not-the-cluster-secret",
                            "chorus.relay.cluster.tls.directory", ClusterCerts.node().toString()), Map.of(), args)) {
                // Refused as it joins, which may be before or after its ready line.
                assertEquals(1, stranger.awaitExit(WAIT), stranger.output());
                String error = stranger.output().lines().filter(l -> l.startsWith("chorus server:")).findFirst()
                        .orElse(stranger.output());
                assertTrue(error.contains("CHORUS_CLUSTER_SECRET"), error);
            }
            List<String> members = new ArrayList<>();
            Cluster.get(first.system()).state().getMembers().forEach(m -> members.add(m.address().toString()));
            assertEquals(1, members.size(), "it never became a member: " + members);
        }
    }
}
