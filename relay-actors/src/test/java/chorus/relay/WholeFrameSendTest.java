package chorus.relay;

import chorus.protocol.media.Codec;
import chorus.protocol.media.Fragmenter;
import chorus.protocol.media.MediaHeader;
import chorus.protocol.media.MediaKind;
import chorus.relay.metrics.RelayStats;
import com.typesafe.config.ConfigFactory;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The relay's UDP path sends a frame's fragments to each receiver together (one UDP GSO send on
 * native epoll), and every datagram still arrives as it was sent, opened with the receiver's own
 * key: with GSO on, with a fragment that straggles, with fragments of unequal size, and on the
 * paths without GSO (epoll datagram by datagram, and NIO). With several receive threads each
 * sender's datagrams keep their order. Real relays and real sockets on loopback; nothing timed.
 */
class WholeFrameSendTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final Duration QUIET = Duration.ofMillis(300);

    /** The UDP paths under test, each its own relay. */
    enum Path {
        /** Native epoll, a frame's fragments to a receiver as one GSO send. */
        GSO("epoll", true),
        /** Native epoll with GSO off (as where the kernel lacks UDP_SEGMENT): a datagram per send, one sendmmsg a batch. */
        EPOLL_NO_GSO("epoll", false),
        /** java.nio, as on a platform without native epoll. */
        NIO("nio", false);

        final String transport;
        final boolean gso;

        Path(String transport, boolean gso) {
            this.transport = transport;
            this.gso = gso;
        }
    }

    private static final Map<Path, RelayNode> relays = new ConcurrentHashMap<>();
    private static RelayNode severalThreads;

    /**
     * A relay on {@code path}. The hold is long (100 ms, the most allowed) so that a frame whose fragments the
     * sender sends back to back is never split by a slow test machine: the straggler test waits for
     * it to run out.
     */
    private static RelayNode relay(Path path) {
        return relays.computeIfAbsent(path, p -> start(Map.of("chorus.relay.media.udp.transport", p.transport,
                "chorus.relay.media.udp.gso", p.gso, "chorus.relay.media.udp.frame-hold", "100ms",
                "chorus.relay.media.udp.receive-threads", 1)));
    }

    private static RelayNode start(Map<String, Object> udp) {
        try {
            return RelayNode.startOnLoopback(ConfigFactory.parseMap(udp));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @AfterAll
    static void stopRelays() {
        relays.values().forEach(RelayNode::close);
        if (severalThreads != null) {
            severalThreads.close();
        }
    }

    private static String room() {
        return "frames-" + System.nanoTime();
    }

    private static byte[] pattern(int length, int seed) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (i * 31 + seed);
        }
        return b;
    }

    private static ByteBuffer copy(ByteBuffer d) {
        return ByteBuffer.allocate(d.remaining()).put(d.duplicate()).flip();
    }

    /** The receiver's next datagram opened with its key, its packet number zeroed (the relay's counter to it), or a failure. */
    private static ByteBuffer receiveOpened(RawClient receiver) throws Exception {
        ByteBuffer got = Udp.receive(receiver.video, WAIT);
        assertNotNull(got, "a datagram reached " + receiver.welcome.participantId() + " within " + WAIT);
        ByteBuffer clear = receiver.openVideo(got);
        assertNotNull(clear, "it opens with the receiver's key");
        clear.putLong(MediaHeader.PACKET_NUMBER_OFFSET, 0);
        return ByteBuffer.wrap(Arrays.copyOf(clear.array(), clear.limit()));
    }

    /** Each receiver gets exactly {@code sent}, byte for byte (in the order sent), and nothing more. */
    private static void assertArriveAsSent(List<ByteBuffer> sent, RawClient... receivers) throws Exception {
        for (RawClient receiver : receivers) {
            for (int i = 0; i < sent.size(); i++) {
                ByteBuffer got = receiveOpened(receiver);
                assertArrayEquals(sent.get(i).array(), got.array(), "datagram " + i + " of " + sent.size()
                        + " arrived byte for byte");
            }
            assertEquals(null, Udp.receive(receiver.video, QUIET), "nothing more arrived");
        }
    }

    /** Three in a room, media open: the first sends, the others receive. */
    private static RawClient[] room(RelayNode relay) throws Exception {
        String room = room();
        RawClient[] clients = {RawClient.join(relay, room, "Ada"), RawClient.join(relay, room, "Bob"),
                RawClient.join(relay, room, "Cy")};
        for (RawClient c : clients) {
            c.openMedia();
        }
        return clients;
    }

    private static void close(RawClient... clients) throws Exception {
        for (RawClient c : clients) {
            c.close();
        }
    }

    /** The datagrams of one keyframe of {@code length} bytes from {@code f}, as the sender made them. */
    private static List<ByteBuffer> frame(Fragmenter f, int length, int seed) {
        List<ByteBuffer> datagrams = new ArrayList<>();
        byte[] frame = pattern(length, seed);
        f.send(frame, 0, frame.length, 90_000L * seed, MediaHeader.FLAG_KEYFRAME, d -> datagrams.add(copy(d)));
        return datagrams;
    }

    @ParameterizedTest
    @EnumSource(Path.class)
    void everyDatagramOfAFrameArrivesAtEachReceiverByteForByte(Path path) throws Exception {
        RelayNode relay = relay(path);
        RawClient[] c = room(relay);
        try {
            RelayStats stats = relay.stats();
            long segmentedBefore = stats.segmentedSends();
            long wholeBefore = stats.framesSent(true);
            Fragmenter f = c[0].videoFragmenter();
            List<ByteBuffer> sent = new ArrayList<>();
            for (int n = 1; n <= 3; n++) {
                sent.addAll(frame(f, 12 * MediaHeader.MAX_PAYLOAD, n)); // 12 fragments of one size
            }
            sent.forEach(c[0]::sendVideoDatagram);
            assertArriveAsSent(sent, c[1], c[2]);
            if (path.gso) {
                assertTrue(stats.segmentedSends() - segmentedBefore >= 2,
                        "frames went as GSO sends: " + (stats.segmentedSends() - segmentedBefore));
                assertEquals(6, stats.framesSent(true) - wholeBefore, "3 frames to each of 2 receivers, each whole");
            } else {
                assertEquals(segmentedBefore, stats.segmentedSends(), "no GSO send on this path");
            }
        } finally {
            close(c);
        }
    }

    @ParameterizedTest
    @EnumSource(Path.class)
    void aFrameWhoseLastFragmentStragglesIsSentWithoutWaitingForeverThenTheLastOnItsOwn(Path path) throws Exception {
        RelayNode relay = relay(path);
        RawClient[] c = room(relay);
        try {
            RelayStats stats = relay.stats();
            long earlyBefore = stats.framesSentEarly();
            List<ByteBuffer> frame = frame(c[0].videoFragmenter(), 6 * MediaHeader.MAX_PAYLOAD, 7);
            List<ByteBuffer> first = frame.subList(0, frame.size() - 1);
            first.forEach(c[0]::sendVideoDatagram);
            // The receivers get the first five while the sixth has not been sent: held at most the hold, then sent.
            for (RawClient receiver : List.of(c[1], c[2])) {
                for (int i = 0; i < first.size(); i++) {
                    assertArrayEquals(first.get(i).array(), receiveOpened(receiver).array(), "fragment " + i);
                }
            }
            if (path != Path.NIO) {
                assertEquals(2, stats.framesSentEarly() - earlyBefore, "held for its last fragment, then sent early, to each");
            }
            c[0].sendVideoDatagram(frame.get(frame.size() - 1));
            assertArriveAsSent(List.of(frame.get(frame.size() - 1)), c[1], c[2]);
        } finally {
            close(c);
        }
    }

    /**
     * A frame whose fragments are not of one size (as a sender other than ours may cut them): GSO
     * sends need every segment but the last of one size, so the relay starts another send where
     * the size changes, and each datagram still arrives whole.
     */
    @ParameterizedTest
    @EnumSource(Path.class)
    void fragmentsOfUnequalSizeArriveAsSent(Path path) throws Exception {
        RelayNode relay = relay(path);
        RawClient[] c = room(relay);
        try {
            int[] sizes = {1200, 1200, 600, 1200, 1200, 100, 900, 900, 1100};
            List<ByteBuffer> sent = unequalFrame(c[0].welcome.mediaId(), sizes);
            sent.forEach(c[0]::sendVideoDatagram);
            assertArriveAsSent(sent, c[1], c[2]);
        } finally {
            close(c);
        }
    }

    private static List<ByteBuffer> unequalFrame(int mediaId, int[] sizes) {
        List<ByteBuffer> datagrams = new ArrayList<>();
        for (int i = 0; i < sizes.length; i++) {
            ByteBuffer d = ByteBuffer.allocate(MediaHeader.HEADER_LENGTH + sizes[i]);
            new MediaHeader().wrap(d, 0).magicAndVersion().kind(MediaKind.VIDEO).flags(MediaHeader.FLAG_KEYFRAME)
                    .codec(Codec.JPEG).payloadLength(sizes[i]).mediaId(mediaId).sequence(i).timestamp(0).frameId(0)
                    .fragmentIndex(i).fragmentCount(sizes.length).audioLevel(0).layer(0).packetNumber(0);
            d.position(MediaHeader.HEADER_LENGTH);
            d.put(pattern(sizes[i], i));
            datagrams.add(d.flip());
        }
        return datagrams;
    }

    /** Tests and the drain close a node more than once: the second close of its sockets does nothing. */
    @ParameterizedTest
    @EnumSource(Path.class)
    void closingTheSocketsTwiceIsHarmless(Path path) {
        RelayNode node = start(Map.of("chorus.relay.media.udp.transport", path.transport,
                "chorus.relay.media.udp.gso", path.gso));
        node.close();
        org.junit.jupiter.api.Assertions.assertDoesNotThrow(node::close);
    }

    /**
     * Six senders at once, each from its own thread, to a relay with four receive threads per
     * port: the kernel spreads the senders over the sockets, and a receiver sees each sender's
     * datagrams in the order it sent them, every one of them.
     */
    @Test
    void orderPerSenderIsKeptWithSeveralReceiveThreads() throws Exception {
        severalThreads = start(Map.of("chorus.relay.media.udp.receive-threads", 4));
        assertEquals(4, severalThreads.gateway().receiveThreads());
        String room = room();
        int senders = 6;
        int frames = 40;
        int fragments = 4;
        List<RawClient> clients = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(senders);
        try {
            RawClient receiver = RawClient.join(severalThreads, room, "Zed");
            clients.add(receiver);
            receiver.openMedia();
            receiver.video.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20);
            for (int s = 0; s < senders; s++) {
                RawClient sender = RawClient.join(severalThreads, room, "S" + s);
                sender.openMedia();
                clients.add(sender);
            }
            List<Future<?>> sending = new ArrayList<>();
            for (RawClient sender : clients.subList(1, clients.size())) {
                sending.add(pool.submit(() -> {
                    Fragmenter f = sender.videoFragmenter();
                    for (int n = 0; n < frames; n++) {
                        frame(f, fragments * MediaHeader.MAX_PAYLOAD, n + 1).forEach(sender::sendVideoDatagram);
                    }
                }));
            }
            for (Future<?> f : sending) {
                f.get();
            }
            Map<Integer, Long> lastSequence = new HashMap<>();
            Map<Integer, Integer> received = new HashMap<>();
            for (int i = 0; i < senders * frames * fragments; i++) {
                ByteBuffer d = receiveOpened(receiver);
                int from = MediaHeader.mediaId(d, 0);
                long sequence = MediaHeader.sequence(d, 0);
                Long last = lastSequence.put(from, sequence);
                assertTrue(last == null || sequence == last + 1, "sender " + from + ": " + sequence + " after " + last);
                received.merge(from, 1, Integer::sum);
            }
            assertEquals(senders, received.size(), "every sender's datagrams arrived");
            received.values().forEach(n -> assertEquals(frames * fragments, n));
        } finally {
            pool.shutdownNow();
            for (RawClient c : clients) {
                c.close();
            }
        }
    }
}
