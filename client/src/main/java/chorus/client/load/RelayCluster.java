package chorus.client.load;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The relay nodes of one load run: one relay, or {@code --cluster K} relays on loopback forming
 * one Pekko cluster, each a {@link ServerProcess} of its own (node 0 forms the cluster, the others
 * name it as their seed), as {@code chorus cluster} starts them. The nodes share a cluster secret
 * made here and a node certificate made by the relay's own {@code ClusterCertsMain} in a child JVM
 * (the client does not link relay code). Closing stops every node.
 */
final class RelayCluster implements AutoCloseable {
    private static final long CERTS_WAIT_SECONDS = 60;

    private final List<ServerProcess> nodes;

    private RelayCluster(List<ServerProcess> nodes) {
        this.nodes = List.copyOf(nodes);
    }

    /**
     * Starts {@code count} relays with {@code options} (the run's --plaintext and limits), logs
     * {@code dir/relay.log} for one node, {@code dir/relay-nodeI.log} for several, and waits until
     * each printed its ready line. The cluster may still be forming then: members see each other
     * once their welcomes list the other nodes ({@link LoadTest} waits for that).
     */
    static RelayCluster start(int count, ServerProcess.Options options, Path dir)
            throws IOException, InterruptedException, ServerProcess.ServerStartException {
        if (count == 1) {
            return new RelayCluster(List.of(ServerProcess.start(ServerProcess.Kind.RELAY, options,
                    dir.resolve(ServerProcess.Kind.RELAY.label + ".log"))));
        }
        Path certs = clusterCertificates(options, dir);
        String secret = secret();
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ports.add(freePort());
        }
        List<ServerProcess> started = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                List<String> args = new ArrayList<>(List.of("--cluster-port", Integer.toString(ports.get(i))));
                if (i == 0) {
                    args.add("--cluster");
                } else {
                    args.addAll(List.of("--cluster-seed", "127.0.0.1:" + ports.get(0)));
                }
                List<String> jvm = new ArrayList<>(options.jvmOptions());
                jvm.add("-Dchorus.relay.files.directory=" + Files.createDirectories(dir.resolve("files-node" + i)));
                jvm.add("-Dchorus.relay.cluster.tls.directory=" + certs);
                ServerProcess.Options node = new ServerProcess.Options(options.classpath(), options.maxHeap(), jvm,
                        options.readyTimeout(), options.args(), options.env())
                        .withEnv(java.util.Map.of("CHORUS_CLUSTER_SECRET", secret)).withArgs(args);
                started.add(ServerProcess.launch(ServerProcess.Kind.RELAY, node, dir.resolve("relay-node" + i + ".log")));
            }
            for (ServerProcess node : started) {
                node.awaitReady().attach();
            }
        } catch (ServerProcess.ServerStartException | RuntimeException e) {
            started.forEach(ServerProcess::terminate);
            started.forEach(ServerProcess::close);
            throw e;
        }
        return new RelayCluster(started);
    }

    List<ServerProcess> nodes() {
        return nodes;
    }

    /** The CA and one node certificate for every node, made by the relay's {@code chorus cluster-certs}. */
    private static Path clusterCertificates(ServerProcess.Options options, Path dir)
            throws IOException, InterruptedException, ServerProcess.ServerStartException {
        Path out = dir.resolve("cluster-certs").toAbsolutePath();
        Path log = dir.resolve("cluster-certs.log");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", options.classpath(), "chorus.relay.cluster.ClusterCertsMain", "--out", out.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(CERTS_WAIT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new ServerProcess.ServerStartException("the cluster certificates were not made within "
                    + CERTS_WAIT_SECONDS + " s; log: " + log);
        }
        if (p.exitValue() != 0) {
            throw new ServerProcess.ServerStartException("the cluster certificates were not made (exit "
                    + p.exitValue() + "; is relay-actors on --relay-classpath?); log: " + log);
        }
        return out.resolve("node");
    }

    private static String secret() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    private static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0)) {
            return probe.getLocalPort();
        }
    }

    /** SIGTERM to every node at once (each drains), then waits for each. */
    @Override
    public void close() {
        nodes.forEach(ServerProcess::terminate);
        nodes.forEach(ServerProcess::close);
    }
}
