package chorus.relay;

import chorus.protocol.audio.OpusFormat;
import chorus.protocol.process.ReadyLine;
import chorus.relay.access.Access;
import chorus.relay.cluster.ClusterPeers;
import chorus.relay.cluster.ClusterTls;
import chorus.relay.cluster.KubernetesFiles;
import chorus.relay.cluster.KubernetesSecret;
import chorus.relay.cluster.SecretCheck;
import chorus.relay.config.RelayConfig;
import chorus.relay.files.FileAccess;
import chorus.relay.files.FileStore;
import chorus.relay.media.MediaGateway;
import chorus.relay.media.MediaPort;
import chorus.relay.metrics.Metrics;
import chorus.relay.metrics.RelayStats;
import chorus.relay.tls.RelayTls;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.management.cluster.bootstrap.ClusterBootstrap;
import org.apache.pekko.management.javadsl.PekkoManagement;
import org.slf4j.LoggerFactory;

/**
 * One running relay node: the UDP media gateway and an actor system whose guardian starts the
 * rooms and the control server. {@link #start} returns once every socket listens.
 */
public final class RelayNode implements AutoCloseable {
    private final ActorSystem<Guardian.Command> system;
    private final MediaGateway gateway;
    private final RelayConfig config;
    private final InetSocketAddress controlAddress;

    private final FileStore files;
    private final FileAccess fileAccess;
    /** Null when the control port and file service speak plain text. */
    private final RelayTls tls;
    private final ClusterTls clusterTls;
    private final KubernetesFiles kubernetesFiles;
    private int metricsPort = -1;

    private RelayNode(ActorSystem<Guardian.Command> system, MediaGateway gateway, RelayConfig config,
                      InetSocketAddress controlAddress, FileStore files, FileAccess fileAccess, RelayTls tls,
                      ClusterTls clusterTls, KubernetesFiles kubernetesFiles) {
        this.tls = tls;
        this.clusterTls = clusterTls;
        this.kubernetesFiles = kubernetesFiles;
        this.files = files;
        this.fileAccess = fileAccess;
        this.system = system;
        this.gateway = gateway;
        this.config = config;
        this.controlAddress = controlAddress;
    }

    /** Starts a node from the full configuration (the {@code chorus.relay} section and Pekko's). */
    public static RelayNode start(Config config) throws IOException {
        Config resolved = config.withFallback(ConfigFactory.load()).resolve();
        boolean kubernetes = resolved.getBoolean("chorus.relay.kubernetes.enabled");
        if (kubernetes) {
            resolved = resolved.withValue("chorus.relay.cluster.enabled", ConfigValueFactory.fromAnyRef(true));
        }
        RelayConfig relay = RelayConfig.from(resolved);
        String sharedSecret = null;
        if (relay.clustered() && relay.cluster().secret().isBlank()) {
            // Never one of this node's own: resuming on another node and file copies between nodes need it shared.
            if (!kubernetes) {
                throw new IOException(MISSING_SECRET);
            }
            sharedSecret = KubernetesSecret.readOrCreate(kubernetesConfig(config, relay).withFallback(resolved).resolve());
            resolved = resolved.withValue("chorus.relay.cluster.secret", ConfigValueFactory.fromAnyRef(sharedSecret));
            relay = RelayConfig.from(resolved);
        }
        KubernetesFiles shared = kubernetes
                ? KubernetesFiles.apply(resolved, kubernetesConfig(config, relay).withFallback(resolved).resolve())
                : KubernetesFiles.NONE;
        resolved = shared.applyTo(resolved);
        relay = RelayConfig.from(resolved);
        ClusterTls clusterTls;
        try {
            clusterTls = clusterTls(config, relay, kubernetes, resolved);
        } catch (IOException | RuntimeException e) {
            shared.close();
            throw e;
        }
        // A node on its own is a cluster of one (remoting on loopback, an ephemeral port), so it runs
        // the same sharded rooms as a node of a cluster.
        resolved = clusterConfig(relay, clusterTls).withFallback(resolved).resolve();
        if (kubernetes) {
            resolved = kubernetesConfig(config, relay).withFallback(resolved).resolve();
        }
        if (sharedSecret != null) {
            resolved = resolved.withValue("chorus.relay.cluster.secret", ConfigValueFactory.fromAnyRef(sharedSecret));
        }
        resolved = shared.applyTo(resolved);
        try {
            return start(relay, resolved, kubernetes, clusterTls, shared);
        } catch (IOException | RuntimeException e) {
            clusterTls.close();
            shared.close();
            throw e;
        }
    }

    private static RelayNode start(RelayConfig relay, Config resolved, boolean kubernetes, ClusterTls clusterTls,
                                   KubernetesFiles shared) throws IOException {
        RelayTls tls = relayTls(relay);
        MediaGateway gateway = new MediaGateway(relay, new RelayStats());
        OpusFormat.warmUp(); // the mixer codes Opus in real time from its first tick
        if (relay.clustered()) {
            gateway.mediaIdBase((new SecureRandom().nextInt(1 << 15) + 1) << 16);
        }
        CompletableFuture<InetSocketAddress> bound = new CompletableFuture<>();
        FileStore files = new FileStore(relay.files().directory());
        if (!relay.clustered()) {
            // A node on its own forgets its rooms when it stops: files an earlier run left are orphans.
            int orphans = files.deleteRoomsUnchangedFor(relay.room().retention());
            if (orphans > 0) {
                LoggerFactory.getLogger(RelayNode.class).info(
                        "deleted the files of {} rooms an earlier run left in {}", orphans, files.root());
            }
        }
        FileAccess fileAccess = new FileAccess();
        ActorSystem<Guardian.Command> system = ActorSystem.create(
                Guardian.create(relay, gateway, files, fileAccess, tls, bound), "chorus", clusterTls.setup(resolved));
        try {
            Access.get(system); // reads (or makes) the token key now: a bad key file stops the start
        } catch (RuntimeException e) {
            system.terminate();
            gateway.close();
            throw new IOException("cannot load the access token key: " + (e.getCause() != null
                    ? e.getCause().getMessage() : e.getMessage()), e);
        }
        try {
            InetSocketAddress control = bound.get(30, TimeUnit.SECONDS);
            RelayNode node = new RelayNode(system, gateway, relay, control, files, fileAccess, tls, clusterTls, shared);
            if (kubernetes) {
                startBootstrap(system);
            }
            if (relay.metrics().enabled()) {
                String host = metricsHost(relay, kubernetes);
                int port = relay.metrics().port();
                node.metricsPort = new Metrics(gateway.stats(), gateway::participants, system)
                        .bind(host, port).toCompletableFuture()
                        .handle((binding, error) -> {
                            if (error != null) {
                                throw new CompletionException(new IOException("cannot listen on HTTP " + host
                                        + ":" + port + " for metrics (" + error.getMessage() + ")", error));
                            }
                            return binding.localAddress().getPort();
                        })
                        .get(30, TimeUnit.SECONDS);
            }
            return node;
        } catch (ExecutionException | TimeoutException | InterruptedException e) {
            var stoppedBy = CoordinatedShutdown.get(system).getShutdownReason();
            system.terminate();
            gateway.close();
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            if (stoppedBy.isPresent()) {
                // It stopped by itself while starting (refused by the cluster it joined, say): that is the reason.
                throw new IOException(whyStopped(system), cause);
            }
            if (cause instanceof IOException io) {
                throw io;
            }
            throw new IOException("cannot listen on TCP " + relay.listen().host() + ":" + relay.listen().controlPort()
                    + " (" + cause.getMessage() + ")", cause);
        }
    }

    /**
     * The control port's and file service's certificate (PEM files, or the kept self-signed one),
     * its fingerprint logged for users to compare; null, with a warning, when TLS is turned off.
     */
    private static RelayTls relayTls(RelayConfig relay) throws IOException {
        var log = LoggerFactory.getLogger(RelayNode.class);
        if (!relay.tls().enabled()) {
            log.warn("TLS is off (--plaintext, chorus.relay.tls.enabled = false): the control connection and the file "
                    + "service are plain text, so anyone on the network can read the media keys, the chat and the files");
            return null;
        }
        RelayTls tls = RelayTls.from(relay.tls(), List.of(relay.listen().host(), relay.listen().advertisedHost(),
                relay.cluster().hostname()));
        log.info("TLS on the control port and file service with {} certificate {}, fingerprint {}",
                tls.selfSigned() ? "the self-signed" : "the", tls.certificateFile(), tls.fingerprint());
        return tls;
    }

    static final String MISSING_SECRET = "a clustered node needs the cluster's secret, the same on every node "
            + "(it signs resume tokens and node-to-node file requests): set CHORUS_CLUSTER_SECRET "
            + "(chorus.relay.cluster.secret) on every node to one value, made once with e.g. "
            + "export CHORUS_CLUSTER_SECRET=\"$(head -c 32 /dev/urandom | base64)\" "
            + "(chorus cluster makes one for its nodes; on Kubernetes the relays share one through a Secret)";

    /** Why the node's actor system stopped when nobody asked it to, for the user. */
    static String whyStopped(ActorSystem<?> system) {
        var reason = CoordinatedShutdown.get(system).getShutdownReason();
        if (reason.isPresent() && reason.get() == CoordinatedShutdown.incompatibleConfigurationDetectedReason()) {
            return "the cluster refused this node: its configuration is not the cluster's, most likely its cluster "
                    + "secret (every node needs the same CHORUS_CLUSTER_SECRET); the log says which setting";
        }
        if (reason.isPresent() && reason.get() == CoordinatedShutdown.clusterDowningReason()) {
            return "the cluster downed this node (it lost contact with the majority)";
        }
        return "the relay stopped by itself" + reason.map(r -> " (" + r + ")").orElse("") + "; the log says why";
    }

    /**
     * This node's certificate for Artery's mutual TLS: from {@code chorus.relay.cluster.tls.directory},
     * on Kubernetes else from the Secret the relays share, for a relay alone one of its own.
     */
    private static ClusterTls clusterTls(Config overrides, RelayConfig relay, boolean kubernetes, Config resolved)
            throws IOException {
        ClusterTls.Shared shared = !kubernetes ? null : () -> KubernetesSecret.readOrCreate(
                kubernetesConfig(overrides, relay).withFallback(resolved).resolve(),
                resolved.getString("chorus.relay.kubernetes.cluster-tls-secret"), KubernetesSecret.TLS_TYPE,
                ClusterTls::newSharedCertificate);
        return ClusterTls.of(relay.cluster().tlsDirectory(), relay.clustered(), shared);
    }

    /**
     * Where {@code /metrics} listens: {@code chorus.relay.metrics.host}, or by default 127.0.0.1, and on
     * Kubernetes the pod's address (where Prometheus scrapes it and the NetworkPolicy guards it).
     */
    static String metricsHost(RelayConfig relay, boolean kubernetes) {
        if (!relay.metrics().host().isBlank()) {
            return relay.metrics().host();
        }
        return kubernetes ? clusterHostname(relay) : "127.0.0.1";
    }

    /** The hostname other nodes reach this one on. */
    static String clusterHostname(RelayConfig relay) {
        if (!relay.cluster().hostname().isEmpty()) {
            return relay.cluster().hostname();
        }
        return relay.listen().host().equals("0.0.0.0") ? "127.0.0.1" : relay.listen().host();
    }

    /**
     * Pekko Cluster settings from {@code chorus.relay.cluster}: Artery on the cluster port over mutual
     * TLS with this node's certificate ({@code tls}), the seeds, the Split Brain Resolver
     * (keep-majority), jackson-cbor for node-to-node messages, and the join check that keeps out a
     * node with another secret ({@link SecretCheck}).
     * A node on its own is a cluster of one: Artery on 127.0.0.1 and an ephemeral port, no seeds.
     */
    public static Config clusterConfig(RelayConfig relay, ClusterTls tls) {
        List<String> seeds = new ArrayList<>();
        for (String seed : relay.cluster().seeds()) {
            seeds.add("pekko://chorus@" + seed);
        }
        Map<String, Object> settings = new HashMap<>();
        settings.put("pekko.actor.provider", "cluster");
        settings.put("pekko.remote.artery.canonical.hostname", relay.clustered() ? clusterHostname(relay) : "127.0.0.1");
        settings.put("pekko.remote.artery.canonical.port", relay.clustered() ? relay.cluster().port() : 0);
        settings.put("pekko.cluster.seed-nodes", seeds);
        // The drain (the first phase) may take its whole timeout.
        settings.put("pekko.coordinated-shutdown.phases.before-service-unbind.timeout",
                relay.drain().timeout().plusSeconds(5).toMillis() + "ms");
        // A room's entity keeps an empty room for the retention: it must not be passivated before.
        settings.put("pekko.cluster.sharding.passivation.default-idle-strategy.idle-entity.timeout",
                relay.room().retention().plusMinutes(1).toMillis() + "ms");
        if (!relay.clustered()) {
            // Alone, the node is its own leader (Up within 100 ms, not a second) and has nobody to hand
            // its rooms to: a message still on its way to a room when it stops (a member's leave)
            // holds the hand-off for a second, and leaving (a second when all is well) for two, rather than ten each.
            settings.put("pekko.cluster.leader-actions-interval", "100ms");
            settings.put("pekko.coordinated-shutdown.phases.cluster-sharding-shutdown-region.timeout", "1s");
            settings.put("pekko.coordinated-shutdown.phases.cluster-exiting.timeout", "2s");
        }
        if (relay.clustered()) {
            settings.put(SecretCheck.KEY, new ClusterPeers(relay.cluster().secret()).secretCheck());
        }
        return ConfigFactory.parseMap(settings).withFallback(tls.artery())
                .withFallback(ConfigFactory.parseResources("chorus-cluster.conf"));
    }

    /**
     * Pekko Management and Cluster Bootstrap settings for a relay pod ({@code chorus-kubernetes.conf}),
     * under what the caller and system properties say: the management endpoint on the cluster
     * hostname (the pod's IP), which is where the other pods' bootstrap finds it.
     */
    static Config kubernetesConfig(Config overrides, RelayConfig relay) {
        return overrides.withFallback(ConfigFactory.systemProperties())
                .withFallback(ConfigFactory.parseMap(Map.of("pekko.management.http.hostname", clusterHostname(relay))))
                .withFallback(ConfigFactory.parseResources("chorus-kubernetes.conf"));
    }

    /**
     * The health endpoints ({@code /ready} turns 200 once this node is Up in the cluster, {@code /alive})
     * and Cluster Bootstrap, which forms or joins the cluster with the pods Kubernetes lists.
     */
    private static void startBootstrap(ActorSystem<Guardian.Command> system) throws ExecutionException, InterruptedException,
            TimeoutException {
        var classic = Adapter.toClassic(system);
        PekkoManagement.get(classic).start()
                .toCompletableFuture().get(30, TimeUnit.SECONDS);
        ClusterBootstrap.get(classic).start();
    }

    /** The control port's and file service's certificate; null when they speak plain text. */
    public RelayTls tls() {
        return tls;
    }

    /** The port of Pekko Management's HTTP endpoint, or -1 when it is not started. */
    public int managementPort() {
        var c = system.settings().config();
        return c.getBoolean("chorus.relay.kubernetes.enabled") ? c.getInt("pekko.management.http.port") : -1;
    }

    /** Starts a node on 127.0.0.1 with ephemeral ports, for tests and local tools. */
    public static RelayNode startOnLoopback(Config overrides) throws IOException {
        return start(overrides.withFallback(ConfigFactory.parseMap(Map.of("chorus.relay.host", "127.0.0.1",
                "chorus.relay.control-port", 0, "chorus.relay.video-port", 0, "chorus.relay.audio-port", 0,
                "chorus.relay.files.port", 0, "chorus.relay.metrics.port", 0))));
    }

    public InetSocketAddress controlAddress() {
        return controlAddress;
    }

    public int controlPort() {
        return controlAddress.getPort();
    }

    public int videoPort() {
        return gateway.port(MediaPort.VIDEO);
    }

    public int audioPort() {
        return gateway.port(MediaPort.AUDIO);
    }

    public int filesPort() {
        return fileAccess.port();
    }

    /** The port of {@code /metrics} (Prometheus text), or -1 when metrics are off. */
    public int metricsPort() {
        return metricsPort;
    }

    public FileStore files() {
        return files;
    }

    public RelayStats stats() {
        return gateway.stats();
    }

    /** The media path, for what it counts per receiver and per remote sender ({@link MediaGateway#forwardedTo}). */
    public MediaGateway gateway() {
        return gateway;
    }

    public RelayConfig config() {
        return config;
    }

    /** This node's cluster address as {@code HOST:PORT} (what other nodes give as a seed). */
    public String clusterAddress() {
        var a = system.address();
        return a.getHost().get() + ":" + a.getPort().get();
    }

    public ActorSystem<Guardian.Command> system() {
        return system;
    }

    /**
     * The line scripts wait for ({@link ReadyLine}); ports are the real ones when 0 was asked. The
     * access mode comes last ({@code access=tokens|open}).
     */
    public String readyLine() {
        return ReadyLine.relay(config.listen().host(), controlPort(), videoPort(), audioPort(),
                config.clustered() ? clusterAddress() : null, filesPort(), metricsPort())
                .withTls(tls == null ? "off" : tls.fingerprint()).toString()
                + " access=" + Access.get(system).mode().wire();
    }

    @Override
    public void close() {
        system.terminate();
        try {
            // A clustered node drains first (up to its drain timeout), then hands off its rooms and leaves.
            system.getWhenTerminated().toCompletableFuture().get(config.drain().timeout().plusSeconds(20).toMillis(),
                    TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            // closing anyway
        }
        gateway.close();
        clusterTls.close();
        kubernetesFiles.close();
    }
}
