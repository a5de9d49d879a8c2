package chorus.relay.mixer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chorus.protocol.audio.AudioFormat;
import chorus.protocol.audio.AudioLevel;
import chorus.protocol.audio.OpusFormat;
import chorus.protocol.audio.OpusFrameDecoder;
import chorus.protocol.audio.Tones;
import chorus.protocol.media.Codec;
import chorus.protocol.media.MediaHeader;
import chorus.protocol.media.Reassembler;
import io.github.jaredmdobson.concentus.OpusEncoder;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The mix arithmetic without an actor or sockets: talkers send real Opus (or PCM) frames, the
 * engine ticks by hand, and each listener's datagrams are reassembled and decoded as a client
 * would, then measured with Goertzel.
 */
class MixEngineTest {
    private static final int K = 3;

    /** What one listener received: its frames by frame id, decoded by their codec. */
    private static final class Listener {
        final Reassembler reassembler = Reassembler.forAudio();
        final OpusFrameDecoder opus = new OpusFrameDecoder();
        final TreeMap<Long, short[]> frames = new TreeMap<>();
        final Map<Integer, Integer> codecs = new HashMap<>();

        void receive(ByteBuffer datagram) {
            ByteBuffer copy = ByteBuffer.allocate(datagram.remaining());
            copy.put(datagram.duplicate()).flip();
            Reassembler.Frame f = reassembler.offer(copy, 0, System.nanoTime());
            if (f == null) {
                return;
            }
            codecs.merge(f.codec(), 1, Integer::sum);
            short[] pcm = new short[AudioFormat.FRAME_SAMPLES];
            if (f.codec() == Codec.OPUS) {
                if ((f.flags() & MediaHeader.FLAG_KEYFRAME) != 0) {
                    opus.reset();
                }
                assertTrue(opus.decode(f.data(), f.data().length, pcm), "the mix decodes");
            } else {
                AudioFormat.toSamples(f.data(), pcm);
            }
            frames.put(f.frameId(), pcm);
        }

        /** The frames from {@code fromId} on, end to end. */
        short[] heardFrom(long fromId) {
            List<short[]> tail = List.copyOf(frames.tailMap(fromId).values());
            short[] all = new short[tail.size() * AudioFormat.FRAME_SAMPLES];
            for (int i = 0; i < tail.size(); i++) {
                System.arraycopy(tail.get(i), 0, all, i * AudioFormat.FRAME_SAMPLES, AudioFormat.FRAME_SAMPLES);
            }
            return all;
        }
    }

    /** A talker: a tone at a level, encoded as a client encodes it. */
    private static final class Talker {
        final int mediaId;
        final double hz;
        final double amplitude;
        final OpusEncoder encoder = OpusFormat.newParticipantEncoder(OpusFormat.DEFAULT_BITRATE);
        final byte[] packet = new byte[OpusFormat.MAX_PACKET_BYTES];

        Talker(int mediaId, double hz, double amplitude) {
            this.mediaId = mediaId;
            this.hz = hz;
            this.amplitude = amplitude;
        }

        MixEngine.EncodedFrame frame(long seq) {
            short[] samples = Tones.sine(hz, amplitude, seq * AudioFormat.FRAME_SAMPLES, AudioFormat.FRAME_SAMPLES);
            int length = OpusFormat.encode(encoder, samples, packet);
            return new MixEngine.EncodedFrame(Codec.OPUS, Arrays.copyOf(packet, length),
                    AudioLevel.of(samples, samples.length));
        }
    }

    private final Map<Integer, Listener> listeners = new HashMap<>();
    private final MixEngine engine = new MixEngine(1, 10, new TalkerSelection(K, 6, 5, 25),
            OpusFormat.DEFAULT_BITRATE, (datagram, mediaId, to) -> listeners.get(mediaId).receive(datagram));

    private void join(int mediaId, int codec) {
        engine.addMember(mediaId);
        engine.listenerAddress(mediaId, new InetSocketAddress("127.0.0.1", 20_000 + mediaId), codec);
        listeners.put(mediaId, new Listener());
    }

    private void talk(List<Talker> talkers, long fromTick, int ticks) {
        for (long t = fromTick; t < fromTick + ticks; t++) {
            for (Talker talker : talkers) {
                engine.frame(talker.mediaId, t, talker.frame(t));
            }
            engine.tick();
        }
    }

    @Test
    void eachOfThreeOpusTalkersHearsTheOtherTwoAndNotItself() {
        List<Talker> talkers = List.of(new Talker(1, 440, 0.25), new Talker(2, 660, 0.25), new Talker(3, 880, 0.25));
        for (Talker t : talkers) {
            join(t.mediaId, Codec.OPUS);
        }
        talk(talkers, 0, 60);
        for (Talker listener : talkers) {
            Listener l = listeners.get(listener.mediaId);
            assertEquals(Map.of(Codec.OPUS, 60), l.codecs, "one Opus frame every tick");
            short[] heard = l.heardFrom(10);
            for (Talker other : talkers) {
                double a = Tones.amplitude(heard, other.hz);
                if (other == listener) {
                    assertTrue(a < 0.01, listener.hz + " hears itself at " + a);
                } else {
                    assertEquals(0.25, a, 0.03, listener.hz + " hears " + other.hz);
                }
            }
        }
    }

    @Test
    void aListenerMovingBetweenMixesHearsNoBurst() {
        Talker bob = new Talker(1, 600, 0.25);
        Talker alice = new Talker(2, 440, 0.25);
        join(1, Codec.OPUS);
        join(2, Codec.OPUS);
        join(3, Codec.OPUS);
        talk(List.of(bob), 0, 20); // alice listens to the shared mix
        talk(List.of(bob, alice), 20, 20); // now alice has her own mix
        talk(List.of(bob), 40, 40); // and back to the shared one after her hangover
        for (int id = 2; id <= 3; id++) {
            for (Map.Entry<Long, short[]> frame : listeners.get(id).frames.entrySet()) {
                int peak = 0;
                for (short s : frame.getValue()) {
                    peak = Math.max(peak, Math.abs(s));
                }
                // bob's tone peaks at 0.25, alice's and bob's together at 0.5
                assertTrue(peak < 0.55 * 32768, "listener " + id + " frame " + frame.getKey() + " peaks at " + peak);
            }
        }
        assertTrue(Tones.amplitude(listeners.get(2).heardFrom(50), 600) > 0.2, "alice hears bob again");
    }

    @Test
    void withSixTalkersEachListenerHearsExactlyTheThreeLoudest() {
        double[] hz = {0, 400, 520, 640, 760, 880, 1000};
        // 6 dB apart, the loudest first: 1, 2 and 3 are the three loudest
        double[] amplitude = {0, 0.3, 0.15, 0.075, 0.0375, 0.019, 0.0095};
        List<Talker> talkers = new java.util.ArrayList<>();
        // the quietest start first, so the three loudest must take their places from them
        for (int id = 6; id >= 1; id--) {
            join(id, Codec.OPUS);
            talkers.add(new Talker(id, hz[id], amplitude[id]));
        }
        join(7, Codec.OPUS); // a listener only
        talk(talkers.subList(0, 3), 0, 10);
        talk(talkers, 10, 80);
        assertEquals(List.of(1, 2, 3), engine.selectedTalkers());
        for (int listener = 1; listener <= 7; listener++) {
            short[] heard = listeners.get(listener).heardFrom(60);
            for (int talker = 1; talker <= 6; talker++) {
                double a = Tones.amplitude(heard, hz[talker]);
                if (talker <= 3 && talker != listener) {
                    assertEquals(amplitude[talker], a, amplitude[talker] * 0.25,
                            "listener " + listener + " hears talker " + talker);
                } else {
                    assertTrue(a < 0.003, "listener " + listener + " hears talker " + talker + " at " + a);
                }
            }
        }
    }

    @Test
    void anUndecodableOpusPayloadIsCountedAndTheMixGoesOn() {
        List<Talker> talkers = List.of(new Talker(1, 440, 0.25), new Talker(2, 660, 0.25));
        join(1, Codec.OPUS);
        join(2, Codec.OPUS);
        join(3, Codec.OPUS);
        join(4, Codec.OPUS);
        byte[] garbage = new byte[60];
        new java.util.Random(13).nextBytes(garbage);
        garbage[0] = (byte) 0xFF; // a TOC byte announcing more frames than the packet holds
        int loud = AudioLevel.of(Tones.sine(440, 0.5, 0, AudioFormat.FRAME_SAMPLES), AudioFormat.FRAME_SAMPLES);
        for (long t = 0; t < 60; t++) {
            for (Talker talker : talkers) {
                engine.frame(talker.mediaId, t, talker.frame(t));
            }
            engine.frame(3, t, new MixEngine.EncodedFrame(Codec.OPUS, garbage, loud)); // loud, so it is selected
            engine.tick();
        }
        assertTrue(engine.undecodableFrames() >= 50, "counted: " + engine.undecodableFrames());
        short[] heard = listeners.get(4).heardFrom(10);
        assertEquals(0.25, Tones.amplitude(heard, 440), 0.03, "the others' mix goes on");
        assertEquals(0.25, Tones.amplitude(heard, 660), 0.03);
        assertEquals(50, listeners.get(4).frames.tailMap(10L).size(), "a frame every tick");
    }

    @Test
    void onlySelectedTalkersAreDecoded() {
        join(1, Codec.OPUS);
        join(2, Codec.OPUS);
        byte[] garbage = {(byte) 0xFF, 1, 2, 3};
        int quiet = AudioLevel.of(Tones.sine(440, 0.001, 0, AudioFormat.FRAME_SAMPLES), AudioFormat.FRAME_SAMPLES);
        Talker one = new Talker(1, 440, 0.25);
        for (long t = 0; t < 30; t++) {
            engine.frame(1, t, one.frame(t));
            engine.frame(2, t, new MixEngine.EncodedFrame(Codec.OPUS, garbage, quiet)); // no voice: never selected
            engine.tick();
        }
        assertEquals(List.of(1), engine.selectedTalkers());
        assertEquals(0, engine.undecodableFrames(), "talker 2's frames were never decoded");
        assertTrue(Tones.amplitude(listeners.get(2).heardFrom(5), 440) > 0.2);
    }

    @Test
    void pcmAndOpusListenersHearTheSameMix() {
        List<Talker> talkers = List.of(new Talker(1, 440, 0.25), new Talker(2, 660, 0.25));
        join(1, Codec.PCM16);
        join(2, Codec.OPUS);
        join(3, Codec.PCM16);
        join(4, Codec.OPUS);
        talk(talkers, 0, 40);
        assertEquals(Map.of(Codec.PCM16, 40), listeners.get(1).codecs);
        assertEquals(Map.of(Codec.OPUS, 40), listeners.get(2).codecs);
        assertTrue(Tones.amplitude(listeners.get(1).heardFrom(5), 660) > 0.22, "the PCM talker hears the Opus one");
        assertTrue(Tones.amplitude(listeners.get(2).heardFrom(5), 440) > 0.22, "and the other way round");
        for (int id = 3; id <= 4; id++) {
            short[] heard = listeners.get(id).heardFrom(5);
            assertEquals(0.25, Tones.amplitude(heard, 440), 0.03);
            assertEquals(0.25, Tones.amplitude(heard, 660), 0.03);
        }
    }
}
