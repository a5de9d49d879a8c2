package chorus.relay.media;

import chorus.protocol.audio.AudioFormat;
import chorus.protocol.audio.OpusFormat;
import chorus.protocol.media.Codec;
import chorus.protocol.media.DropReason;
import chorus.protocol.media.Fragmenter;
import chorus.protocol.media.MediaCipher;
import chorus.protocol.media.MediaHeader;
import chorus.protocol.media.MediaKind;
import chorus.protocol.media.MediaSealer;
import chorus.protocol.media.Reassembler;
import chorus.protocol.media.ReplayWindow;
import chorus.relay.config.MediaConfig;
import chorus.relay.config.RelayConfig;
import chorus.relay.metrics.RelayStats;
import chorus.relay.media.udp.DatagramHandler;
import chorus.relay.media.udp.MediaSockets;
import chorus.relay.mixer.Mixer;
import chorus.relay.room.Participant;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The media hot path, on the relay's UDP sockets ({@link MediaSockets}: native epoll with
 * whole-frame GSO sends and several receive threads, or NIO). A receive thread takes each datagram
 * into a reused buffer, checks its header (length, magic, version, kind, port), finds the
 * {@link MediaRoute} of its media id, checks its packet number against the replay window and
 * decrypts it with that participant's key (AES-256-GCM, bound to the port and the direction),
 * applies the rate limit and return routability, and re-encrypts it for each receiver of the
 * sender's fan-out with that receiver's key, or reassembles audio for the mixer. What a receive
 * thread sends leaves at the end of its read batch, a frame's fragments to one receiver together.
 * The actors own the state and publish it into the routes; a datagram never becomes an actor
 * message (measured: docs/BENCHMARKS.md, "The media path"). Sending is open to any thread. Nothing
 * here blocks: a datagram is either forwarded or dropped and counted.
 */
public final class MediaGateway implements AutoCloseable {
    private final MediaSockets sockets;
    private final RouteTable<MediaRoute> routes = new RouteTable<>();
    private final AtomicInteger nextMediaId = new AtomicInteger(MediaHeader.RELAY_MEDIA_ID + 1);
    private final RouteTable<MediaRoute.Remote> remotes = new RouteTable<>();
    /**
     * Peer nodes' media sockets: node-to-node datagrams are taken from these source addresses
     * only, and only when they open with that node's key (derived from the cluster secret).
     */
    private final ConcurrentHashMap<InetSocketAddress, PeerSocket> peerSockets = new ConcurrentHashMap<>();
    /** This node's node-to-node sealers per port, once it knows its cluster address ({@link #node}). */
    private final MediaSealer[] nodeSealers = new MediaSealer[MediaPort.values().length];
    private static final SecureRandom COOKIES = new SecureRandom();
    private final String clusterSecret;
    private final MediaConfig.Limits limits;
    private final MediaConfig.Recovery recoveryConfig;
    private final LossRecovery recovery;
    private final RelayStats stats;

    public MediaGateway(RelayConfig config, RelayStats stats) throws IOException {
        this.stats = stats;
        this.limits = config.media().limits();
        this.recoveryConfig = config.media().recovery();
        this.recovery = new LossRecovery(recoveryConfig, routes, remotes, stats,
                (member, clear, to, kind) -> sendSealed(MediaPort.VIDEO, member, clear, to, kind), this::sendToNode);
        // A node alone has no peers; a random secret keeps its node key its own.
        String secret = config.cluster().secret();
        this.clusterSecret = secret.isBlank() ? Base64.getEncoder().encodeToString(MediaCipher.newKey()) : secret;
        this.sockets = MediaSockets.open(config.listen().host(), config.listen().videoPort(),
                config.listen().audioPort(), config.media(), new Receiving(), stats);
    }

    public int port(MediaPort port) {
        return sockets.port(port);
    }

    /** How the UDP sockets were made (transport, GSO, receive threads), as logged at start. */
    public String udpDescription() {
        return sockets.describe();
    }

    /** Receive threads per media port. */
    public int receiveThreads() {
        return sockets.receiveThreads();
    }

    /**
     * Runs {@code work} (a mixer tick, on its actor's thread) with every datagram it sends gathered
     * and sent together when it returns: one {@code sendmmsg} for a tick's listeners.
     */
    public void batched(Runnable work) {
        sockets.batched(work);
    }

    /**
     * In a cluster, media ids must be unique across nodes: each node numbers from its own base
     * (a random 15-bit prefix), called once before any participant joins.
     */
    public void mediaIdBase(int base) {
        nextMediaId.set(base);
    }

    /**
     * This node's cluster address (as its peers name it): from now on its media to other nodes is
     * sealed with the node key {@code MediaCipher.nodeKey(secret, node)}. Called once at start.
     */
    public void node(String node) {
        byte[] key = MediaCipher.nodeKey(clusterSecret, node);
        // The key is the same after a restart at the same address: counting on from the clock
        // (2^20 a millisecond) never reuses a nonce, and peers' replay windows accept the new start.
        long first = System.currentTimeMillis() << 20;
        for (MediaPort port : MediaPort.values()) {
            nodeSealers[port.ordinal()] = new MediaSealer(key, port.channel(), MediaCipher.NODE_TO_NODE, first);
        }
    }

    /** A peer node's media sockets (from the cluster roster); its sealed datagrams are accepted from now on. */
    public MediaRoute.Peer peer(String node, InetSocketAddress video, InetSocketAddress audio) {
        RelayStats.PeerTraffic traffic = stats.peer(node);
        byte[] key = MediaCipher.nodeKey(clusterSecret, node);
        // Kept across roster changes: the replay window must outlive them.
        peerSockets.computeIfAbsent(video, a -> new PeerSocket(key, traffic));
        peerSockets.computeIfAbsent(audio, a -> new PeerSocket(key, traffic));
        return new MediaRoute.Peer(video, audio, traffic);
    }

    /**
     * A member of a room connected to another node: its media is taken from that node from now on.
     *
     * @param node that node's video socket, where keyframe requests for this member go
     */
    public MediaRoute.Remote registerRemote(int mediaId, ActorRef<Mixer.Command> mixer, InetSocketAddress node) {
        return remotes.computeIfAbsent(mediaId, id -> new MediaRoute.Remote(id, mixer, node, stats::reassemblyDropped,
                recoveryConfig));
    }

    public void unregisterRemote(int mediaId) {
        remotes.remove(mediaId);
        senderGone(mediaId);
    }

    /** A sender left this node's view: its coalescing starts afresh, and receivers' counters of it go. */
    private void senderGone(int mediaId) {
        recovery.forget(mediaId);
        for (MediaRoute receiver : routes.values()) {
            receiver.forwardedFrom.remove(mediaId);
        }
    }

    /** Media ids are unique on this node for its lifetime; the key, not the id, is the secret. */
    public int nextMediaId() {
        return nextMediaId.getAndIncrement();
    }

    public MediaRoute register(int mediaId, byte[] key, ActorRef<Participant.Command> participant) {
        MediaRoute route = new MediaRoute(mediaId, key, participant, stats::reassemblyDropped, limits, recoveryConfig);
        routes.put(mediaId, route);
        return route;
    }

    /** Participants connected to this node (each has one media route while it is in a room). */
    public int participants() {
        return routes.size();
    }

    /** The route of a media id, or null (for tests of what the actors publish). */
    public MediaRoute route(int mediaId) {
        return routes.get(mediaId);
    }

    public void unregister(MediaRoute route) {
        if (routes.remove(route.mediaId, route)) {
            senderGone(route.mediaId);
        }
    }

    /**
     * Gives every member of a room, here and remote (connected to other nodes), the room's new
     * state: who presents, the peer nodes (called by the Room on each change).
     */
    public void publishRoom(Iterable<Integer> memberIds, Iterable<Integer> remoteIds, MediaRoute.RoomState state) {
        for (int id : memberIds) {
            MediaRoute route = routes.get(id);
            if (route != null) {
                route.room = state;
            }
        }
        for (int id : remoteIds) {
            MediaRoute.Remote remote = remotes.get(id);
            if (remote != null) {
                remote.room = state;
            }
        }
    }

    /** A sender counts as sending a stream when it forwarded a datagram of it this recently. */
    private static final long SENDING_NANOS = 2_000_000_000L;

    /**
     * Gives each sender of a room (connected here or to a peer node) where its video goes now, by
     * the room's subscriptions (called by the Room on each change). A receiver that starts wanting
     * a stream, or another layer of it, and a peer node that does, need a keyframe of it: a sender
     * sending that stream is asked at once (coalesced), not at its next datagram.
     */
    public void publishSenders(Map<Integer, SenderFanout> bySender) {
        long now = System.nanoTime();
        for (Map.Entry<Integer, SenderFanout> e : bySender.entrySet()) {
            VideoSender sender = videoSender(e.getKey());
            if (sender == null) {
                continue;
            }
            SenderFanout before = sender.fanout;
            SenderFanout after = e.getValue();
            sender.fanout = after;
            int gained = before.gainedBy(after);
            for (int layer : LayerMask.cameraLayers(gained)) {
                if (sender.forwarded.sentWithin(MediaKind.VIDEO, layer, SENDING_NANOS, now)) {
                    recovery.ask(sender.mediaId, MediaKind.VIDEO, layer, now);
                }
            }
            if (LayerMask.screen(gained) && sender.forwarded.sentWithin(MediaKind.SCREEN, 0, SENDING_NANOS, now)) {
                recovery.ask(sender.mediaId, MediaKind.SCREEN, 0, now);
            }
        }
    }

    private VideoSender videoSender(int mediaId) {
        MediaRoute local = routes.get(mediaId);
        if (local != null) {
            return local.video;
        }
        MediaRoute.Remote remote = remotes.get(mediaId);
        return remote == null ? null : remote.video;
    }

    /** Asks {@code sender} for a keyframe of each stream in {@code mask} (a {@link LayerMask}), coalesced. */
    private void askForKeyframes(int sender, int mask, long nowNanos) {
        if (mask == LayerMask.NONE) {
            return; // the common case, once per datagram: nothing to ask, nothing allocated
        }
        for (int layer : LayerMask.cameraLayers(mask)) {
            recovery.ask(sender, MediaKind.VIDEO, layer, nowNanos);
        }
        if (LayerMask.screen(mask)) {
            recovery.ask(sender, MediaKind.SCREEN, 0, nowNanos);
        }
    }

    /**
     * What {@code receiver} (a member here) has been forwarded, by sender media id: datagrams per
     * camera layer (indexes 0..2) and of the screen (index 3). For tests and the load report.
     */
    public Map<Integer, long[]> forwardedTo(int receiver) {
        MediaRoute route = routes.get(receiver);
        Map<Integer, long[]> out = new java.util.TreeMap<>();
        if (route != null) {
            route.forwardedFrom.forEach((sender, counts) -> {
                long[] copy = new long[counts.length()];
                for (int i = 0; i < copy.length; i++) {
                    copy[i] = counts.get(i);
                }
                out.put(sender, copy);
            });
        }
        return out;
    }

    /** The members here that {@code sender}'s video goes to now, by the subscriptions last published (for tests). */
    public java.util.Set<Integer> receiversOf(int sender) {
        VideoSender video = videoSender(sender);
        java.util.Set<Integer> out = new java.util.TreeSet<>();
        if (video != null) {
            for (int id : video.fanout.receivers()) {
                out.add(id);
            }
        }
        return out;
    }

    /** Video and screen datagrams of a member of another node that arrived here from its node (0 if unknown). */
    public long videoDatagramsFromPeer(int remoteMediaId) {
        MediaRoute.Remote remote = remotes.get(remoteMediaId);
        return remote == null ? 0 : remote.videoDatagramsIn.get();
    }

    private AtomicLongArray countersOf(int receiver, int sender) {
        MediaRoute route = routes.get(receiver);
        return route == null ? new AtomicLongArray(LayerSwitches.SLOTS)
                : route.forwardedFrom.computeIfAbsent(sender, k -> new AtomicLongArray(LayerSwitches.SLOTS));
    }

    public RelayStats stats() {
        return stats;
    }

    /**
     * Sends {@code datagram} (position to limit) to {@code to}. The buffer's position is restored,
     * so one encoded datagram can be sent to many receivers.
     */
    public void send(MediaPort port, ByteBuffer datagram, InetSocketAddress to, MediaKind kind) {
        int length = datagram.remaining();
        if (sockets.send(port, datagram, to)) {
            stats.sent(kind, length);
        } else {
            stats.sendFailed();
        }
    }

    /** A receive thread's working memory. Heap buffers: the JDK's AES-GCM works on their arrays without a copy. */
    private static final class ReceiveState {
        final ByteBuffer datagram = ByteBuffer.allocate(64 * 1024);
        final ByteBuffer clear = ByteBuffer.allocate(MediaHeader.MAX_DATAGRAM);
        final ByteBuffer signal = ByteBuffer.allocate(MediaHeader.MAX_DATAGRAM);
    }

    /** What the sockets' receive threads call. */
    private final class Receiving implements DatagramHandler<ReceiveState> {
        @Override
        public ReceiveState newReceiveState() {
            return new ReceiveState();
        }

        @Override
        public ByteBuffer datagramBuffer(ReceiveState state) {
            return state.datagram;
        }

        @Override
        public void onDatagram(MediaPort port, int length, InetSocketAddress from, ReceiveState state) {
            receive(port, state.datagram, length, from, state.clear, state.signal);
        }
    }

    /**
     * One datagram as it came in, on a receive thread. Several threads may receive on a port, each
     * sender's address kept on one of them by the kernel; the state of one sender (its route, or a
     * peer node's socket and a remote member) is locked while a datagram of it is handled, so a
     * sender that shows up on two threads at once (an address change, or a hostile client sending
     * from two ports) is handled one datagram at a time. Locks are taken in one order: a sender,
     * then a sender's video ({@link VideoSender}), then a receiver's sealer; none is held across another sender's.
     */
    private void receive(MediaPort port, ByteBuffer buffer, int length, InetSocketAddress from, ByteBuffer clear,
                         ByteBuffer signal) {
        DropReason problem = MediaHeader.validate(buffer, 0, length);
        if (problem != null) {
            stats.dropped(problem);
            return;
        }
        if (!port.accepts(MediaHeader.kind(buffer, 0))) {
            stats.dropped(DropReason.WRONG_PORT);
            return;
        }
        int mediaId = MediaHeader.mediaId(buffer, 0);
        MediaRoute route = routes.get(mediaId);
        if (route == null) {
            MediaRoute.Remote remote = remotes.get(mediaId);
            // The relay's own id: a peer node's keyframe request for a sender connected here.
            PeerSocket peer = remote == null && mediaId != MediaHeader.RELAY_MEDIA_ID ? null : peerSockets.get(from);
            if (peer == null) {
                stats.dropped(DropReason.UNKNOWN_MEDIA_ID);
                return;
            }
            boolean opened;
            synchronized (peer) {
                opened = open(peer.opener, peer.window, port, MediaCipher.NODE_TO_NODE, buffer, length, clear);
            }
            if (!opened) {
                return;
            }
            peer.traffic.received(length);
            if (remote != null) {
                synchronized (remote) {
                    fromPeer(remote, clear, from);
                }
            } else if (MediaHeader.kind(clear, 0) == MediaKind.KEYFRAME_REQUEST) {
                recovery.onNodeKeyframeRequest(clear, System.nanoTime());
            }
            return;
        }
        synchronized (route) {
            // A sender already over its limit costs no decryption: its bucket only ever fills from what opened.
            if (!route.buckets[port.ordinal()].holds(length, System.nanoTime())) {
                rateLimited(port, route);
            } else if (open(route.openers[port.ordinal()], route.windows[port.ordinal()], port, MediaCipher.CLIENT_TO_RELAY,
                    buffer, length, clear) && route.publishes(MediaHeader.kind(clear, 0), stats)) {
                route(port, route, clear, length, from, signal);
            }
        }
    }

    /** Replay check, then decryption into {@code clear}; counts the drop when either fails. */
    private boolean open(MediaCipher opener, ReplayWindow window, MediaPort port, int direction,
                         ByteBuffer datagram, int length, ByteBuffer clear) {
        long packetNumber = MediaHeader.packetNumber(datagram, 0);
        DropReason stale = window.check(packetNumber);
        if (stale != null) {
            stats.dropped(stale);
            return false;
        }
        if (!opener.open(datagram, length, port.channel(), direction, clear)) {
            stats.dropped(DropReason.BAD_TAG);
            return false;
        }
        window.accept(packetNumber);
        return true;
    }

    /**
     * Handles a datagram that opened with the participant's key and was fresh, all on this UDP
     * thread, reading what the actors published: the rate limit, return routability (a new
     * address is challenged, and learned only once it answers), then forwarding. The actors hear
     * only of changes (a confirmed address), of complete audio frames and of a sender over its limit.
     */
    private void route(MediaPort port, MediaRoute route, ByteBuffer clear, int length, InetSocketAddress from,
                       ByteBuffer signal) {
        int p = port.ordinal();
        MediaKind kind = MediaHeader.kind(clear, 0);
        stats.received(kind, length);
        long now = System.nanoTime();
        if (!route.buckets[p].take(length, now)) {
            rateLimited(port, route);
            return;
        }
        if (!from.equals(route.confirmed[p])) {
            if (kind == MediaKind.RESPONSE) {
                if (from.equals(route.challenged[p]) && MediaHeader.payloadLength(clear, 0) == Fragmenter.COOKIE_LENGTH
                        && Fragmenter.cookie(clear) == route.cookies[p]) {
                    route.confirmed[p] = from;
                    route.challenged[p] = null;
                    stats.addressConfirmed();
                    route.participant.tell(new Participant.AddressSeen(port, from));
                }
                return;
            }
            challenge(port, route, from, now, signal);
            // Its media is still routed: it opened with the key and is fresh. Nothing goes to `from` but the challenge.
        }
        switch (kind) {
            case HELLO -> {
                // Acknowledge only once the room routes to this address, so that whatever the
                // client expects after the ack already comes here; until then it sends again.
                if (from.equals(route.routed(port))) {
                    Fragmenter.encodeSignal(signal, MediaKind.HELLO, route.mediaId, route.ackSequences[p]++);
                    sendSealed(port, route, signal, from, MediaKind.HELLO);
                }
            }
            case KEEPALIVE, RESPONSE, CHALLENGE -> {
                // refreshing the address was all it was for (a challenge never gets here: wrong port)
            }
            case NACK -> recovery.onNack(route, clear, now);
            case KEYFRAME_REQUEST -> recovery.onKeyframeRequest(route, clear, now);
            case VIDEO, SCREEN -> {
                if (kind == MediaKind.SCREEN && route.room.presenter() != route.mediaId) {
                    stats.dropped(DropReason.NOT_PRESENTER);
                    return;
                }
                synchronized (route.video) {
                    forwardVideo(route.video, clear, kind, now, true);
                    recovery.forwarded(route, clear, kind, now);
                }
            }
            case AUDIO -> {
                sendToPeers(MediaPort.AUDIO, clear, route.room.peers());
                Reassembler.Frame frame = route.audio.offer(clear, 0, now);
                ActorRef<Mixer.Command> mixer = route.mixer;
                if (frame == null || mixer == null) {
                    return;
                }
                DropReason problem = mixable(frame);
                if (problem != null) {
                    stats.dropped(problem);
                    return;
                }
                if (!route.audioFrames.take(1, now)) {
                    stats.dropped(DropReason.RATE_LIMITED);
                    return;
                }
                // Not decoded here: the mixer decodes only the K loudest, chosen by this level.
                mixer.tell(new Mixer.AudioFrame(route.mediaId, frame.frameId(), frame.codec(), frame.data(),
                        MediaHeader.audioLevel(clear, 0)));
            }
        }
    }

    /**
     * Why a talker's complete frame cannot go to the mixer, or null: one 20 ms PCM frame, or an
     * Opus packet of a plausible length (whether it decodes is the mixer's to find, and only for
     * the talkers it selects).
     */
    private static DropReason mixable(Reassembler.Frame frame) {
        return switch (frame.codec()) {
            case Codec.PCM16 -> frame.data().length == AudioFormat.FRAME_BYTES ? null : DropReason.BAD_LENGTH;
            case Codec.OPUS -> frame.data().length >= 1 && frame.data().length <= OpusFormat.MAX_PACKET_BYTES
                    ? null : DropReason.BAD_LENGTH;
            default -> DropReason.UNDECODABLE;
        };
    }

    /** Counts the drop; the participant hears of it at most once a second per port. */
    private void rateLimited(MediaPort port, MediaRoute route) {
        int p = port.ordinal();
        stats.dropped(DropReason.RATE_LIMITED);
        long now = System.nanoTime();
        if (now - route.rateLimitToldNanos[p] >= 1_000_000_000L) {
            route.rateLimitToldNanos[p] = now;
            route.participant.tell(new Participant.RateLimited(port));
        }
    }

    /**
     * Sends a challenge (a fresh random cookie, sealed relay to client) to an address not yet
     * confirmed for the port, unless it was challenged in the last second or the port had its
     * challenges for this second: a spoofed source gets at most that, about a hello's size.
     */
    private void challenge(MediaPort port, MediaRoute route, InetSocketAddress to, long now, ByteBuffer signal) {
        int p = port.ordinal();
        if (to.equals(route.challenged[p]) && now - route.challengedAtNanos[p] < 1_000_000_000L) {
            return; // its answer may be on the way
        }
        long second = now / 1_000_000_000L;
        if (route.challengeSecond[p] != second) {
            route.challengeSecond[p] = second;
            route.challengesThisSecond[p] = 0;
        }
        if (route.challengesThisSecond[p] >= limits.challengesPerSecond()) {
            stats.challengeLimited();
            return;
        }
        route.challengesThisSecond[p]++;
        route.challenged[p] = to;
        route.cookies[p] = COOKIES.nextLong();
        route.challengedAtNanos[p] = now;
        Fragmenter.encodeCookie(signal, MediaKind.CHALLENGE, route.mediaId, route.ackSequences[p]++, route.cookies[p]);
        sendSealed(port, route, signal, to, MediaKind.CHALLENGE);
        stats.challengeSent();
    }

    /** Seals a clear datagram with the receiver's key (relay to client) and sends it. */
    private void sendSealed(MediaPort port, MediaRoute receiver, ByteBuffer clear, InetSocketAddress to, MediaKind kind) {
        MediaSealer sealer = receiver.sealers[port.ordinal()];
        synchronized (sealer) {
            send(port, sealer.seal(clear), to, kind);
        }
    }

    /** {@link #sendSealed} without counting (the caller counts a batch of them); false when the send failed. */
    private boolean sealAndSend(MediaPort port, MediaRoute receiver, ByteBuffer clear, InetSocketAddress to) {
        MediaSealer sealer = receiver.sealers[port.ordinal()];
        synchronized (sealer) {
            return sockets.send(port, sealer.seal(clear), to);
        }
    }

    /**
     * Sends a clear datagram the relay made (the mix) to a member of this node: sealed with that
     * member's key, as everything the relay sends a client is. Callable from any thread.
     */
    public void sendToMember(MediaPort port, int mediaId, ByteBuffer clear, InetSocketAddress to, MediaKind kind) {
        MediaRoute receiver = routes.get(mediaId);
        if (receiver != null) {
            sendSealed(port, receiver, clear, to, kind);
        }
    }

    /**
     * Forwards a sender's video or screen datagram by its {@link SenderFanout}: re-encrypted for
     * each receiver here that is on its layer (hop by hop: a receiver holds only its own key), and,
     * when {@code toPeers}, sealed once for the peer nodes that subscribe to its layer, never once
     * per remote member. Receivers waiting to switch to a layer get its sender asked for a keyframe.
     */
    private void forwardVideo(VideoSender sender, ByteBuffer clear, MediaKind kind, long nowNanos, boolean toPeers) {
        SenderFanout fanout = sender.fanout;
        LayerSwitches switches = sender.switches;
        switches.follow(fanout, this::countersOf);
        int layer = MediaHeader.layer(clear, 0);
        boolean keyframeStart = (MediaHeader.flags(clear, 0) & MediaHeader.FLAG_KEYFRAME) != 0
                && MediaHeader.fragmentIndex(clear, 0) == 0;
        int slot = kind == MediaKind.SCREEN ? LayerSwitches.SCREEN_SLOT : layer;
        int sent = 0;
        int failed = 0;
        for (int i = 0; i < fanout.receivers().length; i++) {
            InetSocketAddress to = fanout.addresses()[i];
            if (to != null && switches.forwards(i, kind, layer, keyframeStart)) {
                MediaRoute receiver = routes.get(fanout.receivers()[i]);
                if (receiver != null) {
                    if (sealAndSend(MediaPort.VIDEO, receiver, clear, to)) {
                        sent++;
                    } else {
                        failed++;
                    }
                }
            }
        }
        // Counted once per datagram in, not per copy out: the shared counters were an eighth of this thread's time.
        if (sent > 0) {
            stats.sent(kind, sent, (long) sent * (clear.limit() + MediaHeader.TAG_LENGTH));
            stats.videoForwarded(slot, sent);
        }
        if (failed > 0) {
            stats.sendFailed(failed);
        }
        if (toPeers) {
            sendToPeers(clear, fanout, LayerMask.of(kind, layer));
        }
        askForKeyframes(sender.mediaId, switches.takePending(), nowNanos);
    }

    /** Video: sealed once with this node's key and sent to each peer node that wants the stream {@code bit}. */
    private void sendToPeers(ByteBuffer clear, SenderFanout fanout, int bit) {
        sendToPeers(MediaPort.VIDEO, clear, fanout.peers(), fanout.peerMasks(), bit);
    }

    /** Audio: sealed once with this node's key and sent to every peer node of the room. */
    private void sendToPeers(MediaPort port, ByteBuffer clear, MediaRoute.Peer[] peers) {
        sendToPeers(port, clear, peers, null, 0);
    }

    /**
     * Seals {@code clear} once with this node's key (node to node), on the first peer that takes
     * it, and sends it to each peer of {@code peers} whose mask in {@code masks} has {@code bit}
     * (every peer when {@code masks} is null).
     */
    private void sendToPeers(MediaPort port, ByteBuffer clear, MediaRoute.Peer[] peers, int[] masks, int bit) {
        MediaSealer sealer = nodeSealers[port.ordinal()];
        if (peers.length == 0 || sealer == null) {
            return;
        }
        ByteBuffer datagram = null;
        synchronized (sealer) {
            for (int p = 0; p < peers.length; p++) {
                if (masks == null || (masks[p] & bit) != 0) {
                    datagram = datagram == null ? sealer.seal(clear) : datagram;
                    MediaRoute.Peer peer = peers[p];
                    sendToPeer(port, datagram, port == MediaPort.VIDEO ? peer.video() : peer.audio(), peer.traffic());
                }
            }
        }
    }

    /** Sends a datagram sealed node to node; its position is left as it was, for the next peer. */
    private void sendToPeer(MediaPort port, ByteBuffer datagram, InetSocketAddress to, RelayStats.PeerTraffic traffic) {
        int length = datagram.remaining();
        if (!sockets.send(port, datagram, to)) {
            stats.sendFailed();
        } else if (traffic != null) {
            traffic.sent(length);
        }
    }

    /** Seals a clear datagram with this node's key (node to node, video port) and sends it to one peer node. */
    private void sendToNode(ByteBuffer clear, InetSocketAddress nodeVideo) {
        MediaSealer sealer = nodeSealers[MediaPort.VIDEO.ordinal()];
        if (sealer == null) {
            return;
        }
        PeerSocket peer = peerSockets.get(nodeVideo);
        synchronized (sealer) {
            sendToPeer(MediaPort.VIDEO, sealer.seal(clear), nodeVideo, peer == null ? null : peer.traffic);
        }
    }

    /**
     * A datagram a peer node forwarded from one of its members, opened with that node's key:
     * video to this node's members of the room, audio into this node's mixer. Never forwarded on
     * to other nodes.
     */
    private void fromPeer(MediaRoute.Remote remote, ByteBuffer clear, InetSocketAddress node) {
        MediaKind kind = MediaHeader.kind(clear, 0);
        switch (kind) {
            case VIDEO, SCREEN -> {
                remote.videoDatagramsIn.incrementAndGet();
                if (kind == MediaKind.SCREEN && remote.room.presenter() != remote.mediaId) {
                    stats.dropped(DropReason.NOT_PRESENTER);
                    return;
                }
                long now = System.nanoTime();
                remote.node = node;
                synchronized (remote.video) {
                    forwardVideo(remote.video, clear, kind, now, false);
                    recovery.forwarded(remote.video, clear, kind, now);
                }
            }
            case AUDIO -> {
                Reassembler.Frame frame = remote.audio.offer(clear, 0, System.nanoTime());
                ActorRef<Mixer.Command> mixer = remote.mixer;
                if (frame == null || mixer == null) {
                    return;
                }
                DropReason problem = mixable(frame);
                if (problem != null) {
                    stats.dropped(problem);
                    return;
                }
                mixer.tell(new Mixer.AudioFrame(remote.mediaId, frame.frameId(), frame.codec(), frame.data(),
                        MediaHeader.audioLevel(clear, 0)));
            }
            default -> {
                // hello and keepalive stay between a client and its own node
            }
        }
    }

    @Override
    public void close() {
        sockets.close();
    }
}
