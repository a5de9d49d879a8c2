package chorus.relay.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code chorus cluster-certs}: the cluster's CA and node certificates for operators without
 * cert-manager. {@code DIR/ca.crt} and {@code DIR/ca.key} are the CA (made on the first run, reused
 * after to issue more); each node gets {@code DIR/NAME/} with {@code tls.crt}, {@code tls.key} and
 * {@code ca.crt}, the directory {@code CHORUS_CLUSTER_TLS_DIR} names. The CA key never goes on a node.
 */
@Command(name = "cluster-certs", mixinStandardHelpOptions = true,
        description = "Make the relay cluster's CA and node certificates (Pekko Artery mutual TLS).")
public final class ClusterCertsMain implements Callable<Integer> {

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "Where the CA (ca.crt, ca.key) is, or is made, and each node's directory goes.")
    Path out;

    @Option(names = "--node", paramLabel = "NAME", defaultValue = "node",
            description = "A node directory DIR/NAME to write (repeatable; default: node). NAME is also a DNS name in its certificate.")
    List<String> nodes;

    @Option(names = "--days", defaultValue = "365", description = "How long node certificates are valid (default 365).")
    int days;

    @Option(names = "--force", description = "Replace node certificates already in DIR/NAME (rotation).")
    boolean force;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ClusterCertsMain()).execute(args));
    }

    @Override
    public Integer call() {
        try {
            ClusterCertificates.Authority ca;
            if (Files.exists(out.resolve(ClusterCertificates.CA_KEY))) {
                ca = ClusterCertificates.Authority.read(out);
                System.out.println("using the CA in " + out.resolve(ClusterCertificates.CA_CERTIFICATE));
            } else {
                ca = ClusterCertificates.Authority.create("Chorus cluster CA", Duration.ofDays(3650));
                ca.write(out);
                System.out.println("made the cluster CA: " + out.resolve(ClusterCertificates.CA_CERTIFICATE)
                        + " and its key " + out.resolve(ClusterCertificates.CA_KEY) + " (keep it off the nodes)");
            }
            for (String node : nodes) {
                Path dir = out.resolve(node);
                if (!force && Files.exists(dir.resolve(ClusterCertificates.PRIVATE_KEY))) {
                    System.err.println("chorus cluster-certs: " + dir + " already holds a node certificate; "
                            + "--force replaces it");
                    return 1;
                }
                ca.issue(List.of(node), Duration.ofDays(days)).write(dir);
                System.out.println("node certificate: " + dir + "  (on that node: CHORUS_CLUSTER_TLS_DIR=" + dir + ")");
            }
            return 0;
        } catch (IOException | RuntimeException e) {
            System.err.println("chorus cluster-certs: " + e.getMessage());
            return 1;
        }
    }
}
