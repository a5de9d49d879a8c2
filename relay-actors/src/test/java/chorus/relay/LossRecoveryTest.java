package chorus.relay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chorus.protocol.media.Fragmenter;
import chorus.protocol.media.KeyframeRequest;
import chorus.protocol.media.MediaHeader;
import chorus.protocol.media.MediaKind;
import chorus.protocol.media.Nack;
import chorus.relay.metrics.Limit;
import chorus.relay.metrics.Recovery;
import com.typesafe.config.ConfigFactory;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** NACKs and keyframe requests through a real relay, from raw clients on loopback. */
class LossRecoveryTest {
    private static final Duration WAIT = Duration.ofSeconds(3);
    private static final Duration QUIET = Duration.ofMillis(300);
    private static final int NACK_RATE = 50;
    private static final int NACK_BURST = 100;
    private static RelayNode relay;

    @BeforeAll
    static void startRelay() throws Exception {
        // An interval far longer than any test: coalescing is then decided by the rule, not by timing.
        relay = RelayNode.startOnLoopback(ConfigFactory.parseString("chorus.relay.media.keyframe-request-interval = 60s\n"
                + "chorus.relay.limits.media { nack-rate = " + NACK_RATE + ", nack-burst = " + NACK_BURST + " }"));
    }

    @AfterAll
    static void stopRelay() {
        relay.close();
    }

    private static String room() {
        return "recovery-" + System.nanoTime();
    }

    private static RawClient joined(String room, String name) throws Exception {
        RawClient c = RawClient.join(relay, room, name);
        c.openMedia();
        return c;
    }

    private static byte[] pattern(int length, int seed) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (i * 31 + seed);
        }
        return b;
    }

    /** Sends one frame of {@code length} bytes from {@code sender}; returns its clear datagrams by sequence. */
    private static List<ByteBuffer> sendFrame(RawClient sender, Fragmenter f, int length) {
        List<ByteBuffer> sent = new ArrayList<>();
        byte[] frame = pattern(length, 3);
        f.send(frame, 0, frame.length, 90_000, MediaHeader.FLAG_KEYFRAME, d -> {
            sent.add(ByteBuffer.allocate(d.remaining()).put(d.duplicate()).flip());
            sender.sendVideoDatagram(d);
        });
        return sent;
    }

    /** Opens the datagrams {@code c} receives on its video socket until none comes within {@code quiet}. */
    private static List<ByteBuffer> drain(RawClient c, Duration first, Duration quiet) throws Exception {
        List<ByteBuffer> got = new ArrayList<>();
        Duration wait = first;
        while (true) {
            ByteBuffer b = Udp.receive(c.video, wait);
            if (b == null) {
                return got;
            }
            ByteBuffer clear = c.openVideo(b);
            assertNotNull(clear, "what the relay sends opens with the receiver's key");
            got.add(clear);
            wait = quiet;
        }
    }

    private static List<ByteBuffer> receiveVideo(RawClient c, int count) throws Exception {
        List<ByteBuffer> got = new ArrayList<>();
        while (got.size() < count) {
            ByteBuffer b = Udp.receive(c.video, WAIT);
            assertNotNull(b, c.welcome.mediaId() + " received " + got.size() + " of " + count);
            got.add(c.openVideo(b));
        }
        return got;
    }

    private static void nack(RawClient from, RawClient sender, long... lost) {
        ByteBuffer b = ByteBuffer.allocate(MediaHeader.MAX_DATAGRAM);
        Nack.encode(b, from.welcome.mediaId(), 0, sender.welcome.mediaId(), MediaKind.VIDEO, lost, lost.length);
        from.sendVideoDatagram(b);
    }

    private static void askKeyframe(RawClient from, RawClient sender) {
        ByteBuffer b = ByteBuffer.allocate(MediaHeader.MAX_DATAGRAM);
        KeyframeRequest.encode(b, from.welcome.mediaId(), 0, sender.welcome.mediaId(), MediaKind.VIDEO);
        from.sendVideoDatagram(b);
    }

    private static long recovery(Recovery event) {
        return relay.stats().recovery(event);
    }

    private static void awaitStat(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, what);
            Thread.sleep(10);
        }
    }

    @Test
    void aNackGetsExactlyTheNamedDatagramsBackToTheAskerOnly() throws Exception {
        String room = room();
        try (RawClient ada = joined(room, "Ada"); RawClient bob = joined(room, "Bob"); RawClient cy = joined(room, "Cy")) {
            List<ByteBuffer> sent = sendFrame(ada, ada.videoFragmenter(), 6000);
            assertEquals(5, sent.size());
            receiveVideo(bob, sent.size());
            receiveVideo(cy, sent.size());
            long resentBefore = recovery(Recovery.RETRANSMITTED);

            nack(bob, ada, 1, 3);

            List<ByteBuffer> resent = drain(bob, WAIT, QUIET);
            assertEquals(2, resent.size(), "the two datagrams named, nothing else");
            Set<Long> sequences = new HashSet<>();
            for (ByteBuffer clear : resent) {
                long sequence = MediaHeader.sequence(clear, 0);
                sequences.add(sequence);
                clear.putLong(MediaHeader.PACKET_NUMBER_OFFSET, 0); // Bob's own packet counter
                assertArrayEquals(sent.get((int) sequence).array(), Arrays.copyOf(clear.array(), clear.limit()),
                        "resent unchanged");
            }
            assertEquals(Set.of(1L, 3L), sequences);
            assertNull(Udp.receive(cy.video, QUIET), "Cy did not ask and gets nothing");
            assertNull(Udp.receive(ada.video, QUIET), "the sender hears nothing of the NACK");
            assertEquals(resentBefore + 2, recovery(Recovery.RETRANSMITTED));
        }
    }

    @Test
    void sequencesNotBufferedAndStreamsOfOtherRoomsAreIgnoredAndCounted() throws Exception {
        String room = room();
        try (RawClient ada = joined(room, "Ada"); RawClient bob = joined(room, "Bob");
             RawClient eve = joined(room() + "-other", "Eve")) {
            List<ByteBuffer> sent = sendFrame(ada, ada.videoFragmenter(), 3000);
            receiveVideo(bob, sent.size());
            long missedBefore = recovery(Recovery.NOT_BUFFERED);

            nack(bob, ada, 500, 501, 0xFFFF_FFF0L);
            nack(eve, ada, 0, 1, 2);

            awaitStat("both NACKs counted as naming nothing held",
                    () -> recovery(Recovery.NOT_BUFFERED) - missedBefore >= 4);
            assertNull(Udp.receive(bob.video, QUIET), "nothing resent for sequences never forwarded");
            assertNull(Udp.receive(eve.video, QUIET), "nothing of another room's stream");
            assertNull(Udp.receive(ada.video, QUIET));
        }
    }

    @Test
    void aNackFloodIsRateLimitedCountedAndTheSenderSeesNothing() throws Exception {
        String room = room();
        try (RawClient ada = joined(room, "Ada"); RawClient bob = joined(room, "Bob")) {
            List<ByteBuffer> sent = sendFrame(ada, ada.videoFragmenter(), 6000);
            receiveVideo(bob, sent.size());
            long hitsBefore = relay.stats().limitHits(Limit.NACK_RATE);
            int nacks = 400;
            long start = System.nanoTime();
            for (int i = 0; i < nacks; i++) {
                nack(bob, ada, 0, 1, 2, 3, 4);
            }
            List<ByteBuffer> resent = drain(bob, WAIT, QUIET);
            double seconds = (System.nanoTime() - start) / 1e9;

            assertTrue(resent.size() < nacks * sent.size() / 4, "not every NACK was answered: " + resent.size());
            // One token per NACK and one per datagram resent: the bucket bounds what the flood gets.
            assertTrue(resent.size() <= NACK_BURST + NACK_RATE * seconds,
                    resent.size() + " resent in " + seconds + " s, over the bucket");
            assertTrue(relay.stats().limitHits(Limit.NACK_RATE) > hitsBefore, "counted in chorus_limit_hits_total");
            assertNull(Udp.receive(ada.video, QUIET), "the sender sees nothing of the flood");
        }
    }

    @Test
    void keyframeRequestsFromManyReceiversReachTheSenderOnce() throws Exception {
        String room = room();
        try (RawClient ada = joined(room, "Ada"); RawClient bob = joined(room, "Bob");
             RawClient cy = joined(room, "Cy"); RawClient dee = joined(room, "Dee")) {
            List<ByteBuffer> sent = sendFrame(ada, ada.videoFragmenter(), 2000);
            for (RawClient receiver : List.of(bob, cy, dee)) {
                receiveVideo(receiver, sent.size());
            }
            long coalescedBefore = recovery(Recovery.KEYFRAME_REQUEST_COALESCED);
            for (int round = 0; round < 3; round++) {
                for (RawClient receiver : List.of(bob, cy, dee)) {
                    askKeyframe(receiver, ada);
                }
            }

            List<ByteBuffer> asked = drain(ada, WAIT, QUIET);
            assertEquals(1, asked.size(), "nine requests within the interval reach the sender once");
            ByteBuffer request = asked.get(0);
            assertEquals(MediaKind.KEYFRAME_REQUEST, MediaHeader.kind(request, 0));
            assertTrue(KeyframeRequest.valid(request));
            assertEquals(ada.welcome.mediaId(), KeyframeRequest.targetMediaId(request), "for its own stream");
            assertEquals(MediaKind.VIDEO, KeyframeRequest.targetKind(request));
            awaitStat("the other eight coalesced", () -> recovery(Recovery.KEYFRAME_REQUEST_COALESCED) - coalescedBefore == 8);
            for (RawClient receiver : List.of(bob, cy, dee)) {
                assertNull(Udp.receive(receiver.video, QUIET), "receivers get nothing back");
            }
        }
    }

    @Test
    void aNewcomerMakesTheRelayAskTheRoomsVideoSendersOnce() throws Exception {
        String room = room();
        try (RawClient ada = joined(room, "Ada"); RawClient bob = joined(room, "Bob")) {
            List<ByteBuffer> sent = sendFrame(ada, ada.videoFragmenter(), 2000);
            receiveVideo(bob, sent.size());
            try (RawClient cy = joined(room, "Cy")) {
                List<ByteBuffer> asked = drain(ada, WAIT, QUIET);
                assertEquals(1, asked.size(), "Ada, who sends video, is asked for a keyframe once");
                assertEquals(MediaKind.KEYFRAME_REQUEST, MediaHeader.kind(asked.get(0), 0));
                assertEquals(ada.welcome.mediaId(), KeyframeRequest.targetMediaId(asked.get(0)));
                assertNull(Udp.receive(bob.video, QUIET), "Bob sends no video and is not asked");
                try (RawClient dee = joined(room, "Dee")) {
                    assertNull(Udp.receive(ada.video, QUIET), "a second newcomer within the interval is coalesced");
                    assertNull(Udp.receive(cy.video, QUIET));
                }
            }
        }
    }

    @Test
    void aGapInWhatASenderSendsIsAskedOfTheSenderAndItsResendReachesEveryone() throws Exception {
        String room = room();
        try (RawClient ada = joined(room, "Ada"); RawClient bob = joined(room, "Bob")) {
            Fragmenter f = ada.videoFragmenter();
            List<ByteBuffer> sent = new ArrayList<>();
            byte[] frame = pattern(6000, 5);
            f.send(frame, 0, frame.length, 0, MediaHeader.FLAG_KEYFRAME,
                    d -> sent.add(ByteBuffer.allocate(d.remaining()).put(d.duplicate()).flip()));
            for (int i = 0; i < sent.size(); i++) {
                if (i != 2) {
                    ada.sendVideoDatagram(sent.get(i).duplicate());
                }
            }
            receiveVideo(bob, sent.size() - 1);
            long sentBefore = recovery(Recovery.NACK_SENT);
            // The relay looks at gaps as the stream's datagrams come: the next frame, past the reordering allowance.
            ByteBuffer nack = null;
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (nack == null) {
                assertTrue(System.nanoTime() < deadline, "the relay NACKs Ada's lost datagram");
                sendFrame(ada, f, 500);
                receiveVideo(bob, 1);
                ByteBuffer got = Udp.receive(ada.video, Duration.ofMillis(20));
                nack = got == null ? null : ada.openVideo(got);
            }
            assertEquals(MediaKind.NACK, MediaHeader.kind(nack, 0));
            assertTrue(Nack.valid(nack));
            assertEquals(ada.welcome.mediaId(), Nack.targetMediaId(nack), "for her own stream");
            List<Long> named = new ArrayList<>();
            Nack.forEachSequence(nack, named::add);
            assertEquals(List.of(2L), named, "exactly the datagram her path lost");
            awaitStat("the relay counts the NACK it sent", () -> recovery(Recovery.NACK_SENT) > sentBefore);

            ada.sendVideoDatagram(sent.get(2).duplicate());
            ByteBuffer resent = Udp.receive(bob.video, WAIT);
            assertNotNull(resent);
            assertEquals(2L, MediaHeader.sequence(bob.openVideo(resent), 0), "forwarded as it arrives");
            assertNull(Udp.receive(bob.video, QUIET), "Bob never sees a NACK");
        }
    }
}
