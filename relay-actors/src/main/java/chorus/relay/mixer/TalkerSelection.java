package chorus.relay.mixer;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Picks, tick by tick, the K talkers the mixer decodes and mixes, by the audio level in their
 * datagrams' headers (nothing is decoded to choose). A free place goes at once to the loudest
 * voiced talker; a selected talker keeps its place until it has been quiet for the hangover, or
 * until another talker has been louder than the quietest selected one by at least the switch
 * margin for the switch time, so places do not flap between talkers of about the same loudness.
 * Levels are compared held at their peak and falling 1 dB a tick, which bridges speech's dips.
 * Not thread-safe.
 */
public final class TalkerSelection {

    /** One member's part in the selection; the mixer sets {@link #level(int)} every tick. */
    public static class Talker {
        final int mediaId;
        int held = MixEngine.MIN_LEVEL;
        boolean voiced;
        boolean selected;
        /** Set on the tick it was selected (its decoder starts afresh). */
        boolean fresh;
        int quietTicks;
        int louderTicks;

        public Talker(int mediaId) {
            this.mediaId = mediaId;
        }

        /** This tick's level in dBov if the frame has voice, or {@link MixEngine#MIN_LEVEL}. */
        public void level(int dBov) {
            voiced = dBov > MixEngine.MIN_LEVEL;
            held = Math.max(dBov, Math.max(MixEngine.MIN_LEVEL, held - 1));
        }

        public int mediaId() {
            return mediaId;
        }

        public boolean selected() {
            return selected;
        }

        public boolean fresh() {
            return fresh;
        }
    }

    private static final Comparator<Talker> LOUDEST_FIRST = (a, b) -> Integer.compare(b.held, a.held);

    private final int places;
    private final int switchDb;
    private final int switchTicks;
    private final int hangoverTicks;
    private final List<Talker> selected = new ArrayList<>();
    private final List<Talker> waiting = new ArrayList<>();

    /**
     * @param places        K, talkers mixed at once
     * @param switchDb      how much louder than the quietest selected talker another must be to take its place
     * @param switchTicks   for how many ticks in a row
     * @param hangoverTicks how long a selected talker may be quiet before it gives its place up
     */
    public TalkerSelection(int places, int switchDb, int switchTicks, int hangoverTicks) {
        if (places < 1 || switchDb < 0 || switchTicks < 1 || hangoverTicks < 0) {
            throw new IllegalArgumentException("talkers >= 1, switch-db >= 0, switch-ticks >= 1, hangover-ticks >= 0");
        }
        this.places = places;
        this.switchDb = switchDb;
        this.switchTicks = switchTicks;
        this.hangoverTicks = hangoverTicks;
    }

    /** Chooses this tick's talkers from {@code talkers}, whose levels were set for this tick. */
    public void select(Iterable<? extends Talker> talkers) {
        for (int i = selected.size() - 1; i >= 0; i--) {
            Talker t = selected.get(i);
            t.fresh = false;
            t.quietTicks = t.voiced ? 0 : t.quietTicks + 1;
            if (t.quietTicks > hangoverTicks) {
                t.selected = false;
                selected.remove(i);
            }
        }
        waiting.clear();
        for (Talker t : talkers) {
            if (t.selected) {
                continue;
            }
            if (t.voiced) {
                waiting.add(t);
            } else {
                t.louderTicks = 0;
            }
        }
        if (waiting.isEmpty()) {
            return;
        }
        waiting.sort(LOUDEST_FIRST);
        for (Talker candidate : waiting) {
            if (selected.size() < places) {
                take(candidate);
                continue;
            }
            Talker quietest = quietestSelected();
            if (candidate.held >= quietest.held + switchDb) {
                if (++candidate.louderTicks >= switchTicks) {
                    quietest.selected = false;
                    selected.remove(quietest);
                    take(candidate);
                }
            } else {
                candidate.louderTicks = 0;
            }
        }
    }

    private void take(Talker t) {
        t.selected = true;
        t.fresh = true;
        t.quietTicks = 0;
        t.louderTicks = 0;
        selected.add(t);
    }

    private Talker quietestSelected() {
        Talker quietest = selected.get(0);
        for (int i = 1; i < selected.size(); i++) {
            if (selected.get(i).held < quietest.held) {
                quietest = selected.get(i);
            }
        }
        return quietest;
    }

    /** A member that left: its place is free. */
    public void remove(Talker t) {
        if (t.selected) {
            t.selected = false;
            selected.remove(t);
        }
    }

    /** The selected talkers, in no particular order; valid until the next {@link #select}. */
    public List<Talker> selected() {
        return selected;
    }

    public int places() {
        return places;
    }
}
