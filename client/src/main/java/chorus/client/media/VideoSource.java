package chorus.client.media;

import java.awt.image.BufferedImage;
import java.io.IOException;

/**
 * Something that produces the pictures a client sends (the sender encodes them with the stream's
 * codec): one picture per call.
 */
@FunctionalInterface
public interface VideoSource {
    /**
     * The next picture, valid only until the next call (sources reuse their image), or null when
     * there is none this time (a capture that is not ready).
     */
    BufferedImage nextFrame() throws IOException;
}
