package chorus.relay.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The one rate limiter of the relay (media bytes, chat messages), driven by a clock the test holds. */
class TokenBucketTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void aFullBucketLetsItsBurstThroughThenOnlyTheRate() {
        TokenBucket chat = new TokenBucket(5, 20, 0);
        int taken = 0;
        for (int i = 0; i < 100; i++) {
            taken += chat.take(1, 0) ? 1 : 0;
        }
        assertEquals(20, taken, "the burst, all at once");
        assertFalse(chat.take(1, SECOND / 10), "half a token after 100 ms at 5/s");
        assertTrue(chat.take(1, SECOND / 5), "one token after 200 ms");
        int inTenSeconds = 0;
        for (long t = SECOND / 5; t <= 10 * SECOND + SECOND / 5; t += SECOND / 100) {
            inTenSeconds += chat.take(1, t) ? 1 : 0;
        }
        assertEquals(50, inTenSeconds, "5 a second for the next 10 s, whatever the asking rate");
    }

    @Test
    void anIdleBucketRefillsOnlyToItsBurst() {
        TokenBucket video = new TokenBucket(1_000_000, 64_000, 0);
        assertTrue(video.take(64_000, 0));
        assertFalse(video.holds(1, 0));
        assertTrue(video.holds(64_000, 60 * SECOND), "refilled after a minute idle");
        assertFalse(video.holds(64_001, 60 * SECOND), "but never past the burst");
    }

    @Test
    void holdsTakesNothingAndARefusedTakeLeavesTheTokens() {
        TokenBucket bytes = new TokenBucket(1000, 1200, 0);
        assertTrue(bytes.holds(1200, 0));
        assertTrue(bytes.holds(1200, 0), "holds took nothing");
        assertFalse(bytes.take(1201, 0), "more than the bucket holds");
        assertTrue(bytes.take(1200, 0), "the refused take left every token");
    }

    @Test
    void aBucketThatCouldNeverPassAnythingIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new TokenBucket(0, 10, 0));
        assertThrows(IllegalArgumentException.class, () -> new TokenBucket(5, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new TokenBucket(Double.NaN, 10, 0));
    }
}
