package chorus.relay;

import chorus.protocol.media.DropReason;
import chorus.protocol.media.MediaHeader;
import chorus.protocol.media.MediaKind;
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
 * Owns the relay's UDP sockets. One thread per socket receives datagrams, checks their header
 * (length, magic, version, kind, port) without copying, and hands each to the Participant actor
 * that owns its media id; that actor verifies the tag. Sending is open to any actor's thread
 * (a DatagramChannel's send is thread-safe). Nothing here blocks on an actor: a datagram is
 * either handed over or dropped and counted.
 */
public final class MediaGateway implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MediaGateway.class);

    private final Map<MediaPort, DatagramChannel> channels = new EnumMap<>(MediaPort.class);
    private final Map<MediaPort, Thread> receivers = new EnumMap<>(MediaPort.class);
    private final ConcurrentHashMap<Integer, ActorRef<Participant.Command>> routes = new ConcurrentHashMap<>();
    private final AtomicInteger nextMediaId = new AtomicInteger(MediaHeader.RELAY_MEDIA_ID + 1);
    private final RelayStats stats;
    private volatile boolean open = true;

    public MediaGateway(RelayConfig config, RelayStats stats) throws IOException {
        this.stats = stats;
        try {
            channels.put(MediaPort.VIDEO, bind(config.host(), config.videoPort(), config));
            channels.put(MediaPort.AUDIO, bind(config.host(), config.audioPort(), config));
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
        ch.setOption(StandardSocketOptions.SO_RCVBUF, config.receiveBufferBytes());
        ch.setOption(StandardSocketOptions.SO_SNDBUF, config.sendBufferBytes());
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

    /** Media ids are unique on this node for its lifetime; the tag, not the id, is the secret. */
    public int nextMediaId() {
        return nextMediaId.getAndIncrement();
    }

    public void register(int mediaId, ActorRef<Participant.Command> participant) {
        routes.put(mediaId, participant);
    }

    public void unregister(int mediaId, ActorRef<Participant.Command> participant) {
        routes.remove(mediaId, participant);
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
            ActorRef<Participant.Command> owner = routes.get(MediaHeader.mediaId(buffer, 0));
            if (owner == null) {
                stats.dropped(DropReason.UNKNOWN_MEDIA_ID);
                continue;
            }
            byte[] datagram = new byte[length];
            buffer.get(0, datagram);
            owner.tell(new Participant.MediaIn(port, datagram, (InetSocketAddress) from));
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
