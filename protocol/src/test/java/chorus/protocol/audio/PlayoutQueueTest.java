package chorus.protocol.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PlayoutQueueTest {
    @Test
    void aStaleFrameHeldWhileIdleIsNotPlayedAheadOfWhatComesSecondsLater() {
        PlayoutQueue<String> q = new PlayoutQueue<>(2, 10);
        q.push(100, "keepalive");
        assertEquals(PlayoutQueue.Turn.IDLE, q.pull());
        q.push(120, "speech-0");
        q.push(121, "speech-1");
        assertEquals(PlayoutQueue.Turn.FRAME, q.pull());
        assertEquals("speech-0", q.frame());
        assertEquals(1, q.skipped());
    }

    @Test
    void gapsAreReportedAsMissingThenTheStreamGoesIdle() {
        PlayoutQueue<String> q = new PlayoutQueue<>(1, 10);
        q.push(0, "a");
        assertEquals(PlayoutQueue.Turn.FRAME, q.pull());
        for (int run = 1; run <= PlayoutQueue.MAX_CONCEAL_FRAMES; run++) {
            assertEquals(PlayoutQueue.Turn.MISSING, q.pull());
            assertEquals(run, q.missingRun());
        }
        assertEquals(PlayoutQueue.Turn.IDLE, q.pull());
        assertEquals(3, q.missing());
    }
}
