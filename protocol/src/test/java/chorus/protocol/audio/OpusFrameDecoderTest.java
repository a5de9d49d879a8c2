package chorus.protocol.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.jaredmdobson.concentus.OpusEncoder;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Opus frames through Concentus with the settings both ends share. */
class OpusFrameDecoderTest {
    private static final int N = AudioFormat.FRAME_SAMPLES;

    @Test
    void aToneSurvivesEncodingAndDecodingAtItsLevel() {
        OpusEncoder encoder = OpusFormat.newParticipantEncoder(OpusFormat.DEFAULT_BITRATE);
        OpusFrameDecoder decoder = new OpusFrameDecoder();
        byte[] packet = new byte[OpusFormat.MAX_PACKET_BYTES];
        short[] out = new short[N];
        short[] heard = new short[50 * N];
        int bytes = 0;
        for (int f = 0; f < 60; f++) {
            int length = OpusFormat.encode(encoder, Tones.sine(440, 0.25, (long) f * N, N), packet);
            assertTrue(length > 0 && length <= OpusFormat.MAX_PACKET_BYTES);
            assertTrue(decoder.decode(packet, length, out));
            if (f >= 10) {
                System.arraycopy(out, 0, heard, (f - 10) * N, N);
                bytes += length;
            }
        }
        assertEquals(0.25, Tones.amplitude(heard, 440), 0.02);
        assertTrue(bytes * 8 / 1.0 <= 40_000, "about 32 kbit/s: " + bytes * 8 + " bits in 1 s");
    }

    @Test
    void garbageIsReportedNotThrownAndTheDecoderGoesOn() {
        OpusEncoder encoder = OpusFormat.newParticipantEncoder(OpusFormat.DEFAULT_BITRATE);
        OpusFrameDecoder decoder = new OpusFrameDecoder();
        short[] out = new short[N];
        Random random = new Random(6716);
        int refused = 0;
        for (int i = 0; i < 200; i++) {
            byte[] garbage = new byte[1 + random.nextInt(300)];
            random.nextBytes(garbage);
            if (!decoder.decode(garbage, garbage.length, out)) {
                refused++;
            }
        }
        assertTrue(refused > 0, "some of 200 random packets are refused");
        assertFalse(decoder.decode(new byte[0], 0, out), "an empty packet");
        assertFalse(decoder.decode(new byte[2000], 2000, out), "longer than any Opus frame");
        byte[] packet = new byte[OpusFormat.MAX_PACKET_BYTES];
        short[] heard = new short[20 * N];
        for (int f = 0; f < 30; f++) {
            int length = OpusFormat.encode(encoder, Tones.sine(660, 0.25, (long) f * N, N), packet);
            assertTrue(decoder.decode(packet, length, out), "real packets decode after the garbage");
            if (f >= 10) {
                System.arraycopy(out, 0, heard, (f - 10) * N, N);
            }
        }
        assertEquals(0.25, Tones.amplitude(heard, 660), 0.03);
    }

    @Test
    void aLostFrameIsConcealedNotSilentAndTheConcealmentFadesOut() {
        OpusEncoder encoder = OpusFormat.newParticipantEncoder(OpusFormat.DEFAULT_BITRATE);
        OpusFrameDecoder decoder = new OpusFrameDecoder();
        byte[] packet = new byte[OpusFormat.MAX_PACKET_BYTES];
        short[] out = new short[N];
        for (int f = 0; f < 20; f++) {
            decoder.decode(packet, OpusFormat.encode(encoder, Tones.sine(440, 0.25, (long) f * N, N), packet), out);
        }
        decoder.conceal(out, 1);
        assertTrue(Tones.amplitude(out, 440) > 0.1, "the first lost frame still sounds: " + Tones.amplitude(out, 440));
        decoder.conceal(out, 3);
        int tail = 0;
        for (int i = N - 48; i < N; i++) {
            tail = Math.max(tail, Math.abs(out[i]));
        }
        assertTrue(tail < 400, "the third ends near silence: " + tail);
    }
}
