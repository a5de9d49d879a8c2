package chorus.client.call;

import chorus.protocol.control.ControlMessage.AudioLevel;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Who is speaking, from the relay's audio-levels messages (each talker's loudest level in dBov
 * over about 100 ms, sent while anyone talks): a talker speaks while their level has been above
 * {@link #SPEAKING_DBOV} within the last {@link #HOLD_NANOS}, so the indicator neither flickers
 * between messages nor lingers when they stop (a silent talker is simply left out of the messages).
 */
final class TalkerLevels {
    /** About -45 dBov: well above a quiet room's noise, below soft speech. */
    static final int SPEAKING_DBOV = -45;
    /** Three of the relay's 100 ms reports: one lost or late message does not end "speaking". */
    static final long HOLD_NANOS = TimeUnit.MILLISECONDS.toNanos(300);

    private record Level(int dbov, long reportedNanos, long loudNanos) {
    }

    private final ConcurrentHashMap<Integer, Level> byMediaId = new ConcurrentHashMap<>();

    /** One audio-levels message, on the control thread. */
    void update(List<AudioLevel> levels, long nowNanos) {
        for (AudioLevel l : levels) {
            byMediaId.compute(l.mediaId(), (id, old) -> new Level(l.level(), nowNanos,
                    l.level() > SPEAKING_DBOV ? nowNanos : old == null ? Long.MIN_VALUE : old.loudNanos()));
        }
    }

    /** RMS level 0..1 (from the reported dBov), 0 when nothing was reported lately. */
    double level(int mediaId, long nowNanos) {
        Level l = byMediaId.get(mediaId);
        if (l == null || nowNanos - l.reportedNanos() > HOLD_NANOS) {
            return 0;
        }
        return Math.pow(10, l.dbov() / 20.0);
    }

    boolean speaking(int mediaId, long nowNanos) {
        Level l = byMediaId.get(mediaId);
        return l != null && l.loudNanos() != Long.MIN_VALUE && nowNanos - l.loudNanos() <= HOLD_NANOS;
    }

    void forget(int mediaId) {
        byMediaId.remove(mediaId);
    }

    void clear() {
        byMediaId.clear();
    }
}
