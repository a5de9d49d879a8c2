package chorus.protocol.audio;

/**
 * Smooths one incoming audio stream for playout on a 20 ms clock: frames are reordered by their
 * sequence number, late ones (whose turn has passed) are dropped and counted, a missing frame is
 * concealed with a fading mirror of the last one instead of a hole (which clicks), and a stream
 * that stays dry goes idle. PCM frames over a {@link PlayoutQueue}. Not thread-safe.
 */
public final class JitterBuffer {
    private static final int MAX_CONCEAL_FRAMES = PlayoutQueue.MAX_CONCEAL_FRAMES;

    private final PlayoutQueue<short[]> queue;
    private short[] lastReal;

    /**
     * @param targetDepth frames held before playout starts (each is 20 ms of delay)
     * @param maxDepth    frames held at most; beyond it playout jumps ahead and counts what it skipped
     */
    public JitterBuffer(int targetDepth, int maxDepth) {
        this.queue = new PlayoutQueue<>(targetDepth, maxDepth);
    }

    /**
     * Adds a frame of {@link AudioFormat#FRAME_SAMPLES} samples. Returns false when it was dropped
     * as late or duplicate.
     */
    public boolean push(long sequence, short[] samples) {
        return queue.push(sequence, samples);
    }

    /**
     * The frame for this 20 ms tick: the next real frame, a concealed one, or null when the stream
     * is idle (not started yet, or silent for longer than concealment covers).
     */
    public short[] pull() {
        return switch (queue.pull()) {
            case FRAME -> lastReal = queue.frame();
            case MISSING -> conceal(lastReal, queue.missingRun());
            case IDLE -> null;
        };
    }

    /**
     * Fills the {@code run}th missing frame from the last real one, played backwards on odd runs
     * and forwards on even ones, so the waveform is continuous at every joint; the gain falls
     * linearly across the whole gap, so a long gap ends in silence, not a buzz.
     */
    public static short[] conceal(short[] real, int run) {
        int n = real.length;
        short[] out = new short[n];
        boolean backwards = run % 2 == 1;
        for (int i = 0; i < n; i++) {
            double gain = 1.0 - (run - 1 + i / (double) n) / MAX_CONCEAL_FRAMES;
            out[i] = (short) Math.round(real[backwards ? n - 1 - i : i] * gain);
        }
        return out;
    }

    public boolean playing() {
        return queue.playing();
    }

    public int depth() {
        return queue.depth();
    }

    public long played() {
        return queue.played();
    }

    public long concealed() {
        return queue.missing();
    }

    public long late() {
        return queue.late();
    }

    public long duplicates() {
        return queue.duplicates();
    }

    public long skipped() {
        return queue.skipped();
    }
}
