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
    enum Outcome { DECODED, UNDECODABLE, SKIPPED, OTHER_LAYER }

    private VideoDecoder decoder;
    /** The simulcast layer the decoder follows, -1 before the first frame. */
    private volatile int layer = -1;
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

    /** Decodes {@code frame} of layer 0. */
    Outcome decode(Reassembler.Frame frame) {
        return decode(frame, 0);
    }

    /**
     * Decodes {@code frame} of simulcast {@code frameLayer}; {@link #image()} is the picture after
     * {@link Outcome#DECODED}. One decoder follows one layer at a time: a keyframe of another layer
     * (the relay switches at one) moves it there, afresh, since the layers' frame ids and references
     * have nothing to do with each other; other frames of another layer are left alone.
     */
    synchronized Outcome decode(Reassembler.Frame frame, int frameLayer) {
        image = null;
        if (closed) {
            return Outcome.SKIPPED; // the sender left while this frame was on its way
        }
        if (frameLayer != layer) {
            if ((frame.flags() & MediaHeader.FLAG_KEYFRAME) == 0) {
                return layer < 0 ? Outcome.SKIPPED : Outcome.OTHER_LAYER;
            }
            if (layer >= 0) {
                freeDecoder(); // a new size and a new reference chain: start clean
            }
            layer = frameLayer;
            lastFrameId = -1;
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

    /** The layer the decoder follows, -1 before the first keyframe. */
    int layer() {
        return layer;
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
