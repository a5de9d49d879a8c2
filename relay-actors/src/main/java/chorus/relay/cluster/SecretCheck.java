package chorus.relay.cluster;

import com.typesafe.config.Config;
import java.util.List;
import org.apache.pekko.cluster.ConfigValidation;
import org.apache.pekko.cluster.Invalid;
import org.apache.pekko.cluster.JoinConfigCompatChecker;
import org.apache.pekko.cluster.Valid;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Keeps a node whose cluster secret is not the cluster's out of it. Pekko's join-time
 * configuration check compares {@value #KEY} ({@link ClusterPeers#secretCheck}, an HMAC under the
 * secret, never the secret itself) between the joining node and the one it joins; on a mismatch the
 * joining node is refused and shuts down (Pekko's {@code IncompatibleConfigurationDetected}), and
 * {@code chorus server} exits saying why. Enabled by {@code RelayNode.clusterConfig}.
 */
public final class SecretCheck extends JoinConfigCompatChecker {
    // Not under chorus.relay.cluster.secret: Pekko drops every key that starts with a sensitive path.
    public static final String KEY = "chorus.relay.cluster.shared-secret-check";

    @Override
    public Seq<String> requiredKeys() {
        return CollectionConverters.asScala(List.of(KEY)).toList();
    }

    @Override
    public ConfigValidation check(Config toCheck, Config actualConfig) {
        // A node from before this check sends no value: let it in (it had no shared secret to compare).
        if (!toCheck.hasPath(KEY) || !actualConfig.hasPath(KEY)
                || toCheck.getString(KEY).equals(actualConfig.getString(KEY))) {
            return Valid.getInstance();
        }
        return new Invalid(CollectionConverters.asScala(List.of("the joining node's cluster secret is not this "
                + "cluster's: every node needs the same CHORUS_CLUSTER_SECRET (chorus.relay.cluster.secret)")).toList());
    }
}
