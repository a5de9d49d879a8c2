package chorus.protocol.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class JitterBufferTest {
    private static short[] frame(long seq) {
        return Tones.sine(440, 0.5, seq * AudioFormat.FRAME_SAMPLES, AudioFormat.FRAME_SAMPLES);
    }

    @Test
    void waitsForTheTargetDepthThenPlaysInSequenceOrder() {
        JitterBuffer jb = new JitterBuffer(2, 10);
        short[] f1 = frame(1);
        short[] f0 = frame(0);
        jb.push(1, f1);
        assertNull(jb.pull(), "one frame is below the target depth");
        jb.push(0, f0);
        assertSame(f0, jb.pull());
        assertSame(f1, jb.pull());
    }

    @Test
    void lateAndDuplicateFramesAreDroppedAndCounted() {
        JitterBuffer jb = new JitterBuffer(1, 10);
        jb.push(5, frame(5));
        jb.pull();
        assertFalse(jb.push(4, frame(4)), "its turn has passed");
        assertFalse(jb.push(5, frame(5)));
        jb.push(6, frame(6));
        assertFalse(jb.push(6, frame(6)));
        assertEquals(2, jb.late());
        assertEquals(1, jb.duplicates());
    }

    @Test
    void aMissingFrameIsConcealedWithoutAClick() {
        JitterBuffer jb = new JitterBuffer(1, 10);
        jb.push(0, frame(0));
        jb.push(1, frame(1));
        jb.push(3, frame(3));
        short[] before = jb.pull();
        before = jb.pull();
        short[] concealed = jb.pull();
        assertEquals(1, jb.concealed());
        assertTrue(Tones.amplitude(concealed, 440) > 0.2, "the gap is filled with the tone, not silence");
        int jump = Math.abs(concealed[0] - before[before.length - 1]);
        int step = 0;
        for (int i = 1; i < before.length; i++) {
            step = Math.max(step, Math.abs(before[i] - before[i - 1]));
        }
        assertTrue(jump <= step, "joint jump " + jump + " is no bigger than the signal's own steps " + step);
        assertArrayEquals(frame(3), jb.pull());
    }

    @Test
    void concealmentFadesSmoothlyAcrossSeveralMissingFrames() {
        JitterBuffer jb = new JitterBuffer(1, 10);
        short[] flat = new short[AudioFormat.FRAME_SAMPLES];
        java.util.Arrays.fill(flat, (short) 9000);
        jb.push(0, flat);
        short[] previous = jb.pull();
        for (int run = 1; run <= 3; run++) {
            short[] c = jb.pull();
            assertTrue(Math.abs(c[0] - previous[previous.length - 1]) <= 20,
                    "run " + run + " joins at " + c[0] + " after " + previous[previous.length - 1]);
            assertTrue(c[c.length - 1] <= c[0], "and keeps fading");
            previous = c;
        }
        assertTrue(Math.abs(previous[previous.length - 1]) < 20, "ends in silence");
    }

    @Test
    void aSenderThatRestartsItsNumberingIsFollowed() {
        JitterBuffer jb = new JitterBuffer(1, 10);
        jb.push(500, frame(500));
        jb.pull();
        for (int i = 0; i < 4; i++) {
            jb.pull();
        }
        assertFalse(jb.playing());
        assertTrue(jb.push(0, frame(0)), "numbering restarted far behind: not late");
        assertArrayEquals(frame(0), jb.pull());
    }

    @Test
    void aStreamThatStaysDryGoesIdleAndRestartsCleanly() {
        JitterBuffer jb = new JitterBuffer(1, 10);
        jb.push(0, frame(0));
        jb.pull();
        for (int i = 0; i < 3; i++) {
            assertTrue(jb.pull() != null, "concealed tick " + i);
        }
        assertNull(jb.pull(), "idle after concealment runs out");
        assertFalse(jb.playing());
        jb.push(50, frame(50));
        assertArrayEquals(frame(50), jb.pull());
    }

    @Test
    void aBacklogBeyondTheMaximumIsSkippedAndCounted() {
        JitterBuffer jb = new JitterBuffer(2, 4);
        jb.push(0, frame(0));
        jb.push(1, frame(1));
        jb.pull();
        for (long s = 2; s < 12; s++) {
            jb.push(s, frame(s));
        }
        assertTrue(jb.skipped() > 0);
        assertTrue(jb.depth() <= 4);
        assertArrayEquals(frame(10), jb.pull());
    }
}
