package chorus.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import chorus.client.session.RelayAddress;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A relay cluster of separate JVM processes on loopback ({@code chorus.relay.RelayMain}, as
 * {@code chorus cluster} starts them), each with its own files directory and log, for tests that
 * kill or stop a node. Closing stops them all and keeps their logs under {@code target/}.
 */
final class RelayProcesses implements AutoCloseable {
    private static final Pattern READY = Pattern.compile("ready control=(\\S+) ");
    private static final Duration START_WAIT = Duration.ofSeconds(60);

    private final Path dir;
    private final String name;
    private final List<Process> nodes = new ArrayList<>();
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
        List<CompletableFuture<String>> ready = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                ready.add(cluster.startNode(i, clusterPorts));
            }
            for (CompletableFuture<String> r : ready) {
                cluster.control.add(RelayAddress.parse(r.get(START_WAIT.toSeconds(), TimeUnit.SECONDS)));
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
        return nodes.get(node);
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

    private CompletableFuture<String> startNode(int i, int[] clusterPorts) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-Dchorus.relay.files.port=0", "-Dchorus.relay.metrics.port=0",
                "-Dchorus.relay.files.directory=" + Files.createDirectories(dir.resolve("node" + i)),
                "-Dchorus.relay.cluster.secret=" + name + "-secret",
                "-cp", System.getProperty("java.class.path"), "chorus.relay.RelayMain",
                "--host", "127.0.0.1", "--control-port", "0", "--video-port", "0", "--audio-port", "0",
                "--cluster-port", Integer.toString(clusterPorts[i])));
        if (i == 0) {
            command.add("--cluster");
        } else {
            command.addAll(List.of("--cluster-seed", "127.0.0.1:" + clusterPorts[0]));
        }
        Process p = new ProcessBuilder(command).redirectError(logFile(i).toFile()).start();
        nodes.add(p);
        CompletableFuture<String> ready = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    Matcher m = READY.matcher(line);
                    if (m.find()) {
                        ready.complete(m.group(1));
                    }
                }
            } catch (IOException e) {
                // the node went away
            }
            String log;
            try {
                log = log(i);
                log = log.substring(Math.max(0, log.length() - 4000));
            } catch (IOException e) {
                log = "(no log: " + e + ")";
            }
            ready.completeExceptionally(new IOException("node " + i + " exited before it was ready; its log ends:\n" + log));
        }, "node" + i + "-stdout");
        reader.setDaemon(true);
        reader.start();
        return ready;
    }

    private static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0)) {
            return probe.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        for (Process p : nodes) {
            p.destroy();
        }
        for (Process p : nodes) {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
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
