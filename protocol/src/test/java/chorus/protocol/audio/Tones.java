package chorus.protocol.audio;

/** Test helpers: make sine frames and measure how much of a frequency a signal holds (Goertzel). */
public final class Tones {
    private Tones() {
    }

    /** One frame of a sine at {@code hz}, continuing phase from sample {@code startSample}. */
    public static short[] sine(double hz, double amplitude, long startSample, int samples) {
        short[] out = new short[samples];
        for (int i = 0; i < samples; i++) {
            out[i] = (short) Math.round(amplitude * 32767 * Math.sin(2 * Math.PI * hz * (startSample + i) / AudioFormat.SAMPLE_RATE));
        }
        return out;
    }

    /**
     * Amplitude (0..1 of full scale) of the component at {@code hz} in {@code samples[from, to)},
     * by the Goertzel algorithm with a Hann window.
     */
    public static double amplitude(short[] samples, int from, int to, double hz) {
        int n = to - from;
        double coeff = 2 * Math.cos(2 * Math.PI * hz / AudioFormat.SAMPLE_RATE);
        double s1 = 0;
        double s2 = 0;
        double windowSum = 0;
        for (int i = 0; i < n; i++) {
            double w = 0.5 - 0.5 * Math.cos(2 * Math.PI * i / (n - 1));
            windowSum += w;
            double s0 = samples[from + i] / 32768.0 * w + coeff * s1 - s2;
            s2 = s1;
            s1 = s0;
        }
        double power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
        return 2 * Math.sqrt(Math.max(0, power)) / windowSum;
    }

    public static double amplitude(short[] samples, double hz) {
        return amplitude(samples, 0, samples.length, hz);
    }
}
