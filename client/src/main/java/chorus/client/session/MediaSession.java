package chorus.client.session;

import chorus.client.codec.VideoEncoding;
import chorus.client.media.AudioPlayout;
import chorus.client.media.AudioSink;
import chorus.client.media.AudioSource;
import chorus.client.media.DropCounts;
import chorus.client.media.RecoveryRequests;
import chorus.client.media.SendHistory;
import chorus.client.media.SequenceLoss;
import chorus.client.media.VideoReceiver;
import chorus.client.media.VideoSource;
import chorus.protocol.audio.AudioFormat;
import chorus.protocol.control.ControlMessage;
import chorus.protocol.media.Codec;
import chorus.protocol.media.DropReason;
import chorus.protocol.media.Fragmenter;
import chorus.protocol.media.KeyframeRequest;
import chorus.protocol.media.MediaCipher;
import chorus.protocol.media.MediaHeader;
import chorus.protocol.media.MediaKind;
import chorus.protocol.media.Reassembler;
import java.awt.image.BufferedImage;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client's media engine: two UDP sockets (video, audio), each bound to port 0 and used to send
 * and receive, so the relay learns each socket's address from its hello and the challenge it
 * answers. Sends video frames, screen frames (on the video socket, kind SCREEN) and 20 ms audio
 * frames; receives forwarded video and screen frames and the relay's audio mix, accepting only
 * well-formed, fresh datagrams from the relay's own endpoint that open with this participant's
 * key (relay to client, that port's channel), and counting the rest by reason.
 *
 * <p>Threads: one receive thread per socket, a media clock (audio send, playout, hello and
 * keepalive), a video clock (encoding and sending video) and a screen clock (capturing, encoding
 * and sending the screen, which can take far longer than a camera frame). Listener callbacks come
 * from these threads and must return quickly. Its parts: the two {@link MediaSocket}s, each with
 * its hello and keepalive ({@link MediaSignalling}), and the sending half ({@link MediaSender}).
 */
public final class MediaSession implements Closeable {
    private static final Logger log = LoggerFactory.getLogger(MediaSession.class);

    static final long SIGNAL_TICK_MILLIS = 100;
    /** Hello is resent every tick until acknowledged, at most this often (10 s). */
    static final int HELLO_MAX_TRIES = 100;
    /** After the hello phase, one keepalive per socket every second. */
    static final int KEEPALIVE_EVERY_TICKS = 10;
    private static final long CLOSE_WAIT_MILLIS = 1_000;

    /** What the engine reports; called on its own threads. */
    public interface Listener {
        default void onVideoFrame(int mediaId, Reassembler.Frame frame, BufferedImage image) {
        }

        /** A complete camera frame of simulcast {@code layer}; by default as the call without the layer. */
        default void onVideoFrame(int mediaId, int layer, Reassembler.Frame frame, BufferedImage image) {
            onVideoFrame(mediaId, frame, image);
        }

        /** A complete frame of someone's shared screen (kind SCREEN); on the video receive thread. */
        default void onScreenFrame(int mediaId, Reassembler.Frame frame, BufferedImage image) {
        }

        /** Both sockets' hellos were acknowledged by the relay. */
        default void onMediaReady() {
        }

        /** Something that degrades the call without ending it, in one sentence. */
        default void onMediaProblem(String problem) {
        }

        /** Level (RMS, 0..1) of each frame played, every 20 ms. */
        default void onAudioLevel(double rms) {
        }
    }

    /**
     * @param videoEndpoint the relay's video port; video datagrams are accepted only from here
     * @param audioEndpoint the relay's audio port; audio datagrams are accepted only from here
     * @param mediaId       this participant's id on the media, from the welcome
     * @param key           this participant's 32-byte media key, from the welcome
     * @param decodeVideo   decode received video into images (a load generator may not want to)
     * @param videoEncoding how camera video is sent (H.264 by default)
     * @param lossRecovery  ask the relay for lost video (NACKs) and keyframes, and keep what is sent for
     *                      the relay's NACKs; off only to measure without
     * @param audioCodec    what audio is sent in ({@link Codec#OPUS} or {@link Codec#PCM16})
     */
    public record Config(InetSocketAddress videoEndpoint, InetSocketAddress audioEndpoint, int mediaId, byte[] key,
                         boolean decodeVideo, VideoEncoding videoEncoding, boolean lossRecovery, int audioCodec) {
        public Config {
            videoEncoding = videoEncoding == null ? VideoEncoding.H264 : videoEncoding;
        }

        /** Camera video in H.264 at the default bitrate, loss recovery on. */
        public Config(InetSocketAddress videoEndpoint, InetSocketAddress audioEndpoint, int mediaId, byte[] key,
                      boolean decodeVideo) {
            this(videoEndpoint, audioEndpoint, mediaId, key, decodeVideo, VideoEncoding.H264, true, Codec.PCM16);
        }

        /** PCM audio. */
        public Config(InetSocketAddress videoEndpoint, InetSocketAddress audioEndpoint, int mediaId, byte[] key,
                      boolean decodeVideo, VideoEncoding videoEncoding, boolean lossRecovery) {
            this(videoEndpoint, audioEndpoint, mediaId, key, decodeVideo, videoEncoding, lossRecovery, Codec.PCM16);
        }

        public Config withAudioCodec(int codec) {
            return new Config(videoEndpoint, audioEndpoint, mediaId, key, decodeVideo, videoEncoding, lossRecovery,
                    codec);
        }

        /** Loss recovery on, PCM audio. */
        public Config(InetSocketAddress videoEndpoint, InetSocketAddress audioEndpoint, int mediaId, byte[] key,
                      boolean decodeVideo, VideoEncoding videoEncoding) {
            this(videoEndpoint, audioEndpoint, mediaId, key, decodeVideo, videoEncoding, true, Codec.PCM16);
        }
    }

    /** How often due NACKs are sent (the reordering allowance and retries are counted in these ticks). */
    static final long RECOVERY_TICK_MILLIS = 5;

    private final Config config;
    private final Listener listener;
    private final ClientThreads threads;
    private final DropCounts drops = new DropCounts();
    private final VideoReceiver videoReceiver;
    /** Screens are reassembled apart from camera video: the same sender numbers each stream's frames on its own. */
    private final VideoReceiver screenReceiver;
    private final AudioPlayout playout;
    private final MediaSender sender;
    private final AtomicLong sendErrors = new AtomicLong();
    private final AtomicLong callbackFailures = new AtomicLong();
    private final AtomicLong keyframeRequestsReceived = new AtomicLong();
    /** What this client sent on the video socket lately, for the relay's NACKs; null when recovery is off. */
    private final SendHistory sendHistory;
    private final Fragmenter.PacketSink videoResend;

    private MediaSocket videoSocket;
    private MediaSocket audioSocket;
    private volatile MediaSignalling videoSignal;
    private volatile MediaSignalling audioSignal;
    private final Fragmenter.PacketSink videoOut;
    private final Fragmenter.PacketSink audioOut;
    private final AtomicBoolean readyReported = new AtomicBoolean();
    private ScheduledExecutorService mediaClock;
    private ScheduledExecutorService videoClock;
    private ScheduledExecutorService screenClock;
    private volatile boolean frozen;
    private volatile boolean closed;

    MediaSession(Config config, Listener listener, ClientThreads threads) {
        this.config = config;
        this.listener = listener;
        this.threads = threads;
        this.sendHistory = config.lossRecovery() ? new SendHistory(config.mediaId()) : null;
        this.videoResend = datagram -> videoSocket.send(datagram);
        this.videoOut = sendHistory == null ? videoResend : datagram -> {
            sendHistory.sent(datagram, System.nanoTime());
            videoSocket.send(datagram);
        };
        this.audioOut = datagram -> audioSocket.send(datagram);
        this.videoReceiver = new VideoReceiver(config.decodeVideo(), drops, new VideoReceiver.FrameListener() {
            @Override
            public void onFrame(int mediaId, Reassembler.Frame frame, BufferedImage image) {
                listener.onVideoFrame(mediaId, 0, frame, image);
            }

            @Override
            public void onFrame(int mediaId, int layer, Reassembler.Frame frame, BufferedImage image) {
                listener.onVideoFrame(mediaId, layer, frame, image);
            }
        },
                recoveryRequests(MediaKind.VIDEO));
        this.screenReceiver = new VideoReceiver(config.decodeVideo(), drops, listener::onScreenFrame,
                recoveryRequests(MediaKind.SCREEN));
        this.playout = new AudioPlayout(drops, rms -> {
            try {
                listener.onAudioLevel(rms);
            } catch (RuntimeException e) {
                callbackFailed("audio level listener", e);
            }
        });
        this.sender = new MediaSender(config.mediaId(), config.videoEncoding(), config.audioCodec(), videoOut, audioOut);
    }

    /** NACKs and keyframe requests for one kind of stream, sent on the video socket; null when recovery is off. */
    private RecoveryRequests recoveryRequests(MediaKind kind) {
        // videoOut is made once: the fragmenters and the recovery call it per datagram
        return config.lossRecovery()
                ? new RecoveryRequests(kind, config.mediaId(), RecoveryRequests.Settings.DEFAULTS, videoOut) : null;
    }

    /** Opens both sockets and starts receiving, the hellos and the playout clock. */
    public void start() throws IOException {
        try {
            videoSocket = MediaSocket.open("video", config.videoEndpoint(), sendErrors, config.key(),
                    MediaCipher.VIDEO_CHANNEL, drops);
            audioSocket = MediaSocket.open("audio", config.audioEndpoint(), sendErrors, config.key(),
                    MediaCipher.AUDIO_CHANNEL, drops);
        } catch (IOException e) {
            close();
            throw new IOException("cannot open UDP sockets for media (" + e.getMessage() + ")", e);
        }
        videoSignal = new MediaSignalling("video", config.videoEndpoint(), config.mediaId(), videoOut, drops,
                this::onAcked, listener::onMediaProblem);
        audioSignal = new MediaSignalling("audio", config.audioEndpoint(), config.mediaId(), audioOut, drops,
                this::onAcked, listener::onMediaProblem);

        receive(videoSocket, threads.named("video-rx"), MediaKind.VIDEO, videoSignal);
        receive(audioSocket, threads.named("audio-rx"), MediaKind.AUDIO, audioSignal);

        mediaClock = Executors.newSingleThreadScheduledExecutor(threads.named("media-clock"));
        videoClock = Executors.newSingleThreadScheduledExecutor(threads.named("video-clock"));
        screenClock = Executors.newSingleThreadScheduledExecutor(threads.named("screen-clock"));
        mediaClock.scheduleAtFixedRate(guarded("signalling", this::signalTick), 0, SIGNAL_TICK_MILLIS, TimeUnit.MILLISECONDS);
        mediaClock.scheduleAtFixedRate(guarded("playout", playout::tick),
                AudioFormat.FRAME_MILLIS, AudioFormat.FRAME_MILLIS, TimeUnit.MILLISECONDS);
        if (config.lossRecovery()) {
            mediaClock.scheduleAtFixedRate(guarded("loss recovery", this::recoveryTick),
                    RECOVERY_TICK_MILLIS, RECOVERY_TICK_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    // ---- sending ----

    /**
     * Encodes one camera picture with the session's video codec and sends it as sealed fragments;
     * {@code fps} is the rate the pictures come at (for the encoder's rate control). Thread-safe,
     * but meant for one video clock.
     */
    public void sendVideoFrame(BufferedImage image, int fps) {
        sender.sendVideoFrame(image, fps);
    }

    /**
     * Sends a frame already encoded with the session's video codec ({@link #videoCodec()}) as it is,
     * flagged as a keyframe: for tests and floods that bring their own bytes.
     */
    public void sendVideoFrame(byte[] frame, int offset, int length) {
        sender.sendVideoFrame(frame, offset, length);
    }

    /** The codec id camera video is sent with. */
    public int videoCodec() {
        return sender.videoCodec();
    }

    /**
     * The next camera ({@link MediaKind#VIDEO}) or screen ({@link MediaKind#SCREEN}) frame is sent as
     * a keyframe: called when the relay passes on a receiver's keyframe request. The camera's layer 0.
     */
    public void requestKeyframe(MediaKind kind) {
        sender.requestKeyframe(kind, 0);
    }

    /** As {@link #requestKeyframe(MediaKind)}, for one simulcast layer of the camera (only that layer's next frame). */
    public void requestKeyframe(MediaKind kind, int layer) {
        sender.requestKeyframe(kind, layer);
    }

    /**
     * The relay's dynacast word ({@link ControlMessage.LayersWanted}, passed on by {@link ChorusClient}):
     * only the camera layers it names are encoded and sent, an empty list pauses the camera (not even
     * read from its source), and a resumed layer starts with a keyframe; {@code screen} false pauses
     * the screen likewise. Until the relay says anything, every layer is sent.
     */
    public void layersWanted(ControlMessage.LayersWanted wanted) {
        sender.layersWanted(wanted.camera() == null ? List.of() : wanted.camera(), wanted.screen());
    }

    /** Each camera layer's frames sent, pictures left out while paused, keyframes; smallest first. */
    public List<CameraLayer> cameraLayers() {
        return sender.cameraLayerStats();
    }

    /** The camera layers' heights for the hello ({@code hello.layers}); null for one layer at the camera's size. */
    public List<Integer> announcedLayers() {
        return sender.announcedHeights();
    }

    /** Sends one 20 ms frame of {@link AudioFormat#FRAME_SAMPLES} samples; thread-safe, meant for the media clock. */
    public void sendAudioFrame(short[] samples) {
        sender.sendAudioFrame(samples);
    }

    /** Sends a frame from {@code source} every 20 ms on the media clock, replacing any earlier source. */
    public void startAudio(AudioSource source) {
        requireStarted();
        sender.startAudio(mediaClock, source);
    }

    public void stopAudio() {
        sender.stopAudio();
    }

    /**
     * Sends a frame from {@code source} {@code fps} times a second on the video clock, replacing any
     * earlier source. When encoding falls behind, frames are skipped rather than sent in a burst.
     */
    public void startVideo(VideoSource source, int fps) {
        MediaSender.checkFps(fps);
        requireStarted();
        sender.startVideo(videoClock, source, fps);
    }

    public void stopVideo() {
        sender.stopVideo();
    }

    /**
     * Sends the shared screen from {@code source} {@code fps} times a second on the screen clock,
     * replacing any earlier screen source. The relay forwards it only while this participant is
     * the room's presenter (see {@link ChorusClient#startScreenShare}).
     */
    public void startScreen(VideoSource source, int fps) {
        MediaSender.checkFps(fps);
        requireStarted();
        sender.startScreen(screenClock, source, fps);
    }

    public void stopScreen() {
        sender.stopScreen();
    }

    private void requireStarted() {
        if (mediaClock == null) {
            throw new IllegalStateException("media session not started");
        }
    }

    private void signalTick() {
        if (frozen) {
            return;
        }
        videoSignal.tick();
        audioSignal.tick();
    }

    private void recoveryTick() {
        if (frozen) {
            return;
        }
        long now = System.nanoTime();
        videoReceiver.tick(now);
        screenReceiver.tick(now);
    }

    // ---- receiving ----

    /** Receives on {@code socket}, which hands on only what opened with this participant's key. */
    private void receive(MediaSocket socket, ThreadFactory thread, MediaKind expected, MediaSignalling signal) {
        socket.startReceiving(thread, (clear, length, from) -> onDatagram(clear, expected, signal),
                e -> callbackFailed("handling a " + expected + " datagram", e));
    }

    /** Logs a failure on a media thread without flooding: the 1st, 10th, 100th... */
    private void callbackFailed(String what, RuntimeException e) {
        long n = callbackFailures.incrementAndGet();
        if (isPowerOfTen(n)) {
            log.warn("{} failed ({} so far)", what, n, e);
        }
    }

    private static boolean isPowerOfTen(long n) {
        while (n >= 10 && n % 10 == 0) {
            n /= 10;
        }
        return n == 1;
    }

    /** A datagram from the relay that opened (source, freshness and tag checked by the socket). */
    private void onDatagram(ByteBuffer datagram, MediaKind expected, MediaSignalling signal) {
        MediaKind kind = MediaHeader.kind(datagram, 0);
        if (kind == MediaKind.HELLO) {
            signal.onAck();
        } else if (kind == MediaKind.CHALLENGE) {
            signal.onChallenge(datagram);
        } else if (kind == MediaKind.KEEPALIVE || kind == MediaKind.RESPONSE) {
            return; // nothing to learn from a relay's keepalive (and a response is never the relay's)
        } else if (kind == MediaKind.KEYFRAME_REQUEST && expected == MediaKind.VIDEO) {
            onKeyframeRequest(datagram);
        } else if (kind == MediaKind.NACK && expected == MediaKind.VIDEO) {
            // What this client's own path lost before the relay: sent again, as it was (not while frozen).
            if (sendHistory == null || !sendHistory.onNack(datagram, frozen ? d -> { } : videoResend,
                    System.nanoTime())) {
                drops.add(DropReason.BAD_LENGTH);
            }
        } else if (kind != expected && !(kind == MediaKind.SCREEN && expected == MediaKind.VIDEO)) {
            drops.add(DropReason.WRONG_PORT);
        } else if (frozen) {
            return; // a hung client does not process media either
        } else if (kind == MediaKind.VIDEO) {
            videoReceiver.offer(datagram, System.nanoTime());
        } else if (kind == MediaKind.SCREEN) {
            screenReceiver.offer(datagram, System.nanoTime());
        } else {
            playout.offer(datagram, System.nanoTime());
        }
    }

    /** The relay asks for a keyframe of this participant's camera or screen (coalesced from its receivers). */
    private void onKeyframeRequest(ByteBuffer datagram) {
        if (!KeyframeRequest.valid(datagram) || KeyframeRequest.targetMediaId(datagram) != config.mediaId()) {
            drops.add(DropReason.BAD_LENGTH);
            return;
        }
        keyframeRequestsReceived.incrementAndGet();
        if (!frozen) {
            sender.requestKeyframe(KeyframeRequest.targetKind(datagram), KeyframeRequest.targetLayer(datagram));
        }
    }

    // ---- controls and observation ----

    public void addAudioSink(AudioSink sink) {
        playout.addSink(sink);
    }

    public void removeAudioSink(AudioSink sink) {
        playout.removeSink(sink);
    }

    /** Simulates a hung client: stops sending (media, hellos, keepalives); the sockets stay open. */
    public void freeze() {
        frozen = true;
        sender.halt();
    }

    public boolean frozen() {
        return frozen;
    }

    /** True once the relay acknowledged the hellos on both sockets. */
    public boolean ready() {
        return videoSignal != null && videoSignal.acked() && audioSignal.acked();
    }

    /** A socket's hello was acknowledged: once both are, media is ready. */
    private void onAcked() {
        if (ready() && readyReported.compareAndSet(false, true)) {
            log.info("media ready: relay acknowledged video and audio");
            listener.onMediaReady();
        }
    }

    public InetSocketAddress videoLocalAddress() throws IOException {
        return videoSocket.localAddress();
    }

    public InetSocketAddress audioLocalAddress() throws IOException {
        return audioSocket.localAddress();
    }

    public long videoFramesSent() {
        return sender.videoFramesSent();
    }

    /** Pictures the video or screen encoder failed on (none were sent). */
    public long videoEncodeErrors() {
        return sender.encodeErrors();
    }

    /** Camera frames sent as keyframes (the first, periodic ones, requested ones). */
    public long videoKeyframesSent() {
        return sender.videoKeyframesSent();
    }

    /** Bytes sent on both sockets (sealed datagrams, without IP and UDP headers). */
    public long bytesSent() {
        return (videoSocket == null ? 0 : videoSocket.bytesSent()) + (audioSocket == null ? 0 : audioSocket.bytesSent());
    }

    /** Bytes received on both sockets from the relay (datagrams that opened with this participant's key). */
    public long bytesReceived() {
        return (videoSocket == null ? 0 : videoSocket.bytesReceived())
                + (audioSocket == null ? 0 : audioSocket.bytesReceived());
    }

    /** {@code mediaId} left the room: its decoders are freed (a frame still on its way makes new ones). */
    public void forgetSender(int mediaId) {
        videoReceiver.forget(mediaId);
        screenReceiver.forget(mediaId);
    }

    /**
     * True while the camera video of {@code mediaId} cannot be decoded until a keyframe comes (it
     * started mid-stream, lost a frame or sent one that did not decode): the moment to ask for one.
     */
    public boolean videoNeedsKeyframe(int mediaId) {
        return videoReceiver.needsKeyframe(mediaId);
    }

    public long audioFramesSent() {
        return sender.audioFramesSent();
    }

    public long screenFramesSent() {
        return sender.screenFramesSent();
    }

    /** Complete screen frames received, by sender media id. */
    public Map<Integer, Long> screenFramesByMediaId() {
        return screenReceiver.framesByMediaId();
    }

    public long screenFramesReceived() {
        return screenReceiver.framesByMediaId().values().stream().mapToLong(Long::longValue).sum();
    }

    public long sendErrors() {
        return sendErrors.get();
    }

    /** Complete camera frames received, by sender media id, then simulcast layer. */
    public Map<Integer, Map<Integer, Long>> videoFramesByMediaIdAndLayer() {
        return videoReceiver.framesByMediaIdAndLayer();
    }

    /** Camera pictures decoded of {@code mediaId}, by simulcast layer. */
    public Map<Integer, Long> videoDecodedByLayer(int mediaId) {
        return videoReceiver.decodedByLayer(mediaId);
    }

    /** Camera frames left undecoded because their layer was not the one their sender's decoder followed. */
    public long videoFramesOfOtherLayers() {
        return videoReceiver.framesOfOtherLayers();
    }

    /** Complete video frames received, by sender media id. */
    public Map<Integer, Long> videoFramesByMediaId() {
        return videoReceiver.framesByMediaId();
    }

    public long videoDecodeErrors() {
        return videoReceiver.decodeErrors();
    }

    /** Camera frames not decoded while their sender's stream waited for a keyframe (or that came late). */
    public long videoFramesSkipped() {
        return videoReceiver.framesSkipped();
    }

    /** Pictures whose test-pattern frame counter read back, by sender media id (see {@link VideoReceiver}). */
    public Map<Integer, Long> videoCountersReadBackByMediaId() {
        return videoReceiver.countersReadBackByMediaId();
    }

    /** Video datagrams the senders' sequence numbers say should have reached us (see {@link SequenceLoss}). */
    public long videoPacketsExpected() {
        return videoReceiver.loss().expected();
    }

    /** Video datagrams that reached us (late and duplicate ones included). */
    public long videoPacketsReceived() {
        return videoReceiver.loss().received();
    }

    public long videoFramesIncomplete() {
        return videoReceiver.framesIncomplete();
    }

    /** NACK datagrams sent for camera and screen streams. */
    public long nacksSent() {
        return recoveryCount(RecoveryRequests::nacksSent);
    }

    /** Video and screen datagrams that arrived after this client NACKed them. */
    public long retransmissionsReceived() {
        return recoveryCount(RecoveryRequests::retransmissionsReceived);
    }

    /** Keyframe requests this client sent for others' streams. */
    public long keyframeRequestsSent() {
        return recoveryCount(RecoveryRequests::keyframeRequestsSent);
    }

    /** Camera and screen datagrams sent again because the relay NACKed them (lost on the way to it). */
    public long retransmissionsSent() {
        return sendHistory == null ? 0 : sendHistory.resent();
    }

    /** Keyframe requests the relay sent this client for its own camera or screen. */
    public long keyframeRequestsReceived() {
        return keyframeRequestsReceived.get();
    }

    /** All four loss-recovery counters. */
    public VideoRecovery videoRecovery() {
        return new VideoRecovery(nacksSent(), retransmissionsReceived(), keyframeRequestsSent(), keyframeRequestsReceived(),
                retransmissionsSent());
    }

    /** The decoder cannot go on with {@code mediaId}'s camera stream: a keyframe is asked for (coalesced). */
    public void videoKeyframeNeeded(int mediaId) {
        videoReceiver.keyframeNeeded(mediaId, System.nanoTime());
    }

    private long recoveryCount(java.util.function.ToLongFunction<RecoveryRequests> count) {
        long total = 0;
        for (VideoReceiver receiver : new VideoReceiver[] {videoReceiver, screenReceiver}) {
            if (receiver.recovery() != null) {
                total += count.applyAsLong(receiver.recovery());
            }
        }
        return total;
    }

    public long audioFramesReceived() {
        return playout.framesReceived();
    }

    public long audioFramesPlayed() {
        return playout.framesPlayed();
    }

    public long audioFramesConcealed() {
        return playout.framesConcealed();
    }

    public long audioTicksSilent() {
        return playout.ticksSilent();
    }

    public long audioFramesLate() {
        return playout.framesLate();
    }

    public double audioLevel() {
        return playout.level();
    }

    /** Datagrams dropped, by reason label (see {@link DropReason#label()} and {@link DropCounts}). */
    public Map<String, Long> drops() {
        return drops.snapshot();
    }

    public long drops(String label) {
        return drops.get(label);
    }

    @Override
    public void close() {
        closed = true;
        sender.close();
        if (mediaClock != null) {
            mediaClock.shutdownNow();
        }
        if (videoClock != null) {
            videoClock.shutdownNow();
        }
        if (screenClock != null) {
            screenClock.shutdownNow();
        }
        for (MediaSocket socket : new MediaSocket[] {videoSocket, audioSocket}) {
            if (socket != null) {
                socket.close();
                socket.awaitReceiver(CLOSE_WAIT_MILLIS);
            }
        }
        videoReceiver.close();
        screenReceiver.close();
        try {
            if (mediaClock != null) {
                mediaClock.awaitTermination(CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
            }
            if (videoClock != null) {
                videoClock.awaitTermination(CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
            }
            if (screenClock != null) {
                screenClock.awaitTermination(CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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
}
