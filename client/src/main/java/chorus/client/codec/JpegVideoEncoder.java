package chorus.client.codec;

import chorus.protocol.media.Codec;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Every picture as a baseline JPEG that stands alone (so every frame is a keyframe). */
public final class JpegVideoEncoder implements VideoEncoder {
    private final JpegEncoder jpeg;
    private BufferedImage opaque;

    public JpegVideoEncoder(float quality) {
        this.jpeg = new JpegEncoder(quality);
    }

    @Override
    public int codec() {
        return Codec.JPEG;
    }

    @Override
    public EncodedFrame encode(BufferedImage image, boolean keyframe) {
        try {
            return new EncodedFrame(jpeg.encode(withoutAlpha(image)), true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode a picture as JPEG", e);
        }
    }

    /** The JPEG writer rejects images with alpha. */
    private BufferedImage withoutAlpha(BufferedImage image) {
        if (!image.getColorModel().hasAlpha()) {
            return image;
        }
        if (opaque == null || opaque.getWidth() != image.getWidth() || opaque.getHeight() != image.getHeight()) {
            opaque = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
        }
        Graphics2D g = opaque.createGraphics();
        g.drawImage(image, 0, 0, null);
        g.dispose();
        return opaque;
    }

    @Override
    public void close() {
    }
}
