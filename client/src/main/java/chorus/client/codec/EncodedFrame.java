package chorus.client.codec;

import java.nio.ByteBuffer;

/**
 * One encoded video frame: {@code data} position to limit, in a buffer the encoder reuses (valid
 * until its next call); {@code keyframe} when the frame decodes on its own (an H.264 IDR, every JPEG).
 */
public record EncodedFrame(ByteBuffer data, boolean keyframe) {
}
