package chorus.relay;

import chorus.relay.cluster.ClusterCertificates;
import chorus.relay.cluster.ClusterTls;
import chorus.relay.config.RelayConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Cluster certificates for tests, made as {@code chorus cluster-certs} makes them: one test CA per
 * JVM, and a node directory ({@code tls.crt}, {@code tls.key}, {@code ca.crt}) per node under
 * {@code target/cluster-certs} (so mvn clean removes them). Also a stranger's: a certificate from
 * another CA, which the cluster must refuse.
 */
public final class ClusterCerts {
    private static final Path ROOT = Path.of("target", "cluster-certs", Long.toString(ProcessHandle.current().pid()))
            .toAbsolutePath();
    private static final AtomicInteger NODES = new AtomicInteger();
    private static ClusterCertificates.Authority testCa;

    private ClusterCerts() {
    }

    /** The test cluster's CA (made once per JVM). */
    public static synchronized ClusterCertificates.Authority ca() {
        if (testCa == null) {
            testCa = ClusterCertificates.Authority.create("Chorus test cluster CA", Duration.ofDays(2));
        }
        return testCa;
    }

    /** A new node directory with a certificate from the test cluster's CA. */
    public static Path node() {
        return write(ca(), "node-");
    }

    /** A node directory whose certificate comes from another CA (its own, made here). */
    public static Path fromAnotherCa() {
        return write(ClusterCertificates.Authority.create("Chorus test cluster CA", Duration.ofDays(2)), "stranger-");
    }

    /** What a relay alone uses: a certificate of its own, for a test kit that runs a cluster of one. */
    public static ClusterTls alone(RelayConfig config) {
        try {
            return ClusterTls.of(config.cluster().tlsDirectory(), false, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The directory as HOCON wants it in a string. */
    public static String hocon(Path dir) {
        return dir.toString().replace("\\", "/");
    }

    private static Path write(ClusterCertificates.Authority ca, String prefix) {
        try {
            Path dir = Files.createDirectories(ROOT.resolve(prefix + NODES.incrementAndGet()));
            ca.issue(List.of("test-node"), Duration.ofDays(2)).write(dir);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
