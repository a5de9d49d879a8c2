package chorus.relay.media;

import chorus.protocol.media.DropReason;
import chorus.protocol.media.KeyframeRequest;
import chorus.protocol.media.MediaHeader;
import chorus.protocol.media.MediaKind;
import chorus.protocol.media.Nack;
import chorus.protocol.media.RetransmissionBuffer;
import chorus.relay.config.MediaConfig;
import chorus.relay.metrics.Limit;
import chorus.relay.metrics.RelayStats;
import chorus.relay.metrics.Recovery;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Video loss recovery at the relay: keeps what it forwards of each sender stream
 * ({@link RetransmissionBuffer}), answers a receiver's NACK from it to that receiver only, and
 * passes keyframe requests on to a stream's sender (or to the peer node it is connected to)
 * coalesced per interval per layer ({@link KeyframeRequests}), asking senders itself when a
 * receiver waits to switch layers. A receiver's feedback is rate-limited per participant and
 * answered only for a stream it is forwarded; a NACK is never passed to the sender. Everything but
 * {@link #ask} runs on the video port's receive threads: a sender's own state under its lock, another
 * sender's buffer (for a NACK) under that sender's video lock, working memory per thread.
 */
final class LossRecovery {
    /** Seals a datagram with a member's key (relay to client, video port) and sends it to {@code to}. */
    @FunctionalInterface
    interface ToMember {
        void send(MediaRoute member, ByteBuffer clear, InetSocketAddress to, MediaKind kind);
    }

    /** Seals a datagram with this node's key (node to node, video port) and sends it to a peer node's video socket. */
    @FunctionalInterface
    interface ToNode {
        void send(ByteBuffer clear, InetSocketAddress nodeVideo);
    }

    private final RouteTable<MediaRoute> routes;
    private final RouteTable<MediaRoute.Remote> remotes;
    private final RelayStats stats;
    private final ToMember toMember;
    private final ToNode toNode;
    private final KeyframeRequests keyframes;
    /** Sequence numbers of the keyframe requests this node sends. */
    private final AtomicLong requestSequence = new AtomicLong();
    /** A receive thread's working memory: a resent datagram is copied here before it is sealed; uplink gaps and the NACK for them. */
    private static final class Scratch {
        final ByteBuffer resend = ByteBuffer.allocate(MediaHeader.MAX_DATAGRAM);
        /** What a local sender's path lost before the relay, asked of the sender. */
        final long[] uplinkDue = new long[Nack.MAX_ENTRIES];
        final ByteBuffer uplinkNack = ByteBuffer.allocate(MediaHeader.MAX_DATAGRAM);
    }

    private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);

    LossRecovery(MediaConfig.Recovery config, RouteTable<MediaRoute> routes, RouteTable<MediaRoute.Remote> remotes,
                 RelayStats stats, ToMember toMember, ToNode toNode) {
        this.routes = routes;
        this.remotes = remotes;
        this.stats = stats;
        this.toMember = toMember;
        this.toNode = toNode;
        this.keyframes = new KeyframeRequests(config.keyframeRequestInterval().toNanos());
    }

    /**
     * A video or screen datagram from {@code sender}, connected here, that was just forwarded:
     * kept for receivers' NACKs, and a gap before it in its layer's stream (lost on the sender's own
     * path, so in no buffer) asked of the sender with a NACK once it stays open past reordering.
     * Whatever the sender resends is forwarded as it arrives, to every receiver at once.
     */
    void forwarded(MediaRoute sender, ByteBuffer clear, MediaKind kind, long nowNanos) {
        forwarded(sender.video, clear, kind, nowNanos);
        int layer = MediaHeader.layer(clear, 0);
        Scratch s = scratch.get();
        long[] uplinkDue = s.uplinkDue;
        int due = sender.video.forwarded.gaps(kind, layer).offer(MediaHeader.sequence(clear, 0), nowNanos, uplinkDue);
        InetSocketAddress to = sender.routed(MediaPort.VIDEO);
        if (due > 0 && to != null) {
            ByteBuffer uplinkNack = s.uplinkNack;
            uplinkNack.clear(); // absolute writes: the last NACK's limit must not bound this one
            Nack.encode(uplinkNack, sender.mediaId, requestSequence.getAndIncrement(), sender.mediaId, kind, layer,
                    uplinkDue, due);
            stats.recovered(Recovery.NACK_SENT); // before the send: whoever sees the NACK sees it counted
            toMember.send(sender, uplinkNack, to, MediaKind.NACK);
        }
    }

    /** A video or screen datagram of {@code sender}'s that was just forwarded: kept for NACKs. */
    void forwarded(VideoSender sender, ByteBuffer clear, MediaKind kind, long nowNanos) {
        sender.forwarded.store(clear, kind, nowNanos);
    }

    /** A NACK from {@code receiver}, opened and fresh: the named datagrams it may have, resent to it. */
    void onNack(MediaRoute receiver, ByteBuffer clear, long nowNanos) {
        if (!receiver.nacks.take(1, nowNanos)) {
            stats.limitHit(Limit.NACK_RATE);
            return;
        }
        if (!Nack.valid(clear)) {
            stats.dropped(DropReason.BAD_LENGTH);
            return;
        }
        stats.recovered(Recovery.NACK_RECEIVED);
        int target = Nack.targetMediaId(clear);
        MediaKind kind = Nack.targetKind(clear);
        int layer = Nack.targetLayer(clear);
        // Looked up once and checked: the sender may leave (its route removed) on the room's thread meanwhile.
        VideoSender sender = target == receiver.mediaId ? null : videoSender(target);
        InetSocketAddress to = receiver.routed(MediaPort.VIDEO);
        if (sender == null || to == null) {
            stats.recovered(Recovery.NOT_BUFFERED);
            return;
        }
        // The sender's thread forwards (and buffers) under this lock: another receive thread's, maybe.
        synchronized (sender) {
            resend(receiver, sender, clear, kind, layer, to, nowNanos);
        }
    }

    private void resend(MediaRoute receiver, VideoSender sender, ByteBuffer clear, MediaKind kind, int layer,
                        InetSocketAddress to, long nowNanos) {
        // Only a stream the receiver is forwarded now: one it did not subscribe to never leaves the relay for it.
        RetransmissionBuffer buffer = sender.switches.isOn(receiver.mediaId, kind, layer) ? sender.forwarded.of(kind, layer)
                : null;
        if (buffer == null) {
            stats.recovered(Recovery.NOT_BUFFERED);
            return;
        }
        ByteBuffer resend = scratch.get().resend;
        int entries = Nack.entries(clear);
        for (int e = 0; e < entries; e++) {
            long first = Nack.firstSequence(clear, e);
            int mask = Nack.bitmask(clear, e);
            for (int bit = -1; bit < 16; bit++) {
                if (bit >= 0 && (mask & (1 << bit)) == 0) {
                    continue;
                }
                if (!receiver.nacks.take(1, nowNanos)) {
                    stats.limitHit(Limit.NACK_RATE);
                    return;
                }
                long sequence = (first + 1 + bit) & 0xFFFF_FFFFL;
                if (buffer.copy(sequence, resend, nowNanos)) {
                    stats.recovered(Recovery.RETRANSMITTED);
                    toMember.send(receiver, resend, to, kind);
                } else {
                    stats.recovered(Recovery.NOT_BUFFERED);
                }
            }
        }
    }

    /** A keyframe request from {@code receiver}, opened and fresh: passed to the stream's sender, coalesced. */
    void onKeyframeRequest(MediaRoute receiver, ByteBuffer clear, long nowNanos) {
        if (!receiver.keyframeRequests.take(1, nowNanos)) {
            stats.limitHit(Limit.KEYFRAME_REQUEST_RATE);
            return;
        }
        if (!KeyframeRequest.valid(clear)) {
            stats.dropped(DropReason.BAD_LENGTH);
            return;
        }
        stats.recovered(Recovery.KEYFRAME_REQUEST_RECEIVED);
        int target = KeyframeRequest.targetMediaId(clear);
        MediaKind kind = KeyframeRequest.targetKind(clear);
        int layer = KeyframeRequest.targetLayer(clear);
        VideoSender sender = target == receiver.mediaId ? null : videoSender(target);
        if (sender != null && layer < MediaHeader.MAX_LAYERS && sender.fanout.wants(receiver.mediaId, kind)) {
            ask(target, kind, layer, nowNanos);
        }
    }

    /**
     * A keyframe request a peer node passed on (opened with its node key): for a sender connected
     * here, coalesced again; never passed on to another node.
     */
    void onNodeKeyframeRequest(ByteBuffer clear, long nowNanos) {
        if (!KeyframeRequest.valid(clear)) {
            stats.dropped(DropReason.BAD_LENGTH);
            return;
        }
        stats.recovered(Recovery.KEYFRAME_REQUEST_RECEIVED);
        int target = KeyframeRequest.targetMediaId(clear);
        int layer = KeyframeRequest.targetLayer(clear);
        if (routes.get(target) != null && layer < MediaHeader.MAX_LAYERS) {
            ask(target, KeyframeRequest.targetKind(clear), layer, nowNanos);
        }
    }

    /** A sender left this node: its coalescing starts afresh if it comes back. */
    void forget(int mediaId) {
        keyframes.forget(mediaId, new int[] {MediaKind.VIDEO.wire(), MediaKind.SCREEN.wire()}, MediaHeader.MAX_LAYERS);
    }

    /** The sender's video as forwarded here, connected here or to a peer node; null when it is gone. */
    private VideoSender videoSender(int sender) {
        MediaRoute local = routes.get(sender);
        if (local != null) {
            return local.video;
        }
        MediaRoute.Remote remote = remotes.get(sender);
        return remote == null ? null : remote.video;
    }

    /**
     * Asks the stream's sender (one layer of its camera, or its screen) for a keyframe unless it was
     * asked within the interval: directly when it is connected here, else through its node. Any
     * thread: the receive thread for receivers, the room's actor when a peer node subscribes.
     */
    void ask(int sender, MediaKind kind, int layer, long nowNanos) {
        if (!keyframes.due(KeyframeRequests.stream(sender, kind.wire(), layer), nowNanos)) {
            stats.recovered(Recovery.KEYFRAME_REQUEST_COALESCED);
            return;
        }
        // Its own buffer: the room's actor asks too, beside the receive thread.
        ByteBuffer request = ByteBuffer.allocate(MediaHeader.HEADER_LENGTH + KeyframeRequest.LENGTH);
        MediaRoute local = routes.get(sender);
        if (local != null) {
            InetSocketAddress to = local.routed(MediaPort.VIDEO);
            if (to != null) {
                KeyframeRequest.encode(request, sender, requestSequence.getAndIncrement(), sender, kind, layer);
                stats.recovered(Recovery.KEYFRAME_REQUEST_SENT);
                toMember.send(local, request, to, MediaKind.KEYFRAME_REQUEST);
            }
            return;
        }
        MediaRoute.Remote remote = remotes.get(sender);
        InetSocketAddress node = remote == null ? null : remote.node;
        if (node != null) {
            // Node to node the header's media id is the relay's own: the target is a member there, not here.
            KeyframeRequest.encode(request, MediaHeader.RELAY_MEDIA_ID, requestSequence.getAndIncrement(), sender, kind,
                    layer);
            stats.recovered(Recovery.KEYFRAME_REQUEST_SENT);
            toNode.send(request, node);
        }
    }
}
