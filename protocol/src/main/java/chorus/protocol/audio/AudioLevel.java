package chorus.protocol.audio;

/**
 * The audio level a sender puts in each audio datagram's header, as RFC 6464 does for RTP: one
 * byte, bit 7 = voice activity (V), bits 0..6 = the frame's level in -dBov (0 = a full-scale
 * square wave, 127 = digital silence or quieter). The relay picks talkers by it without decoding.
 */
public final class AudioLevel {
    /** The byte for a silent frame: V clear, level 127 (-127 dBov). */
    public static final int SILENCE = 127;
    public static final int VOICE_BIT = 0x80;
    /** Frames at or above this level (in dBov) are marked as voice: -50 dBov, about -40 dBFS speech floor. */
    public static final int VOICE_THRESHOLD_DBOV = -50;

    private AudioLevel() {
    }

    /**
     * The header byte for {@code count} samples: RMS level relative to full scale (a full-scale
     * square wave is 0 dBov, a full-scale sine -3), rounded down to a whole dB, clamped to -127,
     * with V set at or above {@link #VOICE_THRESHOLD_DBOV}.
     */
    public static int of(short[] samples, int count) {
        int dBov = dBov(samples, count);
        return (-dBov & 0x7F) | (dBov >= VOICE_THRESHOLD_DBOV ? VOICE_BIT : 0);
    }

    /** RMS level in dBov, -127..0. */
    public static int dBov(short[] samples, int count) {
        if (count <= 0) {
            return -127;
        }
        double sumSquares = 0;
        for (int i = 0; i < count; i++) {
            double s = samples[i] / 32768.0;
            sumSquares += s * s;
        }
        double rms = Math.sqrt(sumSquares / count);
        if (rms <= 0) {
            return -127;
        }
        double db = 20 * Math.log10(rms);
        return (int) Math.max(-127, Math.min(0, Math.floor(db + 1e-9)));
    }

    /** The level in dBov (-127..0) of a header byte. */
    public static int dBovOf(int levelByte) {
        return -(levelByte & 0x7F);
    }

    public static boolean voice(int levelByte) {
        return (levelByte & VOICE_BIT) != 0;
    }
}
