package chorus.relay.tls;

import chorus.protocol.tls.PinnedTrustManager;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLEngine;
import org.apache.pekko.http.javadsl.ConnectionContext;
import org.apache.pekko.http.javadsl.HttpsConnectionContext;

/**
 * How a node trusts another node's file service: by the certificate fingerprint that node
 * published in the cluster's node directory (which only members write). On Kubernetes every pod
 * has the same certificate from one Secret, so it is one fingerprint; self-signed nodes each have
 * their own. No CA or host name is involved. One HTTPS context per fingerprint, kept: Pekko HTTP
 * pools connections per context.
 */
public final class PeerTrust {
    private final ConcurrentHashMap<String, HttpsConnectionContext> contexts = new ConcurrentHashMap<>();

    /** An HTTPS client context that accepts only the certificate with this fingerprint. */
    public HttpsConnectionContext context(String fingerprint) {
        return contexts.computeIfAbsent(fingerprint, f -> {
            var ssl = PinnedTrustManager.context(f);
            return ConnectionContext.httpsClient((host, port) -> {
                SSLEngine engine = ssl.createSSLEngine(host, port);
                engine.setUseClientMode(true);
                engine.setEnabledProtocols(RelayTls.PROTOCOLS);
                return engine;
            });
        });
    }
}
