package chorus.relay.mixer;

import chorus.protocol.audio.AudioFormat;
import chorus.protocol.audio.Tones;
import chorus.protocol.media.MediaCipher;
import chorus.protocol.media.MediaHeader;
import chorus.protocol.media.Reassembler;
import chorus.relay.Udp;
import chorus.relay.config.RelayConfig;
import chorus.relay.media.MediaGateway;
import chorus.relay.metrics.RelayStats;
import chorus.relay.room.Participant;
import chorus.relay.room.Room;
import com.typesafe.config.ConfigFactory;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Mixer actor driven tick by tick, sending real datagrams to listeners on loopback; the
 * mixes are reassembled and their tones measured with Goertzel.
 */
class MixerTest {
    private static final ActorTestKit testKit = ActorTestKit.create();
    private static RelayConfig config;
    private MediaGateway gateway;
    private final List<DatagramChannel> sockets = new ArrayList<>();
    /** Listener keys by media id - 1: the gateway seals each listener's mix with its own. */
    private final List<byte[]> keys = new ArrayList<>();
    private final org.apache.pekko.actor.testkit.typed.javadsl.TestProbe<Room.Command> levels = testKit.createTestProbe();

    @BeforeAll
    static void readConfig() {
        config = RelayConfig.from(ConfigFactory.parseString(
                "chorus.relay { host = \"127.0.0.1\", video-port = 0, audio-port = 0 }")
                .withFallback(ConfigFactory.load()).resolve());
    }

    @AfterAll
    static void shutdown() {
        testKit.shutdownTestKit();
    }

    @BeforeEach
    void openGateway() throws Exception {
        gateway = new MediaGateway(config, new RelayStats());
    }

    @AfterEach
    void close() throws Exception {
        gateway.close();
        for (DatagramChannel ch : sockets) {
            ch.close();
        }
    }

    private ActorRef<Mixer.Command> mixerWithListeners(int count) throws Exception {
        ActorRef<Mixer.Command> mixer = testKit.spawn(Mixer.create(gateway, config, levels.getRef(), false));
        for (int id = 1; id <= count; id++) {
            DatagramChannel ch = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
            sockets.add(ch);
            byte[] key = MediaCipher.newKey();
            keys.add(key);
            gateway.register(id, key, testKit.<Participant.Command>createTestProbe().getRef());
            mixer.tell(new Mixer.AddMember(id));
            mixer.tell(new Mixer.ListenerAddress(id, (InetSocketAddress) ch.getLocalAddress()));
        }
        return mixer;
    }

    /** Every tick, each talker (media id → tone) sends its next frame; then the mixer ticks. */
    private void talk(ActorRef<Mixer.Command> mixer, double[] tonesById, double amplitude, int ticks) {
        for (int t = 0; t < ticks; t++) {
            for (int id = 1; id < tonesById.length; id++) {
                if (tonesById[id] > 0) {
                    mixer.tell(new Mixer.AudioFrame(id, t, Tones.sine(tonesById[id], amplitude,
                            (long) t * AudioFormat.FRAME_SAMPLES, AudioFormat.FRAME_SAMPLES)));
                }
            }
            mixer.tell(Mixer.Tick.INSTANCE);
        }
    }

    /** The mix a listener received: its frames by frame id, reassembled from real datagrams. */
    private TreeMap<Long, byte[]> mixesReceived(DatagramChannel ch, int expectedFrames) throws Exception {
        Reassembler reassembler = Reassembler.forAudio();
        MediaCipher opener = new MediaCipher(keys.get(sockets.indexOf(ch)));
        ByteBuffer clear = ByteBuffer.allocate(MediaHeader.MAX_DATAGRAM);
        TreeMap<Long, byte[]> frames = new TreeMap<>();
        while (frames.size() < expectedFrames) {
            ByteBuffer d = Udp.receive(ch, Duration.ofSeconds(3));
            if (d == null) {
                break;
            }
            assertNull(MediaHeader.validate(d, 0, d.limit()));
            assertEquals(MediaHeader.RELAY_MEDIA_ID, MediaHeader.mediaId(d, 0));
            assertTrue(opener.open(d, d.limit(), MediaCipher.AUDIO_CHANNEL,
                    MediaCipher.RELAY_TO_CLIENT, clear), "sealed with the listener's key");
            Reassembler.Frame f = reassembler.offer(clear, 0, System.nanoTime());
            if (f != null) {
                frames.put(f.frameId(), f.data());
            }
        }
        return frames;
    }

    private static short[] concat(TreeMap<Long, byte[]> frames) {
        short[] all = new short[frames.size() * AudioFormat.FRAME_SAMPLES];
        int at = 0;
        for (byte[] f : frames.values()) {
            short[] s = AudioFormat.toSamples(f);
            System.arraycopy(s, 0, all, at, s.length);
            at += s.length;
        }
        return all;
    }

    @Test
    void eachTalkerHearsExactlyTheOtherTwo() throws Exception {
        ActorRef<Mixer.Command> mixer = mixerWithListeners(3);
        double[] tones = {0, 440, 660, 880};
        int ticks = 30;
        talk(mixer, tones, 0.25, ticks);
        int played = ticks - config.mixer().jitterTargetFrames() + 1;
        for (int id = 1; id <= 3; id++) {
            short[] heard = concat(mixesReceived(sockets.get(id - 1), played));
            assertEquals(played * AudioFormat.FRAME_SAMPLES, heard.length, "listener " + id + " got every mix");
            for (int other = 1; other <= 3; other++) {
                double a = Tones.amplitude(heard, tones[other]);
                if (other == id) {
                    assertTrue(a < 0.001, "listener " + id + " hears itself at " + a);
                } else {
                    assertEquals(0.25, a, 0.02, "listener " + id + " hears " + tones[other] + " Hz");
                }
            }
        }
    }

    @Test
    void nobodyHearsThemselvesAndSilentListenersShareOneFrame() throws Exception {
        ActorRef<Mixer.Command> mixer = mixerWithListeners(3);
        talk(mixer, new double[] {0, 440, 0, 0}, 0.25, 10);
        assertNull(Udp.receive(sockets.get(0), Duration.ofMillis(300)), "a lone talker is sent nothing");
        TreeMap<Long, byte[]> two = mixesReceived(sockets.get(1), 5);
        TreeMap<Long, byte[]> three = mixesReceived(sockets.get(2), 5);
        assertEquals(5, two.size());
        assertEquals(two.keySet(), three.keySet());
        for (long frame : two.keySet()) {
            assertArrayEquals(two.get(frame), three.get(frame), "listeners share the same mixed frame");
        }
        assertEquals(0.25, Tones.amplitude(concat(two), 440), 0.02);
    }

    @Test
    void tenLoudTalkersDoNotWrapAround() throws Exception {
        ActorRef<Mixer.Command> mixer = mixerWithListeners(11);
        double[] tones = new double[12];
        for (int id = 1; id <= 10; id++) {
            tones[id] = 440; // same tone and phase: the worst case, a sum ten times full scale
        }
        int ticks = 20;
        talk(mixer, tones, 0.9, ticks);
        short[] heard = concat(mixesReceived(sockets.get(10), ticks - config.mixer().jitterTargetFrames() + 1));
        assertTrue(heard.length > 0);
        short[] reference = Tones.sine(440, 0.9, 0, heard.length);
        int peak = 0;
        for (int i = 0; i < heard.length; i++) {
            peak = Math.max(peak, Math.abs(heard[i]));
            if (Math.abs(reference[i]) > 2000) {
                assertEquals(Integer.signum(reference[i]), Integer.signum(heard[i]),
                        "sample " + i + " wrapped: " + heard[i] + " where the sum is " + reference[i] * 10);
            }
        }
        assertTrue(peak > 25_000, "the limited mix is still loud: peak " + peak);
        assertTrue(Tones.amplitude(heard, 440) > 0.7, "and still the tone");
    }

    @Test
    void talkersLevelsGoToTheRoomForSpeakingIndicators() throws Exception {
        ActorRef<Mixer.Command> mixer = mixerWithListeners(3);
        talk(mixer, new double[] {0, 440, 0, 0}, 0.25, 10);
        Room.AudioLevels reported = levels.expectMessageClass(Room.AudioLevels.class);
        assertEquals(1, reported.levels().size(), "only the talker: " + reported.levels());
        assertEquals(1, reported.levels().get(0).mediaId());
        // a 0.25 full-scale sine has an RMS of 0.177: -15 dBov
        assertEquals(-15, reported.levels().get(0).level(), 1);
    }

    /** The next recent speakers the mixer tells the room, the levels in between passed over. */
    private List<Integer> nextSpeakers() {
        Room.Command m = levels.fishForMessage(Duration.ofSeconds(3), c -> c instanceof Room.Speakers
                ? FishingOutcomes.complete()
                : FishingOutcomes.continueAndIgnore()).get(0);
        return ((Room.Speakers) m).recent();
    }

    @Test
    void theDominantSpeakerGoesToTheRoomAndLeavingIsAChange() throws Exception {
        ActorRef<Mixer.Command> mixer = mixerWithListeners(3);
        talk(mixer, new double[] {0, 440, 0, 0}, 0.25, 60);
        assertEquals(List.of(1), nextSpeakers());
        talk(mixer, new double[] {0, 0, 660, 0}, 0.25, 60); // talker 1 silent, talker 2 speaks
        assertEquals(List.of(2, 1), nextSpeakers());
        mixer.tell(new Mixer.RemoveMember(2));
        assertEquals(List.of(1), nextSpeakers(), "the dominant speaker left: the last one is dominant again");
    }

    @Test
    void aMissingFrameIsConcealedNotSilent() throws Exception {
        ActorRef<Mixer.Command> mixer = mixerWithListeners(2);
        for (int t = 0; t < 8; t++) {
            if (t != 4) {
                mixer.tell(new Mixer.AudioFrame(1, t, Tones.sine(440, 0.5, t * 960L, 960)));
            }
            mixer.tell(Mixer.Tick.INSTANCE);
        }
        TreeMap<Long, byte[]> frames = mixesReceived(sockets.get(1), 7);
        assertEquals(7, frames.size(), "a frame went out on every tick, the gap included");
        short[] all = concat(frames);
        for (int f = 0; f < 7; f++) {
            assertTrue(Tones.amplitude(all, f * 960, (f + 1) * 960, 440) > 0.2, "frame " + f + " is not a hole");
        }
    }
}
