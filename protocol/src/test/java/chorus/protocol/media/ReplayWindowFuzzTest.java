package chorus.protocol.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Fuzz target: a {@link ReplayWindow} fed an arbitrary sequence of packet numbers (steps around the
 * highest, jumps, numbers seen before, arbitrary 64-bit values), each of which opens or not (a
 * forgery is checked, fails to open and is never accepted), used as the relay uses it: check, then
 * accept only what opened. Compared with a model holding every number accepted in a set: a number
 * is accepted at most once, never once older than the window, and every verdict is the one of
 * PROTOCOL.md §3.4.1. Seeds in {@code ReplayWindowFuzzTestInputs/}.
 */
class ReplayWindowFuzzTest {
    private static final int MAX_STEPS = 512;

    @FuzzTest(maxDuration = "10s")
    void acceptingArbitraryPacketNumbers(FuzzedDataProvider data) {
        ReplayWindow window = new ReplayWindow();
        Set<Long> accepted = new HashSet<>();
        List<Long> offered = new ArrayList<>();
        long highest = -1; // nothing accepted yet

        for (int step = 0; step < MAX_STEPS && data.remainingBytes() > 0; step++) {
            long n = next(data, highest, offered);
            offered.add(n);
            boolean opens = data.consumeBoolean();
            DropReason verdict = window.check(n);
            if (verdict == null) {
                if (accepted.contains(n)) {
                    fail("packet number " + n + " accepted twice (highest " + highest + ")");
                }
                if (n < 0 || (n <= highest && highest - n >= ReplayWindow.SIZE)) {
                    fail("packet number " + n + " older than the window accepted (highest " + highest + ")");
                }
            }
            assertEquals(expected(n, highest, accepted), verdict, "PROTOCOL.md §3.4.1's verdict on " + n
                    + " with highest " + highest);
            if (verdict == null && opens) {
                window.accept(n);
                accepted.add(n);
                highest = Math.max(highest, n);
            }
            assertEquals(highest, window.highest(), "the highest number accepted");
        }
        if (highest >= 0) {
            assertNotNull(window.check(highest), "the highest accepted number is refused from then on");
        }
    }

    /** The table of PROTOCOL.md §3.4.1, on the set of every number accepted. */
    private static DropReason expected(long n, long highest, Set<Long> accepted) {
        if (n < 0) {
            return DropReason.TOO_OLD; // at or above 2^63 unsigned
        }
        if (n > highest) {
            return null;
        }
        if (highest - n >= ReplayWindow.SIZE) {
            return DropReason.TOO_OLD;
        }
        return accepted.contains(n) ? DropReason.REPLAYED : null;
    }

    private static long next(FuzzedDataProvider data, long highest, List<Long> offered) {
        return switch (data.consumeInt(0, 4)) {
            // around the highest and the window's far edge: reordering, replays, just too old
            case 0 -> highest + data.consumeInt(-ReplayWindow.SIZE - 64, 64);
            case 1 -> highest + 1 + data.consumeInt(0, 3); // in order, or a little loss
            case 2 -> highest + data.consumeLong(0, 1L << 22); // a jump past the window
            case 3 -> offered.isEmpty() ? 0 : offered.get(data.consumeInt(0, offered.size() - 1)); // sent again
            default -> data.consumeLong(); // anything, negative (≥ 2^63 unsigned) included
        };
    }
}
