package chorus.relay.media;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chorus.protocol.media.MediaKind;
import org.junit.jupiter.api.Test;

/**
 * The coalescing that bounds how long a receiver waits for a picture: the first request for a
 * stream goes to its sender at once, so a newcomer or a receiver that lost a keyframe waits one
 * round trip (request to the sender, keyframe back); repeats within the interval are absorbed,
 * and one asked again after the interval goes out at once again. Clock values are given, not read.
 */
class KeyframeRequestsTest {
    private static final long INTERVAL = 300_000_000L;
    private final long video = KeyframeRequests.stream(7, MediaKind.VIDEO.wire(), 0);
    private final long screen = KeyframeRequests.stream(7, MediaKind.SCREEN.wire(), 0);

    @Test
    void theFirstRequestGoesOutAtOnceRepeatsWithinTheIntervalDoNotAndTheNextIntervalsFirstDoes() {
        KeyframeRequests requests = new KeyframeRequests(INTERVAL);
        long t0 = 5_000_000_000L;
        assertTrue(requests.due(video, t0), "the first request is not held back");
        assertFalse(requests.due(video, t0 + 1), "a second receiver's request at once is absorbed");
        assertFalse(requests.due(video, t0 + INTERVAL - 1), "and one just inside the interval");
        assertTrue(requests.due(video, t0 + INTERVAL), "the first one after it goes out at once");
        assertFalse(requests.due(video, t0 + INTERVAL + 10));
    }

    @Test
    void streamsAreCoalescedApartAndAForgottenSenderStartsAfresh() {
        KeyframeRequests requests = new KeyframeRequests(INTERVAL);
        assertTrue(requests.due(video, 0));
        assertTrue(requests.due(screen, 1), "the same sender's screen is another stream");
        assertTrue(requests.due(KeyframeRequests.stream(8, MediaKind.VIDEO.wire(), 0), 2), "and another sender's video");
        long highLayer = KeyframeRequests.stream(7, MediaKind.VIDEO.wire(), 2);
        assertTrue(requests.due(highLayer, 3), "and each simulcast layer of the same camera: a receiver switching waits for its own");
        requests.forget(7, new int[] {MediaKind.VIDEO.wire(), MediaKind.SCREEN.wire()}, 3);
        assertTrue(requests.due(video, 4), "a sender that left and came back is asked at once");
        assertTrue(requests.due(highLayer, 5), "for every layer");
    }
}
