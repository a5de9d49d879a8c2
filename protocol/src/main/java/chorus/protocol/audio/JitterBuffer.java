package chorus.protocol.audio;

import java.util.TreeMap;

/**
 * Smooths one incoming audio stream for playout on a 20 ms clock: frames are reordered by their
 * sequence number, late ones (whose turn has passed) are dropped and counted, a missing frame is
 * concealed with a fading mirror of the last one instead of a hole (which clicks), and a stream
 * that stays dry goes idle. Used by the relay's mixer (one per talker) and by clients (one per
 * incoming mix), so both ends conceal alike. Not thread-safe.
 */
public final class JitterBuffer {
    private static final int MAX_CONCEAL_FRAMES = 3;
    /** An idle stream that comes back this many frames (2 s) behind has restarted, not arrived late. */
    private static final long RESTART_DISTANCE = 100;

    private final int targetDepth;
    private final int maxDepth;
    private final TreeMap<Long, short[]> frames = new TreeMap<>();
    private boolean playing;
    private long next;
    private long lastPlayed = -1;
    private short[] lastReal;
    private int concealRun;

    private long played;
    private long concealed;
    private long late;
    private long duplicates;
    private long skipped;

    /**
     * @param targetDepth frames held before playout starts (each is 20 ms of delay)
     * @param maxDepth    frames held at most; beyond it playout jumps ahead and counts what it skipped
     */
    public JitterBuffer(int targetDepth, int maxDepth) {
        if (targetDepth < 1 || maxDepth < targetDepth) {
            throw new IllegalArgumentException("need 1 <= targetDepth <= maxDepth");
        }
        this.targetDepth = targetDepth;
        this.maxDepth = maxDepth;
    }

    /**
     * Adds a frame of {@link AudioFormat#FRAME_SAMPLES} samples. Returns false when it was dropped
     * as late or duplicate.
     */
    public boolean push(long sequence, short[] samples) {
        if (!playing && lastPlayed - sequence > RESTART_DISTANCE) {
            // Far behind what was played: the sender restarted its numbering. Follow it.
            lastPlayed = -1;
            frames.clear();
        }
        if (sequence <= lastPlayed || (playing && sequence < next)) {
            late++;
            return false;
        }
        if (frames.putIfAbsent(sequence, samples) != null) {
            duplicates++;
            return false;
        }
        if (playing && frames.lastKey() - next >= maxDepth) {
            long newNext = frames.lastKey() - targetDepth + 1;
            skipped += frames.headMap(newNext).size();
            frames.headMap(newNext).clear();
            next = newNext;
        }
        return true;
    }

    /**
     * The frame for this 20 ms tick: the next real frame, a concealed one, or null when the stream
     * is idle (not started yet, or silent for longer than concealment covers).
     */
    public short[] pull() {
        if (!playing) {
            if (frames.size() < targetDepth) {
                return null;
            }
            playing = true;
            next = frames.firstKey();
        }
        short[] frame = frames.remove(next);
        if (frame != null) {
            lastPlayed = next++;
            lastReal = frame;
            concealRun = 0;
            played++;
            return frame;
        }
        if (concealRun >= MAX_CONCEAL_FRAMES || lastReal == null) {
            // Dry for too long: the talker stopped. Start over when frames come back.
            playing = false;
            concealRun = 0;
            lastReal = null;
            if (!frames.isEmpty()) {
                return pull();
            }
            return null;
        }
        lastPlayed = next++;
        concealRun++;
        concealed++;
        return conceal(lastReal, concealRun);
    }

    /**
     * Fills the {@code run}th missing frame from the last real one, played backwards on odd runs
     * and forwards on even ones, so the waveform is continuous at every joint; the gain falls
     * linearly across the whole gap, so a long gap ends in silence, not a buzz.
     */
    private static short[] conceal(short[] real, int run) {
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
        return playing;
    }

    public int depth() {
        return frames.size();
    }

    public long played() {
        return played;
    }

    public long concealed() {
        return concealed;
    }

    public long late() {
        return late;
    }

    public long duplicates() {
        return duplicates;
    }

    public long skipped() {
        return skipped;
    }
}
