package chorus.relay.files;

import chorus.protocol.control.ControlMessage.FileInfo;
import chorus.relay.cluster.ClusterPeers;
import chorus.relay.cluster.ClusterPeers.Peer;
import chorus.relay.metrics.RelayStats;
import chorus.relay.metrics.RelayStats.PeerTraffic;
import chorus.relay.tls.PeerTrust;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.stream.javadsl.FileIO;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client side of node-to-node file traffic in a cluster: pushing a copy of a new upload to
 * another node, and fetching the bytes of a file this node lacks from a node that holds them. The
 * other side is {@link FileService}'s {@code /nodes/rooms/{room}/files/{fileId}}.
 */
final class PeerFiles {
    private static final Logger log = LoggerFactory.getLogger(PeerFiles.class);

    private final ActorSystem<?> system;
    private final FileStore store;
    private final ClusterPeers peers;
    /** Counts file bytes to and from each peer node. */
    private final RelayStats stats;
    /** This node's cluster address, sent with each request so the other side can count it. */
    private final String selfNode;
    private final PeerTrust trust = new PeerTrust();

    PeerFiles(ActorSystem<?> system, FileStore store, ClusterPeers peers, RelayStats stats) {
        this.system = system;
        this.store = store;
        this.peers = peers;
        this.stats = stats;
        this.selfNode = Cluster.get(system).selfMember().address().toString();
    }

    /**
     * Pushes a complete upload to one other node (the first by address), so its bytes are on two
     * nodes before the room hears of it; completes either way (a failed copy is logged).
     */
    CompletionStage<Void> copy(String room, FileInfo info) {
        if (peers.peers().isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        Peer peer = peers.peers().values().stream().min(Comparator.comparing(Peer::node)).orElseThrow();
        Path file = store.file(room, info.fileId());
        HttpRequest request = fromThisNode(HttpRequest.PUT(nodeUri(peer, room, info.fileId())))
                .addHeader(RawHeader.create(FileService.SHA256_HEADER, info.sha256()))
                .withEntity(HttpEntities.create(ContentTypes.APPLICATION_OCTET_STREAM, info.size(), FileIO.fromPath(file)));
        return send(request, peer).handle((rsp, failure) -> {
            if (rsp != null) {
                rsp.discardEntityBytes(system);
            }
            if (failure != null || !rsp.status().isSuccess()) {
                log.warn("room={} file {}: no copy on {} ({})", room, info.fileId(), peer.node(),
                        failure != null ? failure.toString() : rsp.status());
            } else {
                stats.peer(peer.node()).fileBytesSent(info.size());
                log.info("room={} file {}: copy on {}", room, info.fileId(), peer.node());
            }
            return null;
        });
    }

    /**
     * The bytes of a file this node lacks, from the first other node that holds them, counted as
     * they stream through; empty when no node that answers holds them.
     */
    CompletionStage<Optional<Source<ByteString, ?>>> fetch(String room, String fileId) {
        return fetch(room, fileId, List.copyOf(peers.peers().values()));
    }

    private CompletionStage<Optional<Source<ByteString, ?>>> fetch(String room, String fileId, List<Peer> candidates) {
        if (candidates.isEmpty()) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        Peer peer = candidates.get(0);
        PeerTraffic from = stats.peer(peer.node());
        return send(fromThisNode(HttpRequest.GET(nodeUri(peer, room, fileId))), peer)
                .handle((rsp, failure) -> {
                    if (rsp != null && rsp.status().isSuccess()) {
                        Optional<Source<ByteString, ?>> bytes = Optional.of(counted(rsp, from));
                        return CompletableFuture.completedFuture(bytes);
                    }
                    if (rsp != null) {
                        rsp.discardEntityBytes(system);
                    }
                    return fetch(room, fileId, candidates.subList(1, candidates.size()));
                })
                .thenCompose(next -> next);
    }

    /** A peer's answer's bytes, counted as they stream through to the client. */
    private static Source<ByteString, ?> counted(HttpResponse rsp, PeerTraffic from) {
        return rsp.entity().getDataBytes().map(chunk -> {
            from.fileBytesReceived(chunk.size());
            return chunk;
        });
    }

    /** The cluster credential and this node's name, on every node-to-node request. */
    private HttpRequest fromThisNode(HttpRequest request) {
        return request.addHeader(RawHeader.create("Authorization", "Node " + peers.nodeCredential()))
                .addHeader(RawHeader.create(FileService.NODE_HEADER, selfNode));
    }

    /** Over HTTPS trusting the certificate the peer published, or plain HTTP to a plain-text peer. */
    private CompletionStage<HttpResponse> send(HttpRequest request, Peer peer) {
        return peer.tlsFingerprint().isEmpty() ? Http.get(system).singleRequest(request)
                : Http.get(system).singleRequest(request, trust.context(peer.tlsFingerprint()));
    }

    private static String nodeUri(Peer peer, String room, String fileId) {
        return (peer.tlsFingerprint().isEmpty() ? "http://" : "https://") + (peer.host().contains(":") ? "[" + peer.host() + "]" : peer.host()) + ":" + peer.filesPort()
                + "/nodes/rooms/" + URLEncoder.encode(room, StandardCharsets.UTF_8).replace("+", "%20")
                + "/files/" + fileId;
    }
}
