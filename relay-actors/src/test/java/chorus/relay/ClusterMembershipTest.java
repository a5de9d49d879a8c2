package chorus.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chorus.relay.cluster.ClusterCertificates;
import chorus.relay.cluster.ClusterCertsMain;
import chorus.relay.cluster.ClusterPeers;
import chorus.relay.cluster.ClusterTls;
import chorus.relay.cluster.SecretCheck;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Cluster membership is authenticated by Artery's mutual TLS: a node joining with the cluster's
 * secret but without a certificate from the cluster's CA (none at all, or one from another CA) is
 * never a member of the running nodes, while a node with a good certificate, started after it,
 * joins. Before mutual TLS, both strangers became members (the secret was all they needed).
 */
class ClusterMembershipTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private final List<AutoCloseable> started = new ArrayList<>();

    @TempDir
    Path dir;

    @AfterEach
    void stop() throws Exception {
        for (int i = started.size() - 1; i >= 0; i--) {
            started.get(i).close();
        }
    }

    private RelayNode node(Config config) throws Exception {
        RelayNode n = RelayNode.startOnLoopback(config);
        started.add(n);
        return n;
    }

    @Test
    void aNodeWithoutAnyCertificateNeverBecomesAMember() throws Exception {
        RelayNode first = node(ClusterTest.clustered(null));
        awaitUp(first, first.system().address());
        // The cluster's name, seed and secret, but no certificate.
        ActorSystem<Void> stranger = plainStranger(first.clusterAddress());
        started.add(() -> stranger.terminate());
        assertAGoodNodeJoinsButNot(first, stranger.address());
    }

    @Test
    void aRelayAloneAdmitsNoOtherNode() throws Exception {
        // Alone, Artery listens on 127.0.0.1 with a certificate only the relay itself trusts.
        RelayNode alone = node(ConfigFactory.empty());
        ActorSystem<Void> stranger = plainStranger(alone.clusterAddress());
        started.add(() -> stranger.terminate());
        // Nothing to wait for but time: before, this stranger was a member within about a second.
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            List<Address> members = new ArrayList<>();
            Cluster.get(alone.system()).state().getMembers().forEach(m -> members.add(m.address()));
            assertEquals(List.of(alone.system().address()), members, "the relay alone, only");
            Thread.sleep(200);
        }
    }

    /** A Pekko node with the cluster's published settings but Artery over plain TCP, joining {@code seed}. */
    private static ActorSystem<Void> plainStranger(String seed) {
        return ActorSystem.create(Behaviors.empty(), "chorus", ConfigFactory.parseMap(Map.of(
                        "pekko.actor.provider", "cluster",
                        "pekko.remote.artery.transport", "tcp",
                        "pekko.remote.artery.canonical.hostname", "127.0.0.1",
                        "pekko.remote.artery.canonical.port", 0,
                        "pekko.cluster.seed-nodes", List.of("pekko://chorus@" + seed),
                        SecretCheck.KEY, new ClusterPeers("cluster-test").secretCheck()))
                .withFallback(ConfigFactory.parseResources("chorus-cluster.conf")).withFallback(ConfigFactory.load()));
    }

    @Test
    void aNodeWithACertificateFromAnotherCaNeverBecomesAMember() throws Exception {
        RelayNode first = node(ClusterTest.clustered(null));
        awaitUp(first, first.system().address());
        RelayNode stranger = node(ClusterTest.clustered(first.clusterAddress(), ClusterCerts.fromAnotherCa()));
        assertAGoodNodeJoinsButNot(first, stranger.system().address());
        List<Address> seen = new ArrayList<>();
        Cluster.get(stranger.system()).state().getMembers().forEach(m -> seen.add(m.address()));
        assertFalse(seen.contains(first.system().address()), "nor did the stranger get in on its side: " + seen);
    }

    @Test
    void aClusteredNodeWithoutTheCertificateRefusesToStartAndSaysHowToMakeIt() {
        IOException refused = assertThrows(IOException.class, () -> node(ConfigFactory.parseString(
                "chorus.relay.cluster { enabled = true, port = 0, secret = cluster-test }")));
        assertTrue(refused.getMessage().contains("CHORUS_CLUSTER_TLS_DIR"), refused.getMessage());
        assertTrue(refused.getMessage().contains("chorus cluster-certs --out"), "how to make it: " + refused.getMessage());
        IOException incomplete = assertThrows(IOException.class, () -> node(ConfigFactory.parseString(
                "chorus.relay.cluster { enabled = true, port = 0, secret = cluster-test, tls.directory = \""
                        + ClusterCerts.hocon(dir) + "\" }")));
        assertTrue(incomplete.getMessage().contains("lacks tls.crt, tls.key, ca.crt"), incomplete.getMessage());
    }

    @Test
    void nodesWithCertificatesFromChorusClusterCertsJoinEachOther() throws Exception {
        assertEquals(0, new CommandLine(new ClusterCertsMain()).execute("--out", dir.toString(), "--node", "a",
                "--node", "b"));
        assertTrue(Files.exists(dir.resolve("ca.key")), "the CA's key, to issue more");
        for (String n : List.of("a", "b")) {
            assertEquals(Set.of("tls.crt", "tls.key", "ca.crt"), Files.list(dir.resolve(n))
                    .map(p -> p.getFileName().toString()).collect(Collectors.toSet()), "a node gets no CA key");
        }
        assertEquals(1, new CommandLine(new ClusterCertsMain()).execute("--out", dir.toString(), "--node", "a"),
                "an existing node certificate is kept without --force");
        // A later run issues from the same CA.
        assertEquals(0, new CommandLine(new ClusterCertsMain()).execute("--out", dir.toString(), "--node", "c"));
        RelayNode a = node(ClusterTest.clustered(null, dir.resolve("a")));
        RelayNode b = node(ClusterTest.clustered(a.clusterAddress(), dir.resolve("b")));
        RelayNode c = node(ClusterTest.clustered(a.clusterAddress(), dir.resolve("c")));
        for (RelayNode joined : List.of(b, c)) {
            awaitUp(a, joined.system().address());
        }
    }

    @Test
    void nodesSharingTheCertificateTheRelaysMakeOnKubernetesJoinEachOther() throws Exception {
        // What the first relay pod puts in Secret chorus-cluster-tls: one certificate that is its own CA.
        Path shared = dir.resolve("shared");
        ClusterCertificates.writeFiles(shared, ClusterTls.newSharedCertificate());
        RelayNode a = node(ClusterTest.clustered(null, shared));
        RelayNode b = node(ClusterTest.clustered(a.clusterAddress(), shared));
        awaitUp(a, b.system().address());
        awaitUp(b, a.system().address());
    }

    /**
     * A node with a certificate from the cluster's CA, started after the stranger, joins; by then the
     * stranger had as long, and it is not a member, as the running nodes see it.
     */
    private void assertAGoodNodeJoinsButNot(RelayNode first, Address stranger) throws Exception {
        RelayNode good = node(ClusterTest.clustered(first.clusterAddress()));
        awaitUp(first, good.system().address());
        awaitUp(good, first.system().address());
        for (RelayNode running : List.of(first, good)) {
            List<Address> members = new ArrayList<>();
            Cluster.get(running.system()).state().getMembers().forEach(m -> members.add(m.address()));
            assertFalse(members.contains(stranger), stranger + " is not a member: " + members);
            assertEquals(2, members.size(), "the two nodes with certificates: " + members);
        }
    }

    private static void awaitUp(RelayNode on, Address who) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            for (var m : Cluster.get(on.system()).state().getMembers()) {
                if (m.address().equals(who) && m.status() == MemberStatus.up()) {
                    return;
                }
            }
            assertTrue(System.nanoTime() < deadline, who + " Up on " + on.clusterAddress() + " within " + WAIT);
            Thread.sleep(50);
        }
    }
}
