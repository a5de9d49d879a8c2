package chorus.client.codec;

import chorus.protocol.media.Codec;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import javax.imageio.ImageIO;

/** JPEG frames through ImageIO: each stands alone, so no loss ever waits for a keyframe. */
public final class JpegVideoDecoder implements VideoDecoder {
    static {
        ImageIO.setUseCache(false); // decode in memory, never through temporary files
    }

    @Override
    public int codec() {
        return Codec.JPEG;
    }

    @Override
    public BufferedImage decode(byte[] frame, int offset, int length, boolean keyframe) {
        try {
            return ImageIO.read(new ByteArrayInputStream(frame, offset, length));
        } catch (IOException | RuntimeException e) {
            return null; // ImageIO signals corrupt input either way; the caller counts it
        }
    }

    @Override
    public void frameLost() {
    }

    @Override
    public boolean needsKeyframe() {
        return false;
    }

    @Override
    public void close() {
    }
}
