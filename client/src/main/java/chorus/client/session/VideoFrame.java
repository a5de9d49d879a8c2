package chorus.client.session;

import java.awt.image.BufferedImage;

/**
 * One complete video frame received from another participant: {@code data} as sent (a JPEG or an
 * H.264 access unit). {@code image} is null when the client does not decode
 * video, the frame could not be decoded, its sender's H.264 waits for a keyframe, or it is of a
 * simulcast layer other than the one the decoder follows. {@code layer}: the simulcast layer (0 for a screen).
 */
public record VideoFrame(String from, int mediaId, long frameId, long timestamp, byte[] data, BufferedImage image,
                         int layer) {
}
