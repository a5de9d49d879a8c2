package chorus.protocol.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class ReplayWindowTest {

    private static DropReason offer(ReplayWindow w, long n) {
        DropReason why = w.check(n);
        if (why == null) {
            w.accept(n);
        }
        return why;
    }

    @Test
    void eachNumberIsAcceptedOnceAndReorderingInsideTheWindowIsFine() {
        ReplayWindow w = new ReplayWindow();
        assertNull(offer(w, 0));
        assertEquals(DropReason.REPLAYED, offer(w, 0));
        assertNull(offer(w, 5));
        assertNull(offer(w, 3), "late but inside the window");
        assertEquals(DropReason.REPLAYED, offer(w, 3));
        assertNull(offer(w, 4));
        assertEquals(DropReason.REPLAYED, offer(w, 5));
        assertEquals(5, w.highest());
    }

    @Test
    void numbersOlderThanTheWindowAreTooOld() {
        ReplayWindow w = new ReplayWindow();
        assertNull(offer(w, 10));
        assertNull(offer(w, 10 + ReplayWindow.SIZE));
        assertEquals(DropReason.TOO_OLD, offer(w, 10));
        assertNull(offer(w, 11), "the oldest number still inside");
        assertEquals(DropReason.TOO_OLD, offer(w, -1));
    }

    @Test
    void aJumpClearsWhatWasSeenOfTheNumbersItPassesOver() {
        ReplayWindow w = new ReplayWindow();
        for (long n = 0; n < 3000; n += 2) {
            assertNull(offer(w, n));
        }
        for (long n = 3000 - ReplayWindow.SIZE + 1; n < 3000; n += 2) {
            assertNull(offer(w, n), "odd number " + n + " never seen");
        }
        for (long n = 3000 - ReplayWindow.SIZE + 1; n < 3000; n++) {
            assertEquals(DropReason.REPLAYED, offer(w, n), "now all seen: " + n);
        }
        assertNull(offer(w, 1_000_000));
        assertNull(offer(w, 1_000_000 - 1023));
        assertEquals(DropReason.TOO_OLD, offer(w, 1_000_000 - 1024));
    }

    @Test
    void aCheckAloneDoesNotRecord() {
        ReplayWindow w = new ReplayWindow();
        assertNull(w.check(7));
        assertNull(w.check(7), "a forgery that failed to open must not burn its number");
    }
}
