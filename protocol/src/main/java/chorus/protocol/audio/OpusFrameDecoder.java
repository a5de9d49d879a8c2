package chorus.protocol.audio;

import io.github.jaredmdobson.concentus.OpusDecoder;
import io.github.jaredmdobson.concentus.OpusException;
import java.util.Arrays;

/**
 * Decodes one Opus stream (of {@link OpusFormat}) frame by frame in playout order: a packet into
 * 20 ms of samples, or, for a lost frame, Opus packet-loss concealment (the decoder extrapolates
 * from its state, which sounds far better than silence or a repeat). A packet Concentus cannot
 * decode is reported, never thrown, and the decoder is reset so the stream goes on. Not thread-safe.
 */
public final class OpusFrameDecoder {
    private final OpusDecoder decoder;

    public OpusFrameDecoder() {
        try {
            decoder = new OpusDecoder(AudioFormat.SAMPLE_RATE, AudioFormat.CHANNELS);
        } catch (OpusException e) {
            throw new IllegalStateException("Concentus refuses the fixed Opus settings", e);
        }
    }

    /**
     * Decodes {@code packet[0, length)} into {@code out} ({@link AudioFormat#FRAME_SAMPLES} samples).
     * Returns false, and leaves {@code out} unspecified, when the packet is not one 20 ms Opus frame.
     */
    public boolean decode(byte[] packet, int length, short[] out) {
        if (length < 1 || length > OpusFormat.MAX_PACKET_BYTES) {
            return false;
        }
        try {
            int samples = decoder.decode(packet, 0, length, out, 0, AudioFormat.FRAME_SAMPLES, false);
            if (samples == AudioFormat.FRAME_SAMPLES) {
                return true;
            }
        } catch (OpusException | RuntimeException e) {
            // Corrupt input can trip Concentus anywhere (it is a port of C): it is bad input, not a bug here.
        }
        decoder.resetState();
        return false;
    }

    /**
     * Fills {@code out} with the concealment of the {@code run}th lost frame in a row, faded
     * linearly across {@link PlayoutQueue#MAX_CONCEAL_FRAMES} frames, so a stream that stops (its
     * concealment runs out) ends in silence, not with a step that clicks.
     */
    public void conceal(short[] out, int run) {
        try {
            int samples = decoder.decode(null, 0, 0, out, 0, AudioFormat.FRAME_SAMPLES, false);
            if (samples == AudioFormat.FRAME_SAMPLES) {
                int n = out.length;
                for (int i = 0; i < n; i++) {
                    double gain = Math.max(0, 1.0 - (run - 1 + i / (double) n) / PlayoutQueue.MAX_CONCEAL_FRAMES);
                    out[i] = (short) Math.round(out[i] * gain);
                }
                return;
            }
        } catch (OpusException | RuntimeException e) {
            // fall through to silence
        }
        decoder.resetState();
        Arrays.fill(out, (short) 0);
    }

    /** Forgets the stream so far (a sender heard again after a gap starts afresh). */
    public void reset() {
        decoder.resetState();
    }
}
