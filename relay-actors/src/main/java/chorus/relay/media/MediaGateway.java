package chorus.relay.media;

import chorus.protocol.audio.AudioFormat;
import chorus.protocol.media.Codec;
import chorus.protocol.media.DropReason;
import chorus.protocol.media.Fragmenter;
import chorus.protocol.media.MediaHeader;
import chorus.protocol.media.MediaKind;
import chorus.protocol.media.Reassembler;
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
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.typed.ActorRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the relay's UDP sockets and is the media hot path. One thread per socket receives each
 * datagram into a reused direct buffer, checks its header (length, magic, version, kind, port),
 * finds the {@link MediaRoute} of its media id, verifies the tag with that participant's key,
 * and forwards it straight from the buffer to the room's fan-out, or reassembles audio for the
 * mixer. The actors own the state and publish it into the routes; a datagram never becomes an
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
    /** Peer nodes' media sockets: node-to-node datagrams are trusted by these source addresses. */
    private final ConcurrentHashMap<InetSocketAddress, RelayStats.PeerTraffic> peerSockets = new ConcurrentHashMap<>();
    private final RelayStats stats;
    private volatile boolean open = true;

    public MediaGateway(RelayConfig config, RelayStats stats) throws IOException {
        this.stats = stats;
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

    /** A peer node's media sockets (from the cluster roster); its datagrams are accepted from now on. */
    public MediaRoute.Peer peer(String node, InetSocketAddress video, InetSocketAddress audio) {
        RelayStats.PeerTraffic traffic = stats.peer(node);
        peerSockets.put(video, traffic);
        peerSockets.put(audio, traffic);
        return new MediaRoute.Peer(video, audio, traffic);
    }

    public MediaRoute.Remote registerRemote(int mediaId, ActorRef<Mixer.Command> mixer) {
        return remotes.computeIfAbsent(mediaId, id -> new MediaRoute.Remote(id, mixer, stats::reassemblyDropped));
    }

    public void unregisterRemote(int mediaId) {
        remotes.remove(mediaId);
    }

    /** Media ids are unique on this node for its lifetime; the tag, not the id, is the secret. */
    public int nextMediaId() {
        return nextMediaId.getAndIncrement();
    }

    public MediaRoute register(int mediaId, byte[] key, ActorRef<Participant.Command> participant) {
        MediaRoute route = new MediaRoute(mediaId, key, participant, stats::reassemblyDropped);
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
        routes.remove(route.mediaId, route);
    }

    /** Gives every member of a room the room's new fan-out (called by the Room on each change). */
    public void publishRoom(Iterable<Integer> memberIds, MediaRoute.RoomFanout fanout) {
        for (int id : memberIds) {
            MediaRoute route = routes.get(id);
            if (route != null) {
                route.room = fanout;
            }
        }
    }

    /** Gives the room's remote members (connected to other nodes) this node's fan-out. */
    public void publishRemotes(Iterable<Integer> remoteIds, MediaRoute.RoomFanout fanout) {
        for (int id : remoteIds) {
            MediaRoute.Remote remote = remotes.get(id);
            if (remote != null) {
                remote.room = fanout;
            }
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
        ByteBuffer buffer = ByteBuffer.allocateDirect(64 * 1024);
        ByteBuffer ack = ByteBuffer.allocate(MediaHeader.MIN_DATAGRAM);
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
            MediaRoute route = routes.get(MediaHeader.mediaId(buffer, 0));
            if (route == null) {
                MediaRoute.Remote remote = remotes.get(MediaHeader.mediaId(buffer, 0));
                RelayStats.PeerTraffic peer = remote == null ? null : peerSockets.get(from);
                if (peer == null) {
                    stats.dropped(DropReason.UNKNOWN_MEDIA_ID);
                } else {
                    peer.received(length);
                    fromPeer(remote, buffer, length);
                }
                continue;
            }
            route(port, route, buffer, length, (InetSocketAddress) from, ack);
        }
    }

    /**
     * Verifies, notes the address, and forwards, all on this UDP thread, reading what the actors
     * published. The actors hear only of changes (a new address) and of complete audio frames.
     */
    private void route(MediaPort port, MediaRoute route, ByteBuffer datagram, int length,
                       InetSocketAddress from, ByteBuffer ack) {
        int p = port.ordinal();
        if (!route.authenticators[p].verify(datagram, 0, MediaHeader.signedLength(datagram, 0))) {
            stats.dropped(DropReason.BAD_TAG);
            return;
        }
        MediaKind kind = MediaHeader.kind(datagram, 0);
        stats.received(kind, length);
        boolean newest = route.newestSequences.advance(port, kind,
                datagram.getInt(MediaHeader.SEQUENCE_OFFSET) & 0xFFFF_FFFFL);
        InetSocketAddress learned = route.address(port);
        if (!from.equals(learned)) {
            if (learned == null || newest) {
                if (!from.equals(route.reported[p])) {
                    route.reported[p] = from;
                    route.participant.tell(new Participant.AddressSeen(port, from));
                }
            } else {
                stats.addressMoveRefused();
            }
        }
        switch (kind) {
            case HELLO -> {
                // Acknowledge only once the room routes to this address, so that whatever the
                // client expects after the ack already comes here; until then it sends again.
                if (from.equals(route.routed(port))) {
                    Fragmenter.encodeSignal(ack, MediaKind.HELLO, route.mediaId, route.ackSequence++, route.authenticators[p]);
                    send(port, ack, from, MediaKind.HELLO);
                }
            }
            case KEEPALIVE -> {
                // refreshing the address was all it was for
            }
            case VIDEO, SCREEN -> {
                MediaRoute.RoomFanout fanout = route.room;
                if (kind == MediaKind.SCREEN && fanout.presenter() != route.mediaId) {
                    stats.dropped(DropReason.NOT_PRESENTER);
                    return;
                }
                if (kind == MediaKind.VIDEO && !route.publishVideo) {
                    stats.dropped(DropReason.NOT_ALLOWED);
                    return;
                }
                datagram.limit(length).position(0);
                fanOut(fanout, route.mediaId, datagram, kind);
                // Once per other node with members in the room, never once per remote member.
                for (MediaRoute.Peer peer : fanout.peers()) {
                    sendToPeer(MediaPort.VIDEO, datagram, peer.video(), peer);
                }
            }
            case AUDIO -> {
                if (!route.publishAudio) {
                    stats.dropped(DropReason.NOT_ALLOWED);
                    return;
                }
                MediaRoute.Peer[] peers = route.room.peers();
                if (peers.length > 0) {
                    datagram.limit(length).position(0);
                    for (MediaRoute.Peer peer : peers) {
                        sendToPeer(MediaPort.AUDIO, datagram, peer.audio(), peer);
                    }
                }
                Reassembler.Frame frame = route.audio.offer(datagram, 0, System.nanoTime());
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

    private void fanOut(MediaRoute.RoomFanout fanout, int sender, ByteBuffer datagram, MediaKind kind) {
        for (int i = 0; i < fanout.mediaIds().length; i++) {
            InetSocketAddress to = fanout.video()[i];
            if (fanout.mediaIds()[i] != sender && to != null) {
                send(MediaPort.VIDEO, datagram, to, kind);
            }
        }
    }

    private void sendToPeer(MediaPort port, ByteBuffer datagram, InetSocketAddress to, MediaRoute.Peer peer) {
        int position = datagram.position();
        int length = datagram.remaining();
        try {
            channels.get(port).send(datagram, to);
            peer.traffic().sent(length);
        } catch (IOException e) {
            stats.sendFailed();
            log.debug("send to peer {} failed: {}", to, e.toString());
        } finally {
            datagram.position(position);
        }
    }

    /**
     * A datagram a peer node forwarded, unchanged, from one of its members: video to this node's
     * members of the room, audio into this node's mixer. Never forwarded on to other nodes.
     */
    private void fromPeer(MediaRoute.Remote remote, ByteBuffer datagram, int length) {
        MediaKind kind = MediaHeader.kind(datagram, 0);
        switch (kind) {
            case VIDEO, SCREEN -> {
                MediaRoute.RoomFanout fanout = remote.room;
                if (kind == MediaKind.SCREEN && fanout.presenter() != remote.mediaId) {
                    stats.dropped(DropReason.NOT_PRESENTER);
                    return;
                }
                datagram.limit(length).position(0);
                fanOut(fanout, remote.mediaId, datagram, kind);
            }
            case AUDIO -> {
                Reassembler.Frame frame = remote.audio.offer(datagram, 0, System.nanoTime());
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
