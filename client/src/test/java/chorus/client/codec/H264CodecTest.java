package chorus.client.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chorus.client.media.FrameCounterStrip;
import chorus.client.media.TestPattern;
import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class H264CodecTest {
    private static final int FPS = 30;
    private static final int FRAMES = 90;

    @Test
    void theOpenH264EncoderIsInThisFfmpegBuild() {
        assertTrue(H264Encoder.available(), "libopenh264 in JavaCV's FFmpeg");
    }

    @Test
    void everyFrameDecodesToTheTestPatternItWasAtTheTargetBitrate() {
        TestPattern pattern = new TestPattern("alice", FPS);
        long bytes = 0;
        int readBack = 0;
        try (VideoEncoder encoder = VideoEncoding.H264.newEncoder(FPS); VideoDecoder decoder = new H264Decoder()) {
            for (int i = 0; i < FRAMES; i++) {
                byte[] frame = copy(encoder.encode(pattern.render(i), false));
                bytes += frame.length;
                BufferedImage image = decoder.decode(frame, 0, frame.length, i == 0);
                assertNotNull(image, "frame " + i + " decodes");
                assertEquals(TestPattern.WIDTH, image.getWidth());
                assertEquals(TestPattern.HEIGHT, image.getHeight());
                if (FrameCounterStrip.read(image) == i) {
                    readBack++;
                }
            }
        }
        assertEquals(FRAMES, readBack, "the frame counter of every frame reads back");
        double bitsPerSecond = bytes * 8.0 * FPS / FRAMES;
        assertTrue(bitsPerSecond <= VideoEncoding.DEFAULT_BITRATE * 1.25,
                "uplink " + Math.round(bitsPerSecond / 1000) + " kbit/s for a target of "
                        + VideoEncoding.DEFAULT_BITRATE / 1000);
    }

    @Test
    void theFirstFrameIsAnIdrWithItsParameterSetsAndTheRestOfTheGopIsNot() {
        TestPattern pattern = new TestPattern("alice", FPS);
        List<EncodedFrame> frames = new ArrayList<>();
        try (VideoEncoder encoder = VideoEncoding.H264.newEncoder(FPS)) {
            for (int i = 0; i < 30; i++) {
                EncodedFrame frame = encoder.encode(pattern.render(i), false);
                frames.add(new EncodedFrame(ByteBuffer.wrap(copy(frame)), frame.keyframe()));
            }
        }
        assertTrue(frames.get(0).keyframe());
        assertTrue(AnnexB.isKeyframe(frames.get(0).data().array(), 0, frames.get(0).data().remaining()),
                "an IDR with SPS and PPS in front");
        for (int i = 1; i < frames.size(); i++) {
            byte[] b = frames.get(i).data().array();
            assertFalse(frames.get(i).keyframe(), "frame " + i + " is predicted");
            assertFalse(AnnexB.contains(b, 0, b.length, H264Encoder.NAL_IDR), "frame " + i + " holds no IDR");
        }
    }

    @Test
    void aRequestedKeyframeIsFlaggedAndDecodesAloneInAFreshDecoder() {
        TestPattern pattern = new TestPattern("alice", FPS);
        try (VideoEncoder encoder = VideoEncoding.H264.newEncoder(FPS)) {
            for (int i = 0; i < 10; i++) {
                encoder.encode(pattern.render(i), false);
            }
            EncodedFrame requested = encoder.encode(pattern.render(10), true);
            byte[] idr = copy(requested);
            assertTrue(requested.keyframe(), "the requested frame is flagged a keyframe");
            assertTrue(AnnexB.isKeyframe(idr, 0, idr.length), "an IDR with SPS and PPS");
            byte[] next = copy(encoder.encode(pattern.render(11), false));
            try (VideoDecoder fresh = new H264Decoder()) {
                assertTrue(fresh.needsKeyframe());
                BufferedImage image = fresh.decode(idr, 0, idr.length, true);
                assertNotNull(image, "decodes with no frame before it");
                assertEquals(10, FrameCounterStrip.read(image));
                assertFalse(fresh.needsKeyframe());
                BufferedImage after = fresh.decode(next, 0, next.length, false);
                assertNotNull(after);
                assertEquals(11, FrameCounterStrip.read(after));
            }
        }
    }

    @Test
    void aDecoderThatJoinsMidStreamWaitsForAKeyframe() {
        TestPattern pattern = new TestPattern("alice", FPS);
        try (VideoEncoder encoder = VideoEncoding.H264.newEncoder(FPS); VideoDecoder decoder = new H264Decoder()) {
            encoder.encode(pattern.render(0), false);
            byte[] predicted = copy(encoder.encode(pattern.render(1), false));
            assertNull(decoder.decode(predicted, 0, predicted.length, false), "a P-frame alone shows nothing");
            assertTrue(decoder.needsKeyframe());
            byte[] idr = copy(encoder.encode(pattern.render(2), true));
            BufferedImage image = decoder.decode(idr, 0, idr.length, true);
            assertNotNull(image);
            assertEquals(2, FrameCounterStrip.read(image));
        }
    }

    @Test
    void aLostFrameMakesTheDecoderWaitForTheNextKeyframe() {
        TestPattern pattern = new TestPattern("alice", FPS);
        try (VideoEncoder encoder = VideoEncoding.H264.newEncoder(FPS); VideoDecoder decoder = new H264Decoder()) {
            byte[] first = copy(encoder.encode(pattern.render(0), false));
            assertNotNull(decoder.decode(first, 0, first.length, true));
            encoder.encode(pattern.render(1), false); // lost on the way
            byte[] third = copy(encoder.encode(pattern.render(2), false));
            decoder.frameLost();
            assertTrue(decoder.needsKeyframe());
            assertNull(decoder.decode(third, 0, third.length, false));
            byte[] idr = copy(encoder.encode(pattern.render(3), true));
            assertEquals(3, FrameCounterStrip.read(decoder.decode(idr, 0, idr.length, true)));
        }
    }

    @Test
    void garbageDoesNotDecodeAndTheNextKeyframeDoes() {
        TestPattern pattern = new TestPattern("alice", FPS);
        try (VideoEncoder encoder = VideoEncoding.H264.newEncoder(FPS); VideoDecoder decoder = new H264Decoder()) {
            byte[] first = copy(encoder.encode(pattern.render(0), false));
            assertNotNull(decoder.decode(first, 0, first.length, true));
            byte[] second = copy(encoder.encode(pattern.render(1), false));
            byte[] corrupt = corrupt(second);
            assertNull(decoder.decode(corrupt, 0, corrupt.length, false), "a corrupted frame shows nothing");
            assertTrue(decoder.needsKeyframe());
            byte[] noise = {0, 0, 0, 1, 0x65, 1, 2, 3};
            assertNull(decoder.decode(noise, 0, noise.length, true), "a flagged keyframe that is not one");
            byte[] idr = copy(encoder.encode(pattern.render(2), true));
            assertEquals(2, FrameCounterStrip.read(decoder.decode(idr, 0, idr.length, true)));
        }
    }

    @Test
    void aPictureOfOddSizeIsEncodedAtTheEvenSizeBelowIt() {
        BufferedImage odd = new BufferedImage(321, 241, BufferedImage.TYPE_INT_RGB);
        try (VideoEncoder encoder = VideoEncoding.H264.newEncoder(FPS); VideoDecoder decoder = new H264Decoder()) {
            byte[] frame = copy(encoder.encode(odd, false));
            BufferedImage image = decoder.decode(frame, 0, frame.length, true);
            assertEquals(320, image.getWidth());
            assertEquals(240, image.getHeight());
        }
    }

    @Test
    void aNewPictureSizeStartsWithAKeyframe() {
        try (VideoEncoder encoder = VideoEncoding.H264.newEncoder(FPS)) {
            assertTrue(encoder.encode(new BufferedImage(320, 240, BufferedImage.TYPE_3BYTE_BGR), false).keyframe());
            assertFalse(encoder.encode(new BufferedImage(320, 240, BufferedImage.TYPE_3BYTE_BGR), false).keyframe());
            assertTrue(encoder.encode(new BufferedImage(640, 360, BufferedImage.TYPE_3BYTE_BGR), false).keyframe());
        }
    }

    @Test
    void jpegFramesAllStandAloneAndReadBack() {
        TestPattern pattern = new TestPattern("alice", FPS);
        try (VideoEncoder encoder = VideoEncoding.JPEG.newEncoder(FPS); VideoDecoder decoder = new JpegVideoDecoder()) {
            for (int i = 0; i < 3; i++) {
                EncodedFrame frame = encoder.encode(pattern.render(i), false);
                assertTrue(frame.keyframe());
                byte[] b = copy(frame);
                assertEquals(i, FrameCounterStrip.read(decoder.decode(b, 0, b.length, true)));
            }
            assertFalse(decoder.needsKeyframe());
            assertNull(decoder.decode(new byte[] {1, 2, 3}, 0, 3, true));
        }
    }

    @Test
    void flippedBitsTruncationsAndNoiseNeverCrashTheDecoderAndAKeyframeAlwaysRecovers() {
        TestPattern pattern = new TestPattern("alice", FPS);
        java.util.Random random = new java.util.Random(13);
        try (VideoEncoder encoder = VideoEncoding.H264.newEncoder(FPS); VideoDecoder decoder = new H264Decoder()) {
            for (int round = 0; round < 60; round++) {
                byte[] frame = copy(encoder.encode(pattern.render(round), round % 10 == 0));
                byte[] bad = switch (round % 3) {
                    case 0 -> java.util.Arrays.copyOf(frame, random.nextInt(frame.length));
                    case 1 -> flipBits(frame, random);
                    default -> noise(random);
                };
                decoder.decode(bad, 0, bad.length, random.nextBoolean()); // may or may not show something
                byte[] idr = copy(encoder.encode(pattern.render(1000 + round), true));
                BufferedImage image = decoder.decode(idr, 0, idr.length, true);
                assertNotNull(image, "round " + round + ": the keyframe after bad input decodes");
                assertEquals(1000 + round, FrameCounterStrip.read(image));
            }
        }
    }

    private static byte[] flipBits(byte[] frame, java.util.Random random) {
        byte[] bad = frame.clone();
        for (int i = 0; i < 8; i++) {
            int at = 5 + random.nextInt(bad.length - 5);
            bad[at] ^= (byte) (1 << random.nextInt(8));
        }
        return bad;
    }

    private static byte[] noise(java.util.Random random) {
        byte[] bad = new byte[1 + random.nextInt(4000)];
        random.nextBytes(bad);
        if (random.nextBoolean() && bad.length > 5) {
            bad[0] = 0;
            bad[1] = 0;
            bad[2] = 0;
            bad[3] = 1; // looks like a NAL unit of a random type
        }
        return bad;
    }

    static byte[] copy(EncodedFrame frame) {
        ByteBuffer data = frame.data().duplicate();
        byte[] copy = new byte[data.remaining()];
        data.get(copy);
        return copy;
    }

    /** The slice data after the first slice header overwritten, its start code and NAL header kept. */
    static byte[] corrupt(byte[] frame) {
        byte[] bad = frame.clone();
        for (int i = 8; i < bad.length; i++) {
            bad[i] = (byte) (0xA5 ^ i);
        }
        return bad;
    }
}
