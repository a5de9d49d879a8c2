package chorus.relay;

import chorus.protocol.control.ControlMessage;
import chorus.protocol.media.Fragmenter;
import chorus.protocol.media.MediaHeader;
import chorus.relay.metrics.Metrics;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three relay nodes in one JVM forming a Pekko Cluster on loopback, seen from raw protocol
 * clients connected to different nodes: one room across nodes, and media crossing once per node.
 */
public final class ClusterTest {
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final List<RelayNode> nodes = new ArrayList<>();

    public static Config clustered(String seed) {
        // One secret for all: resume tokens and node-to-node file copies need it; each node its own
        // certificate from the cluster's CA. Each node its own files directory, as on separate
        // machines (under target/, so mvn clean removes them).
        return clustered(seed, ClusterCerts.node());
    }

    /** A node with this cluster certificate directory ({@link ClusterCerts}). */
    public static Config clustered(String seed, java.nio.file.Path clusterTls) {
        String files = java.nio.file.Path.of("target", "cluster-files", java.util.UUID.randomUUID().toString())
                .toAbsolutePath().toString().replace("\\", "/");
        return ConfigFactory.parseString("chorus.relay.files.directory = \"" + files + "\"\n"
                + "chorus.relay.cluster { enabled = true, port = 0, secret = cluster-test"
                + ", tls.directory = \"" + ClusterCerts.hocon(clusterTls) + "\""
                + (seed == null ? "" : ", seeds = [\"" + seed + "\"]") + " }");
    }

    @BeforeAll
    static void startCluster() throws Exception {
        RelayNode first = RelayNode.startOnLoopback(clustered(null));
        nodes.add(first);
        nodes.add(RelayNode.startOnLoopback(clustered(first.clusterAddress())));
        nodes.add(RelayNode.startOnLoopback(clustered(first.clusterAddress())));
        long deadline = System.nanoTime() + WAIT.toNanos();
        for (RelayNode n : nodes) {
            while (countUp(n) < 3) {
                assertTrue(System.nanoTime() < deadline, "three nodes up within " + WAIT);
                Thread.sleep(50);
            }
        }
    }

    private static long countUp(RelayNode n) {
        var members = Cluster.get(n.system()).state().getMembers();
        long up = 0;
        for (var m : members) {
            if (m.status() == MemberStatus.up()) {
                up++;
            }
        }
        return up;
    }

    @AfterAll
    static void stopCluster() {
        for (RelayNode n : nodes) {
            n.close();
        }
    }

    private static String room() {
        return "cluster-" + System.nanoTime();
    }

    private static RawClient join(int node, String room, String name) throws Exception {
        return RawClient.join(nodes.get(node), room, name);
    }

    @Test
    void membersOnDifferentNodesAreOneRoomWithOneChat() throws Exception {
        String room = room();
        try (RawClient ada = join(0, room, "Ada");
             RawClient bob = join(1, room, "Bob")) {
            assertEquals(2, bob.roster.size(), "Bob's welcome lists Ada, on another node");
            ada.await(ControlMessage.ParticipantJoined.class, j -> j.participant().name().equals("Bob"), WAIT);
            try (RawClient cy = join(2, room, "Cy")) {
                assertEquals(3, cy.roster.size());
                ada.await(ControlMessage.ParticipantJoined.class, j -> j.participant().name().equals("Cy"), WAIT);
                bob.await(ControlMessage.ParticipantJoined.class, j -> j.participant().name().equals("Cy"), WAIT);
                bob.send(new ControlMessage.ChatSend("hello from node 2"));
                cy.send(new ControlMessage.ChatSend("hello from node 3"));
                List<List<String>> seen = new ArrayList<>();
                for (RawClient c : List.of(ada, bob, cy)) {
                    List<String> texts = new ArrayList<>();
                    for (int i = 0; i < 2; i++) {
                        texts.add(c.await(ControlMessage.ChatMessage.class, m -> true, WAIT).text());
                    }
                    seen.add(texts);
                }
                assertEquals(seen.get(0), seen.get(1), "one order for everyone");
                assertEquals(seen.get(0), seen.get(2), "one order for everyone");
            }
            ada.await(ControlMessage.ParticipantLeft.class, l -> l.participant().name().equals("Cy"), WAIT);
        }
        try (RawClient dee = join(1, room, "Dee")) {
            List<String> history = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                ControlMessage.ChatMessage m = dee.await(ControlMessage.ChatMessage.class, c -> true, WAIT);
                assertTrue(m.history());
                history.add(m.text());
            }
            assertTrue(history.contains("hello from node 2") && history.contains("hello from node 3"), history.toString());
        }
    }

    private static byte[] frame(int seed) {
        byte[] b = new byte[3000];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (i * 7 + seed);
        }
        return b;
    }

    /** Sends frames until each receiver has one (the roster and addresses have spread), then drains. */
    private static void warmUp(RawClient sender, Fragmenter f, List<RawClient> receivers) throws Exception {
        for (RawClient r : receivers) {
            long deadline = System.nanoTime() + WAIT.toNanos();
            ByteBuffer got = null;
            while (got == null) {
                assertTrue(System.nanoTime() < deadline, "video reaches " + r.welcome.participantId());
                sender.sendVideo(f, frame(0));
                got = Udp.receive(r.video, Duration.ofMillis(100));
            }
        }
        for (RawClient r : receivers) {
            while (Udp.receive(r.video, Duration.ofMillis(200)) != null) {
                // drain
            }
        }
    }

    /**
     * How many times over node 0 sends {@code sender}'s video to other nodes, while {@code frames}
     * frames go out: node-to-node bytes divided by the bytes the sender sent (checked to be the same
     * multiple in datagrams).
     */
    private static long peerDatagramsFor(RawClient sender, Fragmenter f, int frames, List<RawClient> receivers)
            throws Exception {
        warmUp(sender, f, receivers);
        long before = nodes.get(0).stats().peerPacketsOut();
        long bytesBefore = nodes.get(0).stats().peerBytesOut();
        long sentBefore = nodes.get(0).stats().bytesIn(chorus.protocol.media.MediaKind.VIDEO);
        int datagrams = 0;
        for (int i = 0; i < frames; i++) {
            datagrams += sender.sendVideo(f, frame(i + 1));
        }
        for (RawClient r : receivers) {
            int got = 0;
            while (got < datagrams && Udp.receive(r.video, WAIT) != null) {
                got++;
            }
            assertEquals(datagrams, got, "every datagram reaches " + r.welcome.participantId());
        }
        long packetsTimes = (nodes.get(0).stats().peerPacketsOut() - before) / datagrams;
        long sent = nodes.get(0).stats().bytesIn(chorus.protocol.media.MediaKind.VIDEO) - sentBefore;
        long peerBytes = nodes.get(0).stats().peerBytesOut() - bytesBefore;
        assertEquals(packetsTimes * sent, peerBytes, "node-to-node bytes: the sender's bytes, once per other node");
        return packetsTimes;
    }

    @Test
    void videoCrossesToEachOtherNodeOnceWhateverTheNumberOfRemoteParticipants() throws Exception {
        String room = room();
        try (RawClient ada = join(0, room, "Ada");
             RawClient bob = join(1, room, "Bob")) {
            ada.openMedia();
            bob.openMedia();
            Fragmenter f = ada.videoFragmenter();
            assertEquals(1, peerDatagramsFor(ada, f, 5, List.of(bob)), "one remote participant on one node");
            try (RawClient bob2 = join(1, room, "Bob2");
                 RawClient bob3 = join(1, room, "Bob3")) {
                bob2.openMedia();
                bob3.openMedia();
                assertEquals(1, peerDatagramsFor(ada, f, 5, List.of(bob, bob2, bob3)),
                        "three remote participants on one node: still once");
                try (RawClient cy = join(2, room, "Cy")) {
                    cy.openMedia();
                    assertEquals(2, peerDatagramsFor(ada, f, 5, List.of(bob, bob2, bob3, cy)),
                            "a second node with members: once to each node");
                    var peers = nodes.get(0).stats().peers();
                    assertNotNull(peers.get("pekko://chorus@" + nodes.get(1).clusterAddress()), peers.toString());
                    assertTrue(peers.get("pekko://chorus@" + nodes.get(2).clusterAddress()).bytesOut() > 0);
                    assertTrue(nodes.get(1).stats().peers().get("pekko://chorus@" + nodes.get(0).clusterAddress())
                            .bytesIn() > 0, "the receiving node counts it too");
                }
            }
        }
    }

    @Test
    void aTalkerOnOneNodeIsHeardInTheMixOfAnotherNode() throws Exception {
        String room = room();
        try (RawClient ada = join(0, room, "Ada");
             RawClient bob = join(1, room, "Bob")) {
            ada.openMedia();
            bob.openMedia();
            ada.await(ControlMessage.ParticipantJoined.class, j -> j.participant().name().equals("Bob"), WAIT);
            Fragmenter audio = new Fragmenter(chorus.protocol.media.MediaKind.AUDIO, ada.welcome.mediaId(),
                    chorus.protocol.media.Codec.PCM16);
            long before = nodes.get(0).stats().peerPacketsOut();
            ByteBuffer mix = null;
            long deadline = System.nanoTime() + WAIT.toNanos();
            for (int i = 0; mix == null; i++) {
                assertTrue(System.nanoTime() < deadline, "Bob, on node 2, hears Ada, on node 1");
                byte[] pcm = chorus.protocol.audio.AudioFormat.toBytes(chorus.protocol.audio.Tones.sine(440, 0.25,
                        i * 960L, chorus.protocol.audio.AudioFormat.FRAME_SAMPLES));
                audio.send(pcm, 0, pcm.length, i * 960L, 0, ada::sendAudioDatagram);
                Thread.sleep(20);
                mix = Udp.receive(bob.audio, Duration.ofMillis(1));
            }
            assertEquals(MediaHeader.RELAY_MEDIA_ID, MediaHeader.mediaId(mix, 0), "the mix made on Bob's own node");
            assertNotNull(bob.open(mix, bob.welcome.media().audioPort()), "sealed for Bob by his own node");
            assertTrue(nodes.get(0).stats().peerPacketsOut() > before, "Ada's audio crossed to Bob's node");
        }
    }

    private static String peerKey(int node) {
        return "pekko://chorus@" + nodes.get(node).clusterAddress();
    }

    private static long fileBytesIn(int node, int from) {
        var p = nodes.get(node).stats().peers().get(peerKey(from));
        return p == null ? 0 : p.fileBytesIn();
    }

    private static long fileBytesOut(int node, int to) {
        var p = nodes.get(node).stats().peers().get(peerKey(to));
        return p == null ? 0 : p.fileBytesOut();
    }

    @Test
    void fileBytesBetweenNodesAreCountedPerPeer() throws Exception {
        String room = room();
        byte[] content = new byte[200_000];
        new java.util.Random(7).nextBytes(content);
        try (RawClient ada = RawClient.joinKnowingNodes(nodes.get(0), room, "Ada", 2);
             RawClient bob = join(1, room, "Bob");
             RawClient cy = join(2, room, "Cy")) {
            var uploaded = ada.upload(room, "notes.bin", content, RawClient.sha256(content));
            assertEquals(201, uploaded.statusCode(), uploaded.body());
            String fileId = bob.await(ControlMessage.FileOffered.class, f -> true, WAIT).file().fileId();
            // Node 0 pushed one copy to one other node: counted on both sides, by peer.
            int holder = fileBytesOut(0, 1) > 0 ? 1 : 2;
            int other = 3 - holder;
            assertEquals(content.length, fileBytesOut(0, holder), nodes.get(0).stats().peers().toString());
            assertEquals(0, fileBytesOut(0, other), "one copy, to one node");
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (fileBytesIn(holder, 0) < content.length) {
                assertTrue(System.nanoTime() < deadline, "the copy is counted where it arrived");
                Thread.sleep(20);
            }
            assertEquals(content.length, fileBytesIn(holder, 0));

            // The node without the bytes streams them from one that has them, counted likewise.
            RawClient there = other == 1 ? bob : cy;
            if (there == cy) {
                cy.await(ControlMessage.FileOffered.class, f -> f.file().fileId().equals(fileId), WAIT);
            }
            var got = there.getFiles(room, "/" + fileId, there.welcome.files().token());
            assertEquals(200, got.statusCode());
            assertTrue(java.util.Arrays.equals(content, got.body()), "the bytes, whole");
            assertEquals(content.length, fileBytesIn(other, 0) + fileBytesIn(other, holder),
                    nodes.get(other).stats().peers().toString());
            deadline = System.nanoTime() + WAIT.toNanos();
            while (fileBytesOut(0, other) + fileBytesOut(holder, other) < content.length) {
                assertTrue(System.nanoTime() < deadline, "the serving node counts the bytes it sent");
                Thread.sleep(20);
            }
        }
        String metrics = new Metrics(nodes.get(0).stats(), () -> 0, nodes.get(0).system()).render();
        assertTrue(metrics.contains("chorus_peer_file_bytes_out_total{peer=\"" + peerKey(1) + "\"}")
                || metrics.contains("chorus_peer_file_bytes_out_total{peer=\"" + peerKey(2) + "\"}"), metrics);
    }

    @Test
    void aNackIsAnsweredByTheReceiversNodeAndAKeyframeRequestReachesASenderOnAnotherNode() throws Exception {
        String room = room();
        try (RawClient ada = join(0, room, "Ada");
             RawClient bob = join(1, room, "Bob")) {
            ada.openMedia();
            bob.openMedia();
            Fragmenter f = ada.videoFragmenter();
            warmUp(ada, f, List.of(bob));
            while (Udp.receive(ada.video, Duration.ofMillis(200)) != null) {
                // the keyframe request node 1 made for its newcomer, Bob
            }
            int datagrams = ada.sendVideo(f, frame(9));
            List<ByteBuffer> got = new ArrayList<>();
            for (int i = 0; i < datagrams; i++) {
                ByteBuffer b = Udp.receive(bob.video, WAIT);
                assertNotNull(b, "Bob gets Ada's frame through node 1");
                got.add(bob.openVideo(b));
            }
            long sequence = MediaHeader.sequence(got.get(1), 0);
            long answeredHere = nodes.get(1).stats().recovery(chorus.relay.metrics.Recovery.RETRANSMITTED);
            long answeredThere = nodes.get(0).stats().recovery(chorus.relay.metrics.Recovery.RETRANSMITTED);
            ByteBuffer nack = ByteBuffer.allocate(MediaHeader.MAX_DATAGRAM);
            chorus.protocol.media.Nack.encode(nack, bob.welcome.mediaId(), 0, ada.welcome.mediaId(),
                    chorus.protocol.media.MediaKind.VIDEO, new long[] {sequence}, 1);
            bob.sendVideoDatagram(nack);
            ByteBuffer resent = Udp.receive(bob.video, WAIT);
            assertNotNull(resent, "resent from node 1's buffer of what node 0 forwarded");
            assertEquals(sequence, MediaHeader.sequence(bob.openVideo(resent), 0));
            assertEquals(answeredHere + 1, nodes.get(1).stats().recovery(chorus.relay.metrics.Recovery.RETRANSMITTED));
            assertEquals(answeredThere, nodes.get(0).stats().recovery(chorus.relay.metrics.Recovery.RETRANSMITTED),
                    "the NACK never crossed to the sender's node");

            ByteBuffer request = ByteBuffer.allocate(MediaHeader.MAX_DATAGRAM);
            ByteBuffer asked = null;
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (asked == null) {
                // Asked again each time: node 1 coalesces per interval, and may have asked for Bob lately.
                assertTrue(System.nanoTime() < deadline, "Bob's keyframe request reaches Ada on node 0");
                chorus.protocol.media.KeyframeRequest.encode(request, bob.welcome.mediaId(), 0, ada.welcome.mediaId(),
                        chorus.protocol.media.MediaKind.VIDEO);
                bob.sendVideoDatagram(request);
                asked = Udp.receive(ada.video, Duration.ofMillis(200));
            }
            ByteBuffer clear = ada.openVideo(asked);
            assertNotNull(clear, "sealed for Ada by her node");
            assertEquals(chorus.protocol.media.MediaKind.KEYFRAME_REQUEST, MediaHeader.kind(clear, 0));
            assertEquals(ada.welcome.mediaId(), chorus.protocol.media.KeyframeRequest.targetMediaId(clear));
        }
    }

    /**
     * Subscriptions are summarised per node: node 0 sends a layer of Ada's to another node only
     * while a member there subscribes to it. Bob (node 1) shows Ada at layer 0; Cy (node 2) shows
     * nobody: node 2 receives none of Ada's datagrams (its peer counter for her stays at 0), and
     * node 1 receives layer 0 only.
     */
    @Test
    void aNodeWithNoSubscriberToAStreamReceivesNoneOfItsDatagrams() throws Exception {
        String room = room();
        ControlMessage.Hello hello = new ControlMessage.Hello(ControlMessage.PROTOCOL_VERSION, "Ada", room, "raw-test")
                .withLayers(List.of(180, 360, 720));
        try (RawClient ada = RawClient.join(new RawClient(nodes.get(0).controlAddress()), hello);
             RawClient bob = join(1, room, "Bob");
             RawClient cy = join(2, room, "Cy")) {
            ada.openMedia();
            bob.openMedia();
            cy.openMedia();
            String adaId = ada.welcome.participantId();
            int adaMedia = ada.welcome.mediaId();
            bob.send(new ControlMessage.Subscribe(List.of(ControlMessage.Source.camera(adaId, 0)), null));
            cy.send(new ControlMessage.Subscribe(List.of(), null));
            // Ada is told layer 0 alone is wanted only once node 1 asked for it and node 2 for nothing.
            ada.await(ControlMessage.LayersWanted.class, w -> w.camera().equals(List.of(0)), WAIT);
            long toNode2Before = nodes.get(0).stats().peer(nodes.get(2).clusterAddress()).packetsOut();
            int layer0 = 0;
            for (int frame = 0; frame < 5; frame++) {
                for (int layer = 2; layer >= 0; layer--) {
                    Fragmenter f = new Fragmenter(chorus.protocol.media.MediaKind.VIDEO, adaMedia,
                            chorus.protocol.media.Codec.H264, layer);
                    byte[] bytes = frame(frame * 3 + layer);
                    int[] n = {0};
                    f.send(bytes, 0, bytes.length, frame * 3000L, MediaHeader.FLAG_KEYFRAME, d -> {
                        n[0]++;
                        ada.sendVideoDatagram(d);
                    });
                    layer0 += layer == 0 ? n[0] : 0;
                }
            }
            int got = 0;
            while (got < layer0 && Udp.receive(bob.video, WAIT) != null) {
                got++;
            }
            assertEquals(layer0, got, "Bob, on node 1, gets each layer-0 datagram");
            assertNull(Udp.receive(bob.video, Duration.ofMillis(300)), "and nothing of layers 1 and 2");
            assertEquals(layer0, nodes.get(1).gateway().videoDatagramsFromPeer(adaMedia),
                    "node 1 received layer 0 of Ada's from node 0, once, and no other layer");
            assertEquals(0, nodes.get(2).gateway().videoDatagramsFromPeer(adaMedia),
                    "node 2, where nobody shows Ada, received none of her datagrams");
            assertEquals(toNode2Before, nodes.get(0).stats().peer(nodes.get(2).clusterAddress()).packetsOut(),
                    "node 0 sent node 2 nothing meanwhile");
        }
    }
}
