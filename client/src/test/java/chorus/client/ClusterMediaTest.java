package chorus.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chorus.client.bot.Bot;
import chorus.client.bot.BotOptions;
import chorus.client.bot.BotStats;
import chorus.protocol.audio.AudioFormat;
import chorus.protocol.audio.OpusFormat;
import chorus.protocol.audio.Tones;
import chorus.relay.RelayNode;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Six bots in one room, two on each node of a three-node relay cluster: each one receives the
 * video of the five others and hears their five tones in its mix, and never its own, exactly as
 * in a room on one relay.
 */
class ClusterMediaTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final List<RelayNode> nodes = new ArrayList<>();

    @TempDir
    Path dir;

    @BeforeAll
    static void startCluster() throws Exception {
        // Every node mixes all six talkers (K = 6, not the default 3): each bot must hear the five others.
        String cluster = "chorus.relay.mixer.talkers = 6\n"
                + "chorus.relay.cluster { enabled = true, port = 0, secret = cluster-media-test, "
                + "tls.directory = \"" + ClusterCertsDir.hocon() + "\" ";
        RelayNode first = RelayNode.startOnLoopback(ConfigFactory.parseString(cluster + "}"));
        nodes.add(first);
        for (int i = 0; i < 2; i++) {
            nodes.add(RelayNode.startOnLoopback(ConfigFactory.parseString(
                    cluster + ", seeds = [\"" + first.clusterAddress() + "\"] }")));
        }
        OpusFormat.warmUp().join();
        await("three nodes up in every node's view", () -> nodes.stream().allMatch(n -> {
            long up = 0;
            for (var m : Cluster.get(n.system()).state().getMembers()) {
                up += m.status() == MemberStatus.up() ? 1 : 0;
            }
            return up == 3;
        }));
    }

    @AfterAll
    static void stopCluster() {
        nodes.forEach(RelayNode::close);
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "within " + WAIT.toSeconds() + " s: " + what);
            Thread.sleep(20);
        }
    }

    @Test
    void sixBotsOnThreeNodesSeeAndHearEachOtherAndNotThemselves() throws Exception {
        String room = "cluster-media-" + System.nanoTime();
        Map<String, Double> tones = new LinkedHashMap<>();
        String[] names = {"Ada", "Bo", "Cy", "Di", "Ed", "Flo"};
        for (int i = 0; i < names.length; i++) {
            tones.put(names[i], 330.0 + 110 * i); // 330 … 880 Hz, far enough apart for Goertzel over seconds
        }
        Map<String, Bot> bots = new LinkedHashMap<>();
        Map<String, Long> ticksHeard = new LinkedHashMap<>();
        try {
            for (int i = 0; i < names.length; i++) {
                RelayNode node = nodes.get(i % 3); // Ada and Di on node 0, Bo and Ed on 1, Cy and Flo on 2
                bots.put(names[i], Bot.start(BotOptions.of("127.0.0.1", node.controlPort(), names[i], room)
                        .withFps(10).withTone(tones.get(names[i])).withRecordAudio(dir.resolve(names[i] + ".wav"))
                        // PCM: this test judges routing across nodes exactly (who hears whom); five tones
                        // 110 Hz apart through a 32 kbit/s Opus mix come out at 0.045..0.17 of the 0.25
                        // sent, a codec matter BotTest and OpusAudioTest judge with fewer tones.
                        .withAudioCodec(chorus.protocol.media.Codec.PCM16)));
            }
            await("every bot receives video from the five others", () -> bots.values().stream().allMatch(b ->
                    b.snapshot().framesReceivedFrom().size() == 5
                            && b.snapshot().framesReceivedFrom().values().stream().allMatch(n -> n > 0)));
            Map<String, BotStats> before = new LinkedHashMap<>();
            bots.forEach((name, b) -> before.put(name, b.snapshot()));
            Thread.sleep(4000); // four seconds of the call, counted
            bots.forEach((name, b) -> {
                BotStats st = b.snapshot();
                ticksHeard.put(name, st.audioFramesPlayed() + st.audioFramesConcealed() + st.audioTicksSilent());
            });
            // Cameras off, so the frames counted are all sent before the receivers are judged: frames
            // still in flight (or waiting for a retransmission) at the end are given time to arrive.
            bots.values().forEach(b -> b.call().setCameraOn(false));
            await("the cameras are off", () -> bots.values().stream().allMatch(b -> !b.call().snapshot().camera().active()));
            Map<String, BotStats> sentAll = new LinkedHashMap<>();
            bots.forEach((name, b) -> sentAll.put(name, b.snapshot()));
            for (String name : names) {
                assertTrue(sentAll.get(name).framesSent() - before.get(name).framesSent() > 20,
                        name + " sent more than 20 frames in 4 s");
            }
            java.util.function.Supplier<String> shortOf = () -> {
                for (String name : names) {
                    BotStats now = bots.get(name).snapshot();
                    for (String other : names) {
                        long sent = sentAll.get(other).framesSent() - before.get(other).framesSent();
                        long received = now.receivedFrom(other) - before.get(name).receivedFrom(other);
                        if (!other.equals(name) && received < 0.9 * sent) {
                            return name + " received " + received + " of the " + sent + " frames " + other + " sent";
                        }
                    }
                }
                return null;
            };
            await("every bot receives 90% of the frames each other one sent", () -> shortOf.get() == null);
            for (String name : names) {
                BotStats s = bots.get(name).snapshot();
                assertEquals(new TreeSet<>(tones.keySet()), new TreeSet<>(s.roster()), name + "'s roster");
                assertEquals(0, s.videoDecodeErrors(), name + " decoded every frame");
            }
        } finally {
            bots.values().forEach(Bot::stop);
        }

        for (String name : names) {
            short[] heard;
            try (AudioInputStream in = AudioSystem.getAudioInputStream(dir.resolve(name + ".wav").toFile())) {
                heard = AudioFormat.toSamples(in.readAllBytes());
            }
            assertTrue(heard.length > 4 * AudioFormat.SAMPLE_RATE, name + " recorded the call");
            // The four seconds counted above: everyone had joined and the jitter buffers had filled.
            int end = (int) Math.min(heard.length, ticksHeard.get(name) * AudioFormat.FRAME_SAMPLES);
            int from = end - 4 * AudioFormat.SAMPLE_RATE;
            double own = 0;
            double quietestOther = Double.MAX_VALUE;
            for (String other : names) {
                double level = Tones.amplitude(heard, from, end, tones.get(other));
                System.out.printf("%s hears %s at %.3f%n", name, other, level);
                if (other.equals(name)) {
                    own = level;
                } else {
                    assertTrue(level > 0.05, name + " hears " + other + "'s " + tones.get(other) + " Hz at only " + level);
                    quietestOther = Math.min(quietestOther, level);
                }
            }
            // Its own tone is not in its mix; what the Goertzel filter finds at its frequency is the
            // Opus coding noise of five tones 110 Hz apart (measured up to 0.01), at least 20 dB
            // under the quietest tone it does hear.
            assertTrue(own < quietestOther / 10, name + " hears its own tone at " + own
                    + ", the quietest other at " + quietestOther);
        }
    }
}
