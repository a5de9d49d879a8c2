package chorus.client.codec;

import java.awt.image.BufferedImage;

/** Turns pictures into frames of one codec for one sending stream. Not thread-safe. */
public interface VideoEncoder extends AutoCloseable {
    /** The codec id of the frames ({@link chorus.protocol.media.Codec}). */
    int codec();

    /**
     * Encodes one picture; with {@code keyframe} the frame decodes on its own. Returns null when the
     * encoder produced nothing for this picture.
     */
    EncodedFrame encode(BufferedImage image, boolean keyframe);

    /** Frees what the encoder holds; it is not used afterwards. */
    @Override
    void close();
}
