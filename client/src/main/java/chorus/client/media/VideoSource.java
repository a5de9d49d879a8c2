package chorus.client.media;

import java.io.IOException;
import java.nio.ByteBuffer;

/** Something that produces the video a client sends: one encoded JPEG frame per call. */
@FunctionalInterface
public interface VideoSource {
    /**
     * The next frame, position to limit, in a heap buffer that stays valid only until the next call
     * (sources reuse their encode buffer).
     */
    ByteBuffer nextFrame() throws IOException;
}
