package chorus.client.load;

import chorus.client.session.RelayAddress;
import chorus.protocol.control.ControlCodec;
import chorus.protocol.control.ControlMessage;
import chorus.protocol.control.ControlMessage.DominantSpeaker;
import chorus.protocol.control.ControlMessage.Hello;
import chorus.protocol.control.ControlMessage.Ping;
import chorus.protocol.control.ControlMessage.Pong;
import chorus.protocol.control.ControlMessage.RosterPage;
import chorus.protocol.control.ControlMessage.Welcome;
import chorus.protocol.control.ControlProtocolException;
import chorus.protocol.control.RosterPages;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The load participants' TCP control connections, all served by one thread: it completes each
 * join with the relay's welcome, answers every ping with a pong, follows the roster's size (the
 * pages after the welcome, then joined and left), and keeps what the relay tells a sender
 * ({@code layers-wanted}) and a receiver ({@code dominant-speaker}, errors), so dozens of
 * participants cost one mostly idle thread rather than one each.
 */
final class ControlConnections implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ControlConnections.class);
    private static final long SELECT_MILLIS = 100;

    /** One participant's control connection. */
    static final class Link {
        private final SocketChannel channel;
        private final ByteBuffer in = ByteBuffer.allocate(ControlCodec.LENGTH_PREFIX_BYTES + ControlCodec.MAX_FRAME_BYTES);
        private final CompletableFuture<Welcome> welcome = new CompletableFuture<>();
        private volatile String lostReason;
        /** The camera layers the relay last said anyone wants (dynacast); null until it says. */
        private volatile List<Integer> layersWanted;
        // control thread: the roster's pages until the last one, then the room by id (whether each
        // announced layers): by id, since a cluster can tell of someone in the pages and again as joined
        private RosterPages.Assembly roster;
        private final Map<String, Boolean> room = new HashMap<>();
        /** Members of the room as this participant was told, itself included; -1 until the last roster page. */
        private volatile int members = -1;
        /** Of {@link #members}, those whose hello announced camera layers. */
        private volatile int membersWithLayers;
        /** Every dominant-speaker message, in order, with when it came. */
        private final List<Heard<DominantSpeaker>> speakers = new ArrayList<>(); // guarded by itself
        /** Error codes the relay sent after the welcome, in order. */
        private final List<String> errors = new ArrayList<>(); // guarded by itself

        private Link(SocketChannel channel) {
            this.channel = channel;
        }

        private int withLayers; // control thread: of the room, those announcing layers

        private void enter(ControlMessage.ParticipantInfo member) {
            boolean layered = member.layers() != null;
            Boolean before = room.put(member.participantId(), layered);
            withLayers += (layered ? 1 : 0) - (Boolean.TRUE.equals(before) ? 1 : 0);
        }

        private void leave(String participantId) {
            if (Boolean.TRUE.equals(room.remove(participantId))) {
                withLayers--;
            }
        }

        /** Publishes the room's counts for other threads. */
        private void counted() {
            membersWithLayers = withLayers;
            members = room.size();
        }

        /** Why the relay ended this connection before we left, or null while it is up. */
        String lostReason() {
            return lostReason;
        }

        InetSocketAddress remoteAddress() throws IOException {
            return (InetSocketAddress) channel.getRemoteAddress();
        }
    }

    /** A message and {@link System#nanoTime()} when it was read. */
    record Heard<M>(long atNanos, M message) {
    }

    /** Keeps the room's dominant-speaker history per connection bounded (it changes on hysteresis, rarely). */
    private static final int MAX_SPEAKER_MESSAGES = 10_000;

    private final Selector selector;
    private final java.util.Set<String> warnedCodes = new java.util.HashSet<>(); // control thread
    private final Queue<Link> toRegister = new ConcurrentLinkedQueue<>();
    private final List<Link> links = new ArrayList<>(); // guarded by itself
    private final Thread thread;
    private volatile boolean running = true;

    private ControlConnections() throws IOException {
        selector = Selector.open();
        thread = new Thread(this::serve, "load-control");
        thread.setDaemon(true);
    }

    static ControlConnections start() throws IOException {
        ControlConnections c = new ControlConnections();
        c.thread.start();
        return c;
    }

    /**
     * Connects, sends {@code hello} and waits for the welcome.
     *
     * @throws IOException when the relay cannot be reached, refuses the join or does not answer within {@code timeout}
     */
    Link join(RelayAddress relay, Hello hello, Duration timeout) throws IOException, InterruptedException {
        SocketChannel channel = SocketChannel.open();
        Link link = new Link(channel);
        try {
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            channel.socket().connect(new InetSocketAddress(relay.host(), relay.port()), (int) timeout.toMillis());
            ByteBuffer frame = ByteBuffer.wrap(ControlCodec.encodeFrame(hello));
            while (frame.hasRemaining()) {
                channel.write(frame);
            }
            channel.configureBlocking(false);
        } catch (IOException e) {
            channel.close();
            throw new IOException("cannot join " + relay + " (" + e.getMessage() + ")", e);
        }
        synchronized (links) {
            links.add(link);
        }
        toRegister.add(link);
        selector.wakeup();
        try {
            link.welcome.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            return link;
        } catch (ExecutionException e) {
            throw new IOException(e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("relay at " + relay + " did not answer the hello within " + timeout.toMillis() + " ms");
        }
    }

    /** The camera layers the relay last asked {@code link}'s participant for; null: it has not said (send all). */
    static List<Integer> layersWanted(Link link) {
        return link.layersWanted;
    }

    /** Members in the room as the relay has told {@code link} so far; -1 before its roster's last page. */
    static int members(Link link) {
        return link.members;
    }

    /** Of {@link #members}, those that announced camera layers. */
    static int membersWithLayers(Link link) {
        return link.membersWithLayers;
    }

    /** The dominant-speaker messages {@code link} got so far, in order. */
    static List<Heard<DominantSpeaker>> speakers(Link link) {
        synchronized (link.speakers) {
            return List.copyOf(link.speakers);
        }
    }

    /** Error codes the relay sent {@code link} after its welcome. */
    static List<String> errors(Link link) {
        synchronized (link.errors) {
            return List.copyOf(link.errors);
        }
    }

    /**
     * Sends {@code message} on {@code link} (from any thread; a frame at a time).
     *
     * @throws IOException when it does not fit the socket's buffer at once: the relay stopped reading
     */
    static void send(Link link, ControlMessage message) throws IOException {
        ByteBuffer frame = ByteBuffer.wrap(ControlCodec.encodeFrame(message));
        synchronized (link) {
            link.channel.write(frame);
        }
        if (frame.hasRemaining()) {
            throw new IOException("control connection stalled sending " + message.getClass().getSimpleName());
        }
    }

    static Welcome welcome(Link link) {
        return link.welcome.getNow(null);
    }

    /** How many connections the relay ended before we left. */
    int lost() {
        synchronized (links) {
            return (int) links.stream().filter(l -> l.lostReason != null).count();
        }
    }

    private void serve() {
        while (running) {
            try {
                selector.select(SELECT_MILLIS);
                Link pending;
                while ((pending = toRegister.poll()) != null) {
                    pending.channel.register(selector, SelectionKey.OP_READ, pending);
                }
                for (SelectionKey key : selector.selectedKeys()) {
                    read((Link) key.attachment(), key);
                }
                selector.selectedKeys().clear();
            } catch (IOException e) {
                log.warn("control connections: {}", e.toString());
            }
        }
    }

    private void read(Link link, SelectionKey key) {
        try {
            int n = link.channel.read(link.in);
            if (n < 0) {
                lose(link, key, "relay closed the control connection");
                return;
            }
            link.in.flip();
            while (link.in.remaining() >= ControlCodec.LENGTH_PREFIX_BYTES) {
                int length = link.in.getInt(link.in.position());
                if (length < 0 || length > ControlCodec.MAX_FRAME_BYTES) {
                    lose(link, key, "relay sent an oversized control frame");
                    return;
                }
                if (link.in.remaining() < ControlCodec.LENGTH_PREFIX_BYTES + length) {
                    break;
                }
                link.in.position(link.in.position() + ControlCodec.LENGTH_PREFIX_BYTES);
                byte[] body = new byte[length];
                link.in.get(body);
                handle(link, key, body);
            }
            link.in.compact();
        } catch (IOException e) {
            lose(link, key, "control connection failed (" + e.getMessage() + ")");
        }
    }

    private void handle(Link link, SelectionKey key, byte[] body) throws IOException {
        ControlMessage message;
        try {
            message = ControlCodec.decode(body);
        } catch (ControlProtocolException e) {
            log.debug("ignoring a control frame: {}", e.getMessage());
            return;
        }
        if (message instanceof Welcome w) {
            link.roster = new RosterPages.Assembly(w.rosterSize());
            link.welcome.complete(w);
        } else if (message instanceof RosterPage page) {
            onRosterPage(link, key, page);
        } else if (message instanceof ControlMessage.ParticipantJoined joined && link.members >= 0) {
            link.enter(joined.participant());
            link.counted();
        } else if (message instanceof ControlMessage.ParticipantLeft left && link.members >= 0
                && left.participant() != null) {
            link.leave(left.participant().participantId());
            link.counted();
        } else if (message instanceof ControlMessage.LayersWanted wanted) {
            link.layersWanted = wanted.camera() == null ? List.of() : List.copyOf(wanted.camera());
        } else if (message instanceof DominantSpeaker speaker) {
            synchronized (link.speakers) {
                if (link.speakers.size() < MAX_SPEAKER_MESSAGES) {
                    link.speakers.add(new Heard<>(System.nanoTime(), speaker));
                }
            }
        } else if (message instanceof Ping ping) {
            ByteBuffer pong = ByteBuffer.wrap(ControlCodec.encodeFrame(new Pong(ping.nonce())));
            synchronized (link) {
                link.channel.write(pong);
            }
            if (pong.hasRemaining()) {
                // A few dozen bytes that do not fit: the relay has stopped reading us.
                lose(link, key, "control connection stalled");
            }
        } else if (message instanceof ControlMessage.Error error) {
            String reason = "relay refused: " + error.code() + " (" + error.message() + ")";
            if (!link.welcome.completeExceptionally(new IOException(reason))) {
                // once per code at WARN: a thousand receivers refused alike would bury the log
                if (warnedCodes.add(String.valueOf(error.code()))) {
                    log.warn("relay sent an error (the report counts them all): {}", reason);
                } else {
                    log.debug("relay sent an error: {}", reason);
                }
                synchronized (link.errors) {
                    link.errors.add(error.code());
                }
            }
        }
        // anything else (chat, audio levels, presenter): the load test does not show it
    }

    /** The roster after the welcome, a page at a time; a page out of order ends the connection, as a client's. */
    private void onRosterPage(Link link, SelectionKey key, RosterPage page) {
        if (link.roster == null) {
            log.debug("ignoring a roster page after the roster");
            return;
        }
        try {
            if (link.roster.add(page)) {
                link.roster.roster().forEach(link::enter);
                link.roster = null;
                link.counted();
            }
        } catch (ControlProtocolException e) {
            lose(link, key, "relay sent a bad roster: " + e.getMessage());
        }
    }

    private void lose(Link link, SelectionKey key, String reason) {
        key.cancel();
        closeQuietly(link.channel);
        if (!link.welcome.completeExceptionally(new IOException(reason))) {
            link.lostReason = reason;
            log.warn("{}", reason);
        }
    }

    /** Sends {@code leave} (best effort; the relay then tells the room) and closes the connection. */
    static void leave(Link link) {
        if (link.lostReason == null && link.channel.isOpen()) {
            try {
                synchronized (link) {
                    link.channel.write(ByteBuffer.wrap(ControlCodec.encodeFrame(new ControlMessage.Leave())));
                }
            } catch (IOException e) {
                log.debug("leave not sent: {}", e.getMessage());
            }
        }
        closeQuietly(link.channel);
    }

    /** Stops the thread (no more pongs) and leaves on every connection. */
    @Override
    public void close() {
        running = false;
        selector.wakeup();
        try {
            thread.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (links) {
            links.forEach(ControlConnections::leave);
        }
        try {
            selector.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing left to tell the relay
        }
    }
}
