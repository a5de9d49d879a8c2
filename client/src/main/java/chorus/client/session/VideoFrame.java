package chorus.client.session;

import java.awt.image.BufferedImage;

/**
 * One complete video frame received from another participant: {@code data} as sent (a JPEG or an
 * H.264 access unit). {@code image} is null when the client does not decode
 * video, the frame could not be decoded, or its sender's H.264 waits for a keyframe.
 */
public record VideoFrame(String from, int mediaId, long frameId, long timestamp, byte[] data, BufferedImage image) {
}
