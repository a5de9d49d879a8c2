package chorus.client.call;

import chorus.client.session.VideoFrame;
import java.awt.image.BufferedImage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The newest picture from each other participant, by media id, and when it arrived: a tile shows
 * the picture while they keep coming and the placeholder once they stop for {@link #ACTIVE_NANOS}.
 */
final class RemoteVideo {
    /** Video that has not arrived for this long counts as stopped. */
    static final long ACTIVE_NANOS = TimeUnit.SECONDS.toNanos(2);

    record Latest(BufferedImage image, long frames, long arrivedNanos) {
        boolean active(long nowNanos) {
            return image != null && nowNanos - arrivedNanos < ACTIVE_NANOS;
        }
    }

    private final ConcurrentHashMap<Integer, Latest> byMediaId = new ConcurrentHashMap<>();

    /** On the video receive thread. The decoded image is new for every frame and never changed. */
    void onFrame(VideoFrame frame) {
        if (frame.image() == null) {
            return; // undecodable: keep showing the last good picture until it goes stale
        }
        long now = System.nanoTime();
        byMediaId.merge(frame.mediaId(), new Latest(frame.image(), 1, now),
                (old, next) -> new Latest(next.image(), old.frames() + 1, now));
    }

    Latest latest(int mediaId) {
        return byMediaId.get(mediaId);
    }

    void forget(int mediaId) {
        byMediaId.remove(mediaId);
    }
}
