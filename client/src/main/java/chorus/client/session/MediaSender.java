package chorus.client.session;

import chorus.client.codec.Simulcast;
import chorus.client.codec.VideoEncoding;
import chorus.client.media.AudioSource;
import chorus.client.media.VideoSource;
import chorus.protocol.audio.AudioFormat;
import chorus.protocol.audio.AudioLevel;
import chorus.protocol.audio.OpusFormat;
import chorus.protocol.audio.SilenceSuppression;
import chorus.protocol.media.Codec;
import chorus.protocol.media.Fragmenter;
import chorus.protocol.media.MediaKind;
import io.github.jaredmdobson.concentus.OpusEncoder;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sending half of a {@link MediaSession}: camera and screen pictures encoded with their stream's
 * codec ({@link OutgoingVideo}; the camera in each of its simulcast layers, those nobody watches
 * paused), each frame cut into datagrams (sealed by the socket) (video and
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

    /** The camera's simulcast layers, smallest first (one when not simulcasting). */
    private final List<OutgoingVideo> cameraLayers;
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
    private final byte[] audioBytes = new byte[Math.max(AudioFormat.FRAME_BYTES, OpusFormat.MAX_PACKET_BYTES)];
    /** Null when sending PCM. */
    private final OpusEncoder opus;
    private final SilenceSuppression silence = new SilenceSuppression();
    private final AtomicLong audioFramesSuppressed = new AtomicLong();
    private final AtomicLong audioBytesSent = new AtomicLong();
    private long audioTimestamp;
    // guarded by this
    private ScheduledFuture<?> videoTask;
    private ScheduledFuture<?> screenTask;
    private ScheduledFuture<?> audioTask;
    private volatile boolean halted;
    private volatile boolean closed;

    /**
     * @param videoEncoding how camera video is encoded
     * @param audioCodec    what audio is sent in: {@link Codec#OPUS} or {@link Codec#PCM16}
     * @param videoOut      where video and screen datagrams go; {@code audioOut} where audio datagrams go
     */
    MediaSender(int mediaId, VideoEncoding videoEncoding, int audioCodec, Fragmenter.PacketSink videoOut,
                Fragmenter.PacketSink audioOut) {
        this.cameraLayers = cameraLayers(mediaId, videoEncoding);
        this.screen = new OutgoingVideo(MediaKind.SCREEN, mediaId, SCREEN_ENCODING);
        this.audioFragmenter = new Fragmenter(MediaKind.AUDIO, mediaId, audioCodec);
        this.opus = audioCodec == Codec.OPUS ? OpusFormat.newParticipantEncoder(OpusFormat.DEFAULT_BITRATE) : null;
        this.videoOut = videoOut;
        this.audioOut = audioOut;
    }

    private static List<OutgoingVideo> cameraLayers(int mediaId, VideoEncoding encoding) {
        List<Simulcast.Layer> layers = encoding.simulcast().layers();
        if (layers.isEmpty()) {
            return List.of(new OutgoingVideo(MediaKind.VIDEO, mediaId, encoding));
        }
        List<OutgoingVideo> out = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            out.add(new OutgoingVideo(MediaKind.VIDEO, mediaId, encoding, i, layers.get(i)));
        }
        return List.copyOf(out);
    }

    /** Nothing more is sent (the session froze). */
    void halt() {
        halted = true;
    }

    /** Nothing more is sent, a failure while closing is not worth a warning, and the encoders are freed. */
    void close() {
        closed = true;
        halted = true;
        cameraLayers.forEach(OutgoingVideo::close);
        screen.close();
    }

    /**
     * Encodes one camera picture in each layer that is not paused and sends it; {@code fps} is the
     * camera's rate. Counted as sent when at least one layer sent it.
     */
    void sendVideoFrame(BufferedImage image, int fps) {
        if (halted) {
            return;
        }
        long timestamp = mediaClock(); // one instant for every layer of the picture
        boolean sent = false;
        for (OutgoingVideo layer : cameraLayers) {
            sent |= encodeAndSend(layer, image, fps, timestamp);
        }
        if (sent) {
            videoFramesSent.incrementAndGet();
        }
    }

    /** Sends a frame already encoded with the video codec (flagged as a keyframe) on layer 0. */
    void sendVideoFrame(byte[] frame, int offset, int length) {
        if (!halted) {
            cameraLayers.get(0).sendEncoded(frame, offset, length, mediaClock(), videoOut);
            videoFramesSent.incrementAndGet();
        }
    }

    void sendScreenFrame(BufferedImage image, int fps) {
        if (!halted && encodeAndSend(screen, image, fps, mediaClock())) {
            screenFramesSent.incrementAndGet();
        }
    }

    /** An encoder that fails is counted (the first failure logged) and the stream goes on with the next picture. */
    private boolean encodeAndSend(OutgoingVideo stream, BufferedImage image, int fps, long timestamp) {
        try {
            return stream.send(image, fps, timestamp, videoOut) == OutgoingVideo.Outcome.SENT;
        } catch (RuntimeException e) {
            if (encodeErrors.getAndIncrement() == 0 && !closed) {
                log.warn("cannot encode a picture: {}", e.getMessage());
            }
            return false;
        }
    }

    /**
     * Dynacast: only the camera layers in {@code wanted} are encoded and sent from now on, the
     * others paused (a resumed one starts with a keyframe); an empty list pauses the camera, which is
     * then not even read from its source. {@code screen} false pauses the screen likewise. Layers the
     * relay names that this client does not send are ignored.
     */
    void layersWanted(List<Integer> wanted, boolean screenWanted) {
        for (OutgoingVideo layer : cameraLayers) {
            layer.paused(wanted == null || !wanted.contains(layer.index()));
        }
        screen.paused(!screenWanted);
    }

    /** True while at least one camera layer is wanted (until the relay says otherwise, all are). */
    boolean cameraWanted() {
        for (OutgoingVideo layer : cameraLayers) {
            if (!layer.paused()) {
                return true;
            }
        }
        return false;
    }

    /** Each camera layer's counters, smallest first. */
    List<CameraLayer> cameraLayerStats() {
        List<CameraLayer> out = new ArrayList<>();
        for (OutgoingVideo layer : cameraLayers) {
            out.add(new CameraLayer(layer.index(), layer.height(), layer.framesSent(), layer.framesPaused(),
                    layer.keyframesSent(), layer.paused()));
        }
        return List.copyOf(out);
    }

    /** The heights of the camera's layers as the hello announces them; null for one layer at the camera's size. */
    List<Integer> announcedHeights() {
        return cameraLayers.size() == 1 && cameraLayers.get(0).height() == 0 ? null
                : cameraLayers.stream().map(OutgoingVideo::height).toList();
    }

    /**
     * The next frame of {@code kind} ({@link MediaKind#VIDEO} or {@link MediaKind#SCREEN}) is encoded
     * as a keyframe: a receiver lost one or joined mid-stream (the relay passes its request on).
     * For the camera, only {@code layer}'s (a layer this client does not send: none).
     */
    void requestKeyframe(MediaKind kind, int layer) {
        if (kind == MediaKind.VIDEO) {
            if (layer >= 0 && layer < cameraLayers.size()) {
                cameraLayers.get(layer).requestKeyframe();
            }
        } else if (kind == MediaKind.SCREEN) {
            screen.requestKeyframe();
        } else {
            throw new IllegalArgumentException("no keyframes for " + kind);
        }
    }

    int videoCodec() {
        return cameraLayers.get(0).codec();
    }

    long encodeErrors() {
        return encodeErrors.get();
    }

    long videoKeyframesSent() {
        return cameraLayers.stream().mapToLong(OutgoingVideo::keyframesSent).sum();
    }

    private long mediaClock() {
        return (System.nanoTime() - startNanos) * 9 / 100_000; // 90 kHz media clock
    }

    void sendAudioFrame(short[] samples) {
        if (halted) {
            return;
        }
        synchronized (audioFragmenter) {
            int level = AudioLevel.of(samples, AudioFormat.FRAME_SAMPLES);
            int length;
            if (opus != null) {
                // Every frame is encoded, sent or not: the encoder's state stays that of the real signal.
                length = OpusFormat.encode(opus, samples, audioBytes);
                if (!silence.send(level)) {
                    audioTimestamp += AudioFormat.FRAME_SAMPLES;
                    audioFragmenter.nextFrameId(audioFragmenter.framesSent() + 1); // the gap shows the relay what was not sent
                    audioFramesSuppressed.incrementAndGet();
                    return;
                }
            } else {
                AudioFormat.toBytes(samples, audioBytes);
                length = AudioFormat.FRAME_BYTES;
            }
            audioFragmenter.send(audioBytes, 0, length, audioTimestamp, 0, level, audioOut);
            audioTimestamp += AudioFormat.FRAME_SAMPLES; // 48 kHz media clock: one tick per sample
            audioBytesSent.addAndGet(length);
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
        videoTask = sendPeriodically(clock, "video", source, fps, this::cameraWanted,
                () -> cameraLayers.forEach(OutgoingVideo::countPaused), image -> sendVideoFrame(image, fps));
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
        screenTask = sendPeriodically(clock, "screen", source, fps, () -> !screen.paused(),
                screen::countPaused, image -> sendScreenFrame(image, fps));
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
                                                BooleanSupplier wanted, Runnable whilePaused, FrameSink sink) {
        long periodNanos = 1_000_000_000L / fps;
        long[] lastSent = {System.nanoTime() - periodNanos};
        return clock.scheduleAtFixedRate(guarded(what + " send", () -> {
            long now = System.nanoTime();
            if (halted || now - lastSent[0] < periodNanos / 2) {
                return; // a catch-up run of the fixed-rate clock: skip instead of bursting
            }
            if (!wanted.getAsBoolean()) {
                whilePaused.run(); // nobody watches: not even captured, but counted
                return;
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

    /** Silent Opus frames not sent (silence suppression). */
    long audioFramesSuppressed() {
        return audioFramesSuppressed.get();
    }

    /** Audio payload bytes sent (encoded frames, without headers). */
    long audioBytesSent() {
        return audioBytesSent.get();
    }
}
