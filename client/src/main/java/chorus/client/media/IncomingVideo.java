package chorus.client.media;

import chorus.client.codec.VideoDecoder;
import chorus.client.codec.VideoEncoding;
import chorus.protocol.media.MediaHeader;
import chorus.protocol.media.Reassembler;
import java.awt.image.BufferedImage;
import java.util.concurrent.atomic.LongAdder;

/**
 * One sender stream as received: its decoder (made for the codec its frames carry, again if that
 * changes), the frame ids seen, so a gap or a late frame breaks an H.264 reference chain instead
 * of smearing the picture, and the test pattern's frame counter read back from each picture.
 * Decoded on the receive thread; {@link #needsKeyframe} may be read from anywhere.
 */
final class IncomingVideo {
    /** What became of one frame. */
    enum Outcome { DECODED, UNDECODABLE, SKIPPED }

    private VideoDecoder decoder;
    private long lastFrameId = -1;
    private long lastCounter = -1;
    private volatile boolean needsKeyframe = true;
    private final LongAdder countersReadBack;
    private BufferedImage image;
    private boolean closed;

    /** @param countersReadBack counts this sender's pictures whose frame counter read back (kept after a close) */
    IncomingVideo(LongAdder countersReadBack) {
        this.countersReadBack = countersReadBack;
    }

    /** Decodes {@code frame}; {@link #image()} is the picture after {@link Outcome#DECODED}. */
    synchronized Outcome decode(Reassembler.Frame frame) {
        image = null;
        if (closed) {
            return Outcome.SKIPPED; // the sender left while this frame was on its way
        }
        if (decoder == null || decoder.codec() != frame.codec()) {
            freeDecoder();
            decoder = VideoEncoding.newDecoder(frame.codec());
            lastFrameId = -1;
            if (decoder == null) {
                return Outcome.UNDECODABLE;
            }
        }
        if (lastFrameId >= 0) {
            int ahead = (int) (frame.frameId() - lastFrameId); // frame ids are 32-bit and wrap
            if (ahead <= 0) {
                return Outcome.SKIPPED; // late: after a newer frame it can only break the picture
            }
            if (ahead > 1) {
                decoder.frameLost();
            }
        }
        lastFrameId = frame.frameId();
        boolean keyframe = (frame.flags() & MediaHeader.FLAG_KEYFRAME) != 0;
        if (decoder.needsKeyframe() && !keyframe) {
            needsKeyframe = true;
            return Outcome.SKIPPED;
        }
        byte[] data = frame.data();
        image = decoder.decode(data, 0, data.length, keyframe);
        needsKeyframe = decoder.needsKeyframe();
        if (image == null) {
            return Outcome.UNDECODABLE;
        }
        readCounter(image);
        return Outcome.DECODED;
    }

    /** Counts pictures whose {@link FrameCounterStrip} reads and has moved on from the last one read. */
    private void readCounter(BufferedImage picture) {
        long counter = FrameCounterStrip.read(picture);
        if (counter < 0) {
            return;
        }
        long modulus = 1L << FrameCounterStrip.COUNTER_BITS;
        long ahead = lastCounter < 0 ? 1 : Math.floorMod(counter - lastCounter, modulus);
        if (ahead > 0 && ahead < modulus / 2) {
            countersReadBack.increment();
        }
        lastCounter = counter;
    }

    BufferedImage image() {
        return image;
    }

    boolean needsKeyframe() {
        return needsKeyframe;
    }

    /** Frees the decoder; synchronized with {@link #decode}, so a late close never frees it mid-frame. */
    synchronized void close() {
        closed = true;
        freeDecoder();
    }

    private void freeDecoder() {
        if (decoder != null) {
            decoder.close();
            decoder = null;
        }
    }
}
