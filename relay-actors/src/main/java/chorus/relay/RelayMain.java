package chorus.relay;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code chorus server}: runs one relay node in the foreground until SIGINT or SIGTERM. */
@Command(name = "server", mixinStandardHelpOptions = true,
        description = "Run one Chorus relay node in the foreground.")
public final class RelayMain implements Callable<Integer> {

    @Option(names = "--host", description = "Address to bind (default: chorus.relay.host, 0.0.0.0).")
    String host;

    @Option(names = "--advertised-host", description = "Host given to clients for media (default: the address they reached).")
    String advertisedHost;

    @Option(names = "--control-port", description = "TCP control port (default 5005; 0 = ephemeral).")
    Integer controlPort;

    @Option(names = "--video-port", description = "UDP video port (default 5000; 0 = ephemeral).")
    Integer videoPort;

    @Option(names = "--audio-port", description = "UDP audio port (default 5001; 0 = ephemeral).")
    Integer audioPort;

    @Option(names = "--files-port", description = "HTTP port of the file service (default 5006; 0 = ephemeral).")
    Integer filesPort;

    @Option(names = "--metrics-port", description = "HTTP port of /metrics (default 9464; 0 = ephemeral).")
    Integer metricsPort;

    @Option(names = "--keepalive-timeout", description = "Remove a client that answers no ping for this long, e.g. 10s.")
    String keepaliveTimeout;

    @Option(names = "--open", description = "LAN mode: join without an access token, under any name "
            + "(logged as a warning). Default: tokens required (chorus.relay.access.mode, CHORUS_ACCESS_MODE).")
    boolean open;

    @Option(names = "--token-key-file", paramLabel = "FILE", description = "The key access tokens are signed with "
            + "(base64; made on first start if missing). Default: chorus.relay.access.token-key-file, "
            + "CHORUS_TOKEN_KEY_FILE, or chorus-token.key.")
    String tokenKeyFile;

    @Option(names = "--cluster-seed", paramLabel = "HOST:PORT",
            description = "Join the Pekko Cluster through this seed node's cluster port (repeatable; turns the cluster on).")
    List<String> clusterSeeds;

    @Option(names = "--plaintext", description = "No TLS on the control port and file service (a LAN that "
            + "trusts everyone on it; logged as a warning). Default: TLS, from chorus.relay.tls or self-signed.")
    boolean plaintext;

    @Option(names = "--cluster", description = "Form a cluster even without seeds (this node is the first).")
    boolean cluster;

    @Option(names = "--cluster-port", description = "This node's cluster (Pekko Artery) port (default 25520; 0 = ephemeral).")
    Integer clusterPort;

    @Option(names = "--cluster-hostname", description = "Address other nodes reach this one on (default: --host, or 127.0.0.1).")
    String clusterHostname;

    public static void main(String[] args) {
        System.exit(new CommandLine(new RelayMain()).execute(args));
    }

    Config overrides() {
        Map<String, Object> o = new HashMap<>();
        if (host != null) {
            o.put("chorus.relay.host", host);
        }
        if (advertisedHost != null) {
            o.put("chorus.relay.advertised-host", advertisedHost);
        }
        if (controlPort != null) {
            o.put("chorus.relay.control-port", controlPort);
        }
        if (videoPort != null) {
            o.put("chorus.relay.video-port", videoPort);
        }
        if (audioPort != null) {
            o.put("chorus.relay.audio-port", audioPort);
        }
        if (filesPort != null) {
            o.put("chorus.relay.files.port", filesPort);
        }
        if (metricsPort != null) {
            o.put("chorus.relay.metrics.port", metricsPort);
        }
        if (keepaliveTimeout != null) {
            o.put("chorus.relay.keepalive.timeout", keepaliveTimeout);
        }
        if (open) {
            o.put("chorus.relay.access.mode", "open");
        }
        if (tokenKeyFile != null) {
            o.put("chorus.relay.access.token-key-file", tokenKeyFile);
        }
        if (clusterSeeds != null && !clusterSeeds.isEmpty()) {
            o.put("chorus.relay.cluster.seeds", clusterSeeds);
        }
        if (plaintext) {
            o.put("chorus.relay.tls.enabled", false);
        }
        if (cluster) {
            o.put("chorus.relay.cluster.enabled", true);
        }
        if (clusterPort != null) {
            o.put("chorus.relay.cluster.port", clusterPort);
        }
        if (clusterHostname != null) {
            o.put("chorus.relay.cluster.hostname", clusterHostname);
        }
        return ConfigFactory.parseMap(o);
    }

    @Override
    public Integer call() {
        RelayNode node;
        try {
            node = RelayNode.start(overrides());
        } catch (Exception e) {
            System.err.println("chorus server: " + e.getMessage());
            return 1;
        }
        AtomicBoolean stopping = new AtomicBoolean();
        CompletableFuture<Void> ended = new CompletableFuture<>();
        Thread shutdown = new Thread(() -> {
            stopping.set(true);
            node.close();
            System.out.println("Chorus relay stopped");
            System.out.flush();
            ended.complete(null);
        }, "chorus-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdown);
        // The node may also stop by itself: refused by the cluster it joins, or downed by it.
        node.system().getWhenTerminated().thenRun(() -> ended.complete(null));
        System.out.println(node.readyLine());
        System.out.flush();
        ended.join();
        if (stopping.get()) {
            return 0;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdown);
        } catch (IllegalStateException e) {
            return 1; // already shutting down: the hook closes the node
        }
        node.close();
        System.err.println("chorus server: " + RelayNode.whyStopped(node.system()));
        return 1;
    }
}
