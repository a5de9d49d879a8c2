package chorus.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import chorus.client.load.ServerProcess;
import chorus.client.session.RelayAddress;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A relay cluster of separate JVM processes on loopback ({@code chorus.relay.RelayMain}, as
 * {@code chorus cluster} starts them, through {@link ServerProcess}), each with its own files
 * directory and log, for tests that kill or stop a node. Closing stops them all and keeps their
 * logs under {@code target/}.
 */
final class RelayProcesses implements AutoCloseable {
    private static final Duration START_WAIT = Duration.ofSeconds(60);

    private final Path dir;
    private final String name;
    private final List<ServerProcess> nodes = new ArrayList<>();
    private final List<RelayAddress> control = new ArrayList<>();

    private RelayProcesses(Path dir, String name) {
        this.dir = dir;
        this.name = name;
    }

    /** Starts {@code count} clustered relays (the first one forms the cluster) and waits until each is ready. */
    static RelayProcesses start(int count, Path dir, String name) throws Exception {
        RelayProcesses cluster = new RelayProcesses(dir, name);
        int[] clusterPorts = new int[count];
        for (int i = 0; i < count; i++) {
            clusterPorts[i] = freePort();
        }
        try {
            for (int i = 0; i < count; i++) {
                cluster.nodes.add(cluster.startNode(i, clusterPorts));
            }
            for (ServerProcess node : cluster.nodes) {
                cluster.control.add(node.awaitReady().control());
            }
        } catch (Exception e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    RelayAddress control(int node) {
        return control.get(node);
    }

    Process process(int node) {
        return nodes.get(node).process();
    }

    String log(int node) throws IOException {
        return Files.readString(logFile(node));
    }

    /** The node whose log says it started the room's entity (Cluster Sharding placed the room there). */
    int entityNode(String room) throws IOException {
        String started = "room=" + room + " entity started on this node";
        List<Integer> holders = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            if (log(i).contains(started)) {
                holders.add(i);
            }
        }
        assertEquals(1, holders.size(), "exactly one node started the room's entity: " + holders);
        return holders.get(0);
    }

    private Path logFile(int node) {
        return dir.resolve("node" + node + ".log");
    }

    private ServerProcess startNode(int i, int[] clusterPorts) throws IOException, ServerProcess.ServerStartException {
        List<String> args = new ArrayList<>(List.of("--cluster-port", Integer.toString(clusterPorts[i]), "--plaintext"));
        if (i == 0) {
            args.add("--cluster");
        } else {
            args.addAll(List.of("--cluster-seed", "127.0.0.1:" + clusterPorts[0]));
        }
        ServerProcess.Options options = new ServerProcess.Options(System.getProperty("java.class.path"), "256m",
                List.of("-Dchorus.relay.files.directory=" + Files.createDirectories(dir.resolve("node" + i)),
                        "-Dchorus.relay.cluster.secret=" + name + "-secret",
                        "-Dchorus.relay.cluster.tls.directory=" + ClusterCertsDir.node()), START_WAIT).withArgs(args);
        return ServerProcess.launch(ServerProcess.Kind.RELAY, options, logFile(i));
    }

    private static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0)) {
            return probe.getLocalPort();
        }
    }

    @Override
    public void close() {
        // All at once (each drains), then wait for each.
        nodes.forEach(ServerProcess::terminate);
        nodes.forEach(ServerProcess::close);
        // Kept beside the test reports, for reading after a failure.
        for (int i = 0; i < nodes.size(); i++) {
            try {
                Files.copy(logFile(i), Path.of("target", name + "-node" + i + ".log"), StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                System.out.println("node " + i + "'s log was not kept: " + e);
            }
        }
    }
}
