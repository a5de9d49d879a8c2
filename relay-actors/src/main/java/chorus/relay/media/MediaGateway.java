package chorus.relay.media;

import chorus.protocol.audio.AudioFormat;
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
import chorus.relay.mixer.Mixer;
import chorus.relay.room.Participant;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.typed.ActorRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the relay's UDP sockets and is the media hot path. One thread per socket receives each
 * datagram into a reused buffer, checks its header (length, magic, version, kind, port), finds
 * the {@link MediaRoute} of its media id, checks its packet number against the replay window and
 * decrypts it with that participant's key (AES-256-GCM, bound to the port and the direction),
 * applies the rate limit and return routability, and re-encrypts it for each receiver of the
 * room's fan-out with that receiver's key, or reassembles audio for the mixer. The actors own the state and publish it into the routes; a datagram never becomes an
 * actor message (measured: docs/BENCHMARKS.md, "The media path"). Sending is open to any
 * thread (a DatagramChannel's send is thread-safe). Nothing here blocks: a datagram is either
 * forwarded or dropped and counted.
 */
public final class MediaGateway implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MediaGateway.class);

    private final Map<MediaPort, DatagramChannel> channels = new EnumMap<>(MediaPort.class);
    private final Map<MediaPort, Thread> receivers = new EnumMap<>(MediaPort.class);
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
    private volatile boolean open = true;

    public MediaGateway(RelayConfig config, RelayStats stats) throws IOException {
        this.stats = stats;
        this.limits = config.media().limits();
        this.recoveryConfig = config.media().recovery();
        this.recovery = new LossRecovery(recoveryConfig, routes, remotes, stats,
                (member, clear, to, kind) -> sendSealed(MediaPort.VIDEO, member, clear, to, kind), this::sendToNode);
        // A node alone has no peers; a random secret keeps its node key its own.
        String secret = config.cluster().secret();
        this.clusterSecret = secret.isBlank() ? Base64.getEncoder().encodeToString(MediaCipher.newKey()) : secret;
        try {
            channels.put(MediaPort.VIDEO, bind(config.listen().host(), config.listen().videoPort(), config));
            channels.put(MediaPort.AUDIO, bind(config.listen().host(), config.listen().audioPort(), config));
        } catch (IOException e) {
            close();
            throw e;
        }
        for (MediaPort port : MediaPort.values()) {
            Thread t = new Thread(() -> receiveLoop(port), "chorus-udp-" + port.name().toLowerCase());
            t.setDaemon(true);
            receivers.put(port, t);
            t.start();
        }
    }

    private static DatagramChannel bind(String host, int port, RelayConfig config) throws IOException {
        DatagramChannel ch = DatagramChannel.open();
        ch.setOption(StandardSocketOptions.SO_RCVBUF, config.media().receiveBufferBytes());
        ch.setOption(StandardSocketOptions.SO_SNDBUF, config.media().sendBufferBytes());
        try {
            ch.bind(new InetSocketAddress(host, port));
        } catch (IOException e) {
            ch.close();
            throw new IOException("cannot bind UDP " + host + ":" + port + " (" + e.getMessage() + ")", e);
        }
        return ch;
    }

    public int port(MediaPort port) {
        try {
            return ((InetSocketAddress) channels.get(port).getLocalAddress()).getPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
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

    public MediaRoute.Remote registerRemote(int mediaId, ActorRef<Mixer.Command> mixer) {
        return remotes.computeIfAbsent(mediaId, id -> new MediaRoute.Remote(id, mixer, stats::reassemblyDropped,
                recoveryConfig));
    }

    public void unregisterRemote(int mediaId) {
        remotes.remove(mediaId);
        recovery.forget(mediaId);
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
            recovery.forget(route.mediaId);
        }
    }

    /** Gives every member of a room the room's new fan-out (called by the Room on each change). */
    public void publishRoom(Iterable<Integer> memberIds, MediaRoute.RoomFanout fanout) {
        MediaRoute.RoomFanout before = null;
        for (int id : memberIds) {
            MediaRoute route = routes.get(id);
            if (route != null) {
                before = before == null ? route.room : before;
                route.room = fanout;
            }
        }
        recovery.roomChanged(before == null ? MediaRoute.RoomFanout.EMPTY : before, fanout, memberIds, System.nanoTime());
    }

    /** Gives the room's remote members (connected to other nodes) this node's fan-out. */
    public void publishRemotes(Iterable<Integer> remoteIds, MediaRoute.RoomFanout fanout) {
        MediaRoute.RoomFanout before = null;
        for (int id : remoteIds) {
            MediaRoute.Remote remote = remotes.get(id);
            if (remote != null) {
                before = before == null ? remote.room : before;
                remote.room = fanout;
            }
        }
        if (before != null) {
            recovery.roomChanged(before, fanout, remoteIds, System.nanoTime());
        }
    }


    public RelayStats stats() {
        return stats;
    }

    /**
     * Sends {@code datagram} (position to limit) to {@code to}. The buffer's position is restored,
     * so one encoded datagram can be sent to many receivers.
     */
    public void send(MediaPort port, ByteBuffer datagram, InetSocketAddress to, MediaKind kind) {
        int position = datagram.position();
        int length = datagram.remaining();
        try {
            channels.get(port).send(datagram, to);
            stats.sent(kind, length);
        } catch (IOException e) {
            stats.sendFailed();
            log.debug("send to {} failed: {}", to, e.toString());
        } finally {
            datagram.position(position);
        }
    }

    private void receiveLoop(MediaPort port) {
        DatagramChannel channel = channels.get(port);
        // Heap buffers: the JDK's AES-GCM works on their arrays without a copy.
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        ByteBuffer clear = ByteBuffer.allocate(MediaHeader.MAX_DATAGRAM);
        ByteBuffer signal = ByteBuffer.allocate(MediaHeader.MAX_DATAGRAM);
        while (open) {
            SocketAddress from;
            buffer.clear();
            try {
                from = channel.receive(buffer);
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (open) {
                    log.warn("UDP {} receive failed: {}", port, e.toString());
                }
                continue;
            }
            int length = buffer.position();
            DropReason problem = MediaHeader.validate(buffer, 0, length);
            if (problem != null) {
                stats.dropped(problem);
                continue;
            }
            if (!port.accepts(MediaHeader.kind(buffer, 0))) {
                stats.dropped(DropReason.WRONG_PORT);
                continue;
            }
            int mediaId = MediaHeader.mediaId(buffer, 0);
            MediaRoute route = routes.get(mediaId);
            if (route == null) {
                MediaRoute.Remote remote = remotes.get(mediaId);
                // The relay's own id: a peer node's keyframe request for a sender connected here.
                PeerSocket peer = remote == null && mediaId != MediaHeader.RELAY_MEDIA_ID ? null : peerSockets.get(from);
                if (peer == null) {
                    stats.dropped(DropReason.UNKNOWN_MEDIA_ID);
                } else if (open(peer.opener, peer.window, port, MediaCipher.NODE_TO_NODE, buffer, length, clear)) {
                    peer.traffic.received(length);
                    if (remote != null) {
                        fromPeer(remote, clear, (InetSocketAddress) from);
                    } else if (MediaHeader.kind(clear, 0) == MediaKind.KEYFRAME_REQUEST) {
                        recovery.onNodeKeyframeRequest(clear, System.nanoTime());
                    }
                }
                continue;
            }
            // A sender already over its limit costs no decryption: its bucket only ever fills from what opened.
            if (!route.buckets[port.ordinal()].holds(length, System.nanoTime())) {
                rateLimited(port, route);
            } else if (open(route.openers[port.ordinal()], route.windows[port.ordinal()], port, MediaCipher.CLIENT_TO_RELAY,
                    buffer, length, clear) && route.publishes(MediaHeader.kind(clear, 0), stats)) {
                route(port, route, clear, length, (InetSocketAddress) from, signal);
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
                MediaRoute.RoomFanout fanout = route.room;
                if (kind == MediaKind.SCREEN && fanout.presenter() != route.mediaId) {
                    stats.dropped(DropReason.NOT_PRESENTER);
                    return;
                }
                fanOut(fanout, route.mediaId, clear, kind);
                recovery.forwarded(route, clear, kind, now);
                // Once per other node with members in the room, never once per remote member.
                sendToPeers(MediaPort.VIDEO, clear, fanout.peers());
            }
            case AUDIO -> {
                sendToPeers(MediaPort.AUDIO, clear, route.room.peers());
                Reassembler.Frame frame = route.audio.offer(clear, 0, now);
                ActorRef<Mixer.Command> mixer = route.mixer;
                if (frame == null || mixer == null) {
                    return;
                }
                if (frame.codec() != Codec.PCM16 || frame.data().length != AudioFormat.FRAME_BYTES) {
                    stats.dropped(DropReason.BAD_LENGTH);
                    return;
                }
                mixer.tell(new Mixer.AudioFrame(route.mediaId, frame.frameId(), AudioFormat.toSamples(frame.data())));
            }
        }
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

    /** Re-encrypts for each receiver (hop by hop): a receiver holds only its own key. */
    private void fanOut(MediaRoute.RoomFanout fanout, int sender, ByteBuffer clear, MediaKind kind) {
        for (int i = 0; i < fanout.mediaIds().length; i++) {
            InetSocketAddress to = fanout.video()[i];
            int id = fanout.mediaIds()[i];
            if (id != sender && to != null) {
                MediaRoute receiver = routes.get(id);
                if (receiver != null) {
                    sendSealed(MediaPort.VIDEO, receiver, clear, to, kind);
                }
            }
        }
    }

    /** Sealed once with this node's key (node to node) and sent to each peer node. */
    private void sendToPeers(MediaPort port, ByteBuffer clear, MediaRoute.Peer[] peers) {
        MediaSealer sealer = nodeSealers[port.ordinal()];
        if (peers.length == 0 || sealer == null) {
            return;
        }
        synchronized (sealer) {
            ByteBuffer datagram = sealer.seal(clear);
            for (MediaRoute.Peer peer : peers) {
                sendToPeer(port, datagram, port == MediaPort.VIDEO ? peer.video() : peer.audio(), peer.traffic());
            }
        }
    }

    /** Sends a datagram sealed node to node; its position is restored for the next peer. */
    private void sendToPeer(MediaPort port, ByteBuffer datagram, InetSocketAddress to, RelayStats.PeerTraffic traffic) {
        int length = datagram.remaining();
        try {
            channels.get(port).send(datagram, to);
            if (traffic != null) {
                traffic.sent(length);
            }
        } catch (IOException e) {
            stats.sendFailed();
            log.debug("send to peer {} failed: {}", to, e.toString());
        } finally {
            datagram.position(0);
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
                MediaRoute.RoomFanout fanout = remote.room;
                if (kind == MediaKind.SCREEN && fanout.presenter() != remote.mediaId) {
                    stats.dropped(DropReason.NOT_PRESENTER);
                    return;
                }
                fanOut(fanout, remote.mediaId, clear, kind);
                remote.node = node;
                recovery.forwarded(remote.forwarded, clear, kind, System.nanoTime());
            }
            case AUDIO -> {
                Reassembler.Frame frame = remote.audio.offer(clear, 0, System.nanoTime());
                ActorRef<Mixer.Command> mixer = remote.mixer;
                if (frame == null || mixer == null || frame.codec() != Codec.PCM16
                        || frame.data().length != AudioFormat.FRAME_BYTES) {
                    return;
                }
                mixer.tell(new Mixer.AudioFrame(remote.mediaId, frame.frameId(), AudioFormat.toSamples(frame.data())));
            }
            default -> {
                // hello and keepalive stay between a client and its own node
            }
        }
    }

    @Override
    public void close() {
        open = false;
        for (DatagramChannel ch : channels.values()) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        for (Thread t : receivers.values()) {
            try {
                t.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
