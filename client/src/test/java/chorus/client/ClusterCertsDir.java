package chorus.client;

import chorus.relay.cluster.ClusterCertificates;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A cluster certificate for the relay clusters these tests start (Artery mutual TLS): one test CA
 * and one node certificate per JVM, which every node of a test cluster shares, under
 * {@code target/cluster-certs} (so mvn clean removes it). As {@code chorus cluster-certs} makes them.
 */
final class ClusterCertsDir {
    private static Path node;

    private ClusterCertsDir() {
    }

    /** The directory {@code chorus.relay.cluster.tls.directory} names: tls.crt, tls.key, ca.crt. */
    static synchronized Path node() throws IOException {
        if (node == null) {
            Path dir = Files.createDirectories(Path.of("target", "cluster-certs",
                    Long.toString(ProcessHandle.current().pid())).toAbsolutePath());
            ClusterCertificates.Authority.create("Chorus test cluster CA", Duration.ofDays(2))
                    .issue(List.of(), Duration.ofDays(2)).write(dir);
            node = dir;
        }
        return node;
    }

    /** As HOCON wants it in a string. */
    static String hocon() throws IOException {
        return node().toString().replace("\\", "/");
    }
}
