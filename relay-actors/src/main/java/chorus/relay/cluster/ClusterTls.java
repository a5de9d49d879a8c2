package chorus.relay.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.pekko.actor.BootstrapSetup;
import org.apache.pekko.actor.setup.ActorSystemSetup;
import org.apache.pekko.remote.artery.tcp.SSLEngineProviderSetup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's certificate for Pekko Artery's mutual TLS, and where it came from: the directory
 * {@code chorus.relay.cluster.tls.directory} names ({@code tls.crt}, {@code tls.key}, {@code ca.crt},
 * reread by Pekko as they rotate); on Kubernetes without one, the Secret the relays share
 * ({@link KubernetesSecret}); for a relay alone, a certificate of its own made in memory (on the
 * first connection to it) and trusted by nothing else ({@link EphemeralTls}), so no other process
 * can join it even on loopback.
 */
public final class ClusterTls implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ClusterTls.class);
    private static final String ENGINE = "pekko.remote.artery.ssl.rotating-keys-engine.";

    static final String MISSING = "a clustered node needs the cluster's certificate (Pekko Artery mutual TLS: only "
            + "nodes holding a certificate from the cluster's CA can join): set CHORUS_CLUSTER_TLS_DIR "
            + "(chorus.relay.cluster.tls.directory) to a directory with tls.crt, tls.key and ca.crt; make them with "
            + "`chorus cluster-certs --out DIR` (then CHORUS_CLUSTER_TLS_DIR=DIR/node on every node), or with "
            + "cert-manager (the Secret's files are these three)";

    private final Path directory;
    private final boolean own;
    private final EphemeralTls ephemeral;

    private ClusterTls(Path directory, boolean own, EphemeralTls ephemeral) {
        this.directory = directory;
        this.own = own;
        this.ephemeral = ephemeral;
    }

    /**
     * Finds or makes this node's certificate.
     *
     * @param configured {@code chorus.relay.cluster.tls.directory}, or empty
     * @param clustered  whether the node forms or joins a cluster of several nodes
     * @param shared     on Kubernetes, reads (or makes) the relays' shared certificate; else null
     * @throws IOException saying what to do when a clustered node has no certificate
     */
    public static ClusterTls of(String configured, boolean clustered, Shared shared) throws IOException {
        if (!configured.isBlank()) {
            Path dir = Path.of(configured);
            if (ClusterCertificates.present(dir)) {
                return new ClusterTls(dir.toAbsolutePath(), false, null);
            }
            if (shared == null) {
                throw new IOException(dir + " lacks " + String.join(", ", ClusterCertificates.missing(dir)) + ": " + MISSING);
            }
        }
        if (shared != null) {
            Path dir = privateDirectory();
            ClusterCertificates.writeFiles(dir, shared.files());
            return new ClusterTls(dir, true, null);
        }
        if (clustered) {
            throw new IOException(MISSING);
        }
        return new ClusterTls(null, false, new EphemeralTls());
    }

    /** The relays' one certificate on Kubernetes, read from or made into their Secret. */
    @FunctionalInterface
    public interface Shared {
        Map<String, byte[]> files() throws IOException;
    }

    /**
     * A certificate for a whole cluster, which the nodes share: its own CA (one RSA key; a fresh JVM
     * spends about a second of CPU on each), so nothing else can be issued from it.
     */
    public static Map<String, byte[]> newSharedCertificate() {
        try {
            return ClusterCertificates.selfSigned(ClusterCertificates.SUBJECT, List.of(ClusterCertificates.SUBJECT),
                    Duration.ofDays(3650)).files();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The certificate's directory, or null for a relay alone (its certificate is in memory). */
    public Path directory() {
        return directory;
    }

    /** Artery over TLS with mutual authentication ({@code chorus-cluster.conf}) reading these files. */
    public Config artery() {
        if (directory == null) {
            return ConfigFactory.empty();
        }
        return ConfigFactory.parseMap(Map.of(
                ENGINE + "key-file", directory.resolve(ClusterCertificates.PRIVATE_KEY).toString(),
                ENGINE + "cert-file", directory.resolve(ClusterCertificates.CERTIFICATE).toString(),
                ENGINE + "ca-cert-file", directory.resolve(ClusterCertificates.CA_CERTIFICATE).toString()));
    }

    /** The actor system's setup: {@code config}, and for a relay alone its in-memory TLS. */
    public ActorSystemSetup setup(Config config) {
        ActorSystemSetup setup = ActorSystemSetup.create(BootstrapSetup.create(config));
        return ephemeral == null ? setup : setup.withSetup(SSLEngineProviderSetup.create(system -> ephemeral));
    }

    private static Path privateDirectory() throws IOException {
        // Owner-only (createTempDirectory's default on POSIX); removed when the node stops.
        Path dir = Files.createTempDirectory("chorus-cluster-tls-");
        dir.toFile().deleteOnExit();
        return dir;
    }

    /** Deletes the files this node made or copied for itself (never an operator's directory). */
    @Override
    public void close() {
        if (!own) {
            return;
        }
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            log.debug("could not delete {}: {}", directory, e.toString());
        }
    }
}
