package chorus.relay.baseline;

import chorus.protocol.control.ControlCodec;
import chorus.protocol.control.ControlMessage;
import chorus.protocol.control.ControlProtocolException;
import chorus.protocol.media.DropReason;
import chorus.protocol.media.Fragmenter;
import chorus.protocol.media.MediaCipher;
import chorus.protocol.media.MediaHeader;
import chorus.protocol.media.MediaKind;
import chorus.protocol.media.MediaSealer;
import chorus.protocol.media.ReplayWindow;
import chorus.relay.metrics.RelayStats;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The baseline the relay is measured against: the same job with no actors. A thread per
 * control connection answers the hello with a welcome; one thread per UDP port receives each
 * datagram, checks its header, replay window and AEAD tag (decrypting it), learns the sender's
 * address, and re-encrypts it for every other member of the room with that member's key, as the
 * relay does. No mixing (audio is fanned out like video), no keepalive, no challenge, no rate
 * limit, no roster events: only what the forwarding itself costs.
 */
@Command(name = "baseline", mixinStandardHelpOptions = true,
        description = "Run the raw (actor-free) forwarder the load test compares the relay with.")
public final class RawForwarder implements Callable<Integer>, AutoCloseable {

    @Option(names = "--host", defaultValue = "127.0.0.1")
    String host;

    @Option(names = "--control-port", defaultValue = "0")
    int controlPort;

    @Option(names = "--video-port", defaultValue = "0")
    int videoPort;

    @Option(names = "--audio-port", defaultValue = "0")
    int audioPort;

    private static final class Member {
        final int mediaId;
        // index 0 video, 1 audio; each touched by that port's thread only
        final MediaCipher[] openers = new MediaCipher[2];
        final ReplayWindow[] windows = {new ReplayWindow(), new ReplayWindow()};
        final MediaSealer[] sealers = new MediaSealer[2];
        final InetSocketAddress[] addresses = new InetSocketAddress[2];
        final List<Member> room;

        Member(int mediaId, byte[] key, List<Member> room) {
            this.mediaId = mediaId;
            for (int port = 0; port < 2; port++) {
                openers[port] = new MediaCipher(key);
                sealers[port] = new MediaSealer(key, port + 1, MediaCipher.RELAY_TO_CLIENT);
            }
            this.room = room;
        }
    }

    private final Map<Integer, Member> members = new ConcurrentHashMap<>();
    private final Map<String, List<Member>> rooms = new ConcurrentHashMap<>();
    private final AtomicInteger nextMediaId = new AtomicInteger(1);
    private final RelayStats stats = new RelayStats();
    private ServerSocket control;
    private DatagramChannel[] channels;
    private volatile boolean open = true;

    public static void main(String[] args) {
        System.exit(new CommandLine(new RawForwarder()).execute(args));
    }

    /** Binds and starts the threads; returns once every socket listens. */
    public RawForwarder start() throws IOException {
        control = new ServerSocket();
        control.bind(new InetSocketAddress(host, controlPort));
        channels = new DatagramChannel[] {
                DatagramChannel.open().bind(new InetSocketAddress(host, videoPort)),
                DatagramChannel.open().bind(new InetSocketAddress(host, audioPort))};
        for (DatagramChannel ch : channels) {
            ch.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20);
            ch.setOption(StandardSocketOptions.SO_SNDBUF, 4 << 20);
        }
        daemon("baseline-accept", this::acceptLoop);
        daemon("baseline-udp-video", () -> forwardLoop(0));
        daemon("baseline-udp-audio", () -> forwardLoop(1));
        return this;
    }

    public String readyLine() throws IOException {
        return "Chorus raw forwarder ready control=" + host + ":" + control.getLocalPort()
                + " video=" + port(0) + " audio=" + port(1);
    }

    public int controlPort() {
        return control.getLocalPort();
    }

    public RelayStats stats() {
        return stats;
    }

    private int port(int index) throws IOException {
        return ((InetSocketAddress) channels[index].getLocalAddress()).getPort();
    }

    private static void daemon(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
    }

    private void acceptLoop() {
        while (open) {
            try {
                Socket s = control.accept();
                daemon("baseline-control", () -> handshake(s));
            } catch (IOException e) {
                return;
            }
        }
    }

    /** Answers one hello with a welcome, then holds the connection until the client closes it. */
    private void handshake(Socket socket) {
        Member member = null;
        try (socket) {
            DataInputStream in = new DataInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            if (!(ControlCodec.readFrame(in) instanceof ControlMessage.Hello hello)) {
                return;
            }
            byte[] key = MediaCipher.newKey();
            List<Member> room = rooms.computeIfAbsent(hello.room(), r -> new CopyOnWriteArrayList<>());
            member = new Member(nextMediaId.getAndIncrement(), key, room);
            members.put(member.mediaId, member);
            room.add(member);
            ControlMessage.ParticipantInfo self = new ControlMessage.ParticipantInfo(
                    "baseline-" + member.mediaId, hello.name(), member.mediaId);
            out.write(ControlCodec.encodeFrame(new ControlMessage.Welcome(ControlMessage.PROTOCOL_VERSION,
                    self.participantId(), member.mediaId, Base64.getEncoder().encodeToString(key),
                    new ControlMessage.MediaEndpoints(socket.getLocalAddress().getHostAddress(), port(0), port(1)),
                    hello.room(), 1, 3_600_000, 3_600_000, null, null, List.of())));
            out.write(ControlCodec.encodeFrame(new ControlMessage.RosterPage(0, 1, List.of(self))));
            out.flush();
            while (!(ControlCodec.readFrame(in) instanceof ControlMessage.Leave)) {
                // ignore everything else until the client leaves or closes
            }
        } catch (IOException | ControlProtocolException e) {
            // the client went away
        } finally {
            if (member != null) {
                members.remove(member.mediaId);
                member.room.remove(member);
            }
        }
    }

    private void forwardLoop(int port) {
        DatagramChannel channel = channels[port];
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        ByteBuffer clear = ByteBuffer.allocate(MediaHeader.MAX_DATAGRAM);
        ByteBuffer ack = ByteBuffer.allocate(MediaHeader.MAX_DATAGRAM);
        while (open) {
            SocketAddress from;
            buffer.clear();
            try {
                from = channel.receive(buffer);
            } catch (IOException e) {
                return;
            }
            int length = buffer.position();
            DropReason problem = MediaHeader.validate(buffer, 0, length);
            Member sender = problem == null ? members.get(MediaHeader.mediaId(buffer, 0)) : null;
            long packetNumber = problem == null ? MediaHeader.packetNumber(buffer, 0) : 0;
            DropReason stale = sender == null ? null : sender.windows[port].check(packetNumber);
            if (sender == null || stale != null
                    || !sender.openers[port].open(buffer, length, port + 1, MediaCipher.CLIENT_TO_RELAY, clear)) {
                stats.dropped(problem != null ? problem : stale != null ? stale : DropReason.BAD_TAG);
                continue;
            }
            sender.windows[port].accept(packetNumber);
            MediaKind kind = MediaHeader.kind(clear, 0);
            stats.received(kind, length);
            sender.addresses[port] = (InetSocketAddress) from;
            try {
                if (kind == MediaKind.HELLO) {
                    Fragmenter.encodeSignal(ack, MediaKind.HELLO, sender.mediaId, 0);
                    channel.send(sender.sealers[port].seal(ack), from);
                    continue;
                }
                if (kind != MediaKind.VIDEO && kind != MediaKind.SCREEN && kind != MediaKind.AUDIO) {
                    continue;
                }
                for (Member m : sender.room) {
                    InetSocketAddress to = m.addresses[port];
                    if (m != sender && to != null) {
                        ByteBuffer sealed = m.sealers[port].seal(clear);
                        channel.send(sealed, to);
                        stats.sent(kind, sealed.limit());
                    }
                }
            } catch (IOException e) {
                stats.sendFailed();
            }
        }
    }

    @Override
    public Integer call() throws Exception {
        start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            close();
            stopped.countDown();
        }));
        System.out.println(readyLine());
        System.out.flush();
        stopped.await();
        return 0;
    }

    @Override
    public void close() {
        open = false;
        try {
            control.close();
            for (DatagramChannel ch : channels) {
                ch.close();
            }
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
