package chorus.relay.cluster;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * What a clustered node knows of its peers for failover: their control and file endpoints (kept
 * current by {@link NodeDirectory}) for the welcome and for fetching file bytes, and the cluster
 * secret, which signs resume tokens (any node can check one) and authorises node-to-node file
 * requests. Thread-safe: connections and the file service read it.
 */
public final class ClusterPeers {
    /**
     * One other node, as its clients and its peers reach it.
     *
     * @param tlsFingerprint {@code sha256:HEX} of the certificate its file service presents, or
     *                       empty when it speaks plain text
     */
    public record Peer(String node, String host, int controlPort, int filesPort, String tlsFingerprint) {
        public String control() {
            return (host.contains(":") ? "[" + host + "]" : host) + ":" + controlPort;
        }
    }

    private final byte[] secret;
    private volatile Map<String, Peer> peers = Map.of();
    private volatile long version;

    /**
     * @param secret {@code chorus.relay.cluster.secret}, the same on every node (never one of this
     *               node's own: then resuming elsewhere and node-to-node file requests would fail)
     */
    public ClusterPeers(String secret) {
        if (secret.isBlank()) {
            throw new IllegalArgumentException("a clustered node needs the cluster's shared secret");
        }
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
    }

    /** The other Up, reachable nodes, by cluster address. */
    public Map<String, Peer> peers() {
        return peers;
    }

    /** Their control endpoints ({@code host:port}), as the welcome gives them. */
    public List<String> controlEndpoints() {
        return peers.values().stream().map(Peer::control).sorted().toList();
    }

    /** Increases whenever the peers change, so a connection knows when to send a {@code nodes} message. */
    public long version() {
        return version;
    }

    void peers(Map<String, Peer> now) {
        if (!now.equals(peers)) {
            peers = Map.copyOf(now);
            version++;
        }
    }

    /** The token that lets {@code participantId} come back into {@code room} through any node. */
    public String resumeToken(String participantId, String room) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(
                mac("resume\n" + room + "\n" + participantId));
    }

    public boolean validResume(String participantId, String room, String token) {
        if (participantId == null || token == null) {
            return false;
        }
        return MessageDigest.isEqual(resumeToken(participantId, room).getBytes(StandardCharsets.US_ASCII),
                token.getBytes(StandardCharsets.US_ASCII));
    }

    /** The bearer credential one node shows another's file service. */
    public String nodeCredential() {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(mac("node-files"));
    }

    public boolean validNodeCredential(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Node ", 0, 5)) {
            return false;
        }
        return MessageDigest.isEqual(nodeCredential().getBytes(StandardCharsets.US_ASCII),
                authorization.substring(5).trim().getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * What tells this node's secret from another one without giving it away: nodes compare it when
     * one joins ({@link SecretCheck}).
     */
    public String secretCheck() {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(mac("secret-check"));
    }

    private byte[] mac(String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
