package chorus.client.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chorus.protocol.media.Codec;
import chorus.protocol.media.MediaHeader;
import chorus.protocol.media.MediaKind;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One simulcast layer of a load sender: its rate, pausing for dynacast, and keyframes when asked or resumed. */
class VideoLayerStreamTest {
    /** A 10-frame loop whose frame 0 alone is a keyframe; each frame's first byte is its position. */
    private static MediaClip gop() {
        List<MediaClip.Frame> frames = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            frames.add(new MediaClip.Frame(new byte[] {(byte) i, 1, 2}, i == 0 ? MediaHeader.FLAG_KEYFRAME : 0, 0));
        }
        return new MediaClip(MediaKind.VIDEO, Codec.H264, "test GOP", frames);
    }

    private static VideoLayerStream layer(int fps) {
        return new VideoLayerStream(7, 1, new LoadSpec.VideoLayer(360, fps, gop()), System.nanoTime());
    }

    @Test
    void aLayerAtHalfTheRunsRateSendsEveryOtherSlotAndItsOwnStreamOfTheLayer() {
        VideoLayerStream half = layer(15);
        int sent = 0;
        for (int slot = 0; slot < 30; slot++) {
            if (half.next(30, true, true) != null) {
                sent++;
            }
        }
        assertEquals(15, sent);
        assertEquals(15, half.framesSentMeasured);
        assertEquals(1, half.fragmenter.layer(), "the layer byte its fragments carry");
    }

    @Test
    void anUnwantedLayerIsPausedAndCountedAndResumesAtTheClipsKeyframe() {
        VideoLayerStream s = layer(30);
        for (int i = 0; i < 4; i++) {
            assertNotNull(s.next(30, true, false));
        }
        for (int i = 0; i < 5; i++) {
            assertNull(s.next(30, false, i >= 2), "nobody wants it: nothing sent");
        }
        assertEquals(5, s.framesPaused);
        assertEquals(3, s.framesPausedMeasured);
        MediaClip.Frame resumed = s.next(30, true, true);
        assertTrue(resumed.keyframe(), "a resumed layer starts with its keyframe");
        assertEquals(1, s.keyframesForced);
        assertEquals(4, s.next(30, true, true).data()[0],
                "then the loop goes on where it was (senders asked at once keep their phases apart)");
    }

    @Test
    void aKeyframeRequestForTheLayerIsAnsweredWithTheKeyframeOnce() {
        VideoLayerStream s = layer(30);
        MediaClip.Frame first = s.next(30, true, true);
        assertTrue(first.keyframe());
        s.next(30, true, true);
        s.next(30, true, true);
        s.requestKeyframe();
        assertTrue(s.next(30, true, true).keyframe(), "answered with the next frame");
        assertEquals(1, s.keyframeRequests());
        assertEquals(3, s.next(30, true, true).data()[0], "and the loop keeps its phase");
    }
}
