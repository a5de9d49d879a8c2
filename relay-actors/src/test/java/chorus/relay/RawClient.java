package chorus.relay;

import chorus.protocol.control.ControlCodec;
import chorus.protocol.control.ControlMessage;
import chorus.protocol.media.Codec;
import chorus.protocol.media.Fragmenter;
import chorus.protocol.media.MediaCipher;
import chorus.protocol.media.MediaHeader;
import chorus.protocol.media.MediaKind;
import chorus.protocol.media.MediaSealer;
import chorus.relay.files.FileService;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.Base64;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A bare-bones protocol peer for relay tests: frames written by hand on a real TCP socket and
 * datagrams on real UDP sockets bound to port 0, so the tests see exactly what is on the wire.
 * Datagrams are sealed per port (client to relay, one packet counter per port, as a client's
 * socket has) and what the relay sends is opened with {@link #open}.
 */
public final class RawClient implements AutoCloseable {
    public final Socket socket;
    public final DataInputStream in;
    final OutputStream out;
    public ControlMessage.Welcome welcome;
    /** The whole roster at the welcome, from the roster pages that follow it. */
    public java.util.List<ControlMessage.ParticipantInfo> roster;
    public byte[] key;
    public DatagramChannel video;
    public DatagramChannel audio;
    public MediaSealer videoSealer;
    public MediaSealer audioSealer;
    private long sequence;
    /** Bytes of challenges received by {@link #hello} (return routability). */
    public long challengeBytes;

    public RawClient(InetSocketAddress control) throws IOException {
        this(control, null, 0);
    }

    /**
     * @param from          the local address to connect from (a loopback address such as 127.0.0.7), or null
     * @param receiveBuffer the socket's receive buffer in bytes (small: a client slow to read), or 0 for the default
     */
    public RawClient(InetSocketAddress control, InetSocketAddress from, int receiveBuffer) throws IOException {
        socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        if (from != null) {
            socket.bind(from);
        }
        socket.connect(control, 5000);
        socket.setSoTimeout(5000);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    /** Over a socket already connected (a TLS socket, say). */
    public RawClient(Socket connected) throws IOException {
        socket = connected;
        socket.setSoTimeout(5000);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    public static RawClient join(RelayNode relay, String room, String name) throws Exception {
        return join(relay.controlAddress(), room, name);
    }

    /** Joins the relay at {@code control} (one in a JVM of its own, say). */
    public static RawClient join(InetSocketAddress control, String room, String name) throws Exception {
        return join(new RawClient(control), room, name);
    }

    /** Sends the hello on {@code c}'s connection and reads the welcome. */
    public static RawClient join(RawClient c, String room, String name) throws Exception {
        return join(c, new ControlMessage.Hello(ControlMessage.PROTOCOL_VERSION, name, room, "raw-test"));
    }

    /** Sends {@code hello} on {@code c}'s connection and reads the welcome and its roster pages. */
    public static RawClient join(RawClient c, ControlMessage.Hello hello) throws Exception {
        c.send(hello);
        c.readWelcome();
        return c;
    }

    /**
     * Reads the welcome (failing on anything else) and then its roster pages into {@link #roster},
     * checking each page's frame fits the limit.
     */
    public ControlMessage.Welcome readWelcome() throws Exception {
        ControlMessage reply = read();
        if (!(reply instanceof ControlMessage.Welcome w)) {
            throw new AssertionError("expected welcome, got " + reply);
        }
        return welcomed(w);
    }

    /** Takes {@code w}, already read, and reads its roster pages (see {@link #readWelcome}). */
    public ControlMessage.Welcome welcomed(ControlMessage.Welcome w) throws Exception {
        RawClient c = this;
        chorus.protocol.control.RosterPages.Assembly pages = new chorus.protocol.control.RosterPages.Assembly(w.rosterSize());
        boolean last = false;
        while (!last) {
            ControlMessage next = read();
            if (!(next instanceof ControlMessage.RosterPage page)) {
                throw new AssertionError("expected a roster page after the welcome, got " + next);
            }
            last = pages.add(page);
        }
        c.roster = pages.roster();
        c.welcome = w;
        c.key = Base64.getDecoder().decode(w.mediaKey());
        c.videoSealer = new MediaSealer(c.key, MediaCipher.VIDEO_CHANNEL, MediaCipher.CLIENT_TO_RELAY);
        c.audioSealer = new MediaSealer(c.key, MediaCipher.AUDIO_CHANNEL, MediaCipher.CLIENT_TO_RELAY);
        return w;
    }

    public void send(ControlMessage m) throws IOException {
        out.write(ControlCodec.encodeFrame(m));
        out.flush();
    }

    public void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** The next control message, answering the relay's pings on the way. */
    public ControlMessage read() throws Exception {
        while (true) {
            ControlMessage m = ControlCodec.readFrame(in);
            if (m instanceof ControlMessage.Ping p) {
                send(new ControlMessage.Pong(p.nonce()));
                continue;
            }
            return m;
        }
    }

    /** Reads until a message matches, within {@code timeout}. */
    public <T extends ControlMessage> T await(Class<T> type, Predicate<T> match, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            ControlMessage m = read();
            if (type.isInstance(m) && match.test(type.cast(m))) {
                return type.cast(m);
            }
        }
        return fail("no " + type.getSimpleName() + " within " + timeout);
    }

    /** True when the relay closed the connection (end of stream) within the socket timeout. */
    public boolean closedByRelay() throws Exception {
        try {
            while (true) {
                ControlCodec.readFrame(in);
            }
        } catch (EOFException | SocketException e) {
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        }
    }

    /** Opens both UDP sockets on port 0 and gets each learned by the relay (hello, then its ack). */
    public void openMedia() throws IOException {
        video = openAndHello(welcome.media().videoPort());
        audio = openAndHello(welcome.media().audioPort());
    }

    private DatagramChannel openAndHello(int port) throws IOException {
        DatagramChannel ch = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        hello(ch, port);
        return ch;
    }

    /**
     * Sends a HELLO every 100 ms until the relay acknowledges it, answering its challenge from the
     * same socket on the way, as PROTOCOL.md asks of clients.
     */
    public void hello(DatagramChannel ch, int port) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(MediaHeader.MAX_DATAGRAM);
        ByteBuffer ack = null;
        MediaSealer sealer = sealer(port);
        for (int attempt = 0; attempt < 50 && ack == null; attempt++) {
            Fragmenter.encodeSignal(b, MediaKind.HELLO, welcome.mediaId(), sequence++);
            ch.send(sealer.seal(b), relayAt(port));
            ByteBuffer got = Udp.receive(ch, Duration.ofMillis(100));
            ByteBuffer clear = got == null ? null : open(got, port);
            if (clear != null && MediaHeader.kind(clear, 0) == MediaKind.CHALLENGE) {
                challengeBytes += got.limit();
                Fragmenter.encodeCookie(b, MediaKind.RESPONSE, welcome.mediaId(), sequence++, Fragmenter.cookie(clear));
                ch.send(sealer.seal(b), relayAt(port));
            } else if (clear != null && MediaHeader.kind(clear, 0) == MediaKind.HELLO) {
                ack = clear;
            }
        }
        assertTrue(ack != null, "hello acknowledged (opened with our key, relay to client)");
    }

    /** This client's sealer for the relay's {@code port} (its video or its audio port). */
    public MediaSealer sealer(int port) {
        return port == welcome.media().videoPort() ? videoSealer : audioSealer;
    }

    /** Seals a clear datagram for the video port and sends it from the video socket. */
    public void sendVideoDatagram(ByteBuffer clear) {
        try {
            video.send(videoSealer.seal(clear), relayAt(welcome.media().videoPort()));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Seals a clear datagram for the audio port and sends it from the audio socket. */
    public void sendAudioDatagram(ByteBuffer clear) {
        try {
            audio.send(audioSealer.seal(clear), relayAt(welcome.media().audioPort()));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * A datagram the relay sent to this client on its {@code port}, opened with this client's key
     * (relay to client), or null when it does not open. A copy: the argument is left as it was.
     */
    public ByteBuffer open(ByteBuffer datagram, int port) {
        ByteBuffer clear = ByteBuffer.allocate(MediaHeader.MAX_DATAGRAM);
        ByteBuffer copy = ByteBuffer.allocate(datagram.limit()).put(datagram.duplicate().position(0)).flip();
        if (MediaHeader.validate(copy, 0, copy.limit()) != null) {
            return null;
        }
        int channel = port == welcome.media().videoPort() ? MediaCipher.VIDEO_CHANNEL : MediaCipher.AUDIO_CHANNEL;
        return new MediaCipher(key).open(copy, copy.limit(), channel, MediaCipher.RELAY_TO_CLIENT, clear) ? clear : null;
    }

    /** {@link #open} for the video port. */
    public ByteBuffer openVideo(ByteBuffer datagram) {
        return open(datagram, welcome.media().videoPort());
    }

    public InetSocketAddress relayAt(int port) {
        return new InetSocketAddress(welcome.media().host(), port);
    }

    public Fragmenter videoFragmenter() {
        return new Fragmenter(MediaKind.VIDEO, welcome.mediaId(), Codec.JPEG);
    }

    /** Sends one video frame from the video socket; returns the datagrams' count. */
    public int sendVideo(Fragmenter f, byte[] frame) {
        int[] count = {0};
        f.send(frame, 0, frame.length, 0, MediaHeader.FLAG_KEYFRAME, d -> {
            sendVideoDatagram(d);
            count[0]++;
        });
        return count[0];
    }

    // ---- the file service (HTTP), with this client's token ----

    private static final java.net.http.HttpClient HTTP = java.net.http.HttpClient.newHttpClient();

    public static String sha256(byte[] bytes) throws java.security.NoSuchAlgorithmException {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    /** {@code /rooms/ROOM/files} and then {@code rest} on the file service this client was welcomed to. */
    public java.net.URI filesUri(String room, String rest) {
        return java.net.URI.create("http://127.0.0.1:" + welcome.files().port() + "/rooms/"
                + java.net.URLEncoder.encode(room, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20")
                + "/files" + rest);
    }

    /** Uploads {@code body} as {@code name}, declaring {@code sha} as its SHA-256. */
    public java.net.http.HttpResponse<String> upload(String room, String name, byte[] body, String sha) throws Exception {
        return HTTP.send(java.net.http.HttpRequest.newBuilder(filesUri(room, "?name="
                                + java.net.URLEncoder.encode(name, java.nio.charset.StandardCharsets.UTF_8)))
                .header("Authorization", "Bearer " + welcome.files().token())
                .header(FileService.SHA256_HEADER, sha)
                .PUT(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    /** GET {@code /rooms/ROOM/files} + {@code rest} with {@code token}. */
    public java.net.http.HttpResponse<byte[]> getFiles(String room, String rest, String token) throws Exception {
        return HTTP.send(java.net.http.HttpRequest.newBuilder(filesUri(room, rest))
                        .header("Authorization", "Bearer " + token).GET().build(),
                java.net.http.HttpResponse.BodyHandlers.ofByteArray());
    }

    /**
     * Joins {@code node} once its welcome lists {@code others} other nodes (the cluster's node
     * directory has spread); each earlier try leaves again.
     */
    public static RawClient joinKnowingNodes(RelayNode node, String room, String name, int others) throws Exception {
        return joinKnowingNodes(node.controlAddress(), room, name, others);
    }

    public static RawClient joinKnowingNodes(InetSocketAddress control, String room, String name, int others)
            throws Exception {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(15).toNanos();
        while (true) {
            RawClient c = join(control, room, name);
            if (c.welcome.nodes() != null && c.welcome.nodes().size() == others) {
                return c;
            }
            c.send(new ControlMessage.Leave());
            c.close();
            assertTrue(System.nanoTime() < deadline, name + "'s node knows " + others + " other nodes within 15 s");
            Thread.sleep(100);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
        if (video != null) {
            video.close();
        }
        if (audio != null) {
            audio.close();
        }
    }
}
