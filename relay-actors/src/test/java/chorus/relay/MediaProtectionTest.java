package chorus.relay;

import chorus.protocol.media.DropReason;
import chorus.protocol.media.Fragmenter;
import chorus.protocol.media.MediaHeader;
import chorus.protocol.media.MediaKind;
import com.typesafe.config.ConfigFactory;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The attacks of issue 12 on the media path, by someone on the network who sees a participant's
 * datagrams and can send from sockets of its own (real UDP on loopback): replays to the other
 * port, to the same port, from another socket, and a hello from a socket that never answers the
 * relay's challenge (what a spoofed source address amounts to). Each worked on the version-1
 * protocol (HMAC over a header without the port, addresses learned from any verified datagram);
 * MediaProtectionTest written for version 1 failed 4 of 4 on main (see the commit that added it).
 */
class MediaProtectionTest {
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
        return "protect-" + System.nanoTime();
    }

    private static ByteBuffer copy(ByteBuffer b) {
        return ByteBuffer.allocate(b.remaining()).put(b.duplicate()).flip();
    }

    /** Counts Bob's video datagrams reaching {@code at} while Bob sends {@code frames} one-datagram frames. */
    private static int videoFromBob(RawClient bob, DatagramChannel at, int frames) throws Exception {
        for (int i = 0; i < frames; i++) {
            bob.sendVideo(bob.videoFragmenter(), new byte[200]);
        }
        int got = 0;
        while (got < frames && Udp.receive(at, got == 0 ? WAIT : QUIET) != null) {
            got++;
        }
        return got;
    }

    @Test
    void anAudioPortKeepaliveCopiedToTheVideoPortIsDroppedAndDoesNotMoveTheVictimsVideo() throws Exception {
        try (RawClient ada = RawClient.join(relay, room(), "Ada");
             RawClient bob = RawClient.join(relay, ada.welcome.room(), "Bob");
             DatagramChannel attacker = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            ada.openMedia();
            bob.openMedia();
            ByteBuffer keepalive = ByteBuffer.allocate(MediaHeader.MAX_DATAGRAM);
            Fragmenter.encodeSignal(keepalive, MediaKind.KEEPALIVE, ada.welcome.mediaId(), 77);
            ByteBuffer captured = copy(ada.audioSealer.seal(keepalive));
            ada.audio.send(captured.duplicate(), ada.relayAt(ada.welcome.media().audioPort()));

            long droppedBefore = relay.stats().drops(DropReason.BAD_TAG) + relay.stats().drops(DropReason.REPLAYED);
            InetSocketAddress videoPort = ada.relayAt(ada.welcome.media().videoPort());
            attacker.send(captured.duplicate(), videoPort);
            ada.audio.send(captured.duplicate(), videoPort); // from the victim's own audio address, too
            // Its packet number may already be spent on the video port (a replay); if not, it fails to open there.
            waitFor(() -> relay.stats().drops(DropReason.BAD_TAG) + relay.stats().drops(DropReason.REPLAYED)
                    >= droppedBefore + 2);

            assertEquals(150, videoFromBob(bob, ada.video, 150), "Ada still gets all of Bob's video");
            assertNull(Udp.receive(attacker, QUIET), "the attacker gets none of it, not even a challenge");
            assertNull(Udp.receive(ada.audio, QUIET), "nor does Ada's audio socket");
        }
    }

    @Test
    void aDatagramReplayedToTheSamePortIsDroppedAndCountedNotForwardedAgain() throws Exception {
        try (RawClient ada = RawClient.join(relay, room(), "Ada");
             RawClient bob = RawClient.join(relay, ada.welcome.room(), "Bob")) {
            ada.openMedia();
            bob.openMedia();
            ByteBuffer[] captured = new ByteBuffer[1];
            ada.videoFragmenter().send(new byte[300], 0, 300, 0, MediaHeader.FLAG_KEYFRAME,
                    d -> captured[0] = copy(ada.videoSealer.seal(d)));
            InetSocketAddress videoPort = ada.relayAt(ada.welcome.media().videoPort());
            ada.video.send(captured[0].duplicate(), videoPort);
            assertNotNull(Udp.receive(bob.video, WAIT), "the original is forwarded");

            long replayedBefore = relay.stats().drops(DropReason.REPLAYED);
            for (int i = 0; i < 100; i++) {
                ada.video.send(captured[0].duplicate(), videoPort);
            }
            waitFor(() -> relay.stats().drops(DropReason.REPLAYED) >= replayedBefore + 100);
            assertNull(Udp.receive(bob.video, QUIET), "none of the 100 copies reached Bob");
        }
    }

    @Test
    void aDatagramReplayedFromAnotherSocketIsDroppedAndCountedAndDoesNotMoveTheAddress() throws Exception {
        try (RawClient ada = RawClient.join(relay, room(), "Ada");
             RawClient bob = RawClient.join(relay, ada.welcome.room(), "Bob");
             DatagramChannel replayer = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            ada.openMedia();
            bob.openMedia();
            ByteBuffer[] captured = new ByteBuffer[1];
            ada.videoFragmenter().send(new byte[300], 0, 300, 0, MediaHeader.FLAG_KEYFRAME,
                    d -> captured[0] = copy(ada.videoSealer.seal(d)));
            InetSocketAddress videoPort = ada.relayAt(ada.welcome.media().videoPort());
            ada.video.send(captured[0].duplicate(), videoPort);
            assertNotNull(Udp.receive(bob.video, WAIT));

            long replayedBefore = relay.stats().drops(DropReason.REPLAYED);
            long challengesBefore = relay.stats().challengesSent();
            for (int i = 0; i < 100; i++) {
                replayer.send(captured[0].duplicate(), videoPort);
            }
            waitFor(() -> relay.stats().drops(DropReason.REPLAYED) >= replayedBefore + 100);
            assertNull(Udp.receive(bob.video, QUIET), "no copy was forwarded");
            assertEquals(challengesBefore, relay.stats().challengesSent(), "a replay does not even earn a challenge");
            assertEquals(30, videoFromBob(bob, ada.video, 30), "Bob's video still goes to Ada's own socket");
            assertNull(Udp.receive(replayer, QUIET), "and never to the replayer");
        }
    }

    /**
     * A hello sealed with Ada's key from a socket that never answers (as a spoofed source address
     * would be: the real owner of that address never asked): while Bob sends video into the room,
     * that socket gets the challenges and nothing else; Ada's own socket keeps getting the video.
     */
    @Test
    void aHelloFromASocketThatNeverAnswersTheChallengeGetsNoMediaBeyondTheChallenge() throws Exception {
        try (RawClient ada = RawClient.join(relay, room(), "Ada");
             RawClient bob = RawClient.join(relay, ada.welcome.room(), "Bob");
             DatagramChannel victim = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            ada.openMedia();
            bob.openMedia();
            InetSocketAddress videoPort = ada.relayAt(ada.welcome.media().videoPort());
            ByteBuffer hello = ByteBuffer.allocate(MediaHeader.MAX_DATAGRAM);
            long helloBytes = 0;
            int bobFrames = 0;
            int adaGot = 0;
            for (int i = 0; i < 20; i++) { // two seconds of hellos, and of Bob's video
                Fragmenter.encodeSignal(hello, MediaKind.HELLO, ada.welcome.mediaId(), 1000 + i);
                ByteBuffer sealed = ada.videoSealer.seal(hello);
                helloBytes += sealed.remaining();
                victim.send(sealed, videoPort);
                for (int f = 0; f < 5; f++) {
                    bob.sendVideo(bob.videoFragmenter(), new byte[1000]);
                    bobFrames++;
                }
                Thread.sleep(100);
                while (Udp.receive(ada.video, Duration.ofMillis(1)) != null) {
                    adaGot++; // read as it comes: a second of it would overflow a default socket buffer
                }
            }
            long received = 0;
            int challenges = 0;
            for (ByteBuffer got = Udp.receive(victim, QUIET); got != null; got = Udp.receive(victim, QUIET)) {
                received += got.remaining();
                ByteBuffer clear = ada.openVideo(got);
                assertNotNull(clear, "sealed for Ada");
                assertEquals(MediaKind.CHALLENGE, MediaHeader.kind(clear, 0), "only challenges go there");
                challenges++;
            }
            int challengeBytes = MediaHeader.MIN_DATAGRAM + Fragmenter.COOKIE_LENGTH;
            assertTrue(challenges >= 1 && challenges <= 3, challenges + " challenges in 2 s (one per second per address)");
            assertEquals(challenges * (long) challengeBytes, received, "no byte beyond the challenges");
            assertTrue(received <= 2 * helloBytes / 20 * 3, "about a hello's size each: " + received + " for " + helloBytes);
            while (Udp.receive(ada.video, QUIET) != null) {
                adaGot++;
            }
            assertEquals(bobFrames, adaGot, "Ada's own socket kept getting the room's video");
        }
    }

    private static void waitFor(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "condition not met within " + WAIT);
            Thread.sleep(10);
        }
    }
}
