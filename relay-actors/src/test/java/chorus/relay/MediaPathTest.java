package chorus.relay;

import chorus.protocol.media.Codec;
import chorus.protocol.media.DropReason;
import chorus.protocol.media.Fragmenter;
import chorus.protocol.media.MediaCipher;
import chorus.protocol.media.MediaHeader;
import chorus.protocol.media.MediaKind;
import chorus.protocol.media.MediaSealer;
import chorus.relay.metrics.RelayStats;
import com.typesafe.config.ConfigFactory;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Video fan-out and address learning through real UDP sockets on loopback. */
class MediaPathTest {
    private static final Duration WAIT = Duration.ofSeconds(3);
    private static final Duration QUIET = Duration.ofMillis(300);
    private static RelayNode relay;

    @BeforeAll
    static void startRelay() throws Exception {
        relay = RelayNode.startOnLoopback(ConfigFactory.empty());
    }

    @AfterAll
    static void stopRelay() {
        relay.close();
    }

    private static String room() {
        return "media-" + System.nanoTime();
    }

    private static byte[] pattern(int length, int seed) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (i * 31 + seed);
        }
        return b;
    }

    /** Receives datagrams until {@code count} arrived or the wait ends. */
    private static List<ByteBuffer> receive(DatagramChannel ch, int count) throws Exception {
        List<ByteBuffer> got = new ArrayList<>();
        while (got.size() < count) {
            ByteBuffer b = Udp.receive(ch, WAIT);
            if (b == null) {
                break;
            }
            got.add(b);
        }
        return got;
    }

    private static void join(RawClient... clients) throws Exception {
        for (RawClient c : clients) {
            c.openMedia();
        }
    }

    @Test
    void videoGoesToEveryoneElseInTheRoomUnchangedAndToNobodyElse() throws Exception {
        // Unchanged once opened: the relay re-encrypts for each receiver, who opens it with its own key.
        String room = room();
        try (RawClient ada = RawClient.join(relay, room, "Ada");
             RawClient bob = RawClient.join(relay, room, "Bob");
             RawClient cy = RawClient.join(relay, room, "Cy");
             RawClient other = RawClient.join(relay, room() + "-other", "Dee")) {
            join(ada, bob, cy, other);
            List<ByteBuffer> sent = new ArrayList<>();
            Fragmenter f = ada.videoFragmenter();
            byte[] frame = pattern(5000, 1);
            f.send(frame, 0, frame.length, 90_000, MediaHeader.FLAG_KEYFRAME, d -> {
                ByteBuffer copy = ByteBuffer.allocate(d.remaining()).put(d.duplicate()).flip();
                sent.add(copy);
                ada.sendVideoDatagram(d);
            });
            for (RawClient receiver : List.of(bob, cy)) {
                List<ByteBuffer> got = receive(receiver.video, sent.size());
                assertEquals(sent.size(), got.size(), receiver.roster.size() + " datagrams to " + receiver);
                for (ByteBuffer g : got) {
                    assertEquals(ada.welcome.mediaId(), MediaHeader.mediaId(g, 0), "sender's media id kept");
                    assertNull(ada.openVideo(g), "sealed for the receiver, not with the sender's key");
                    ByteBuffer clear = receiver.openVideo(g);
                    assertNotNull(clear, "opens with the receiver's key, relay to client");
                    ByteBuffer match = sent.get(new MediaHeader().wrap(clear, 0).fragmentIndex());
                    clear.putLong(MediaHeader.PACKET_NUMBER_OFFSET, 0); // the receiver's own counter
                    assertArrayEquals(match.array(), java.util.Arrays.copyOf(clear.array(), clear.limit()),
                            "forwarded unchanged");
                }
            }
            assertNull(Udp.receive(ada.video, QUIET), "nobody gets their own video back");
            assertNull(Udp.receive(other.video, QUIET), "another room sees nothing");
        }
    }

    @Test
    void aForgedDatagramReachesNobodyAndDoesNotMoveTheAddress() throws Exception {
        String room = room();
        try (RawClient ada = RawClient.join(relay, room, "Ada");
             RawClient bob = RawClient.join(relay, room, "Bob");
             DatagramChannel attacker = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            join(ada, bob);
            long badTagsBefore = relay.stats().drops(DropReason.BAD_TAG);
            long replayedBefore = relay.stats().drops(DropReason.REPLAYED);
            // Right media id (Ada's), wrong key.
            MediaSealer wrongKey = new MediaSealer(MediaCipher.newKey(), MediaCipher.VIDEO_CHANNEL,
                    MediaCipher.CLIENT_TO_RELAY);
            Fragmenter forged = new Fragmenter(MediaKind.VIDEO, ada.welcome.mediaId(), Codec.JPEG);
            byte[] payload = pattern(800, 9);
            forged.send(payload, 0, payload.length, 0, 0, d -> {
                try {
                    attacker.send(wrongKey.seal(d), ada.relayAt(ada.welcome.media().videoPort()));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            ByteBuffer hello = ByteBuffer.allocate(MediaHeader.MAX_DATAGRAM);
            Fragmenter.encodeSignal(hello, MediaKind.HELLO, ada.welcome.mediaId(), 99);
            attacker.send(wrongKey.seal(hello), ada.relayAt(ada.welcome.media().videoPort()));

            assertNull(Udp.receive(bob.video, QUIET), "forged video reached nobody");
            assertNull(Udp.receive(attacker, QUIET), "forged hello got no ack");
            // Dropped before decryption when its packet number is one Ada already used, else as a bad tag.
            waitFor(() -> relay.stats().drops(DropReason.BAD_TAG) - badTagsBefore
                    + relay.stats().drops(DropReason.REPLAYED) - replayedBefore >= 2);

            // Bob's video still goes to Ada's real socket, not to the attacker.
            bob.sendVideo(bob.videoFragmenter(), pattern(300, 2));
            assertNotNull(Udp.receive(ada.video, WAIT), "Ada's learned address did not move");
            assertNull(Udp.receive(attacker, QUIET));
        }
    }

    @Test
    void anAuthenticatedDatagramFromANewAddressMovesIt() throws Exception {
        String room = room();
        try (RawClient ada = RawClient.join(relay, room, "Ada");
             RawClient bob = RawClient.join(relay, room, "Bob");
             DatagramChannel rebound = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            join(ada, bob);
            ada.hello(rebound, ada.welcome.media().videoPort()); // same key, new socket: a NAT rebinding
            bob.sendVideo(bob.videoFragmenter(), pattern(300, 3));
            assertNotNull(Udp.receive(rebound, WAIT), "video follows the new address");
            assertNull(Udp.receive(ada.video, QUIET), "and no longer goes to the old one");
        }
    }

    @Test
    void aReplayedDatagramFromAnotherAddressDoesNotStealTheAddress() throws Exception {
        String room = room();
        try (RawClient ada = RawClient.join(relay, room, "Ada");
             RawClient bob = RawClient.join(relay, room, "Bob");
             DatagramChannel replayer = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            join(ada, bob);
            List<ByteBuffer> captured = new ArrayList<>();
            byte[] frame = pattern(300, 5);
            ada.videoFragmenter().send(frame, 0, frame.length, 0, MediaHeader.FLAG_KEYFRAME, d -> {
                ByteBuffer sealed = ada.videoSealer.seal(d);
                captured.add(ByteBuffer.allocate(sealed.remaining()).put(sealed.duplicate()).flip());
                try {
                    ada.video.send(sealed, ada.relayAt(ada.welcome.media().videoPort()));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            assertNotNull(Udp.receive(bob.video, WAIT));
            long replayedBefore = relay.stats().drops(DropReason.REPLAYED);
            replayer.send(captured.get(0).duplicate(), ada.relayAt(ada.welcome.media().videoPort()));
            waitFor(() -> relay.stats().drops(DropReason.REPLAYED) > replayedBefore);
            bob.sendVideo(bob.videoFragmenter(), pattern(300, 6));
            assertNotNull(Udp.receive(ada.video, WAIT), "Bob's video still goes to Ada's own socket");
            assertNull(Udp.receive(replayer, QUIET), "and never to the replayer");
        }
    }

    @Test
    void audioFromOneParticipantReachesTheOthersAsTheMix() throws Exception {
        String room = room();
        try (RawClient ada = RawClient.join(relay, room, "Ada");
             RawClient bob = RawClient.join(relay, room, "Bob")) {
            join(ada, bob);
            Fragmenter audio = new Fragmenter(MediaKind.AUDIO, ada.welcome.mediaId(), Codec.PCM16);
            for (int i = 0; i < 10; i++) {
                byte[] pcm = chorus.protocol.audio.AudioFormat.toBytes(chorus.protocol.audio.Tones.sine(440, 0.25,
                        i * 960L, chorus.protocol.audio.AudioFormat.FRAME_SAMPLES));
                audio.send(pcm, 0, pcm.length, i * 960L, 0, ada::sendAudioDatagram);
            }
            ByteBuffer mix = Udp.receive(bob.audio, WAIT);
            assertNotNull(mix, "Bob hears Ada");
            assertNotNull(bob.open(mix, bob.welcome.media().audioPort()), "the mix is sealed with Bob's key");
            assertEquals(MediaHeader.RELAY_MEDIA_ID, MediaHeader.mediaId(mix, 0), "as the relay's mix");
            assertEquals(MediaKind.AUDIO, MediaHeader.kind(mix, 0));
            assertNull(Udp.receive(ada.audio, QUIET), "a lone talker hears nothing");
        }
    }

    @Test
    void malformedDatagramsAreDroppedAndCountedByReason() throws Exception {
        try (RawClient ada = RawClient.join(relay, room(), "Ada");
             RawClient bob = RawClient.join(relay, ada.welcome.room(), "Bob");
             DatagramChannel junk = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            join(ada, bob);
            InetSocketAddress videoPort = ada.relayAt(ada.welcome.media().videoPort());
            RelayStats s = relay.stats();
            long shortBefore = s.drops(DropReason.TOO_SHORT);
            long magicBefore = s.drops(DropReason.BAD_MAGIC);
            long versionBefore = s.drops(DropReason.BAD_VERSION);
            long unknownBefore = s.drops(DropReason.UNKNOWN_MEDIA_ID);
            long wrongPortBefore = s.drops(DropReason.WRONG_PORT);

            junk.send(ByteBuffer.wrap(new byte[] {1, 2, 3}), videoPort);
            ByteBuffer valid = ByteBuffer.allocate(MediaHeader.MAX_DATAGRAM);
            Fragmenter.encodeSignal(valid, MediaKind.KEEPALIVE, ada.welcome.mediaId(), 1);
            valid = ByteBuffer.allocate(MediaHeader.MAX_DATAGRAM).put(ada.videoSealer.seal(valid)).flip();
            junk.send(mutated(valid, 0, 0x00), videoPort);
            junk.send(mutated(valid, 2, 7), videoPort);
            ByteBuffer unknownId = mutated(valid, MediaHeader.MEDIA_ID_OFFSET, 0x7F);
            junk.send(unknownId, videoPort);
            ByteBuffer audio = ByteBuffer.allocate(MediaHeader.MAX_DATAGRAM);
            new Fragmenter(MediaKind.AUDIO, ada.welcome.mediaId(), Codec.PCM16)
                    .send(new byte[10], 0, 10, 0, 0, d -> audio.put(ada.audioSealer.seal(d)).flip());
            junk.send(audio, videoPort);

            waitFor(() -> s.drops(DropReason.TOO_SHORT) > shortBefore
                    && s.drops(DropReason.BAD_MAGIC) > magicBefore
                    && s.drops(DropReason.BAD_VERSION) > versionBefore
                    && s.drops(DropReason.UNKNOWN_MEDIA_ID) > unknownBefore
                    && s.drops(DropReason.WRONG_PORT) > wrongPortBefore);
            assertNull(Udp.receive(bob.video, QUIET), "no junk was routed");

            bob.sendVideo(bob.videoFragmenter(), pattern(300, 4));
            assertNotNull(Udp.receive(ada.video, WAIT), "the relay carries on");
        }
    }

    private static ByteBuffer mutated(ByteBuffer original, int at, int value) {
        ByteBuffer copy = ByteBuffer.allocate(original.limit());
        copy.put(original.duplicate().position(0)).flip();
        copy.put(at, (byte) value);
        return copy;
    }

    private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "condition not met within " + WAIT);
            Thread.sleep(10);
        }
    }
}
