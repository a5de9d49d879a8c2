package chorus.client.session;

import chorus.client.media.AudioSource;
import chorus.client.media.VideoSource;
import chorus.protocol.audio.AudioFormat;
import chorus.protocol.media.Codec;
import chorus.protocol.media.Fragmenter;
import chorus.protocol.media.MediaHeader;
import chorus.protocol.media.MediaKind;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sending half of a {@link MediaSession}: each frame cut into datagrams (sealed by the socket) (video and
 * screen for the video socket, audio for the audio socket) and counted, and the sources that feed
 * them on the session's clocks: audio every 20 ms, video and screen at their frame rates, skipping
 * a frame rather than sending a burst when encoding falls behind. Sends nothing once halted (a
 * frozen or closed session).
 */
final class MediaSender {
    private static final Logger log = LoggerFactory.getLogger(MediaSender.class);

    private final Fragmenter videoFragmenter;
    private final Fragmenter screenFragmenter;
    private final Fragmenter audioFragmenter;
    private final Fragmenter.PacketSink videoOut;
    private final Fragmenter.PacketSink audioOut;
    private final AtomicLong videoFramesSent = new AtomicLong();
    private final AtomicLong screenFramesSent = new AtomicLong();
    private final AtomicLong audioFramesSent = new AtomicLong();
    private final AtomicLong videoSourceErrors = new AtomicLong();
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
    /** Set when the relay asks for a keyframe; the encoder takes it ({@link #takeKeyframeRequest}). */
    private volatile boolean videoKeyframeRequested;
    private volatile boolean screenKeyframeRequested;

    /** @param videoOut where video and screen datagrams go; {@code audioOut} where audio datagrams go */
    MediaSender(int mediaId, Fragmenter.PacketSink videoOut, Fragmenter.PacketSink audioOut) {
        this.videoFragmenter = new Fragmenter(MediaKind.VIDEO, mediaId, Codec.JPEG);
        this.screenFragmenter = new Fragmenter(MediaKind.SCREEN, mediaId, Codec.JPEG);
        this.audioFragmenter = new Fragmenter(MediaKind.AUDIO, mediaId, Codec.PCM16);
        this.videoOut = videoOut;
        this.audioOut = audioOut;
    }

    /**
     * The relay asks for a keyframe of this participant's {@code kind} stream (VIDEO or SCREEN):
     * the next frame encoded is to be one. JPEG frames always are.
     */
    void requestKeyframe(MediaKind kind) {
        if (kind == MediaKind.SCREEN) {
            screenKeyframeRequested = true;
        } else if (kind == MediaKind.VIDEO) {
            videoKeyframeRequested = true;
        }
    }

    /** Whether a keyframe of {@code kind} was asked for since the last call (an encoder's question). */
    boolean takeKeyframeRequest(MediaKind kind) {
        if (kind == MediaKind.SCREEN) {
            boolean requested = screenKeyframeRequested;
            screenKeyframeRequested = false;
            return requested;
        }
        boolean requested = videoKeyframeRequested;
        videoKeyframeRequested = false;
        return requested;
    }

    /** Nothing more is sent (the session froze). */
    void halt() {
        halted = true;
    }

    /** Nothing more is sent, and a failure while closing is not worth a warning. */
    void close() {
        closed = true;
        halted = true;
    }

    void sendVideoFrame(byte[] jpeg, int offset, int length) {
        if (halted) {
            return;
        }
        long timestamp = (System.nanoTime() - startNanos) * 9 / 100_000; // 90 kHz media clock
        synchronized (videoFragmenter) {
            videoFragmenter.send(jpeg, offset, length, timestamp, MediaHeader.FLAG_KEYFRAME, videoOut);
        }
        videoFramesSent.incrementAndGet();
    }

    void sendScreenFrame(byte[] jpeg, int offset, int length) {
        if (halted) {
            return;
        }
        long timestamp = (System.nanoTime() - startNanos) * 9 / 100_000; // 90 kHz media clock
        synchronized (screenFragmenter) {
            screenFragmenter.send(jpeg, offset, length, timestamp, MediaHeader.FLAG_KEYFRAME, videoOut);
        }
        screenFramesSent.incrementAndGet();
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
        videoTask = sendPeriodically(clock, "video", source, fps, this::sendVideoFrame);
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
        screenTask = sendPeriodically(clock, "screen", source, fps, this::sendScreenFrame);
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

    /** Where a periodic sender puts each encoded frame. */
    private interface FrameSink {
        void send(byte[] jpeg, int offset, int length);
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
            ByteBuffer frame;
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
            sink.send(frame.array(), frame.arrayOffset() + frame.position(), frame.remaining());
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
