package chorus.protocol.audio;

/** The one audio format on the wire: 48 kHz, mono, signed 16-bit little-endian PCM, 20 ms frames. */
public final class AudioFormat {
    public static final int SAMPLE_RATE = 48_000;
    public static final int CHANNELS = 1;
    public static final int BYTES_PER_SAMPLE = 2;
    public static final int FRAME_MILLIS = 20;
    public static final int FRAME_SAMPLES = SAMPLE_RATE * FRAME_MILLIS / 1000;
    public static final int FRAME_BYTES = FRAME_SAMPLES * BYTES_PER_SAMPLE;

    private AudioFormat() {
    }

    /** Reads little-endian 16-bit samples into {@code out}. */
    public static void toSamples(byte[] pcm, short[] out) {
        int n = Math.min(out.length, pcm.length / 2);
        for (int i = 0; i < n; i++) {
            out[i] = (short) ((pcm[2 * i] & 0xFF) | (pcm[2 * i + 1] << 8));
        }
    }

    public static short[] toSamples(byte[] pcm) {
        short[] out = new short[pcm.length / 2];
        toSamples(pcm, out);
        return out;
    }

    /** Writes samples as little-endian 16-bit PCM into {@code out}. */
    public static void toBytes(short[] samples, byte[] out) {
        int n = Math.min(samples.length, out.length / 2);
        for (int i = 0; i < n; i++) {
            out[2 * i] = (byte) samples[i];
            out[2 * i + 1] = (byte) (samples[i] >> 8);
        }
    }

    public static byte[] toBytes(short[] samples) {
        byte[] out = new byte[samples.length * 2];
        toBytes(samples, out);
        return out;
    }
}
