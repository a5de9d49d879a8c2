package chorus.protocol.audio;

import java.util.TreeMap;

/**
 * The playout order of one incoming audio stream on a 20 ms clock, whatever its frames hold (PCM
 * samples or encoded packets): frames are reordered by sequence number, late ones (whose turn has
 * passed) are dropped and counted, a gap of up to {@link #MAX_CONCEAL_FRAMES} frames is reported
 * as missing (for the caller to conceal, as its codec does best), and a stream that stays dry goes
 * idle. Not thread-safe.
 *
 * @param <F> what one frame is
 */
public final class PlayoutQueue<F> {
    /** Missing frames concealed in a row before the stream is taken as stopped. */
    public static final int MAX_CONCEAL_FRAMES = 3;
    /** An idle stream that comes back this many frames (2 s) behind has restarted, not arrived late. */
    private static final long RESTART_DISTANCE = 100;

    /** What a tick of the playout clock gets. */
    public enum Turn {
        /** A real frame: {@link #frame()}. */
        FRAME,
        /** The frame of this turn is missing: conceal it ({@link #missingRun()} in a row so far). */
        MISSING,
        /** Nothing to play: not started yet, or dry for longer than concealment covers. */
        IDLE
    }

    private final int targetDepth;
    private final int maxDepth;
    private final TreeMap<Long, F> frames = new TreeMap<>();
    private boolean playing;
    private long next;
    private long lastPlayed = -1;
    private boolean hadFrame;
    private int missingRun;
    private F frame;

    private long played;
    private long missing;
    private long late;
    private long duplicates;
    private long skipped;

    /**
     * @param targetDepth frames held before playout starts (each is 20 ms of delay)
     * @param maxDepth    frames held at most; beyond it playout jumps ahead and counts what it skipped
     */
    public PlayoutQueue(int targetDepth, int maxDepth) {
        if (targetDepth < 1 || maxDepth < targetDepth) {
            throw new IllegalArgumentException("need 1 <= targetDepth <= maxDepth");
        }
        this.targetDepth = targetDepth;
        this.maxDepth = maxDepth;
    }

    /** Adds a frame. Returns false when it was dropped as late or duplicate. */
    public boolean push(long sequence, F value) {
        if (!playing && lastPlayed - sequence > RESTART_DISTANCE) {
            // Far behind what was played: the sender restarted its numbering. Follow it.
            lastPlayed = -1;
            frames.clear();
        }
        if (sequence <= lastPlayed || (playing && sequence < next)) {
            late++;
            return false;
        }
        if (frames.putIfAbsent(sequence, value) != null) {
            duplicates++;
            return false;
        }
        if (frames.lastKey() - (playing ? next : frames.firstKey()) >= maxDepth) {
            // Held too long (or, idle, a stale frame far behind the newest): jump ahead.
            long newNext = frames.lastKey() - targetDepth + 1;
            skipped += frames.headMap(newNext).size();
            frames.headMap(newNext).clear();
            if (playing) {
                next = newNext;
            }
        }
        return true;
    }

    /** This tick's turn; for {@link Turn#FRAME} the frame is {@link #frame()} until the next call. */
    public Turn pull() {
        frame = null;
        if (!playing) {
            if (frames.size() < targetDepth) {
                return Turn.IDLE;
            }
            playing = true;
            next = frames.firstKey();
        }
        F real = frames.remove(next);
        if (real != null) {
            lastPlayed = next++;
            hadFrame = true;
            missingRun = 0;
            played++;
            frame = real;
            return Turn.FRAME;
        }
        if (missingRun >= MAX_CONCEAL_FRAMES || !hadFrame) {
            // Dry for too long: the talker stopped. Start over when frames come back.
            playing = false;
            missingRun = 0;
            hadFrame = false;
            if (!frames.isEmpty()) {
                return pull();
            }
            return Turn.IDLE;
        }
        lastPlayed = next++;
        missingRun++;
        missing++;
        return Turn.MISSING;
    }

    /** The frame of the last {@link Turn#FRAME} turn, else null. */
    public F frame() {
        return frame;
    }

    /** Missing turns in a row, up to this one (1 for the first missing frame). */
    public int missingRun() {
        return missingRun;
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

    /** Missing turns reported (each concealed by the caller). */
    public long missing() {
        return missing;
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
