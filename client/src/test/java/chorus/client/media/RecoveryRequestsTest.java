package chorus.client.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chorus.protocol.media.KeyframeRequest;
import chorus.protocol.media.MediaHeader;
import chorus.protocol.media.MediaKind;
import chorus.protocol.media.Nack;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a receiver asks the relay for, driven by sequences, frames and a clock the test sets. */
class RecoveryRequestsTest {
    private static final long MS = 1_000_000L;
    private static final int ME = 77;
    private static final int SENDER = 5;
    private static final RecoveryRequests.Settings SETTINGS = RecoveryRequests.Settings.DEFAULTS;

    private final List<ByteBuffer> sent = new ArrayList<>();
    private final RecoveryRequests requests = new RecoveryRequests(MediaKind.VIDEO, ME, SETTINGS,
            d -> sent.add(ByteBuffer.allocate(d.remaining()).put(d.duplicate()).flip()));

    private List<Long> nacked() {
        List<Long> out = new ArrayList<>();
        for (ByteBuffer d : sent) {
            if (MediaHeader.kind(d, 0) == MediaKind.NACK) {
                assertTrue(Nack.valid(d));
                assertEquals(ME, MediaHeader.mediaId(d, 0), "from me");
                assertEquals(SENDER, Nack.targetMediaId(d), "about the sender's stream");
                assertEquals(MediaKind.VIDEO, Nack.targetKind(d));
                Nack.forEachSequence(d, out::add);
            }
        }
        return out;
    }

    private long keyframeRequests() {
        return sent.stream().filter(d -> MediaHeader.kind(d, 0) == MediaKind.KEYFRAME_REQUEST)
                .peek(d -> assertEquals(SENDER, KeyframeRequest.targetMediaId(d))).count();
    }

    @Test
    void aGapIsNackedOnlyAfterTheReorderingAllowance() {
        requests.onDatagram(SENDER, 10, 0);
        requests.onDatagram(SENDER, 13, 1 * MS);
        requests.tick(5 * MS);
        assertEquals(List.of(), nacked(), "11 and 12 may still come: reordering");
        requests.onDatagram(SENDER, 11, 6 * MS);
        requests.tick(1 * MS + SETTINGS.reorderNanos());
        assertEquals(List.of(12L), nacked(), "only what is still missing");
        assertEquals(1, requests.nacksSent());
        assertEquals(0, requests.retransmissionsReceived(), "11 was reordered, never asked for");
        requests.onDatagram(SENDER, 12, 20 * MS);
        assertEquals(1, requests.retransmissionsReceived());
    }

    @Test
    void aMissingSequenceIsRetriedABoundedNumberOfTimesThenGivenUp() {
        requests.onDatagram(SENDER, 0, 0);
        requests.onDatagram(SENDER, 2, 0);
        for (long t = 0; t <= SETTINGS.maxAgeNanos() + 100 * MS; t += 5 * MS) {
            requests.tick(t);
        }
        assertEquals(SETTINGS.maxTries(), nacked().size(), "asked " + SETTINGS.maxTries() + " times, no more");
        assertTrue(nacked().stream().allMatch(s -> s == 1));
        assertEquals(1, requests.sequencesGivenUp());
        requests.onDatagram(SENDER, 1, SETTINGS.maxAgeNanos() + 200 * MS);
        assertEquals(0, requests.retransmissionsReceived(), "given up: no longer counted as recovered");
    }

    @Test
    void nothingIsAskedForOnceOlderThanTheReassemblerKeeps() {
        requests.onDatagram(SENDER, 0, 0);
        requests.onDatagram(SENDER, 5, 0);
        requests.tick(SETTINGS.maxAgeNanos() + 1);
        assertEquals(List.of(), nacked(), "too old by the first tick: never NACKed");
        assertEquals(4, requests.sequencesGivenUp());
    }

    @Test
    void sequencesAcrossTheWrapAreNackedInOrder() {
        requests.onDatagram(SENDER, 0xFFFF_FFFEL, 0);
        requests.onDatagram(SENDER, 2, 0);
        requests.tick(SETTINGS.reorderNanos());
        assertEquals(List.of(0xFFFF_FFFFL, 0L, 1L), nacked());
    }

    @Test
    void aRestartedCounterIsNotLoss() {
        requests.onDatagram(SENDER, 100, 0);
        requests.onDatagram(SENDER, 100 + RecoveryRequests.MAX_GAP + 1, 0);
        requests.tick(SETTINGS.reorderNanos());
        assertEquals(List.of(), nacked());
    }

    @Test
    void aStreamJoinedMidStreamAsksForAKeyframeOncePerInterval() {
        requests.onFrame(SENDER, false, 0);
        requests.onFrame(SENDER, false, 10 * MS);
        assertEquals(1, keyframeRequests(), "once: the second frame is within the interval");
        requests.onFrame(SENDER, false, SETTINGS.keyframeIntervalNanos());
        assertEquals(2, keyframeRequests(), "again once the interval passed");
        requests.onFrame(SENDER, true, SETTINGS.keyframeIntervalNanos() + 10 * MS);
        requests.onFrame(SENDER, false, 2 * SETTINGS.keyframeIntervalNanos() + 10 * MS);
        assertEquals(2, keyframeRequests(), "decodable since the keyframe: nothing more");
        assertEquals(2, requests.keyframeRequestsSent());
    }

    @Test
    void aLostFrameOfAPredictedStreamAsksForAKeyframeAndAStreamOfKeyframesDoesNot() {
        requests.onFrame(SENDER, true, 0);
        requests.onFrameDropped(SENDER, 10 * MS);
        assertEquals(0, keyframeRequests(), "keyframes only (JPEG): the next frame is whole anyway");
        requests.onFrame(SENDER, true, 20 * MS);
        requests.onFrame(SENDER, false, 30 * MS);
        requests.onFrameDropped(SENDER, 40 * MS);
        assertEquals(1, keyframeRequests(), "frames that need earlier ones: a keyframe is asked for");
        requests.keyframeNeeded(SENDER, 50 * MS);
        assertEquals(1, keyframeRequests(), "the decoder's request within the interval is coalesced");
        requests.keyframeNeeded(SENDER, 40 * MS + SETTINGS.keyframeIntervalNanos());
        assertEquals(2, keyframeRequests());
    }

    @Test
    void theMissingSequencesKeptAreBounded() {
        requests.onDatagram(SENDER, 0, 0);
        requests.onDatagram(SENDER, 2_000, 0);
        requests.tick(SETTINGS.reorderNanos());
        List<Long> nacked = nacked();
        assertEquals(RecoveryRequests.MAX_MISSING, nacked.size(), "the newest missing ones, no more");
        assertEquals(1_999L, nacked.get(nacked.size() - 1));
    }

    @Test
    void lossesTooSpreadForOneNackGoInSeveral() {
        for (long s = 0; s < 1_400; s++) {
            if (s % 20 != 1) {
                requests.onDatagram(SENDER, s, 0);
            }
        }
        requests.tick(SETTINGS.reorderNanos());
        assertEquals(70, nacked().size(), "one entry each, more than a NACK holds");
        assertEquals(2, requests.nacksSent());
    }
}
