package chorus.protocol.audio;

import io.github.jaredmdobson.concentus.OpusApplication;
import io.github.jaredmdobson.concentus.OpusEncoder;
import io.github.jaredmdobson.concentus.OpusException;
import io.github.jaredmdobson.concentus.OpusSignal;

/**
 * The Opus settings clients and the relay share (Concentus, pure Java): {@link AudioFormat}'s 48 kHz
 * mono 20 ms frames, one packet per frame, the VOIP application at {@link #DEFAULT_BITRATE}. Silence
 * is suppressed by the sender by its audio level ({@link SilenceSuppression}), not by Opus DTX: a
 * DTX packet still costs a whole datagram's header, tag and UDP/IP overhead on a 20 ms clock, and the
 * relay would still open every one of them.
 */
public final class OpusFormat {
    /** About 32 kbit/s: wideband speech with room to spare, far below PCM's 768 kbit/s. */
    public static final int DEFAULT_BITRATE = 32_000;
    /** The largest Opus packet of one frame (RFC 6716, 3.2.1). */
    public static final int MAX_PACKET_BYTES = 1275;
    /** Half of Concentus's range: a relay encodes a frame per distinct mix every 20 ms. */
    private static final int COMPLEXITY = 5;

    private OpusFormat() {
    }

    /** A new encoder of 20 ms mono frames at {@code bitrate} bits per second (6 000..510 000). */
    public static OpusEncoder newEncoder(int bitrate) {
        if (bitrate < 6_000 || bitrate > 510_000) {
            throw new IllegalArgumentException("Opus bitrate " + bitrate + " is outside 6000..510000");
        }
        try {
            OpusEncoder encoder = new OpusEncoder(AudioFormat.SAMPLE_RATE, AudioFormat.CHANNELS,
                    OpusApplication.OPUS_APPLICATION_VOIP);
            encoder.setBitrate(bitrate);
            encoder.setSignalType(OpusSignal.OPUS_SIGNAL_VOICE);
            encoder.setComplexity(COMPLEXITY);
            encoder.setUseVBR(true);
            encoder.setUseDTX(false);
            return encoder;
        } catch (OpusException e) {
            throw new IllegalStateException("Concentus refuses the fixed Opus settings", e);
        }
    }

    /**
     * Encodes one frame of {@link AudioFormat#FRAME_SAMPLES} samples into {@code packet} (at least
     * {@link #MAX_PACKET_BYTES} long); returns the packet's length.
     */
    public static int encode(OpusEncoder encoder, short[] samples, byte[] packet) {
        try {
            return encoder.encode(samples, 0, AudioFormat.FRAME_SAMPLES, packet, 0, packet.length);
        } catch (OpusException e) {
            throw new IllegalStateException("Opus encoding failed", e);
        }
    }
}
