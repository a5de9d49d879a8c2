package chorus.relay.mixer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Top-K talker selection by header level, with its hysteresis (K = 2, 6 dB for 5 ticks, 25 ticks' hangover). */
class TalkerSelectionTest {
    private final TalkerSelection selection = new TalkerSelection(2, 6, 5, 25);
    private final List<TalkerSelection.Talker> talkers = new ArrayList<>();

    TalkerSelectionTest() {
        for (int id = 1; id <= 4; id++) {
            talkers.add(new TalkerSelection.Talker(id));
        }
    }

    /** One tick with these levels (dBov, MIN_LEVEL for no voice) for talkers 1..4; the selected ids after it. */
    private Set<Integer> tick(int... levels) {
        for (int i = 0; i < levels.length; i++) {
            talkers.get(i).level(levels[i]);
        }
        selection.select(talkers);
        Set<Integer> ids = new TreeSet<>();
        for (TalkerSelection.Talker t : selection.selected()) {
            ids.add(t.mediaId());
        }
        return ids;
    }

    private static final int SILENT = MixEngine.MIN_LEVEL;

    @Test
    void freePlacesGoAtOnceToTheLoudestVoicedTalkers() {
        assertEquals(Set.of(), tick(SILENT, SILENT, SILENT, SILENT));
        assertEquals(Set.of(2, 4), tick(-40, -20, SILENT, -30));
        assertTrue(talkers.get(1).fresh() && talkers.get(3).fresh(), "newly selected: their decoders start afresh");
        assertEquals(Set.of(2, 4), tick(-40, -20, SILENT, -30));
        assertTrue(!talkers.get(1).fresh(), "fresh only on the tick it was selected");
    }

    @Test
    void aTalkerLouderByLessThanTheMarginNeverTakesAPlace() {
        tick(-20, -25, SILENT, SILENT);
        for (int t = 0; t < 100; t++) {
            assertEquals(Set.of(1, 2), tick(-20, -25, -20, SILENT), "5 dB louder than talker 2 is not enough");
        }
    }

    @Test
    void aLouderTalkerTakesTheQuietestPlaceAfterTheSwitchTicks() {
        tick(-20, -30, SILENT, SILENT);
        for (int t = 1; t < 5; t++) {
            assertEquals(Set.of(1, 2), tick(-20, -30, -24, SILENT), "6 dB louder for " + t + " ticks");
        }
        assertEquals(Set.of(1, 3), tick(-20, -30, -24, SILENT), "for 5 ticks: talker 3 replaces talker 2");
        assertTrue(talkers.get(2).fresh());
    }

    @Test
    void aDipInTheLouderTalkerStartsItsCountAgain() {
        tick(-20, -30, SILENT, SILENT);
        for (int t = 0; t < 4; t++) {
            tick(-20, -30, -24, SILENT);
        }
        tick(-20, -30, SILENT, SILENT); // one tick without voice
        for (int t = 1; t < 5; t++) {
            assertEquals(Set.of(1, 2), tick(-20, -30, -24, SILENT));
        }
        assertEquals(Set.of(1, 3), tick(-20, -30, -24, SILENT));
    }

    @Test
    void aSelectedTalkerKeepsItsPlaceThroughAPauseUpToTheHangover() {
        tick(-20, -30, SILENT, SILENT);
        for (int t = 1; t <= 25; t++) {
            assertEquals(Set.of(1, 2), tick(-20, SILENT, SILENT, SILENT), "talker 2 quiet for " + t + " ticks");
        }
        assertEquals(Set.of(1), tick(-20, SILENT, SILENT, SILENT), "quiet past the hangover: its place is free");
        assertEquals(Set.of(1, 4), tick(-20, SILENT, SILENT, -50), "and goes to the next voiced talker at once");
    }

    @Test
    void levelsAreHeldAtTheirPeakAndFallOneDbATick() {
        tick(-20, -26, SILENT, SILENT);
        // talker 1 pauses: its held level falls 1 dB a tick from -20, so talker 3 at -24 is not 6 dB above it for a while
        Set<Integer> last = null;
        int replacedAfter = -1;
        for (int t = 1; t <= 20 && replacedAfter < 0; t++) {
            last = tick(SILENT, -26, -24, SILENT);
            if (last.contains(3)) {
                replacedAfter = t;
            }
        }
        assertEquals(Set.of(2, 3), last, "talker 1, silent longest, gave its place");
        // held -20 - t must be 6 dB below -24 (t >= 10) for 5 ticks in a row: the 14th tick
        assertEquals(14, replacedAfter);
    }

    @Test
    void aMemberThatLeavesFreesItsPlace() {
        tick(-20, -30, SILENT, SILENT);
        selection.remove(talkers.get(0));
        talkers.remove(0);
        assertEquals(Set.of(2, 3), tick(-30, -40, SILENT));
    }
}
