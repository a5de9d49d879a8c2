package chorus.client.codec;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Iterator;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Encodes captured pictures as baseline JPEG for the wire, reusing one writer and one buffer. Not
 * thread-safe: one per sending stream, used on its video clock.
 */
public final class JpegEncoder {
    public static final float DEFAULT_QUALITY = 0.7f;

    private final ImageWriter writer;
    private final ImageWriteParam param;
    private final Buffer buffer = new Buffer();

    static {
        ImageIO.setUseCache(false); // encode in memory, never through temporary files
    }

    public JpegEncoder() {
        this(DEFAULT_QUALITY);
    }

    public JpegEncoder(float quality) {
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("jpeg");
        if (!writers.hasNext()) {
            throw new IllegalStateException("this Java runtime has no JPEG encoder");
        }
        writer = writers.next();
        param = writer.getDefaultWriteParam();
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(quality);
    }

    /**
     * The image as a JPEG, position to limit, in a buffer valid until the next call. Images with
     * an alpha channel are not accepted by the JPEG writer: pass RGB or BGR ones.
     */
    public ByteBuffer encode(BufferedImage image) throws IOException {
        buffer.reset();
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(buffer)) {
            writer.setOutput(out);
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.setOutput(null);
        }
        return ByteBuffer.wrap(buffer.array(), 0, buffer.size());
    }

    /** A byte stream whose array is lent out, so a frame is not copied once more. */
    private static final class Buffer extends ByteArrayOutputStream {
        Buffer() {
            super(64 * 1024);
        }

        byte[] array() {
            return buf;
        }
    }
}
