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
 * coalesced per interval ({@link KeyframeRequests}), asking the room's video senders itself when
 * a newcomer starts receiving. A receiver's feedback is rate-limited per participant; a NACK is
 * never passed to the sender. Everything but {@link #roomChanged} runs on the video port's
 * receive thread.
 */
final class LossRecovery {
    /** A sender counts as sending video when it forwarded a datagram this recently. */
    private static final long SENDING_NANOS = 2_000_000_000L;

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
    /** A resent datagram is copied here before it is sealed (receive thread only). */
    private final ByteBuffer resend = ByteBuffer.allocate(MediaHeader.MAX_DATAGRAM);
    /** What a local sender's path lost before the relay, asked of the sender (receive thread only). */
    private final long[] uplinkDue = new long[Nack.MAX_ENTRIES];
    private final ByteBuffer uplinkNack = ByteBuffer.allocate(MediaHeader.MAX_DATAGRAM);

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
     * kept for receivers' NACKs, and a gap before it (lost on the sender's own path, so in no
     * buffer) asked of the sender with a NACK once it stays open past reordering. Whatever the
     * sender resends is forwarded as it arrives, to every receiver at once.
     */
    void forwarded(MediaRoute sender, ByteBuffer clear, MediaKind kind, long nowNanos) {
        forwarded(sender.forwarded, clear, kind, nowNanos);
        int due = sender.forwarded.gaps(kind).offer(MediaHeader.sequence(clear, 0), nowNanos, uplinkDue);
        InetSocketAddress to = sender.routed(MediaPort.VIDEO);
        if (due > 0 && to != null) {
            uplinkNack.clear(); // absolute writes: the last NACK's limit must not bound this one
            Nack.encode(uplinkNack, sender.mediaId, requestSequence.getAndIncrement(), sender.mediaId, kind, uplinkDue, due);
            stats.recovered(Recovery.NACK_SENT); // before the send: whoever sees the NACK sees it counted
            toMember.send(sender, uplinkNack, to, MediaKind.NACK);
        }
    }

    /** A video or screen datagram of {@code sender}'s that was just forwarded: kept for NACKs. */
    void forwarded(ForwardedStreams sender, ByteBuffer clear, MediaKind kind, long nowNanos) {
        sender.forStoring(kind).store(clear, nowNanos);
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
        // Each looked up once and checked: the sender may leave (its route removed) on the room's thread meanwhile.
        MediaRoute.RoomFanout room = roomOf(target);
        ForwardedStreams streams = streams(target);
        RetransmissionBuffer buffer = room != null && streams != null && receives(room, receiver, target, kind)
                ? streams.of(kind) : null;
        InetSocketAddress to = receiver.routed(MediaPort.VIDEO);
        if (buffer == null || to == null) {
            stats.recovered(Recovery.NOT_BUFFERED);
            return;
        }
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
        MediaRoute.RoomFanout room = roomOf(target);
        if (room != null && receives(room, receiver, target, kind)) {
            askSender(target, kind, nowNanos);
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
        if (routes.get(target) != null) {
            askSender(target, KeyframeRequest.targetKind(clear), nowNanos);
        }
    }

    /**
     * The room's fan-out changed from {@code before} to {@code after}: when someone started
     * receiving video (a newcomer's address learned, or a subscription), the room's senders that
     * are sending ({@code senders}: members here or remote members) are asked for a keyframe.
     */
    void roomChanged(MediaRoute.RoomFanout before, MediaRoute.RoomFanout after, Iterable<Integer> senders, long nowNanos) {
        if (!newReceiver(before, after)) {
            return;
        }
        for (int sender : senders) {
            ForwardedStreams streams = streams(sender);
            if (streams == null) {
                continue;
            }
            if (streams.sentWithin(MediaKind.VIDEO, SENDING_NANOS, nowNanos)) {
                askSender(sender, MediaKind.VIDEO, nowNanos);
            }
            if (sender == after.presenter() && streams.sentWithin(MediaKind.SCREEN, SENDING_NANOS, nowNanos)) {
                askSender(sender, MediaKind.SCREEN, nowNanos);
            }
        }
    }

    /** A sender left this node: its coalescing starts afresh if it comes back. */
    void forget(int mediaId) {
        keyframes.forget(mediaId, MediaKind.VIDEO.wire(), MediaKind.SCREEN.wire());
    }

    private static boolean newReceiver(MediaRoute.RoomFanout before, MediaRoute.RoomFanout after) {
        for (int i = 0; i < after.mediaIds().length; i++) {
            if (after.video()[i] != null && !receiving(before, after.mediaIds()[i])) {
                return true;
            }
        }
        return false;
    }

    private static boolean receiving(MediaRoute.RoomFanout fanout, int mediaId) {
        for (int i = 0; i < fanout.mediaIds().length; i++) {
            if (fanout.mediaIds()[i] == mediaId) {
                return fanout.video()[i] != null;
            }
        }
        return false;
    }

    /**
     * Whether the relay forwards {@code sender}'s stream of {@code kind} to {@code receiver}, by the
     * sender's room ({@code fanout}): both in it, the receiver receiving video, and for a screen,
     * the sender presenting.
     */
    private static boolean receives(MediaRoute.RoomFanout fanout, MediaRoute receiver, int sender, MediaKind kind) {
        if (sender == receiver.mediaId || (kind == MediaKind.SCREEN && fanout.presenter() != sender)) {
            return false;
        }
        return receiving(fanout, receiver.mediaId);
    }

    private MediaRoute.RoomFanout roomOf(int sender) {
        MediaRoute local = routes.get(sender);
        if (local != null) {
            return local.room;
        }
        MediaRoute.Remote remote = remotes.get(sender);
        return remote == null ? null : remote.room;
    }

    private ForwardedStreams streams(int sender) {
        MediaRoute local = routes.get(sender);
        if (local != null) {
            return local.forwarded;
        }
        MediaRoute.Remote remote = remotes.get(sender);
        return remote == null ? null : remote.forwarded;
    }

    /** Asks the stream's sender for a keyframe unless it was asked within the interval. */
    private void askSender(int sender, MediaKind kind, long nowNanos) {
        if (!keyframes.due(KeyframeRequests.stream(sender, kind.wire()), nowNanos)) {
            stats.recovered(Recovery.KEYFRAME_REQUEST_COALESCED);
            return;
        }
        // Its own buffer: the room's actor asks too, beside the receive thread.
        ByteBuffer request = ByteBuffer.allocate(MediaHeader.HEADER_LENGTH + KeyframeRequest.LENGTH);
        MediaRoute local = routes.get(sender);
        if (local != null) {
            InetSocketAddress to = local.routed(MediaPort.VIDEO);
            if (to != null) {
                KeyframeRequest.encode(request, sender, requestSequence.getAndIncrement(), sender, kind);
                stats.recovered(Recovery.KEYFRAME_REQUEST_SENT);
                toMember.send(local, request, to, MediaKind.KEYFRAME_REQUEST);
            }
            return;
        }
        MediaRoute.Remote remote = remotes.get(sender);
        InetSocketAddress node = remote == null ? null : remote.node;
        if (node != null) {
            // Node to node the header's media id is the relay's own: the target is a member there, not here.
            KeyframeRequest.encode(request, MediaHeader.RELAY_MEDIA_ID, requestSequence.getAndIncrement(), sender, kind);
            stats.recovered(Recovery.KEYFRAME_REQUEST_SENT);
            toNode.send(request, node);
        }
    }
}
