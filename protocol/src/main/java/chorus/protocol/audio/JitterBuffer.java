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

    private final int targetDepth;
    private final int maxDepth;
    private final TreeMap<Long, short[]> frames = new TreeMap<>();
    private boolean playing;
    private long next;
    private long lastPlayed = -1;
    private short[] last;
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
            last = frame;
            concealRun = 0;
            played++;
            return frame;
        }
        if (concealRun >= MAX_CONCEAL_FRAMES || last == null) {
            // Dry for too long: the talker stopped. Start over when frames come back.
            playing = false;
            concealRun = 0;
            last = null;
            if (!frames.isEmpty()) {
                return pull();
            }
            return null;
        }
        lastPlayed = next++;
        concealRun++;
        concealed++;
        last = conceal(last, concealRun);
        return last;
    }

    /**
     * The previous frame played backwards, so the waveform is continuous at the joint, fading by
     * one step of {@link #MAX_CONCEAL_FRAMES} per frame so a long gap ends in silence, not a buzz.
     */
    private static short[] conceal(short[] previous, int run) {
        short[] out = new short[previous.length];
        double startGain = 1.0 - (run - 1) / (double) MAX_CONCEAL_FRAMES;
        double endGain = 1.0 - run / (double) MAX_CONCEAL_FRAMES;
        for (int i = 0; i < out.length; i++) {
            double gain = startGain + (endGain - startGain) * i / out.length;
            out[i] = (short) Math.round(previous[previous.length - 1 - i] * gain);
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
