package chorus.relay.mixer;

/**
 * Brings one listener's 32-bit mix down to 16 bits without wrapping around: a gain that drops
 * quickly when the mix would clip (within the first millisecond of a frame) and recovers slowly
 * (about half a second from half gain to unity), interpolated across each frame so it never steps
 * audibly. A final clamp catches what the attack ramp lets through. One per output stream.
 */
public final class Limiter {
    static final int CEILING = Short.MAX_VALUE;
    private static final int ATTACK_SAMPLES = 48;
    private static final double RELEASE_PER_FRAME = 0.02;

    private double gain = 1.0;

    /** Writes {@code sum - own} (own may be null), limited to 16 bits, into {@code out}. */
    public void process(int[] sum, short[] own, short[] out) {
        int n = out.length;
        long peak = 0;
        for (int i = 0; i < n; i++) {
            long x = (long) sum[i] - (own == null ? 0 : own[i]);
            peak = Math.max(peak, Math.abs(x));
        }
        double target = peak > CEILING ? CEILING / (double) peak : 1.0;
        double next = Math.min(target, gain + RELEASE_PER_FRAME);
        int ramp = next < gain ? ATTACK_SAMPLES : n;
        for (int i = 0; i < n; i++) {
            double g = i < ramp ? gain + (next - gain) * (i + 1) / ramp : next;
            long x = (long) sum[i] - (own == null ? 0 : own[i]);
            long y = Math.round(x * g);
            out[i] = (short) Math.max(-CEILING - 1, Math.min(CEILING, y));
        }
        gain = next;
    }

    public double gain() {
        return gain;
    }
}
