package chorus.relay.metrics;

import chorus.protocol.control.ErrorCode;
import chorus.protocol.media.DropReason;
import chorus.protocol.media.MediaKind;
import chorus.protocol.media.Reassembler;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The relay node's media counters: datagrams and bytes in and out by kind, drops by reason.
 * Written from the UDP threads and the actors, read by tests, logs and {@link Metrics}.
 */
public final class RelayStats {
    private final Map<MediaKind, LongAdder> packetsIn = counters(MediaKind.class);
    private final Map<MediaKind, LongAdder> bytesIn = counters(MediaKind.class);
    private final Map<MediaKind, LongAdder> packetsOut = counters(MediaKind.class);
    private final Map<MediaKind, LongAdder> bytesOut = counters(MediaKind.class);
    private final Map<DropReason, LongAdder> drops = counters(DropReason.class);
    private final LongAdder sendErrors = new LongAdder();
    private final LongAdder challengesSent = new LongAdder();
    private final LongAdder challengesLimited = new LongAdder();
    private final LongAdder addressesConfirmed = new LongAdder();
    private final LongAdder rateLimitNotices = new LongAdder();
    private final LongAdder tlsHandshakesFailed = new LongAdder();
    private final Map<Reassembler.FrameDrop, LongAdder> reassemblyDrops = counters(Reassembler.FrameDrop.class);
    private final LongAdder mixerTicks = new LongAdder();
    private final LongAdder mixerTickNanos = new LongAdder();
    private final LongAdder audioLate = new LongAdder();
    private final LongAdder audioConcealed = new LongAdder();
    private final AtomicInteger rooms = new AtomicInteger();
    private final Map<ErrorCode, LongAdder> uploadsRefused = counters(ErrorCode.class);
    private final Map<Limit, LongAdder> limitHits = counters(Limit.class);
    private final Map<Recovery, LongAdder> recovery = counters(Recovery.class);
    private final AtomicInteger controlConnections = new AtomicInteger();
    private final AtomicInteger fileTransfers = new AtomicInteger();
    private final Map<ErrorCode, LongAdder> joinsRefused = counters(ErrorCode.class);
    private final LongAdder participantsReplaced = new LongAdder();
    /** Video datagrams forwarded to members by camera layer 0..2, then the screen. */
    private final LongAdder[] videoForwarded = {new LongAdder(), new LongAdder(), new LongAdder(), new LongAdder()};

    private final ConcurrentHashMap<String, PeerTraffic> peers = new ConcurrentHashMap<>();

    /** Node-to-node traffic with one peer node: media datagrams and bytes, and file bytes, each way. */
    public static final class PeerTraffic {
        private final String node;
        private final LongAdder packetsOut = new LongAdder();
        private final LongAdder bytesOut = new LongAdder();
        private final LongAdder packetsIn = new LongAdder();
        private final LongAdder bytesIn = new LongAdder();
        private final LongAdder fileBytesOut = new LongAdder();
        private final LongAdder fileBytesIn = new LongAdder();

        PeerTraffic(String node) {
            this.node = node;
        }

        public void sent(int bytes) {
            packetsOut.increment();
            bytesOut.add(bytes);
        }

        public void received(int bytes) {
            packetsIn.increment();
            bytesIn.add(bytes);
        }

        /** File bytes sent to this node (a copy pushed, or bytes it fetched from here). */
        public void fileBytesSent(long bytes) {
            fileBytesOut.add(bytes);
        }

        /** File bytes received from this node (a copy it pushed, or bytes fetched from it). */
        public void fileBytesReceived(long bytes) {
            fileBytesIn.add(bytes);
        }

        public long fileBytesOut() {
            return fileBytesOut.sum();
        }

        public long fileBytesIn() {
            return fileBytesIn.sum();
        }

        public String node() {
            return node;
        }

        public long packetsOut() {
            return packetsOut.sum();
        }

        public long bytesOut() {
            return bytesOut.sum();
        }

        public long packetsIn() {
            return packetsIn.sum();
        }

        public long bytesIn() {
            return bytesIn.sum();
        }

        @Override
        public String toString() {
            return node + " out " + packetsOut() + " datagrams / " + bytesOut() + " B, in " + packetsIn()
                    + " datagrams / " + bytesIn() + " B; files out " + fileBytesOut() + " B, in " + fileBytesIn() + " B";
        }
    }

    /** Frames of two or more fragments sent to a receiver: [0] in one send, [1] split over several. */
    private final LongAdder[] framesSent = {new LongAdder(), new LongAdder()};
    private final LongAdder segmentedSends = new LongAdder();
    private final LongAdder segmentsSent = new LongAdder();
    private final LongAdder framesSentEarly = new LongAdder();

    /** A frame (two or more fragments) went to a receiver: in one send when {@code whole}. */
    public void frameSent(boolean whole) {
        framesSent[whole ? 0 : 1].increment();
    }

    public long framesSent(boolean whole) {
        return framesSent[whole ? 0 : 1].sum();
    }

    /** A UDP GSO send of {@code segments} datagrams. */
    public void segmentedSend(int segments) {
        segmentedSends.increment();
        segmentsSent.add(segments);
    }

    public long segmentedSends() {
        return segmentedSends.sum();
    }

    public long segmentsSent() {
        return segmentsSent.sum();
    }

    /** A frame held for its missing fragments went as it was when the hold ran out. */
    public void heldFrameSentEarly() {
        framesSentEarly.increment();
    }

    public long framesSentEarly() {
        return framesSentEarly.sum();
    }

    /** A video datagram forwarded to a member: {@code slot} is its camera layer (0..2), or 3 for the screen. */
    public void videoForwarded(int slot) {
        videoForwarded[slot].increment();
    }

    /** {@code n} video datagrams of one {@code slot} forwarded to members. */
    public void videoForwarded(int slot, int n) {
        videoForwarded[slot].add(n);
    }

    public long videoForwardedCount(int slot) {
        return videoForwarded[slot].sum();
    }

    /** The counters for a peer node (by its cluster address), made on first use. */
    public PeerTraffic peer(String node) {
        return peers.computeIfAbsent(node, PeerTraffic::new);
    }

    /** Node-to-node media counters by peer node. */
    public Map<String, PeerTraffic> peers() {
        return Map.copyOf(peers);
    }

    /** Bytes sent to all peer nodes. */
    public long peerBytesOut() {
        return peers.values().stream().mapToLong(PeerTraffic::bytesOut).sum();
    }

    public long peerPacketsOut() {
        return peers.values().stream().mapToLong(PeerTraffic::packetsOut).sum();
    }

    private static <K extends Enum<K>> Map<K, LongAdder> counters(Class<K> type) {
        Map<K, LongAdder> map = new EnumMap<>(type);
        for (K k : type.getEnumConstants()) {
            map.put(k, new LongAdder());
        }
        return map;
    }

    public void received(MediaKind kind, int bytes) {
        packetsIn.get(kind).increment();
        bytesIn.get(kind).add(bytes);
    }

    public void sent(MediaKind kind, int bytes) {
        packetsOut.get(kind).increment();
        bytesOut.get(kind).add(bytes);
    }

    /** {@code datagrams} datagrams of {@code kind} sent, {@code bytes} in all. */
    public void sent(MediaKind kind, int datagrams, long bytes) {
        packetsOut.get(kind).add(datagrams);
        bytesOut.get(kind).add(bytes);
    }

    public void dropped(DropReason reason) {
        drops.get(reason).increment();
    }

    public void dropped(DropReason reason, long n) {
        drops.get(reason).add(n);
    }

    public void sendFailed() {
        sendErrors.increment();
    }

    public void sendFailed(int n) {
        sendErrors.add(n);
    }

    /** A challenge sent to an address not yet confirmed for a participant's port. */
    public void challengeSent() {
        challengesSent.increment();
    }

    public long challengesSent() {
        return challengesSent.sum();
    }

    /** A challenge not sent: the participant's port had its challenges for this second. */
    public void challengeLimited() {
        challengesLimited.increment();
    }

    public long challengesLimited() {
        return challengesLimited.sum();
    }

    /** An address that answered its challenge and now gets the participant's media (first or moved). */
    public void addressConfirmed() {
        addressesConfirmed.increment();
    }

    public long addressesConfirmed() {
        return addressesConfirmed.sum();
    }

    /** A sender told over its control connection that its media is over the rate limit. */
    public void rateLimitNotice() {
        rateLimitNotices.increment();
    }

    public long rateLimitNotices() {
        return rateLimitNotices.sum();
    }

    /** A control connection whose TLS handshake failed: plain text or garbage on the TLS port, or a client that refused the certificate. */
    public void tlsHandshakeFailed() {
        tlsHandshakesFailed.increment();
    }

    public long tlsHandshakesFailed() {
        return tlsHandshakesFailed.sum();
    }

    /** An incomplete audio frame one of the gateway's reassemblers gave up (a {@link Reassembler.DropListener}). */
    public void reassemblyDropped(Reassembler.FrameDrop why) {
        reassemblyDrops.get(why).increment();
    }

    public long reassemblyDrops(Reassembler.FrameDrop why) {
        return reassemblyDrops.get(why).sum();
    }

    /** Rooms with a part on this node (set by {@link Rooms}). */
    public void rooms(int n) {
        rooms.set(n);
    }

    public int rooms() {
        return rooms.get();
    }

    public void mixerTick(long nanos) {
        mixerTicks.increment();
        mixerTickNanos.add(nanos);
    }

    public void audioLate(long n) {
        audioLate.add(n);
    }

    public void audioConcealed(long n) {
        audioConcealed.add(n);
    }

    public long packetsIn(MediaKind kind) {
        return packetsIn.get(kind).sum();
    }

    public long bytesIn(MediaKind kind) {
        return bytesIn.get(kind).sum();
    }

    public long packetsOut(MediaKind kind) {
        return packetsOut.get(kind).sum();
    }

    public long bytesOut(MediaKind kind) {
        return bytesOut.get(kind).sum();
    }

    public long drops(DropReason reason) {
        return drops.get(reason).sum();
    }

    public long sendErrors() {
        return sendErrors.sum();
    }

    public long mixerTicks() {
        return mixerTicks.sum();
    }

    public long mixerTickNanosTotal() {
        return mixerTickNanos.sum();
    }

    public long audioLate() {
        return audioLate.sum();
    }

    public long audioConcealed() {
        return audioConcealed.sum();
    }

    /** An upload the file service refused or gave up, by the error its uploader was answered with. */
    public void uploadRefused(ErrorCode code) {
        uploadsRefused.get(code).increment();
    }

    public long uploadsRefused(ErrorCode code) {
        return uploadsRefused.get(code).sum();
    }

    /** A hello refused for its access token or name ({@code invalid-token}, {@code token-expired}, {@code invalid-name}, ...). */
    public void joinRefused(ErrorCode code) {
        joinsRefused.get(code).increment();
    }

    public long joinsRefused(ErrorCode code) {
        return joinsRefused.get(code).sum();
    }

    /** Refused joins by error code, only the codes that occurred. */
    public Map<ErrorCode, Long> joinsRefused() {
        Map<ErrorCode, Long> seen = new EnumMap<>(ErrorCode.class);
        joinsRefused.forEach((code, n) -> {
            if (n.sum() > 0) {
                seen.put(code, n.sum());
            }
        });
        return seen;
    }

    /** A participant here closed because its identity joined the room again. */
    public void participantReplaced() {
        participantsReplaced.increment();
    }

    public long participantsReplaced() {
        return participantsReplaced.sum();
    }

    /** Refused uploads by error code, only the codes that occurred. */
    public Map<ErrorCode, Long> uploadsRefused() {
        Map<ErrorCode, Long> seen = new EnumMap<>(ErrorCode.class);
        uploadsRefused.forEach((code, n) -> {
            if (n.sum() > 0) {
                seen.put(code, n.sum());
            }
        });
        return seen;
    }

    /** Something one client did ran into one of the relay's limits (and was refused, cut or closed). */
    public void limitHit(Limit limit) {
        limitHits.get(limit).increment();
    }

    public long limitHits(Limit limit) {
        return limitHits.get(limit).sum();
    }

    /** Video loss recovery did {@code event} once. */
    public void recovered(Recovery event) {
        recovery.get(event).increment();
    }

    public long recovery(Recovery event) {
        return recovery.get(event).sum();
    }

    /** Control connections open on this node (set by the control server). */
    public void controlConnections(int n) {
        controlConnections.set(n);
    }

    public int controlConnections() {
        return controlConnections.get();
    }

    /** A file transfer (upload or download) started (+1) or ended (-1) on this node. */
    public void fileTransfers(int delta) {
        fileTransfers.addAndGet(delta);
    }

    public int fileTransfers() {
        return fileTransfers.get();
    }
}
