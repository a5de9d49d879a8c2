package chorus.client.codec;

import java.awt.image.BufferedImage;

/**
 * Turns one sender stream's frames of one codec back into pictures. Not thread-safe: one per
 * sender stream, used on its receive thread.
 */
public interface VideoDecoder extends AutoCloseable {
    /** The codec id it decodes ({@link chorus.protocol.media.Codec}). */
    int codec();

    /**
     * The picture in {@code frame[offset, offset + length)}, a new image the caller may keep, or null
     * when the frame cannot be decoded: corrupt, or it needs a keyframe that has not come.
     */
    BufferedImage decode(byte[] frame, int offset, int length, boolean keyframe);

    /** A frame before the next one was lost: a codec with references waits for a keyframe. */
    void frameLost();

    /** True while nothing but a keyframe can be decoded (from the start, after a loss or a corrupt frame). */
    boolean needsKeyframe();

    @Override
    void close();
}
