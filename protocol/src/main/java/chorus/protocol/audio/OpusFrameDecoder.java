package chorus.protocol.audio;

import io.github.jaredmdobson.concentus.OpusDecoder;
import io.github.jaredmdobson.concentus.OpusException;

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

    /** Fills {@code out} with the concealment of one lost frame. */
    public void conceal(short[] out) {
        try {
            int samples = decoder.decode(null, 0, 0, out, 0, AudioFormat.FRAME_SAMPLES, false);
            if (samples == AudioFormat.FRAME_SAMPLES) {
                return;
            }
        } catch (OpusException | RuntimeException e) {
            // fall through to silence
        }
        decoder.resetState();
        java.util.Arrays.fill(out, (short) 0);
    }

    /** Forgets the stream so far (a sender heard again after a gap starts afresh). */
    public void reset() {
        decoder.resetState();
    }
}
