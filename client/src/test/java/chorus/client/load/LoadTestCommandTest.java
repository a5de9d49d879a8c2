package chorus.client.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chorus.client.ClientMain;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code chorus loadtest} end to end: a short run against a real relay and the raw forwarder,
 * each in a JVM of its own started from this test's classpath. Asserts what the report says, never
 * how fast anything was.
 */
class LoadTestCommandTest {

    @TempDir
    Path dir;

    private record Run(int exitCode, String out, String err) {
    }

    private static Run loadtest(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = new CommandLine(new LoadTestCommand())
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true))
                .execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    @Timeout(90)
    void aShortRunReportsRelayAndTheGsoBaselineBothDeliveringWithOrderedPercentiles() throws Exception {
        int code = ClientMain.execute("loadtest", "--rooms", "1", "--participants", "3",
                "--duration", "2", "--warmup", "1", "--video-fps", "15", "--audio",
                "--baseline", "gso", "--relay-heap", "256m", "--relay-classpath", System.getProperty("java.class.path"),
                "--out", dir.toString());
        assertEquals(0, code);

        JsonNode report = new ObjectMapper().readTree(dir.resolve("report.json").toFile());
        assertTrue(report.path("machine").path("cores").asInt() > 0);
        assertEquals(3, report.path("load").path("participantsPerRoom").asInt());
        assertTrue(report.path("load").path("videoClip").asText().startsWith("H.264"), report.path("load").toString());
        assertTrue(report.path("load").path("audioClip").asText().startsWith("Opus"), report.path("load").toString());
        JsonNode mixed = report.path("relay").path("audio");
        assertTrue(mixed.path("bitsInPerSecond").asLong() > 0 && mixed.path("framesPerReceiverPerSecond").asDouble() > 0,
                "the relay mixed the Opus talkers: " + mixed);
        assertTrue(report.path("baseline").isNull(), "no plain baseline was asked for: " + report.path("baseline"));
        for (String side : new String[] {"relay", "baselineGso"}) {
            JsonNode s = report.path(side);
            assertTrue(s.isObject(), side + " is an object");
            JsonNode video = s.path("video");
            assertTrue(video.path("delivered").asLong() > 0, side + " delivered packets");
            assertTrue(video.path("expected").asLong() > 0, side + " expected packets");
            assertTrue(video.path("delivered").asLong() <= video.path("expected").asLong(), side + " no more than sent");
            assertEquals(3, s.path("delivery").path("receivers").size(), side + " one entry per receiver");
            JsonNode latency = s.path("latency");
            for (String p : new String[] {"p50Micros", "p99Micros", "p999Micros"}) {
                assertTrue(latency.path(p).isNumber(), side + " " + p + " is a number: " + latency);
            }
            long p50 = latency.path("p50Micros").asLong();
            long p99 = latency.path("p99Micros").asLong();
            long p999 = latency.path("p999Micros").asLong();
            assertTrue(p50 <= p99 && p99 <= p999, side + " percentiles ordered: " + latency);
            JsonNode usage = s.path("serverUsage");
            assertTrue(usage.path("cpuCores").isNumber(), side + " server CPU measured: " + usage);
            assertTrue(usage.path("heapAfterGcBytes").isNumber() || usage.path("heapProblem").isTextual(),
                    side + " heap reported, or why not: " + usage);
            assertTrue(usage.path("cpuMicrosPerDatagramOut").asDouble() > 0, side + " CPU per datagram out: " + usage);
            JsonNode generator = s.path("generator");
            assertTrue(generator.path("cpuCores").asDouble() > 0, side + " the generator's own CPU: " + generator);
            assertTrue(generator.path("saturation").isArray(), side + " says whether the generator was the limit");
        }
        assertEquals("baseline-gso", report.path("baselineGso").path("server").asText());
        assertTrue(report.path("baselineGso").path("joining").path("rosterWaitSeconds").isNull(),
                "the raw forwarder tells no roster, so none is waited for");
        for (String ratio : new String[] {"throughputRatioGso", "p99LatencyRatioGso"}) {
            assertTrue(report.path(ratio).isNumber() && report.path(ratio).asDouble() > 0, ratio + ": " + report.path(ratio));
        }
        assertTrue(Files.size(dir.resolve("relay.log")) >= 0 && Files.exists(dir.resolve("baseline-gso.log")));
    }

    @Test
    void baselineAloneMeansPlainAsBeforeAndTakesGsoOrBoth() {
        LoadTestCommand alone = new LoadTestCommand();
        CommandLine cl = new CommandLine(alone);
        cl.parseArgs("--baseline", "--video-codec", "jpeg", "--frame-bytes", "1000");
        assertEquals(List.of(Baseline.PLAIN), Baseline.parse(alone.baseline), "--baseline with no value: plain");
        LoadTestCommand both = new LoadTestCommand();
        new CommandLine(both).parseArgs("--baseline=both", "--video-codec", "jpeg", "--frame-bytes", "1000");
        assertEquals(List.of(Baseline.PLAIN, Baseline.GSO), Baseline.parse(both.baseline));
        Run bad = loadtest("--baseline", "fast", "--video-codec", "jpeg", "--frame-bytes", "1000");
        assertEquals(2, bad.exitCode());
        assertTrue(bad.err().contains("--baseline must be plain, gso or both"), bad.err());
    }

    @Test
    @Timeout(180)
    void aRoomSpreadOverAThreeNodeClusterIsReportedPerNodeAndDeliversAcrossNodes() throws Exception {
        int code = ClientMain.execute("loadtest", "--participants", "6", "--cluster", "3", "--video-senders", "2",
                "--duration", "1", "--warmup", "0.5", "--video-fps", "15", "--video-codec", "jpeg", "--frame-bytes", "3000",
                "--relay-heap", "256m", "--relay-classpath", System.getProperty("java.class.path"),
                "--out", dir.toString());
        assertEquals(0, code);
        JsonNode relay = new ObjectMapper().readTree(dir.resolve("report.json").toFile()).path("relay");
        JsonNode nodes = relay.path("nodes");
        assertEquals(3, nodes.size(), "one entry per node: " + nodes);
        java.util.Set<String> endpoints = new java.util.HashSet<>();
        for (int i = 0; i < 3; i++) {
            JsonNode n = nodes.get(i);
            assertEquals(i, n.path("node").asInt());
            assertEquals(2, n.path("participants").asInt(), "round-robin: two of six per node");
            assertTrue(n.path("cpuCores").isNumber() && n.path("pid").isNumber(), "each node measured: " + n);
            assertTrue(n.path("videoDatagramsOutPerSecond").asDouble() > 0, "each node forwards: " + n);
            endpoints.add(n.path("endpoint").asText());
        }
        assertEquals(3, endpoints.size(), "three relays: " + endpoints);
        JsonNode joining = relay.path("joining");
        assertTrue(joining.path("seconds").asDouble() > 0 && joining.path("lastJoinMillis").asDouble() > 0
                && joining.path("rosterWaitSeconds").isNumber(), "how the room filled: " + joining);
        // p0 (node 0) and p1 (node 1) send; everyone else receives them, across nodes too
        assertTrue(nodes.get(0).path("videoDatagramsInPerSecond").asDouble() > 0, "p0 sends to node 0: " + nodes.get(0));
        assertTrue(nodes.get(1).path("videoDatagramsInPerSecond").asDouble() > 0, "p1 sends to node 1: " + nodes.get(1));
        assertEquals(0, nodes.get(2).path("videoDatagramsInPerSecond").asDouble(), "node 2 has no sender: " + nodes.get(2));
        JsonNode video = relay.path("video");
        assertTrue(video.path("delivered").asLong() > 0 && video.path("delivered").asLong() <= video.path("expected").asLong(),
                video.toString());
        for (JsonNode r : relay.path("delivery").path("receivers")) {
            assertTrue(r.path("delivered").asLong() > 0, "every receiver got video, viewers on node 2 included: " + r);
        }
    }

    @Test
    void aClusterCannotBeComparedWithTheBaselineNorSwept() {
        assertEquals(2, loadtest("--cluster", "3", "--baseline", "--video-codec", "jpeg", "--frame-bytes", "1000").exitCode());
        assertEquals(2, loadtest("--cluster", "2", "--sweep", "--video-codec", "jpeg", "--frame-bytes", "1000").exitCode());
        assertEquals(2, loadtest("--cluster", "0", "--video-codec", "jpeg", "--frame-bytes", "1000").exitCode());
    }

    @Test
    void zeroParticipantsIsAUsageError() {
        Run run = loadtest("--participants", "0", "--out", dir.toString());
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("--participants must be at least 2"), run.err());
    }

    @Test
    void negativeDurationsAreUsageErrors() {
        assertEquals(2, loadtest("--duration", "-1", "--video-codec", "jpeg", "--frame-bytes", "1000").exitCode());
        assertEquals(2, loadtest("--warmup", "-0.5", "--video-codec", "jpeg", "--frame-bytes", "1000").exitCode());
        assertEquals(2, loadtest("--duration", "0", "--video-codec", "jpeg", "--frame-bytes", "1000").exitCode());
    }

    @Test
    @Timeout(90)
    void withLossTheProxiesDropMediaBothWaysAndTheReportSaysSo() throws Exception {
        int code = ClientMain.execute("loadtest", "--rooms", "1", "--participants", "2",
                "--duration", "2", "--warmup", "0.5", "--video-fps", "15", "--loss", "5",
                "--relay-heap", "256m", "--relay-classpath", System.getProperty("java.class.path"),
                "--out", dir.toString());
        assertEquals(0, code);
        JsonNode report = new ObjectMapper().readTree(dir.resolve("report.json").toFile());
        assertEquals(0.05, report.path("load").path("impairedLossRate").asDouble(), 1e-9);
        double loss = report.path("relay").path("video").path("loss").asDouble();
        // 5% on the way in and 5% on the way out: about 9.75% of what a receiver expects, seeded
        assertTrue(loss > 0.03 && loss < 0.2, "loss through two impaired paths: " + loss);
    }

    @Test
    void frameBytesAloneStillMeansSyntheticFramesAsBeforeCodecsAndTheDefaultIsH264() {
        LoadTestCommand old = new LoadTestCommand();
        new CommandLine(old).parseArgs("--frame-bytes", "20000");
        LoadSpec spec = old.validate();
        assertEquals(chorus.protocol.media.Codec.JPEG, spec.video().codec());
        assertEquals(20_000, spec.frameBytes());
        LoadTestCommand now = new LoadTestCommand();
        new CommandLine(now).parseArgs();
        assertEquals(chorus.protocol.media.Codec.H264, now.validate().video().codec());
    }

    @Test
    void aWebinarHasOnePresenterAndTalkersAloneTurnAudioOnRankedByLevel() {
        LoadTestCommand webinar = new LoadTestCommand();
        new CommandLine(webinar).parseArgs("--participants", "6", "--video-senders", "1", "--talkers", "3",
                "--video-codec", "jpeg", "--frame-bytes", "1000");
        LoadSpec spec = webinar.validate();
        assertEquals(1, spec.videoSenders());
        assertTrue(spec.sendsVideo(0));
        assertFalse(spec.sendsVideo(1));
        assertTrue(spec.audio(), "--talkers alone turns audio on");
        LoadSpec.AudioLoad audio = spec.audioLoad();
        assertEquals(3, audio.talkersPerRoom());
        int first = audio.clipFor(0).frames().get(10).audioLevel();
        int second = audio.clipFor(1).frames().get(10).audioLevel();
        int third = audio.clipFor(2).frames().get(10).audioLevel();
        // RFC 6464: 0 is full scale, larger is quieter; 6 dB between talkers
        assertTrue(first < second && second < third, first + ", " + second + ", " + third);
        assertEquals(6, second - first, 1);
        assertEquals(audio.silent(), audio.clipFor(3));

        LoadTestCommand plain = new LoadTestCommand();
        new CommandLine(plain).parseArgs("--video-codec", "jpeg", "--frame-bytes", "1000");
        LoadSpec today = plain.validate();
        assertFalse(today.audio(), "no audio unless asked, as before");
        assertEquals(today.participants(), today.videoSenders(), "everyone sends video by default");
        LoadTestCommand withAudio = new LoadTestCommand();
        new CommandLine(withAudio).parseArgs("--audio", "--video-codec", "jpeg", "--frame-bytes", "1000");
        assertEquals(3, withAudio.validate().audioLoad().talkersPerRoom(), "--audio alone: 3 talkers, as before");
    }

    @Test
    void threeLayersAreTheClientsLadderEachEncodedAtItsHeightAndRateWithAKeyframeFirst() {
        LoadTestCommand three = new LoadTestCommand();
        new CommandLine(three).parseArgs("--layers", "3");
        LoadSpec spec = three.validate();
        assertEquals(java.util.List.of(180, 360, 720), spec.layerHeights(), "what the hello announces");
        java.util.List<LoadSpec.VideoLayer> layers = spec.videoLayers();
        assertEquals(3, layers.size());
        assertEquals(java.util.List.of(15, 30, 30), layers.stream().map(LoadSpec.VideoLayer::fps).toList());
        for (LoadSpec.VideoLayer layer : layers) {
            assertEquals(chorus.protocol.media.Codec.H264, layer.clip().codec());
            assertTrue(layer.clip().frames().get(0).keyframe(), layer.clip().label());
            assertTrue(layer.clip().label().contains("x" + layer.height() + " "), layer.clip().label());
        }
        assertTrue(layers.get(0).clip().meanFrameBytes() < layers.get(2).clip().meanFrameBytes(),
                "the small layer is the cheap one");

        LoadTestCommand one = new LoadTestCommand();
        new CommandLine(one).parseArgs("--video-codec", "jpeg", "--frame-bytes", "1000");
        assertEquals(null, one.validate().layerHeights(), "one layer: nothing announced, as before");
        assertEquals(2, loadtest("--layers", "4").exitCode());
        assertEquals(2, loadtest("--layers", "2", "--video-codec", "jpeg").exitCode());
    }

    @Test
    @Timeout(120)
    void subscribedReceiversCountTheirPageAndLastNWhichFollowsTheLoudestTalker() throws Exception {
        int code = ClientMain.execute("loadtest", "--participants", "6", "--layers", "2", "--subscribe", "2",
                "--subscribe-layer", "0", "--last-n", "1", "--last-n-layer", "1", "--talkers", "2",
                "--duration", "2", "--warmup", "2", "--video-fps", "15",
                "--relay-heap", "256m", "--relay-classpath", System.getProperty("java.class.path"),
                "--out", dir.toString());
        assertEquals(0, code);
        JsonNode relay = new ObjectMapper().readTree(dir.resolve("report.json").toFile()).path("relay");
        JsonNode receivers = relay.path("delivery").path("receivers");
        assertEquals(6, receivers.size());
        long delivered = 0;
        long expected = 0;
        int withLastN = 0;
        for (JsonNode r : receivers) {
            String name = r.path("name").asText();
            assertEquals(6, r.path("rosterMembers").asInt(), "the whole roster, from its pages: " + r);
            assertEquals(6, r.path("rosterMembersWithLayers").asInt(), "every hello announced its layers: " + r);
            JsonNode lastN = r.path("lastN");
            assertTrue(lastN.size() <= 1, r.toString());
            // its page is the next two in join order; a last-N speaker adds a third stream unless on the page
            int self = Integer.parseInt(name.substring(1));
            boolean adds = false;
            if (lastN.size() == 1) {
                withLastN++;
                String speaker = lastN.get(0).asText();
                assertTrue(!speaker.equals(name) && (speaker.equals("p0") || speaker.equals("p1")),
                        "last-N is a talker other than itself: " + r);
                adds = !speaker.equals("p" + (self + 1) % 6) && !speaker.equals("p" + (self + 2) % 6);
            }
            assertEquals(adds ? 3 : 2, r.path("streams").asInt(), r.toString());
            assertTrue(r.path("expected").asLong() > 0 && r.path("delivered").asLong() <= r.path("expected").asLong(),
                    r.toString());
            assertTrue(r.path("subscribedBitsPerSecond").asLong() > 0 && r.path("downlinkOverSubscribed").isNumber(),
                    "its downlink beside what its subscriptions add up to: " + r);
            delivered += r.path("delivered").asLong();
            expected += r.path("expected").asLong();
        }
        // the dominant speaker's own last-N may be empty (nobody else has spoken); everyone else's is not
        assertTrue(withLastN >= 5, "a dominant speaker was known by the window: " + receivers);
        assertEquals(expected, relay.path("video").path("expected").asLong(), "video.expected counts the subscribed streams");
        assertEquals(delivered, relay.path("video").path("delivered").asLong());
        JsonNode summary = relay.path("receivers");
        assertEquals(6, summary.path("receivers").asInt());
        assertTrue(summary.path("delivery").path("min").asDouble() <= summary.path("delivery").path("max").asDouble());
        JsonNode layers = relay.path("layers");
        assertEquals(2, layers.size());
        assertEquals(180, layers.get(0).path("height").asInt());
        assertEquals(360, layers.get(1).path("height").asInt());
        assertTrue(layers.get(0).path("framesSent").asLong() > 0 && layers.get(1).path("framesSent").asLong() > 0);
    }

    @Test
    void aSubscriptionToALayerNotSentOrALastNAloneIsAUsageError() {
        Run layer = loadtest("--subscribe", "2", "--subscribe-layer", "1", "--video-codec", "jpeg", "--frame-bytes", "1000");
        assertEquals(2, layer.exitCode());
        assertTrue(layer.err().contains("--subscribe-layer"), layer.err());
        assertEquals(2, loadtest("--last-n", "1", "--video-codec", "jpeg", "--frame-bytes", "1000").exitCode());
        assertEquals(2, loadtest("--subscribe", "-1", "--video-codec", "jpeg", "--frame-bytes", "1000").exitCode());
    }

    @Test
    void moreVideoSendersThanParticipantsIsAUsageError() {
        Run run = loadtest("--participants", "4", "--video-senders", "5", "--video-codec", "jpeg", "--frame-bytes", "1000");
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("--video-senders"), run.err());
        assertEquals(2, loadtest("--video-senders", "0", "--video-codec", "jpeg", "--frame-bytes", "1000").exitCode());
    }

    @Test
    void badClipOptionsAreUsageErrors() {
        Run empty = loadtest("--video-codec", "jpeg", "--frame-bytes", "0");
        assertEquals(2, empty.exitCode());
        assertTrue(empty.err().contains("--frame-bytes"), empty.err());
        Run codec = loadtest("--video-codec", "vp9");
        assertEquals(2, codec.exitCode());
        assertTrue(codec.err().contains("--video-codec"), codec.err());
        Run audio = loadtest("--audio", "--audio-codec", "g711", "--video-codec", "jpeg", "--frame-bytes", "1000");
        assertEquals(2, audio.exitCode());
        assertTrue(audio.err().contains("--audio-codec"), audio.err());
        Run mixed = loadtest("--video-codec", "h264", "--frame-bytes", "1000");
        assertEquals(2, mixed.exitCode());
        assertTrue(mixed.err().contains("--frame-bytes"), mixed.err());
        assertEquals(2, loadtest("--video-bitrate", "10").exitCode());
        assertEquals(2, loadtest("--loss", "101", "--video-codec", "jpeg", "--frame-bytes", "1000").exitCode());
        assertEquals(2, loadtest("--sweep", "--loss", "5", "--video-codec", "jpeg", "--frame-bytes", "1000").exitCode());
        assertEquals(2, loadtest("--audio", "--talkers", "-1", "--video-codec", "jpeg", "--frame-bytes", "1000").exitCode());
    }

    @Test
    void aRemoteRelayCannotBeComparedWithALocalBaseline() {
        assertEquals(2, loadtest("--server", "127.0.0.1:5005", "--baseline", "--video-codec", "jpeg", "--frame-bytes", "1000").exitCode());
        assertEquals(2, loadtest("--sweep", "--participants", "4", "--video-codec", "jpeg", "--frame-bytes", "1000").exitCode());
    }

    @Test
    @Timeout(60)
    void aRelayThatDoesNotStartIsOneLineAndExitOne() {
        Run run = loadtest("--participants", "2", "--duration", "1", "--video-codec", "jpeg", "--frame-bytes", "1000",
                "--relay-classpath", dir.resolve("nothing-here").toString(), "--out", dir.toString());
        assertEquals(1, run.exitCode());
        String[] lines = run.err().strip().split("\n");
        assertEquals(1, lines.length, run.err());
        assertTrue(lines[0].startsWith("chorus loadtest: relay did not start"), run.err());
        assertTrue(lines[0].contains("chorus.relay.RelayMain"), run.err());
        assertFalse(Files.exists(dir.resolve("report.json")));
    }
}
