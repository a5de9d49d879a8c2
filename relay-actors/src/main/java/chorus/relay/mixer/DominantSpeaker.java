package chorus.relay.mixer;

import chorus.protocol.audio.AudioLevel;
import java.util.ArrayList;
import java.util.List;

/**
 * Decides, tick by tick, who a room's dominant speaker is from the audio level bytes of its
 * talkers' frames (RFC 6464, as {@link AudioLevel} reads them), and keeps the recent speakers,
 * dominant first: what the room tells its members and what last-N follows.
 *
 * <p>Like Jitsi Videobridge's dominant speaker identification it judges speech over a span of time
 * rather than frame by frame, and keeps the last speaker through silence; it is simpler. A frame's
 * <em>activity</em> is how far its level lies above a floor (0 without voice); it is held at its
 * peak, falling 1 dB a tick, which bridges the dips and pauses of speech, and a talker's
 * <em>smoothed activity</em> is the mean of that over a sliding window. A challenger replaces the
 * dominant speaker once it has had, in a row, enough frames that were each at least the switch
 * margin above the dominant speaker's smoothed activity, while its own smoothed activity stayed
 * that far ahead too (other ticks neither count nor reset, unless it falls behind that, which
 * starts the count again). So one loud frame never wins (it counts once, and at least two are
 * needed), nor does a burst shorter than the switch ticks, nor a loud frame followed by quiet
 * speech; two talkers about as loud as each other do not take turns (neither's frames are the
 * margin ahead); and silence keeps the last speaker (a challenger still has to speak). With nobody
 * dominant yet, the first to speak the margin above the floor for long enough becomes it; when
 * the dominant speaker leaves, the next recent speaker is dominant at once.
 *
 * <p>Each tick costs O(talkers) and allocates nothing; only a change builds a new recent list.
 * Not thread-safe.
 */
public final class DominantSpeaker {

    /** One talker's part; its owner sets {@link #level(int)} once per tick before {@link #tick()}. */
    public static final class Speaker {
        final int mediaId;
        /** Held activity of each of the last window's ticks, dB above the floor, a ring. */
        private final int[] window;
        private int next;
        /** Of the window: the smoothed activity times the window's length (no division needed). */
        private int sum;
        /** This tick's frame's activity, and the activity held at its peak. */
        private int activity;
        private int held;
        /** Frames the margin ahead of the dominant speaker, so far in this run of being ahead. */
        private int aheadTicks;
        private boolean recent;

        private Speaker(int mediaId, int windowTicks) {
            this.mediaId = mediaId;
            this.window = new int[windowTicks];
        }

        /** This tick's level byte (RFC 6464: V bit and -dBov); no frame this tick is {@link AudioLevel#SILENCE}. */
        void level(int levelByte, int floorDbov) {
            activity = AudioLevel.voice(levelByte) ? Math.max(0, AudioLevel.dBovOf(levelByte) - floorDbov) : 0;
            held = Math.max(activity, held - 1);
            sum += held - window[next];
            window[next] = held;
            next = next + 1 == window.length ? 0 : next + 1;
        }

        public int mediaId() {
            return mediaId;
        }
    }

    private final int windowTicks;
    private final int switchDb;
    private final int switchTicks;
    private final int floorDbov;
    private final int maxRecent;
    private final List<Speaker> speakers = new ArrayList<>();
    /** Dominant first; its first entry is the dominant speaker. */
    private final List<Speaker> recent = new ArrayList<>();
    private boolean changed;

    /**
     * @param windowTicks ticks a talker's activity is averaged over
     * @param switchDb    how far (in dB of activity) a challenger must be above the dominant speaker
     * @param switchTicks with how many frames in a row that far ahead (at least 2, so that one
     *                    frame never decides)
     * @param floorDbov   the level (dBov) activity is measured from: quieter frames count as 0
     * @param maxRecent   the recent speakers kept, the dominant one included
     */
    public DominantSpeaker(int windowTicks, int switchDb, int switchTicks, int floorDbov, int maxRecent) {
        if (windowTicks < 1 || switchDb < 1 || switchTicks < 2 || floorDbov < -127 || floorDbov >= 0
                || maxRecent < 1) {
            throw new IllegalArgumentException("window-ticks >= 1, switch-db >= 1, switch-ticks >= 2,"
                    + " floor-dbov -127..-1, recent >= 1");
        }
        this.windowTicks = windowTicks;
        this.switchDb = switchDb;
        this.switchTicks = switchTicks;
        this.floorDbov = floorDbov;
        this.maxRecent = maxRecent;
    }

    /**
     * The defaults of {@code chorus.relay.mixer.dominant-speaker} in reference.conf (400 ms window,
     * 6 dB, 500 ms of voice, floor -70 dBov, 10 recent), for a mix engine made without a config.
     */
    public static DominantSpeaker standard() {
        return new DominantSpeaker(20, 6, 25, -70, 10);
    }

    /** A new talker to follow; keep the returned part and feed it {@link #level(Speaker, int)} every tick. */
    public Speaker add(int mediaId) {
        Speaker s = new Speaker(mediaId, windowTicks);
        speakers.add(s);
        return s;
    }

    /** A talker that left: out of the recent speakers too (a change, if it was one of them). */
    public void remove(Speaker s) {
        speakers.remove(s);
        if (s.recent) {
            s.recent = false;
            recent.remove(s);
            changed = true;
        }
    }

    /** Sets {@code s}'s level for this tick: its frame's level byte, or {@link AudioLevel#SILENCE} for no frame. */
    public void level(Speaker s, int levelByte) {
        s.level(levelByte, floorDbov);
    }

    /**
     * Decides this tick, once every talker's level is set: the challenger furthest along (the
     * loudest among equals) that has been ahead long enough becomes the dominant speaker and moves
     * to the front of the recent speakers.
     */
    public void tick() {
        Speaker dominant = dominant();
        // Means compared as sums over the window: no division.
        int bar = (dominant == null ? 0 : dominant.sum) + switchDb * windowTicks;
        Speaker winner = null;
        for (int i = 0; i < speakers.size(); i++) {
            Speaker s = speakers.get(i);
            if (s == dominant) {
                continue;
            }
            if (s.sum < bar) {
                s.aheadTicks = 0;
            } else if (s.activity * windowTicks >= bar && ++s.aheadTicks >= switchTicks
                    && (winner == null || s.aheadTicks > winner.aheadTicks
                        || s.aheadTicks == winner.aheadTicks && s.sum > winner.sum)) {
                winner = s;
            }
        }
        if (winner != null) {
            promote(winner);
        }
    }

    private void promote(Speaker winner) {
        for (int i = 0; i < speakers.size(); i++) {
            speakers.get(i).aheadTicks = 0; // a new race against the new dominant speaker
        }
        if (winner.recent) {
            recent.remove(winner);
        } else if (recent.size() == maxRecent) {
            recent.remove(recent.size() - 1).recent = false;
        }
        winner.recent = true;
        recent.add(0, winner);
        changed = true;
    }

    /** The dominant speaker, or null before anyone spoke (or once every recent speaker left). */
    public Speaker dominant() {
        return recent.isEmpty() ? null : recent.get(0);
    }

    /** The recent speakers' media ids, dominant first (a new list). */
    public List<Integer> recent() {
        List<Integer> ids = new ArrayList<>(recent.size());
        for (Speaker s : recent) {
            ids.add(s.mediaId);
        }
        return ids;
    }

    /** Whether the recent speakers changed since the last call, which starts a new period. */
    public boolean takeChange() {
        boolean was = changed;
        changed = false;
        return was;
    }
}
