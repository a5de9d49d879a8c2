package chorus.client.session;

import chorus.client.codec.VideoEncoding;
import chorus.client.media.AudioSource;
import chorus.client.media.VideoSource;
import chorus.protocol.audio.AudioFormat;
import chorus.protocol.media.Codec;
import chorus.protocol.media.Fragmenter;
import chorus.protocol.media.MediaKind;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sending half of a {@link MediaSession}: camera and screen pictures encoded with their stream's
 * codec ({@link OutgoingVideo}), each frame cut into datagrams (sealed by the socket) (video and
 * screen for the video socket, audio for the audio socket) and counted, and the sources that feed
 * them on the session's clocks: audio every 20 ms, video and screen at their frame rates, skipping
 * a frame rather than sending a burst when encoding falls behind. Sends nothing once halted (a
 * frozen or closed session).
 *
 * <p>The screen stays JPEG: a shared screen is sent at a few frames a second, where every frame
 * standing alone costs little and a receiver that joins or loses a frame sees the slide at once,
 * sharp text included, without waiting for a keyframe.
 */
final class MediaSender {
    private static final Logger log = LoggerFactory.getLogger(MediaSender.class);

    /** Text on screens stays readable at this quality, and a still screen is small. */
    static final VideoEncoding SCREEN_ENCODING = VideoEncoding.JPEG.withJpegQuality(0.6f);

    private final OutgoingVideo video;
    private final OutgoingVideo screen;
    private final Fragmenter audioFragmenter;
    private final Fragmenter.PacketSink videoOut;
    private final Fragmenter.PacketSink audioOut;
    private final AtomicLong videoFramesSent = new AtomicLong();
    private final AtomicLong screenFramesSent = new AtomicLong();
    private final AtomicLong audioFramesSent = new AtomicLong();
    private final AtomicLong videoSourceErrors = new AtomicLong();
    private final AtomicLong encodeErrors = new AtomicLong();
    private final long startNanos = System.nanoTime();
    // audio sending state: the media clock thread only
    private final short[] audioSamples = new short[AudioFormat.FRAME_SAMPLES];
    private final byte[] audioBytes = new byte[AudioFormat.FRAME_BYTES];
    private long audioTimestamp;
    // guarded by this
    private ScheduledFuture<?> videoTask;
    private ScheduledFuture<?> screenTask;
    private ScheduledFuture<?> audioTask;
    private volatile boolean halted;
    private volatile boolean closed;

    /**
     * @param videoEncoding how camera video is encoded
     * @param videoOut      where video and screen datagrams go; {@code audioOut} where audio datagrams go
     */
    MediaSender(int mediaId, VideoEncoding videoEncoding, Fragmenter.PacketSink videoOut,
                Fragmenter.PacketSink audioOut) {
        this.video = new OutgoingVideo(MediaKind.VIDEO, mediaId, videoEncoding);
        this.screen = new OutgoingVideo(MediaKind.SCREEN, mediaId, SCREEN_ENCODING);
        this.audioFragmenter = new Fragmenter(MediaKind.AUDIO, mediaId, Codec.PCM16);
        this.videoOut = videoOut;
        this.audioOut = audioOut;
    }

    /** Nothing more is sent (the session froze). */
    void halt() {
        halted = true;
    }

    /** Nothing more is sent, a failure while closing is not worth a warning, and the encoders are freed. */
    void close() {
        closed = true;
        halted = true;
        video.close();
        screen.close();
    }

    /** Encodes one camera picture with the video codec and sends it; {@code fps} is the camera's rate. */
    void sendVideoFrame(BufferedImage image, int fps) {
        if (!halted && encodeAndSend(video, image, fps)) {
            videoFramesSent.incrementAndGet();
        }
    }

    /** Sends a frame already encoded with the video codec (flagged as a keyframe). */
    void sendVideoFrame(byte[] frame, int offset, int length) {
        if (!halted) {
            video.sendEncoded(frame, offset, length, mediaClock(), videoOut);
            videoFramesSent.incrementAndGet();
        }
    }

    void sendScreenFrame(BufferedImage image, int fps) {
        if (!halted && encodeAndSend(screen, image, fps)) {
            screenFramesSent.incrementAndGet();
        }
    }

    /** An encoder that fails is counted (the first failure logged) and the stream goes on with the next picture. */
    private boolean encodeAndSend(OutgoingVideo stream, BufferedImage image, int fps) {
        try {
            return stream.send(image, fps, mediaClock(), videoOut);
        } catch (RuntimeException e) {
            if (encodeErrors.getAndIncrement() == 0 && !closed) {
                log.warn("cannot encode a picture: {}", e.getMessage());
            }
            return false;
        }
    }

    /**
     * The next frame of {@code kind} ({@link MediaKind#VIDEO} or {@link MediaKind#SCREEN}) is encoded
     * as a keyframe: a receiver lost one or joined mid-stream (the relay passes its request on).
     */
    void requestKeyframe(MediaKind kind) {
        if (kind == MediaKind.VIDEO) {
            video.requestKeyframe();
        } else if (kind == MediaKind.SCREEN) {
            screen.requestKeyframe();
        } else {
            throw new IllegalArgumentException("no keyframes for " + kind);
        }
    }

    int videoCodec() {
        return video.codec();
    }

    long encodeErrors() {
        return encodeErrors.get();
    }

    long videoKeyframesSent() {
        return video.keyframesSent();
    }

    private long mediaClock() {
        return (System.nanoTime() - startNanos) * 9 / 100_000; // 90 kHz media clock
    }

    void sendAudioFrame(short[] samples) {
        if (halted) {
            return;
        }
        synchronized (audioFragmenter) {
            AudioFormat.toBytes(samples, audioBytes);
            audioFragmenter.send(audioBytes, 0, audioBytes.length, audioTimestamp, 0, audioOut);
            audioTimestamp += AudioFormat.FRAME_SAMPLES; // 48 kHz media clock: one tick per sample
        }
        audioFramesSent.incrementAndGet();
    }

    synchronized void startAudio(ScheduledExecutorService clock, AudioSource source) {
        stopAudio();
        audioTask = clock.scheduleAtFixedRate(guarded("audio send", () -> {
            if (halted) {
                return;
            }
            source.read(audioSamples);
            sendAudioFrame(audioSamples);
        }), 0, AudioFormat.FRAME_MILLIS, TimeUnit.MILLISECONDS);
    }

    synchronized void stopAudio() {
        if (audioTask != null) {
            audioTask.cancel(false);
            audioTask = null;
        }
    }

    synchronized void startVideo(ScheduledExecutorService clock, VideoSource source, int fps) {
        checkFps(fps);
        stopVideo();
        videoTask = sendPeriodically(clock, "video", source, fps, image -> sendVideoFrame(image, fps));
    }

    synchronized void stopVideo() {
        if (videoTask != null) {
            videoTask.cancel(false);
            videoTask = null;
        }
    }

    synchronized void startScreen(ScheduledExecutorService clock, VideoSource source, int fps) {
        checkFps(fps);
        stopScreen();
        screenTask = sendPeriodically(clock, "screen", source, fps, image -> sendScreenFrame(image, fps));
    }

    synchronized void stopScreen() {
        if (screenTask != null) {
            screenTask.cancel(false);
            screenTask = null;
        }
    }

    static void checkFps(int fps) {
        if (fps < 1 || fps > 120) {
            throw new IllegalArgumentException("fps " + fps + " is outside 1..120");
        }
    }

    /** Where a periodic sender puts each picture. */
    private interface FrameSink {
        void send(BufferedImage image);
    }

    /** When encoding falls behind, frames are skipped rather than sent in a burst. */
    private ScheduledFuture<?> sendPeriodically(ScheduledExecutorService clock, String what, VideoSource source, int fps,
                                                FrameSink sink) {
        long periodNanos = 1_000_000_000L / fps;
        long[] lastSent = {System.nanoTime() - periodNanos};
        return clock.scheduleAtFixedRate(guarded(what + " send", () -> {
            long now = System.nanoTime();
            if (halted || now - lastSent[0] < periodNanos / 2) {
                return; // a catch-up run of the fixed-rate clock: skip instead of bursting
            }
            lastSent[0] = now;
            BufferedImage frame;
            try {
                frame = source.nextFrame();
            } catch (IOException e) {
                if (videoSourceErrors.getAndIncrement() == 0) {
                    log.warn("{} source failed: {}", what, e.getMessage());
                }
                return;
            }
            if (frame == null) {
                return; // nothing to send this time (a capture that is not ready)
            }
            sink.send(frame);
        }), 0, periodNanos / 1000, TimeUnit.MICROSECONDS);
    }

    /** A fixed-rate task that survives its own failures (an exception would silently cancel it). */
    private Runnable guarded(String what, Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                if (!closed) {
                    log.warn("{} failed", what, e);
                }
            }
        };
    }

    long videoFramesSent() {
        return videoFramesSent.get();
    }

    long screenFramesSent() {
        return screenFramesSent.get();
    }

    long audioFramesSent() {
        return audioFramesSent.get();
    }
}
