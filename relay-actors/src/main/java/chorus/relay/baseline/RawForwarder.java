package chorus.relay.baseline;

import chorus.protocol.control.ControlCodec;
import chorus.protocol.control.ControlMessage;
import chorus.protocol.control.ControlProtocolException;
import chorus.protocol.media.MediaCipher;
import chorus.relay.metrics.RelayStats;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
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
 * relay does ({@link DatagramForwarder}); {@code --send} picks how the datagrams go out
 * ({@link PlainPath}, {@link GsoPath}). No mixing (audio is fanned out like video), no keepalive, no challenge, no rate
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

    /** How the UDP path receives and sends. */
    enum Send {
        /** A JDK DatagramChannel per port: one receive per datagram, one send per datagram per receiver. */
        plain,
        /** Netty native epoll: reads in batches, and each receiver's copies of a frame go as one UDP GSO send. */
        gso
    }

    @Option(names = "--send", defaultValue = "plain", paramLabel = "plain|gso",
            description = "How datagrams are sent: plain (one send per datagram per receiver) or gso (a frame's "
                    + "datagrams to one receiver as one segmented send, UDP_SEGMENT; needs Linux epoll). "
                    + "Default: ${DEFAULT-VALUE}.")
    Send send;

    private final Map<Integer, Member> members = new ConcurrentHashMap<>();
    private final Map<String, List<Member>> rooms = new ConcurrentHashMap<>();
    private final AtomicInteger nextMediaId = new AtomicInteger(1);
    private final RelayStats stats = new RelayStats();
    private ServerSocket control;
    private MediaPath media;
    private volatile boolean open = true;

    public static void main(String[] args) {
        System.exit(new CommandLine(new RawForwarder()).execute(args));
    }

    /**
     * Binds and starts the threads; returns once every socket listens.
     *
     * @throws IllegalStateException with {@code --send gso} where Netty's epoll transport or UDP GSO is missing
     */
    public RawForwarder start() throws IOException {
        media = send == Send.gso ? new GsoPath(host, videoPort, audioPort, members, stats)
                : new PlainPath(host, videoPort, audioPort, members, stats);
        control = new ServerSocket();
        control.bind(new InetSocketAddress(host, controlPort));
        media.start();
        daemon("baseline-accept", this::acceptLoop);
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

    /** The media path it runs (for tests: what a GSO path sent). */
    MediaPath media() {
        return media;
    }

    private int port(int index) throws IOException {
        return media.port(index);
    }

    static void daemon(String name, Runnable body) {
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

    @Override
    public Integer call() throws Exception {
        try {
            start();
        } catch (IllegalStateException e) {
            System.err.println("chorus baseline: " + e.getMessage());
            close();
            return 1;
        }
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
            if (control != null) {
                control.close();
            }
        } catch (IOException ignored) {
            // closing anyway
        }
        if (media != null) {
            media.close();
        }
    }
}
