package chorus.client.session;

import chorus.client.codec.EncodedFrame;
import chorus.client.codec.VideoEncoder;
import chorus.client.codec.VideoEncoding;
import chorus.protocol.media.Fragmenter;
import chorus.protocol.media.MediaHeader;
import chorus.protocol.media.MediaKind;
import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One outgoing video stream (the camera or the screen): its encoder, made on first use and again
 * when the frame rate changes, and its fragmenter, with the keyframe flag on real keyframes only.
 * A keyframe request makes the next frame an IDR. One thread encodes at a time (the lock), and
 * {@link #close} frees the encoder's native memory.
 */
final class OutgoingVideo {
    private final VideoEncoding encoding;
    private final Fragmenter fragmenter;
    private final AtomicBoolean keyframeRequested = new AtomicBoolean();
    private final AtomicLong keyframesSent = new AtomicLong();
    // guarded by this
    private VideoEncoder encoder;
    private int encoderFps;
    private boolean closed;

    OutgoingVideo(MediaKind kind, int mediaId, VideoEncoding encoding) {
        this.encoding = encoding;
        this.fragmenter = new Fragmenter(kind, mediaId, encoding.codec());
    }

    int codec() {
        return encoding.codec();
    }

    /** Encodes {@code image} and sends it; false when nothing was sent (closed, or the encoder gave nothing). */
    synchronized boolean send(BufferedImage image, int fps, long timestamp, Fragmenter.PacketSink out) {
        if (closed) {
            return false;
        }
        if (encoder == null || encoderFps != fps) {
            if (encoder != null) {
                encoder.close();
            }
            encoder = encoding.newEncoder(fps);
            encoderFps = fps;
        }
        EncodedFrame frame = encoder.encode(image, keyframeRequested.getAndSet(false));
        if (frame == null) {
            return false;
        }
        ByteBuffer data = frame.data();
        fragmenter.send(data.array(), data.arrayOffset() + data.position(), data.remaining(), timestamp,
                frame.keyframe() ? MediaHeader.FLAG_KEYFRAME : 0, out);
        if (frame.keyframe()) {
            keyframesSent.incrementAndGet();
        }
        return true;
    }

    /** Sends a frame already encoded with this stream's codec (a test's or a flood's bytes), flagged as a keyframe. */
    synchronized void sendEncoded(byte[] frame, int offset, int length, long timestamp, Fragmenter.PacketSink out) {
        if (!closed) {
            fragmenter.send(frame, offset, length, timestamp, MediaHeader.FLAG_KEYFRAME, out);
        }
    }

    /** The next frame encoded is a keyframe. */
    void requestKeyframe() {
        keyframeRequested.set(true);
    }

    long keyframesSent() {
        return keyframesSent.get();
    }

    synchronized void close() {
        closed = true;
        if (encoder != null) {
            encoder.close();
            encoder = null;
        }
    }
}
