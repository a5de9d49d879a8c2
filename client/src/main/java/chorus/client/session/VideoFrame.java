package chorus.client.session;

import java.awt.image.BufferedImage;

/**
 * One complete video frame received from another participant. {@code image} is null when the
 * client does not decode video or the JPEG could not be decoded.
 */
public record VideoFrame(String from, int mediaId, long frameId, long timestamp, byte[] jpeg, BufferedImage image) {
}
