package chorus.client.bot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chorus.client.LoopbackRelay;
import chorus.client.codec.VideoEncoding;
import chorus.client.media.ToneSource;
import chorus.protocol.audio.AudioFormat;
import chorus.protocol.audio.Tones;
import chorus.relay.RelayNode;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bots in a room on a real relay on loopback: the whole client side of the contract. */
class BotTest {
    /** Bob, the peer in every room here, talks at this frequency; bots default to 440 Hz. */
    private static final double BOBS_TONE = 600;
    private static RelayNode relay;

    @TempDir
    Path dir;

    @BeforeAll
    static void startRelay() throws IOException {
        relay = LoopbackRelay.start();
    }

    @AfterAll
    static void stopRelay() {
        relay.close();
    }

    private static BotOptions bot(String name, String room) {
        return BotOptions.of(LoopbackRelay.address(relay), name, room);
    }

    private static short[] readWav(Path file) throws Exception {
        try (AudioInputStream in = AudioSystem.getAudioInputStream(file.toFile())) {
            return AudioFormat.toSamples(in.readAllBytes());
        }
    }

    /** 20 ms windows of {@code heard} from {@code from} to {@code to} where {@code hz} is at a bot's tone level. */
    private static int windowsWithTone(short[] heard, int from, int to, double hz) {
        int windows = 0;
        for (int at = from; at + AudioFormat.FRAME_SAMPLES <= to; at += AudioFormat.FRAME_SAMPLES) {
            if (Math.abs(Tones.amplitude(heard, at, at + AudioFormat.FRAME_SAMPLES, hz) - ToneSource.AMPLITUDE) < 0.03) {
                windows++;
            }
        }
        return windows;
    }

    @Test
    void botSendsVideoAndToneCountsWhatItReceivesAndRecordsTheMix() throws Exception {
        String room = LoopbackRelay.room("lobby");
        Path aliceWav = dir.resolve("alice.wav");
        Path bobWav = dir.resolve("bob.wav");
        BotStats stats;
        BotStats bobs;
        try (Bot bob = Bot.start(bot("bob", room).withTone(BOBS_TONE).withRecordAudio(bobWav))) {
            stats = Bot.run(bot("alice", room).withDuration(Duration.ofMillis(1500)).withRecordAudio(aliceWav));
            LoopbackRelay.await("alice leaves bob's roster when she ends", () -> bob.snapshot().roster().equals(List.of("bob")));
            bobs = bob.stop();
        }

        assertEquals(BotStats.Ending.DURATION, stats.ended());
        assertEquals(List.of("bob", "alice"), stats.roster());
        assertTrue(stats.mediaReady());
        assertTrue(stats.rttMillis() >= 0, "round-trip time measured");
        // About 15 frames and 50 audio frames a second for 1.5 s; asked for with a wide margin.
        assertTrue(stats.framesSent() >= 8, "video frames sent: " + stats.framesSent());
        assertTrue(stats.audioFramesSent() >= 40, "audio frames sent: " + stats.audioFramesSent());
        assertTrue(stats.receivedFrom("bob") >= 8, stats.summary());
        assertEquals(List.of("bob"), List.copyOf(stats.framesReceivedFrom().keySet()));
        assertEquals(0, stats.videoDecodeErrors());
        assertTrue(stats.audioFramesPlayed() > 0);

        // What alice sent, seen from the other end: pictures that decode, and her (default) 440 Hz tone.
        assertTrue(bobs.receivedFrom("alice") >= 8, bobs.summary());
        assertEquals(0, bobs.videoDecodeErrors());

        JsonNode json = new ObjectMapper().readTree(stats.toJson());
        assertEquals("alice", json.get("name").asText());
        assertEquals(stats.receivedFrom("bob"), json.get("framesReceivedFrom").get("bob").asLong());
        assertEquals("duration", json.get("ended").asText());

        short[] heard = readWav(aliceWav);
        // Silence is written for idle ticks, so the file covers the whole call, give or take a tick or two.
        assertTrue(heard.length >= AudioFormat.SAMPLE_RATE, "at least a second recorded: " + heard.length);
        // Judge the middle half, after the start-up: a concealed frame or two on a busy machine is fine.
        int from = heard.length / 4;
        int to = heard.length * 3 / 4;
        int windows = (to - from) / AudioFormat.FRAME_SAMPLES;
        int bobWindows = windowsWithTone(heard, from, to, BOBS_TONE);
        assertTrue(bobWindows >= windows * 0.8, "bob is heard in " + bobWindows + " of " + windows + " windows");
        assertTrue(Tones.amplitude(heard, from, to, BotOptions.DEFAULT_TONE_HZ) < 0.01, "alice never hears herself");

        short[] bobHeard = readWav(bobWav);
        int aliceWindows = windowsWithTone(bobHeard, 0, bobHeard.length, BotOptions.DEFAULT_TONE_HZ);
        assertTrue(aliceWindows >= 25, "alice's 440 Hz is heard by bob in " + aliceWindows + " windows of her 75");
        assertTrue(Tones.amplitude(bobHeard, BOBS_TONE) < 0.01, "bob never hears himself");
    }

    @Test
    void threeH264AndOpusBotsReadBackAlmostEveryFrameOfTheOthersAndHearTheOtherTwoTonesNotTheirOwn()
            throws Exception {
        String room = LoopbackRelay.room("h264");
        // The defaults: H.264 with a keyframe every 4 s (a bot joining later gets one by asking) and Opus.
        List<String> names = List.of("ada", "bea", "cy");
        double[] tones = {440, 660, 880};
        List<Path> wavs = new ArrayList<>();
        List<Bot> bots = new ArrayList<>();
        long[] ticksHeard = new long[names.size()];
        try {
            for (int i = 0; i < names.size(); i++) {
                wavs.add(dir.resolve(names.get(i) + ".wav"));
                bots.add(Bot.start(bot(names.get(i), room).withTone(tones[i]).withRecordAudio(wavs.get(i))));
            }
            LoopbackRelay.await("each bot reads back a picture of each other one", () -> bots.stream().allMatch(b ->
                    names.stream().filter(n -> !n.equals(b.snapshot().name())).allMatch(n -> b.snapshot().readBackFrom(n) > 0)));
            List<BotStats> before = bots.stream().map(Bot::snapshot).toList();
            LoopbackRelay.await("each bot sends 45 more frames", () -> {
                for (int i = 0; i < bots.size(); i++) {
                    if (bots.get(i).snapshot().framesSent() < before.get(i).framesSent() + 45) {
                        return false;
                    }
                }
                return true;
            });
            bots.forEach(b -> b.call().setCameraOn(false));
            LoopbackRelay.await("the cameras are off", () -> bots.stream().allMatch(b -> !b.call().snapshot().camera().active()));
            List<BotStats> sentAll = bots.stream().map(Bot::snapshot).toList();
            LoopbackRelay.await("95% of the frames sent arrive and read back", () -> {
                for (int r = 0; r < bots.size(); r++) {
                    BotStats now = bots.get(r).snapshot();
                    for (int s = 0; s < bots.size(); s++) {
                        if (s == r) {
                            continue;
                        }
                        String sender = names.get(s);
                        long sent = sentAll.get(s).framesSent() - before.get(s).framesSent();
                        long received = now.receivedFrom(sender) - before.get(r).receivedFrom(sender);
                        long readBack = now.readBackFrom(sender) - before.get(r).readBackFrom(sender);
                        if (received < sent * 0.95 || readBack < sent * 0.95) {
                            return false;
                        }
                    }
                }
                return true;
            });
            for (Bot b : bots) {
                BotStats stats = b.snapshot();
                assertEquals(0, stats.videoDecodeErrors(), stats.summary());
                assertEquals(Set.copyOf(names), Set.copyOf(stats.roster()));
                assertFalse(stats.framesReadBackFrom().containsKey(stats.name()), "no bot sees itself");
                assertTrue(stats.audioFramesPlayed() >= 100, "2 s of the mix played: " + stats.summary());
            }
            for (int i = 0; i < bots.size(); i++) {
                BotStats stats = bots.get(i).snapshot();
                ticksHeard[i] = stats.audioFramesPlayed() + stats.audioFramesConcealed() + stats.audioTicksSilent();
            }
        } finally {
            bots.forEach(Bot::stop);
        }
        for (int i = 0; i < names.size(); i++) {
            // The second of the recording before the checks above, while all three were still in the call.
            short[] all = readWav(wavs.get(i));
            int end = (int) Math.min(all.length, ticksHeard[i] * AudioFormat.FRAME_SAMPLES);
            short[] heard = java.util.Arrays.copyOfRange(all, Math.max(0, end - AudioFormat.SAMPLE_RATE), end);
            for (int j = 0; j < tones.length; j++) {
                double a = Tones.amplitude(heard, tones[j]);
                if (i == j) {
                    assertTrue(a < 0.01, names.get(i) + " hears its own " + tones[j] + " Hz at " + a);
                } else {
                    assertTrue(a > 0.15, names.get(i) + " hears " + tones[j] + " Hz through Opus at " + a + " (sent at 0.25)");
                }
            }
        }
    }

    @Test
    void aJpegBotStillReadsBackAnH264Bot() throws Exception {
        String room = LoopbackRelay.room("mixed");
        try (Bot h264 = Bot.start(bot("h264", room).withSilence()
                .withVideoEncoding(VideoEncoding.H264.withKeyframeInterval(Duration.ofSeconds(1))));
             Bot jpeg = Bot.start(bot("jpeg", room).withSilence().withVideoEncoding(VideoEncoding.JPEG))) {
            LoopbackRelay.await("each reads back the other's pictures", () ->
                    h264.snapshot().readBackFrom("jpeg") >= 5 && jpeg.snapshot().readBackFrom("h264") >= 5);
            assertEquals(0, h264.snapshot().videoDecodeErrors());
        }
    }

    @Test
    void silentBotWithoutVideoSendsNoMediaButStillHears() throws Exception {
        String room = LoopbackRelay.room("lobby");
        try (Bot bob = Bot.start(bot("bob", room).withTone(BOBS_TONE));
             Bot carol = Bot.start(bot("carol", room).withSilence().withVideo(false))) {
            assertEquals(List.of("bob", "carol"), carol.snapshot().roster());
            // Carol only said hello on her media sockets, and that is enough to be sent the mix and video.
            LoopbackRelay.await("carol hears bob and sees him", () ->
                    carol.snapshot().audioFramesPlayed() >= 5 && carol.snapshot().receivedFrom("bob") >= 3);
            assertFalse(carol.ended(), "no duration: runs until stopped");

            BotStats stats = carol.stop();
            assertEquals(BotStats.Ending.STOPPED, stats.ended());
            assertEquals(0, stats.framesSent());
            assertEquals(0, stats.audioFramesSent());
            BotStats bobs = bob.snapshot();
            assertEquals(0, bobs.receivedFrom("carol"), "no video from carol");
            // The relay sends a listener nothing on ticks where nobody else talks.
            assertEquals(0, bobs.audioFramesReceived(), "bob has had no mix: carol never talked");
            LoopbackRelay.await("carol leaves bob's roster", () -> bob.snapshot().roster().equals(List.of("bob")));
        }
    }
}
