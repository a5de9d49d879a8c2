package chorus.client.session;

import chorus.client.media.AudioPlayout;
import chorus.client.media.AudioSink;
import chorus.client.media.AudioSource;
import chorus.client.media.DropCounts;
import chorus.client.media.SequenceLoss;
import chorus.client.media.VideoReceiver;
import chorus.client.media.VideoSource;
import chorus.protocol.audio.AudioFormat;
import chorus.protocol.media.Codec;
import chorus.protocol.media.DropReason;
import chorus.protocol.media.Fragmenter;
import chorus.protocol.media.MediaAuthenticator;
import chorus.protocol.media.MediaHeader;
import chorus.protocol.media.MediaKind;
import chorus.protocol.media.Reassembler;
import java.awt.image.BufferedImage;
import java.io.Closeable;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client's media engine: two UDP sockets (video, audio), each bound to port 0 and used to send
 * and receive, so the relay learns each socket's address from its signed hello. Sends video frames,
 * screen frames (on the video socket, kind SCREEN) and 20 ms audio frames; receives forwarded video
 * and screen frames and the relay's audio mix, accepting only well-formed datagrams from the
 * relay's own endpoint and counting the rest by reason.
 *
 * <p>Threads: one receive thread per socket, a media clock (audio send, playout, hello and
 * keepalive), a video clock (encoding and sending video) and a screen clock (capturing, encoding
 * and sending the screen, which can take far longer than a camera frame). Listener callbacks come
 * from these threads and must return quickly.
 */
public final class MediaSession implements Closeable {
    private static final Logger log = LoggerFactory.getLogger(MediaSession.class);

    static final long SIGNAL_TICK_MILLIS = 100;
    /** Hello is resent every tick until acknowledged, at most this often (10 s). */
    static final int HELLO_MAX_TRIES = 100;
    /** After the hello phase, one keepalive per socket every second. */
    static final int KEEPALIVE_EVERY_TICKS = 10;
    /** Room for a burst of forwarded video from several senders while a frame is being decoded. */
    private static final int RECEIVE_BUFFER_BYTES = 1 << 20;
    private static final long CLOSE_WAIT_MILLIS = 1_000;

    /** What the engine reports; called on its own threads. */
    public interface Listener {
        default void onVideoFrame(int mediaId, Reassembler.Frame frame, BufferedImage image) {
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
     * @param decodeVideo   decode received JPEGs into images (a load generator may not want to)
     */
    public record Config(InetSocketAddress videoEndpoint, InetSocketAddress audioEndpoint, int mediaId, byte[] key,
                         boolean decodeVideo) {
    }

    private final Config config;
    private final Listener listener;
    private final ClientThreads threads;
    private final DropCounts drops = new DropCounts();
    private final VideoReceiver videoReceiver;
    /** Screens are reassembled apart from camera video: the same sender numbers each stream's frames on its own. */
    private final VideoReceiver screenReceiver;
    private final AudioPlayout playout;
    private final Fragmenter videoFragmenter;
    private final Fragmenter screenFragmenter;
    private final Fragmenter audioFragmenter;
    private final AtomicLong videoFramesSent = new AtomicLong();
    private final AtomicLong screenFramesSent = new AtomicLong();
    private final AtomicLong audioFramesSent = new AtomicLong();
    private final AtomicLong sendErrors = new AtomicLong();
    private final AtomicLong videoSourceErrors = new AtomicLong();
    private final AtomicLong callbackFailures = new AtomicLong();
    private final long startNanos = System.nanoTime();

    // audio sending state: media clock thread only
    private final short[] audioSamples = new short[AudioFormat.FRAME_SAMPLES];
    private final byte[] audioBytes = new byte[AudioFormat.FRAME_BYTES];
    private long audioTimestamp;

    private DatagramChannel videoChannel;
    private DatagramChannel audioChannel;
    private volatile Signalling videoSignal;
    private volatile Signalling audioSignal;
    private final Fragmenter.PacketSink videoOut;
    private final Fragmenter.PacketSink audioOut;
    private final AtomicBoolean readyReported = new AtomicBoolean();
    private ScheduledExecutorService mediaClock;
    private ScheduledExecutorService videoClock;
    private ScheduledExecutorService screenClock;
    private Thread videoReceiveThread;
    private Thread audioReceiveThread;
    private ScheduledFuture<?> videoTask;
    private ScheduledFuture<?> screenTask;
    private ScheduledFuture<?> audioTask;
    private volatile boolean frozen;
    private volatile boolean closed;

    MediaSession(Config config, Listener listener, ClientThreads threads) {
        this.config = config;
        this.listener = listener;
        this.threads = threads;
        this.videoReceiver = new VideoReceiver(config.decodeVideo(), drops, listener::onVideoFrame);
        this.screenReceiver = new VideoReceiver(config.decodeVideo(), drops, listener::onScreenFrame);
        this.playout = new AudioPlayout(drops, rms -> {
            try {
                listener.onAudioLevel(rms);
            } catch (RuntimeException e) {
                callbackFailed("audio level listener", e);
            }
        });
        this.videoFragmenter = new Fragmenter(MediaKind.VIDEO, config.mediaId(), Codec.JPEG, config.key());
        this.screenFragmenter = new Fragmenter(MediaKind.SCREEN, config.mediaId(), Codec.JPEG, config.key());
        this.audioFragmenter = new Fragmenter(MediaKind.AUDIO, config.mediaId(), Codec.PCM16, config.key());
        // made once: the fragmenters call these per datagram
        this.videoOut = datagram -> send(videoChannel, config.videoEndpoint(), datagram);
        this.audioOut = datagram -> send(audioChannel, config.audioEndpoint(), datagram);
    }

    /** Opens both sockets and starts receiving, the hellos and the playout clock. */
    public void start() throws IOException {
        try {
            videoChannel = open(config.videoEndpoint());
            audioChannel = open(config.audioEndpoint());
        } catch (IOException e) {
            close();
            throw new IOException("cannot open UDP sockets for media (" + e.getMessage() + ")", e);
        }
        videoSignal = new Signalling("video", videoChannel, config.videoEndpoint());
        audioSignal = new Signalling("audio", audioChannel, config.audioEndpoint());

        videoReceiveThread = threads.named("video-rx").newThread(
                () -> receiveLoop(videoChannel, config.videoEndpoint(), MediaKind.VIDEO, videoSignal));
        audioReceiveThread = threads.named("audio-rx").newThread(
                () -> receiveLoop(audioChannel, config.audioEndpoint(), MediaKind.AUDIO, audioSignal));
        videoReceiveThread.start();
        audioReceiveThread.start();

        mediaClock = Executors.newSingleThreadScheduledExecutor(threads.named("media-clock"));
        videoClock = Executors.newSingleThreadScheduledExecutor(threads.named("video-clock"));
        screenClock = Executors.newSingleThreadScheduledExecutor(threads.named("screen-clock"));
        mediaClock.scheduleAtFixedRate(guarded("signalling", this::signalTick), 0, SIGNAL_TICK_MILLIS, TimeUnit.MILLISECONDS);
        mediaClock.scheduleAtFixedRate(guarded("playout", playout::tick),
                AudioFormat.FRAME_MILLIS, AudioFormat.FRAME_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** A socket of the relay's address family, on the wildcard address and an ephemeral port. */
    private static DatagramChannel open(InetSocketAddress relay) throws IOException {
        InetAddress address = relay.getAddress();
        boolean v6 = address instanceof Inet6Address;
        DatagramChannel channel = DatagramChannel.open(v6 ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
        try {
            channel.setOption(StandardSocketOptions.SO_RCVBUF, RECEIVE_BUFFER_BYTES);
            channel.bind(new InetSocketAddress(InetAddress.getByName(v6 ? "::" : "0.0.0.0"), 0));
            return channel;
        } catch (IOException e) {
            channel.close();
            throw e;
        }
    }

    // ---- sending ----

    /** Sends one JPEG frame as signed fragments; thread-safe, but meant for one video clock. */
    public void sendVideoFrame(byte[] jpeg, int offset, int length) {
        if (frozen || closed) {
            return;
        }
        long timestamp = (System.nanoTime() - startNanos) * 9 / 100_000; // 90 kHz media clock
        synchronized (videoFragmenter) {
            videoFragmenter.send(jpeg, offset, length, timestamp, MediaHeader.FLAG_KEYFRAME, videoOut);
        }
        videoFramesSent.incrementAndGet();
    }

    /** Sends one JPEG frame of the shared screen as signed SCREEN fragments; meant for the screen clock. */
    public void sendScreenFrame(byte[] jpeg, int offset, int length) {
        if (frozen || closed) {
            return;
        }
        long timestamp = (System.nanoTime() - startNanos) * 9 / 100_000; // 90 kHz media clock
        synchronized (screenFragmenter) {
            screenFragmenter.send(jpeg, offset, length, timestamp, MediaHeader.FLAG_KEYFRAME, videoOut);
        }
        screenFramesSent.incrementAndGet();
    }

    /** Sends one 20 ms frame of {@link AudioFormat#FRAME_SAMPLES} samples; thread-safe, meant for the media clock. */
    public void sendAudioFrame(short[] samples) {
        if (frozen || closed) {
            return;
        }
        synchronized (audioFragmenter) {
            AudioFormat.toBytes(samples, audioBytes);
            audioFragmenter.send(audioBytes, 0, audioBytes.length, audioTimestamp, 0, audioOut);
            audioTimestamp += AudioFormat.FRAME_SAMPLES; // 48 kHz media clock: one tick per sample
        }
        audioFramesSent.incrementAndGet();
    }

    /** Sends a frame from {@code source} every 20 ms on the media clock, replacing any earlier source. */
    public synchronized void startAudio(AudioSource source) {
        requireStarted();
        stopAudio();
        audioTask = mediaClock.scheduleAtFixedRate(guarded("audio send", () -> {
            if (frozen) {
                return;
            }
            source.read(audioSamples);
            sendAudioFrame(audioSamples);
        }), 0, AudioFormat.FRAME_MILLIS, TimeUnit.MILLISECONDS);
    }

    public synchronized void stopAudio() {
        if (audioTask != null) {
            audioTask.cancel(false);
            audioTask = null;
        }
    }

    /**
     * Sends a frame from {@code source} {@code fps} times a second on the video clock, replacing any
     * earlier source. When encoding falls behind, frames are skipped rather than sent in a burst.
     */
    public synchronized void startVideo(VideoSource source, int fps) {
        checkFps(fps);
        requireStarted();
        stopVideo();
        videoTask = sendPeriodically(videoClock, "video", source, fps, this::sendVideoFrame);
    }

    /**
     * Sends the shared screen from {@code source} {@code fps} times a second on the screen clock,
     * replacing any earlier screen source. The relay forwards it only while this participant is
     * the room's presenter (see {@link ChorusClient#startScreenShare}).
     */
    public synchronized void startScreen(VideoSource source, int fps) {
        checkFps(fps);
        requireStarted();
        stopScreen();
        screenTask = sendPeriodically(screenClock, "screen", source, fps, this::sendScreenFrame);
    }

    public synchronized void stopScreen() {
        if (screenTask != null) {
            screenTask.cancel(false);
            screenTask = null;
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
            if (frozen || now - lastSent[0] < periodNanos / 2) {
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

    private static void checkFps(int fps) {
        if (fps < 1 || fps > 120) {
            throw new IllegalArgumentException("fps " + fps + " is outside 1..120");
        }
    }

    private void requireStarted() {
        if (mediaClock == null) {
            throw new IllegalStateException("media session not started");
        }
    }

    public synchronized void stopVideo() {
        if (videoTask != null) {
            videoTask.cancel(false);
            videoTask = null;
        }
    }

    private void send(DatagramChannel channel, InetSocketAddress to, ByteBuffer datagram) {
        try {
            channel.send(datagram, to);
        } catch (ClosedChannelException e) {
            // closing: the datagram is simply not sent
        } catch (IOException e) {
            if (sendErrors.getAndIncrement() == 0) {
                log.warn("cannot send media to {}: {}", to, e.getMessage());
            }
        }
    }

    private void signalTick() {
        if (frozen) {
            return;
        }
        videoSignal.tick();
        audioSignal.tick();
    }

    // ---- receiving ----

    private void receiveLoop(DatagramChannel channel, InetSocketAddress relay, MediaKind expected, Signalling signal) {
        // One byte over the largest datagram: an oversized one arrives truncated to a length that fails validation.
        ByteBuffer buffer = ByteBuffer.allocateDirect(MediaHeader.MAX_DATAGRAM + 1);
        MediaAuthenticator verifier = new MediaAuthenticator(config.key());
        while (!closed) {
            buffer.clear();
            SocketAddress from;
            try {
                from = channel.receive(buffer); // blocks until a datagram arrives or the socket is closed
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                log.debug("receive failed on the {} socket: {}", expected, e.getMessage());
                continue;
            }
            if (from == null) {
                continue;
            }
            try {
                onDatagram(buffer, buffer.position(), from, relay, expected, signal, verifier);
            } catch (RuntimeException e) {
                callbackFailed("handling a " + expected + " datagram", e); // a listener's bug must not stop receiving
            }
        }
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

    private void onDatagram(ByteBuffer datagram, int length, SocketAddress from, InetSocketAddress relay,
                            MediaKind expected, Signalling signal, MediaAuthenticator verifier) {
        if (!relay.equals(from)) {
            drops.add(DropCounts.FOREIGN_SOURCE);
            return;
        }
        DropReason problem = MediaHeader.validate(datagram, 0, length);
        if (problem != null) {
            drops.add(problem);
            return;
        }
        MediaKind kind = MediaHeader.kind(datagram, 0);
        if (kind == MediaKind.HELLO) {
            signal.onAck(datagram, verifier);
        } else if (kind == MediaKind.KEEPALIVE) {
            return; // nothing to learn from a relay's keepalive
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
    }

    public boolean frozen() {
        return frozen;
    }

    /** True once the relay acknowledged the hellos on both sockets. */
    public boolean ready() {
        return videoSignal != null && videoSignal.acked && audioSignal.acked;
    }

    public InetSocketAddress videoLocalAddress() throws IOException {
        return (InetSocketAddress) videoChannel.getLocalAddress();
    }

    public InetSocketAddress audioLocalAddress() throws IOException {
        return (InetSocketAddress) audioChannel.getLocalAddress();
    }

    public long videoFramesSent() {
        return videoFramesSent.get();
    }

    public long audioFramesSent() {
        return audioFramesSent.get();
    }

    public long screenFramesSent() {
        return screenFramesSent.get();
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

    /** Complete video frames received, by sender media id. */
    public Map<Integer, Long> videoFramesByMediaId() {
        return videoReceiver.framesByMediaId();
    }

    public long videoDecodeErrors() {
        return videoReceiver.decodeErrors();
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
        if (mediaClock != null) {
            mediaClock.shutdownNow();
        }
        if (videoClock != null) {
            videoClock.shutdownNow();
        }
        if (screenClock != null) {
            screenClock.shutdownNow();
        }
        closeQuietly(videoChannel);
        closeQuietly(audioChannel);
        join(videoReceiveThread);
        join(audioReceiveThread);
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

    private static void join(Thread thread) {
        if (thread == null || thread == Thread.currentThread()) {
            return;
        }
        try {
            thread.join(CLOSE_WAIT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(DatagramChannel channel) {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing useful to do: the socket is going away
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

    /**
     * The hello/keepalive state of one socket: hello every tick until the relay's signed echo
     * arrives (or the tries run out), then a keepalive every second.
     */
    private final class Signalling {
        private final String what;
        private final DatagramChannel channel;
        private final InetSocketAddress relay;
        private final ByteBuffer packet = ByteBuffer.allocateDirect(MediaHeader.MIN_DATAGRAM);
        private final MediaAuthenticator signer = new MediaAuthenticator(config.key());
        // media clock thread only
        private long sequence;
        private int tries;
        private int ticksSinceKeepalive;
        private boolean gaveUp;
        // set on the receive thread
        private volatile boolean acked;

        Signalling(String what, DatagramChannel channel, InetSocketAddress relay) {
            this.what = what;
            this.channel = channel;
            this.relay = relay;
        }

        void tick() {
            if (acked || gaveUp) {
                if (++ticksSinceKeepalive >= KEEPALIVE_EVERY_TICKS) {
                    ticksSinceKeepalive = 0;
                    signal(MediaKind.KEEPALIVE);
                }
                return;
            }
            if (tries >= HELLO_MAX_TRIES) {
                gaveUp = true;
                String problem = "relay at " + relay + " did not acknowledge the " + what + " hello after "
                        + HELLO_MAX_TRIES + " tries; " + what + " may not reach this client";
                log.warn(problem);
                listener.onMediaProblem(problem);
                return;
            }
            tries++;
            signal(MediaKind.HELLO);
        }

        private void signal(MediaKind kind) {
            Fragmenter.encodeSignal(packet, kind, config.mediaId(), sequence++ & 0xFFFF_FFFFL, signer);
            send(channel, relay, packet);
        }

        /** A hello from the relay: the acknowledgement, valid only when signed with our key. */
        void onAck(ByteBuffer datagram, MediaAuthenticator verifier) {
            if (!verifier.verify(datagram, 0, MediaHeader.signedLength(datagram, 0))) {
                drops.add(DropReason.BAD_TAG);
                return;
            }
            if (acked) {
                return;
            }
            acked = true;
            log.debug("relay acknowledged the {} hello", what);
            if (ready() && readyReported.compareAndSet(false, true)) {
                log.info("media ready: relay acknowledged video and audio");
                listener.onMediaReady();
            }
        }
    }
}
