package chorus.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chorus.client.bot.Bot;
import chorus.client.bot.BotOptions;
import chorus.client.media.AudioSink;
import chorus.client.media.AudioSource;
import chorus.client.session.ChorusClient;
import chorus.client.session.ClientOptions;
import chorus.protocol.audio.AudioFormat;
import chorus.protocol.audio.Tones;
import chorus.protocol.media.Codec;
import chorus.relay.RelayNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opus end to end on a real relay on loopback: bots and clients encode their tones in Opus, the
 * relay decodes only the K (3) loudest, mixes and encodes the mixes, and what each one plays is
 * measured with Goertzel. Judged on the last second heard, after the start-up. (Three H.264 and
 * Opus bots hearing each other: {@code BotTest}.)
 */
class OpusAudioTest {
    private static RelayNode relay;

    @TempDir
    Path dir;

    @BeforeAll
    static void startRelay() throws Exception {
        relay = LoopbackRelay.start();
    }

    @AfterAll
    static void stopRelay() {
        relay.close();
    }

    private static short[] readWav(Path file) throws Exception {
        try (AudioInputStream in = AudioSystem.getAudioInputStream(file.toFile())) {
            return AudioFormat.toSamples(in.readAllBytes());
        }
    }

    /** The last {@code seconds} of a recording. */
    private static short[] last(short[] heard, double seconds) {
        int n = (int) Math.min(heard.length, seconds * AudioFormat.SAMPLE_RATE);
        short[] tail = new short[n];
        System.arraycopy(heard, heard.length - n, tail, 0, n);
        return tail;
    }

    @Test
    void aPcmOnlyBotAndAnOpusBotHearEachOther() throws Exception {
        String room = LoopbackRelay.room("pcm-opus");
        Path pcmWav = dir.resolve("pcm.wav");
        Path opusWav = dir.resolve("opus.wav");
        try (Bot pcm = Bot.start(BotOptions.of(LoopbackRelay.address(relay), "old", room).withTone(523)
                .withVideo(false).withAudioCodec(Codec.PCM16).withRecordAudio(pcmWav));
             Bot opus = Bot.start(BotOptions.of(LoopbackRelay.address(relay), "new", room).withTone(784)
                     .withVideo(false).withRecordAudio(opusWav))) {
            LoopbackRelay.await("both have played 2 s of the mix", () ->
                    pcm.snapshot().audioFramesPlayed() >= 100 && opus.snapshot().audioFramesPlayed() >= 100);
            pcm.stop();
            opus.stop();
        }
        short[] oldHeard = last(readWav(pcmWav), 1.0);
        short[] newHeard = last(readWav(opusWav), 1.0);
        assertTrue(Tones.amplitude(oldHeard, 784) > 0.15, "the PCM client hears the Opus one");
        assertTrue(Tones.amplitude(newHeard, 523) > 0.15, "the Opus client hears the PCM one");
        assertTrue(Tones.amplitude(oldHeard, 523) < 0.01);
        assertTrue(Tones.amplitude(newHeard, 784) < 0.01);
    }

    @Test
    void theWelcomeNamesTheMixCodecTheHelloAskedFor() throws Exception {
        String room = LoopbackRelay.room("negotiation");
        ClientOptions base = ClientOptions.of(LoopbackRelay.address(relay), "a", room);
        try (ChorusClient opus = ChorusClient.connect(base, null);
             ChorusClient pcm = ChorusClient.connect(ClientOptions.of(LoopbackRelay.address(relay), "b", room)
                     .withAudioCodec(Codec.PCM16), null)) {
            assertEquals("opus", opus.welcome().audioCodec());
            assertEquals("pcm", pcm.welcome().audioCodec());
        }
    }

    /** A tone at a fixed amplitude, phase-continuous. */
    private static AudioSource tone(double hz, double amplitude) {
        long[] next = {0};
        return frame -> {
            short[] s = Tones.sine(hz, amplitude, next[0], frame.length);
            System.arraycopy(s, 0, frame, 0, frame.length);
            next[0] += frame.length;
        };
    }

    /** Keeps the last {@code frames} frames played. */
    private static final class Tail implements AudioSink {
        private final short[][] ring;
        private long played;

        Tail(int frames) {
            ring = new short[frames][];
        }

        @Override
        public synchronized void play(short[] frame, Origin origin) {
            ring[(int) (played++ % ring.length)] = frame.clone();
        }

        synchronized long played() {
            return played;
        }

        synchronized short[] samples() {
            short[] all = new short[ring.length * AudioFormat.FRAME_SAMPLES];
            for (int i = 0; i < ring.length; i++) {
                short[] f = ring[(int) ((played + i) % ring.length)];
                if (f != null) {
                    System.arraycopy(f, 0, all, i * AudioFormat.FRAME_SAMPLES, f.length);
                }
            }
            return all;
        }
    }

    @Test
    void withSixTalkersEachListenerHearsExactlyTheThreeLoudest() throws Exception {
        String room = LoopbackRelay.room("top-k");
        double[] hz = {400, 520, 640, 760, 880, 1000};
        // 6 dB apart, loudest first: talkers 0, 1 and 2 are the three the relay (K = 3) mixes
        double[] amplitude = {0.3, 0.15, 0.075, 0.0375, 0.019, 0.0095};
        List<ChorusClient> clients = new ArrayList<>();
        List<Tail> tails = new ArrayList<>();
        try {
            // the quietest join first: the loudest must take their places from them
            for (int i = hz.length - 1; i >= 0; i--) {
                ChorusClient c = ChorusClient.connect(ClientOptions.of(LoopbackRelay.address(relay), "t" + i, room), null);
                Tail tail = new Tail(50);
                c.addAudioSink(tail);
                c.startAudio(tone(hz[i], amplitude[i]));
                clients.add(0, c);
                tails.add(0, tail);
            }
            ChorusClient listener = ChorusClient.connect(ClientOptions.of(LoopbackRelay.address(relay), "ear", room), null);
            Tail listenerTail = new Tail(50);
            listener.addAudioSink(listenerTail);
            clients.add(listener);
            tails.add(listenerTail);
            for (Tail t : tails) {
                LoopbackRelay.await("3 s of the mix heard", () -> t.played() >= 150);
            }
            for (int l = 0; l < tails.size(); l++) {
                short[] heard = tails.get(l).samples();
                for (int t = 0; t < hz.length; t++) {
                    double a = Tones.amplitude(heard, hz[t]);
                    if (t < 3 && t != l) {
                        assertTrue(a > amplitude[t] * 0.6, "listener " + l + " hears talker " + t + " at " + a
                                + " (sent at " + amplitude[t] + ")");
                    } else {
                        assertTrue(a < 0.003, "listener " + l + " hears talker " + t + " at " + a);
                    }
                }
            }
        } finally {
            for (ChorusClient c : clients) {
                c.close();
            }
        }
    }
}
