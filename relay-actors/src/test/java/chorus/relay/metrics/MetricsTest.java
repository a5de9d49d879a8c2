package chorus.relay.metrics;

import chorus.protocol.media.Codec;
import chorus.protocol.media.MediaHeader;
import chorus.protocol.media.MediaKind;
import chorus.relay.ClusterTest;
import chorus.relay.RawClient;
import chorus.relay.RelayNode;
import chorus.relay.Udp;
import com.typesafe.config.ConfigFactory;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Scrapes {@code /metrics} after real traffic, as Prometheus would, and reads the series back. */
class MetricsTest {
    private static final Pattern SAMPLE = Pattern.compile("^([a-z_]+(?:\\{[^}]*\\})?) (-?[0-9.eE+-]+)$");

    @Test
    void aScrapeAfterTrafficShowsParticipantsRoomsMediaDropsAndTheMixer() throws Exception {
        try (RelayNode relay = RelayNode.startOnLoopback(ConfigFactory.empty())) {
            assertTrue(relay.metricsPort() > 0, "metrics listening");
            String room = "metrics-" + System.nanoTime();
            try (RawClient ada = RawClient.join(relay, room, "Ada");
                 RawClient bob = RawClient.join(relay, room, "Bob")) {
                ada.openMedia();
                bob.openMedia();
                byte[] frame = new byte[3000];
                ada.sendVideo(ada.videoFragmenter(), frame);
                Udp.receive(bob.video, java.time.Duration.ofSeconds(2));
                ada.video.send(ByteBuffer.wrap(new byte[] {1, 2, 3}), ada.relayAt(ada.welcome.media().videoPort()));

                long deadline = System.nanoTime() + 5_000_000_000L;
                Map<String, Double> m = scrape(relay);
                while ((m.get("chorus_media_drops_total{reason=\"too-short\"}") < 1
                        || m.get("chorus_mixer_tick_seconds_count") < 1
                        || m.get("chorus_media_packets_out_total{kind=\"video\"}") < 2)
                        && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                    m = scrape(relay);
                }
                assertEquals(2.0, m.get("chorus_participants"));
                assertEquals(1.0, m.get("chorus_rooms"));
                assertTrue(m.get("chorus_media_packets_in_total{kind=\"video\"}") >= 2, "two fragments in");
                assertTrue(m.get("chorus_media_bytes_in_total{kind=\"video\"}") >= 3000, "the frame's bytes in");
                assertTrue(m.get("chorus_media_packets_out_total{kind=\"video\"}") >= 2, "and out to Bob");
                assertTrue(m.get("chorus_media_bytes_out_total{kind=\"video\"}") >= 3000);
                assertTrue(m.get("chorus_media_packets_in_total{kind=\"hello\"}") >= 4, "each socket's hello");
                assertEquals(1.0, m.get("chorus_media_drops_total{reason=\"too-short\"}"));
                assertEquals(0.0, m.get("chorus_media_drops_total{reason=\"bad-tag\"}"));
                assertTrue(m.get("chorus_mixer_tick_seconds_count") >= 1, "the room's mixer ticked");
                double perTick = m.get("chorus_mixer_tick_seconds_sum") / m.get("chorus_mixer_tick_seconds_count");
                assertTrue(perTick >= 0 && perTick < 0.02, "a tick takes less than its 20 ms: " + perTick);
                assertEquals(1.0, m.get("chorus_cluster_members{status=\"up\"}"), "alone: one member");
            }
        }
    }

    @Test
    void aRefusedAddressMoveAndAnAudioFrameGivenUpAreSeries() throws Exception {
        try (RelayNode relay = RelayNode.startOnLoopback(ConfigFactory.empty())) {
            String room = "metrics-drops-" + System.nanoTime();
            try (RawClient ada = RawClient.join(relay, room, "Ada");
                 RawClient bob = RawClient.join(relay, room, "Bob");
                 DatagramChannel replayer = DatagramChannel.open()
                         .bind(new InetSocketAddress("127.0.0.1", 0))) {
                ada.openMedia();
                bob.openMedia();
                Map<String, Double> before = scrape(relay);
                assertEquals(0.0, before.get("chorus_media_drops_total{reason=\"replayed\"}"), "a series from the start");
                assertTrue(before.get("chorus_media_challenges_sent_total") >= 2.0, "one per socket at least, at join");
                assertTrue(before.get("chorus_media_addresses_confirmed_total") >= 2.0, "both answered");

                // A copy of Ada's datagram from another socket: a replay, dropped.
                List<ByteBuffer> sent = new ArrayList<>();
                byte[] frame = new byte[300];
                ada.videoFragmenter().send(frame, 0, frame.length, 0, MediaHeader.FLAG_KEYFRAME,
                        d -> sent.add(ByteBuffer.allocate(MediaHeader.MAX_DATAGRAM).put(ada.videoSealer.seal(d)).flip()));
                ada.video.send(sent.get(0).duplicate(), ada.relayAt(ada.welcome.media().videoPort()));
                assertTrue(Udp.receive(bob.video, Duration.ofSeconds(2)) != null, "Ada's own copy went through first");
                replayer.send(sent.get(0).duplicate(), ada.relayAt(ada.welcome.media().videoPort()));

                // Ada's audio announcing a frame of 1,000 fragments, past the largest audio frame:
                // authentic, well formed, and given up by the reassembler at once.
                ByteBuffer oversized = ByteBuffer.allocate(MediaHeader.MAX_DATAGRAM);
                new MediaHeader().wrap(oversized, 0).magicAndVersion()
                        .kind(MediaKind.AUDIO).flags(0).codec(Codec.PCM16)
                        .payloadLength(100).mediaId(ada.welcome.mediaId()).sequence(0).timestamp(0).frameId(1)
                        .fragmentIndex(0).fragmentCount(1000);
                oversized.limit(MediaHeader.clearLength(oversized, 0));
                ada.sendAudioDatagram(oversized);

                long deadline = System.nanoTime() + 5_000_000_000L;
                Map<String, Double> m = scrape(relay);
                while ((m.getOrDefault("chorus_media_drops_total{reason=\"replayed\"}", 0.0) < 1
                        || m.getOrDefault("chorus_audio_reassembly_drops_total{reason=\"oversized\"}", 0.0) < 1)
                        && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                    m = scrape(relay);
                }
                assertEquals(1.0, m.get("chorus_media_drops_total{reason=\"replayed\"}"), "the replay: " + m.keySet());
                assertEquals(1.0, m.get("chorus_audio_reassembly_drops_total{reason=\"oversized\"}"), "the frame given up");
                for (String reason : new String[] {"timed-out", "evicted", "inconsistent"}) {
                    assertEquals(0.0, m.get("chorus_audio_reassembly_drops_total{reason=\"" + reason + "\"}"), reason);
                }
            }
        }
    }

    @Test
    void clusterMembersAndNodeToNodeBytesAreSeries() throws Exception {
        try (RelayNode first = RelayNode.startOnLoopback(ClusterTest.clustered(null));
             RelayNode second = RelayNode.startOnLoopback(ClusterTest.clustered(first.clusterAddress()))) {
            String room = "metrics-cluster-" + System.nanoTime();
            long deadline = System.nanoTime() + 15_000_000_000L;
            while (scrape(first).getOrDefault("chorus_cluster_members{status=\"up\"}", 0.0) < 2) {
                assertTrue(System.nanoTime() < deadline, "two members up");
                Thread.sleep(100);
            }
            try (RawClient ada = RawClient.join(first, room, "Ada");
                 RawClient bob = RawClient.join(second, room, "Bob")) {
                ada.openMedia();
                bob.openMedia();
                ada.await(chorus.protocol.control.ControlMessage.ParticipantJoined.class,
                        j -> j.participant().name().equals("Bob"), java.time.Duration.ofSeconds(10));
                Map<String, Double> m = scrape(first);
                while (m.keySet().stream().noneMatch(k -> k.startsWith("chorus_peer_bytes_out_total{"))
                        || m.entrySet().stream().filter(e -> e.getKey().startsWith("chorus_peer_bytes_out_total{"))
                                .mapToDouble(Map.Entry::getValue).sum() == 0) {
                    assertTrue(System.nanoTime() < deadline + 10_000_000_000L, "node-to-node bytes counted: " + m);
                    ada.sendVideo(ada.videoFragmenter(), new byte[500]);
                    Thread.sleep(100);
                    m = scrape(first);
                }
                String peer = "chorus_peer_bytes_out_total{peer=\"pekko://chorus@" + second.clusterAddress() + "\"}";
                assertTrue(m.getOrDefault(peer, 0.0) > 0, "bytes to the second node by its address: " + m.keySet());
            }
        }
    }

    @Test
    void metricsListenOnLoopbackByDefaultWhereverTheControlPortIs() throws Exception {
        // Control and media on 127.0.0.2; /metrics (no authentication) stays on 127.0.0.1. Before,
        // it listened wherever the control port did (0.0.0.0 by default).
        try (RelayNode relay = RelayNode.startOnLoopback(ConfigFactory.parseString("chorus.relay.host = \"127.0.0.2\""))) {
            assertEquals(200, get("127.0.0.1", relay.metricsPort()), "on 127.0.0.1");
            assertEquals(-1, get("127.0.0.2", relay.metricsPort()), "not where the control port is");
        }
    }

    @Test
    void metricsListenOnTheConfiguredHost() throws Exception {
        try (RelayNode relay = RelayNode.startOnLoopback(ConfigFactory.parseString(
                "chorus.relay.metrics.host = \"127.0.0.3\""))) {
            assertEquals(200, get("127.0.0.3", relay.metricsPort()), "on chorus.relay.metrics.host");
            assertEquals(-1, get("127.0.0.1", relay.metricsPort()), "and nowhere else");
        }
    }

    /** The status of GET /metrics on HOST:PORT, or -1 when nothing listens there. */
    private static int get(String host, int port) throws Exception {
        try {
            return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build().send(HttpRequest.newBuilder(
                    URI.create("http://" + host + ":" + port + "/metrics")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (ConnectException e) {
            return -1;
        }
    }

    /** One scrape: every sample line as series (name and labels) to value; HELP and TYPE lines checked. */
    static Map<String, Double> scrape(RelayNode relay) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + relay.metricsPort() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
        Map<String, Double> samples = new HashMap<>();
        for (String line : r.body().split("\n")) {
            if (line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
                continue;
            }
            Matcher sample = SAMPLE.matcher(line);
            assertTrue(sample.matches(), "a Prometheus sample line: " + line);
            samples.put(sample.group(1), Double.parseDouble(sample.group(2)));
        }
        return samples;
    }
}
