package chorus.relay.mixer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chorus.protocol.audio.AudioLevel;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The dominant speaker driven tick by tick with header level bytes, no clock: a 20-tick window,
 * 6 dB over 25 voiced ticks, floor -70 dBov, the reference.conf defaults.
 */
class DominantSpeakerTest {
    /** A tick without a frame, or a frame of digital silence. */
    private static final int SILENT = AudioLevel.SILENCE;

    private final DominantSpeaker speakers = new DominantSpeaker(20, 6, 25, -70, 10);
    private final List<DominantSpeaker.Speaker> talkers = new ArrayList<>();
    /** The recent speakers at each change, in order. */
    private final List<List<Integer>> changes = new ArrayList<>();

    DominantSpeakerTest() {
        for (int id = 1; id <= 4; id++) {
            talkers.add(speakers.add(id));
        }
    }

    /** The level byte of a voiced frame at {@code dBov}, as a sender's header has it. */
    private static int voice(int dBov) {
        return (-dBov & 0x7F) | AudioLevel.VOICE_BIT;
    }

    /** {@code ticks} ticks with these level bytes for talkers 1, 2, ... (the rest silent). */
    private void ticks(int ticks, int... levels) {
        for (int t = 0; t < ticks; t++) {
            tick(levels);
        }
    }

    private void tick(int... levels) {
        for (int i = 0; i < talkers.size(); i++) {
            speakers.level(talkers.get(i), i < levels.length ? levels[i] : SILENT);
        }
        speakers.tick();
        noteChange();
    }

    private void noteChange() {
        if (speakers.takeChange()) {
            changes.add(speakers.recent());
        }
    }

    private Integer dominant() {
        return speakers.dominant() == null ? null : speakers.dominant().mediaId();
    }

    /** Talker 1 speaks at -30 dBov until it is the dominant speaker. */
    private void firstTalksAndIsDominant() {
        ticks(100, voice(-30));
        assertEquals(1, dominant());
        assertEquals(List.of(List.of(1)), changes);
    }

    @Test
    void theFirstToSpeakForLongEnoughBecomesDominantNotOnItsFirstFrames() {
        ticks(10, voice(-30));
        assertNull(dominant(), "ten frames (200 ms) are not enough");
        assertEquals(List.of(), changes);
        ticks(90, voice(-30));
        assertEquals(1, dominant());
        assertEquals(List.of(List.of(1)), changes, "told once");
    }

    @Test
    void aLouderTalkerTakesOverOnceItHasBeenLouderForLongEnough() {
        firstTalksAndIsDominant();
        ticks(30, voice(-30), voice(-20));
        assertEquals(1, dominant(), "10 dB louder for 600 ms is not yet long enough (its window fills first)");
        ticks(70, voice(-30), voice(-20));
        assertEquals(2, dominant());
        assertEquals(List.of(List.of(1), List.of(2, 1)), changes, "the new dominant speaker first, then the last");
        ticks(500, voice(-30), voice(-20));
        assertEquals(2, changes.size(), "and it stays");
    }

    @Test
    void oneLoudFrameChangesNothing() {
        firstTalksAndIsDominant();
        tick(voice(-30), voice(0)); // full scale, 30 dB louder, once
        ticks(500, voice(-30));
        assertEquals(1, dominant());
        tick(SILENT, voice(0)); // nor while the dominant speaker is silent
        ticks(500);
        assertEquals(1, dominant());
        assertEquals(List.of(List.of(1)), changes);
    }

    @Test
    void aBurstShorterThanTheSwitchTimeChangesNothing() {
        firstTalksAndIsDominant();
        ticks(24, voice(-30), voice(-5)); // 480 ms, 25 dB louder
        ticks(500, voice(-30));
        assertEquals(1, dominant());
        assertEquals(List.of(List.of(1)), changes);
    }

    @Test
    void aLoudFrameFollowedByQuietSpeechChangesNothing() {
        ticks(100, voice(-40));
        tick(voice(-40), voice(0));
        ticks(500, voice(-40), voice(-44)); // its held peak is far ahead for 30 ticks; its frames are not
        assertEquals(List.of(List.of(1)), changes);
    }

    @Test
    void twoTalkersOfAboutTheSameLevelDoNotTakeTurns() {
        firstTalksAndIsDominant();
        Random random = new Random(14);
        for (int t = 0; t < 3000; t++) { // a minute of both talking at -25 dBov, each within 4 dB of it
            tick(voice(-25 + random.nextInt(9) - 4), voice(-25 + random.nextInt(9) - 4));
        }
        assertEquals(List.of(List.of(1)), changes);
        for (int t = 0; t < 3000; t++) { // and with speech's pauses: each frame voiced three times in four
            tick(random.nextInt(4) == 0 ? SILENT : voice(-25 + random.nextInt(9) - 4),
                    random.nextInt(4) == 0 ? SILENT : voice(-25 + random.nextInt(9) - 4));
        }
        assertEquals(List.of(List.of(1)), changes);
        int[] run = {0, 0};
        boolean[] talking = {true, true};
        for (int t = 0; t < 3000; t++) { // and with pauses as speech has them: 100-500 ms of voice, 40-300 ms without
            int[] levels = new int[2];
            for (int i = 0; i < 2; i++) {
                if (run[i]-- <= 0) {
                    talking[i] = !talking[i];
                    run[i] = talking[i] ? 5 + random.nextInt(21) : 2 + random.nextInt(14);
                }
                levels[i] = talking[i] ? voice(-25 + random.nextInt(17) - 8) : SILENT;
            }
            tick(levels);
        }
        assertEquals(List.of(List.of(1)), changes);
    }

    @Test
    void silenceKeepsTheLastDominantSpeaker() {
        firstTalksAndIsDominant();
        ticks(15_000); // five minutes of nobody talking
        assertEquals(1, dominant());
        assertEquals(List.of(List.of(1)), changes);
    }

    @Test
    void afterTheDominantSpeakerFallsSilentTheNextToSpeakTakesOver() {
        firstTalksAndIsDominant();
        ticks(100);
        ticks(100, SILENT, voice(-40)); // quieter than talker 1 was: it only has to beat silence
        assertEquals(2, dominant());
        assertEquals(List.of(List.of(1), List.of(2, 1)), changes);
    }

    @Test
    void theDominantSpeakerLeavingIsAChangeAndTheLastOneIsDominantAgain() {
        firstTalksAndIsDominant();
        ticks(100, SILENT, voice(-30));
        assertEquals(List.of(2, 1), speakers.recent());
        speakers.remove(talkers.get(1));
        noteChange();
        assertEquals(1, dominant());
        assertEquals(List.of(List.of(1), List.of(2, 1), List.of(1)), changes);
        speakers.remove(talkers.get(3)); // never spoke
        noteChange();
        assertEquals(3, changes.size(), "one who never spoke leaving changes nothing");
        speakers.remove(talkers.get(0));
        noteChange();
        assertNull(dominant());
        assertEquals(List.of(), changes.get(3));
    }

    @Test
    void theRecentSpeakersAreBoundedAndANewDominantOneMovesToTheFront() {
        DominantSpeaker three = new DominantSpeaker(20, 6, 25, -70, 3);
        List<DominantSpeaker.Speaker> four = new ArrayList<>();
        for (int id = 1; id <= 4; id++) {
            four.add(three.add(id));
        }
        for (int turn : new int[] {1, 2, 3, 4, 2}) {
            for (int t = 0; t < 100; t++) { // each alone in turn
                for (DominantSpeaker.Speaker s : four) {
                    three.level(s, s == four.get(turn - 1) ? voice(-30) : SILENT);
                }
                three.tick();
            }
        }
        assertEquals(List.of(2, 4, 3), three.recent());
    }

    @Test
    void oneTickCannotDecide() {
        assertThrows(IllegalArgumentException.class, () -> new DominantSpeaker(20, 6, 1, -70, 10));
        DominantSpeaker quick = new DominantSpeaker(1, 6, 2, -70, 10);
        DominantSpeaker.Speaker only = quick.add(1);
        quick.level(only, voice(0));
        quick.tick();
        assertNull(quick.dominant(), "even with a window of one tick and two ticks to switch");
        quick.level(only, voice(0));
        quick.tick();
        assertTrue(quick.dominant() == only);
    }
}
