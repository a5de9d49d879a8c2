package chorus.client.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chorus.protocol.audio.AudioFormat;
import chorus.protocol.audio.AudioLevel;
import chorus.protocol.audio.OpusFormat;
import chorus.protocol.audio.Tones;
import chorus.protocol.media.Codec;
import chorus.protocol.media.DropReason;
import chorus.protocol.media.Fragmenter;
import chorus.protocol.media.MediaHeader;
import chorus.protocol.media.MediaKind;
import io.github.jaredmdobson.concentus.OpusEncoder;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The client's playout of the relay's Opus mix: decoded in order, losses concealed, garbage counted. */
class AudioPlayoutTest {
    private static final int N = AudioFormat.FRAME_SAMPLES;
    private final DropCounts drops = new DropCounts();
    private final AudioPlayout playout = new AudioPlayout(drops, rms -> { });
    private final List<AudioSink.Origin> origins = new ArrayList<>();
    private final List<short[]> played = new ArrayList<>();
    private final Fragmenter mix = new Fragmenter(MediaKind.AUDIO, MediaHeader.RELAY_MEDIA_ID, Codec.OPUS);
    private final OpusEncoder encoder = OpusFormat.newMixEncoder(OpusFormat.DEFAULT_BITRATE);
    private final byte[] packet = new byte[OpusFormat.MAX_PACKET_BYTES];

    AudioPlayoutTest() {
        playout.addSink((frame, origin) -> {
            origins.add(origin);
            played.add(frame);
        });
    }

    private void offer(long frameId, byte[] payload, int length) {
        mix.nextFrameId(frameId).send(payload, 0, length, frameId * N, 0, AudioLevel.VOICE_BIT | 15, datagram -> {
            ByteBuffer copy = ByteBuffer.allocate(datagram.remaining());
            copy.put(datagram.duplicate()).flip();
            playout.offer(copy, System.nanoTime());
        });
    }

    private void offerTone(long frameId) {
        int length = OpusFormat.encode(encoder, Tones.sine(440, 0.25, frameId * N, N), packet);
        offer(frameId, packet, length);
    }

    @Test
    void aLostOpusFrameIsConcealedWithSoundAndAGarbageOneIsCountedAndConcealed() {
        for (long f = 0; f < 20; f++) {
            if (f != 12) { // lost on the way
                if (f == 15) {
                    offer(f, new byte[] {(byte) 0xFF, 9, 9, 9}, 4); // does not decode
                } else {
                    offerTone(f);
                }
            }
            playout.tick();
        }
        int lost = origins.indexOf(AudioSink.Origin.CONCEALED);
        assertTrue(lost > 0, "a frame was concealed: " + origins);
        assertTrue(Tones.amplitude(played.get(lost), 440) > 0.1, "with Opus PLC, not silence");
        assertEquals(1, playout.framesUndecodable());
        assertEquals(1, drops.get(DropReason.UNDECODABLE));
        assertEquals(2, playout.framesConcealed(), "the lost frame and the undecodable one");
        assertTrue(Tones.amplitude(played.get(origins.size() - 1), 440) > 0.2, "and the tone goes on");
    }
}
