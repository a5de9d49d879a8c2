package chorus.relay.config;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.List;

/** Forming or joining a Pekko Cluster: {@code chorus.relay.cluster}. */
public record ClusterConfig(boolean enabled, List<String> seeds, String hostname, int port, Duration resumeGrace,
                            String secret, String tlsDirectory) {

    /** True when this node is to form or join a cluster of several nodes (else it is a cluster of one). */
    public boolean clustered() {
        return enabled || !seeds.isEmpty();
    }

    /** @param relay the {@code chorus.relay} section */
    static ClusterConfig from(Config relay) {
        Config c = relay.getConfig("cluster");
        return new ClusterConfig(c.getBoolean("enabled"), c.getStringList("seeds"), c.getString("hostname"),
                c.getInt("port"), c.getDuration("resume-grace"), c.getString("secret"),
                c.getString("tls.directory"));
    }
}
