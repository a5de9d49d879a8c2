package chorus.client.session;

import chorus.client.codec.EncodedFrame;
import chorus.client.codec.Simulcast;
import chorus.client.codec.VideoEncoder;
import chorus.client.codec.VideoEncoding;
import chorus.protocol.media.Fragmenter;
import chorus.protocol.media.MediaHeader;
import chorus.protocol.media.MediaKind;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One outgoing video stream (the screen, or one simulcast layer of the camera): its encoder, made on
 * first use and again when the frame rate changes, and its fragmenter (the layer's own sequences
 * and frame ids), with the keyframe flag on real keyframes only. A layer scales each picture to its
 * height (never up) and keeps to its own frame rate by leaving pictures out. While paused (nobody
 * watches it: dynacast) it encodes nothing, and it starts again with a keyframe. A keyframe request
 * makes the next frame an IDR. One thread encodes at a time (the lock), and {@link #close} frees the
 * encoder's native memory.
 */
final class OutgoingVideo {
    /** What became of one picture. */
    enum Outcome { SENT, PAUSED, RATE_SKIPPED, NOTHING }

    private final VideoEncoding encoding;
    private final Fragmenter fragmenter;
    /** The layer's height, bitrate and rate, or null for a stream sent as it comes (the screen, a single layer). */
    private final Simulcast.Layer layer;
    private final AtomicBoolean keyframeRequested = new AtomicBoolean();
    private final AtomicLong keyframesSent = new AtomicLong();
    private final AtomicLong framesSent = new AtomicLong();
    private final AtomicLong framesPaused = new AtomicLong();
    private volatile boolean paused;
    // guarded by this
    private VideoEncoder encoder;
    private int encoderFps;
    private int rateCredit;
    private BufferedImage scaled;
    private boolean closed;

    /** The screen, or a camera of one layer: pictures sent as they come, at the encoding's bitrate. */
    OutgoingVideo(MediaKind kind, int mediaId, VideoEncoding encoding) {
        this(kind, mediaId, encoding, 0, null);
    }

    /** Simulcast layer {@code index} of the camera, described by {@code layer} (null: as it comes). */
    OutgoingVideo(MediaKind kind, int mediaId, VideoEncoding encoding, int index, Simulcast.Layer layer) {
        this.encoding = encoding;
        this.layer = layer;
        this.fragmenter = new Fragmenter(kind, mediaId, encoding.codec(), index);
    }

    int codec() {
        return encoding.codec();
    }

    int index() {
        return fragmenter.layer();
    }

    /** The height pictures are scaled to, or 0 when sent at their own size. */
    int height() {
        return layer == null ? 0 : layer.height();
    }

    /**
     * Encodes {@code image} (scaled to the layer) and sends it, unless paused or it is not this
     * layer's turn at its frame rate; {@code fps} is the rate pictures come at.
     */
    synchronized Outcome send(BufferedImage image, int fps, long timestamp, Fragmenter.PacketSink out) {
        if (closed) {
            return Outcome.NOTHING;
        }
        if (paused) {
            framesPaused.incrementAndGet();
            return Outcome.PAUSED;
        }
        int streamFps = layer == null ? fps : Math.min(fps, layer.fps());
        // Of every fps pictures, streamFps are sent, evenly spread.
        rateCredit += streamFps;
        if (rateCredit < fps) {
            return Outcome.RATE_SKIPPED;
        }
        rateCredit -= fps;
        if (encoder == null || encoderFps != streamFps) {
            if (encoder != null) {
                encoder.close();
            }
            encoder = layer == null ? encoding.newEncoder(streamFps) : encoding.newEncoder(streamFps, layer.bitrate());
            encoderFps = streamFps;
        }
        EncodedFrame frame = encoder.encode(scaled(image), keyframeRequested.getAndSet(false));
        if (frame == null) {
            return Outcome.NOTHING;
        }
        ByteBuffer data = frame.data();
        fragmenter.send(data.array(), data.arrayOffset() + data.position(), data.remaining(), timestamp,
                frame.keyframe() ? MediaHeader.FLAG_KEYFRAME : 0, out);
        if (frame.keyframe()) {
            keyframesSent.incrementAndGet();
        }
        framesSent.incrementAndGet();
        return Outcome.SENT;
    }

    /** The picture at the layer's height (width by its aspect ratio, even), drawn into a reused image. */
    private BufferedImage scaled(BufferedImage image) {
        if (layer == null || image.getHeight() <= layer.height()) {
            return image;
        }
        int height = layer.height() & ~1;
        int width = Math.max(2, Math.round((float) image.getWidth() * height / image.getHeight()) & ~1);
        if (scaled == null || scaled.getWidth() != width || scaled.getHeight() != height) {
            scaled = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        }
        Graphics2D g = scaled.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(image, 0, 0, width, height, null);
        g.dispose();
        return scaled;
    }

    /** Sends a frame already encoded with this stream's codec (a test's or a flood's bytes), flagged as a keyframe. */
    synchronized void sendEncoded(byte[] frame, int offset, int length, long timestamp, Fragmenter.PacketSink out) {
        if (!closed) {
            fragmenter.send(frame, offset, length, timestamp, MediaHeader.FLAG_KEYFRAME, out);
            framesSent.incrementAndGet();
        }
    }

    /**
     * Pauses the stream (nobody watches it) or resumes it; a resumed stream starts with a keyframe,
     * since receivers switching to it have nothing to decode its frames against.
     */
    void paused(boolean pause) {
        if (paused && !pause) {
            keyframeRequested.set(true);
        }
        paused = pause;
    }

    boolean paused() {
        return paused;
    }

    /** The next frame encoded is a keyframe. */
    void requestKeyframe() {
        keyframeRequested.set(true);
    }

    long keyframesSent() {
        return keyframesSent.get();
    }

    long framesSent() {
        return framesSent.get();
    }

    /** A picture left unread at its source because the stream is paused. */
    void countPaused() {
        framesPaused.incrementAndGet();
    }

    /** Pictures not encoded because the stream was paused. */
    long framesPaused() {
        return framesPaused.get();
    }

    synchronized void close() {
        closed = true;
        if (encoder != null) {
            encoder.close();
            encoder = null;
        }
    }
}
