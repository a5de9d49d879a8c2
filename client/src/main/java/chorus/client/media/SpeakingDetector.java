package chorus.client.media;

/**
 * Decides from an audio level whether someone is speaking: above a threshold, held a little after
 * the level drops so the indicator does not flicker between words. Thread-safe enough for one
 * writer and any readers (fields are volatile and written by one thread).
 */
public final class SpeakingDetector {
    /** RMS of full scale: about −34 dBFS, above room noise on a laptop microphone, below quiet speech. */
    public static final double THRESHOLD = 0.02;
    /** How long "speaking" outlasts the last loud frame. */
    public static final long HOLD_NANOS = 300_000_000L;

    private volatile double level;
    private volatile long lastLoudNanos = Long.MIN_VALUE;
    private volatile boolean everLoud;

    /** One frame's level (RMS, 0..1) measured at {@code nowNanos}. */
    public void update(double rms, long nowNanos) {
        level = rms;
        if (rms >= THRESHOLD) {
            lastLoudNanos = nowNanos;
            everLoud = true;
        }
    }

    /** Forget the level (the source stopped): not speaking from now on. */
    public void reset() {
        level = 0;
        everLoud = false;
    }

    public double level() {
        return level;
    }

    public boolean speaking(long nowNanos) {
        return everLoud && nowNanos - lastLoudNanos <= HOLD_NANOS;
    }
}
