package chorus.client.session;

import chorus.client.codec.VideoEncoding;
import chorus.client.files.FileTransfers;
import chorus.client.media.AudioSink;
import chorus.client.media.AudioSource;
import chorus.client.media.VideoSource;
import chorus.protocol.audio.OpusFormat;
import chorus.protocol.control.ControlMessage;
import chorus.protocol.control.ControlMessage.ChatMessage;
import chorus.protocol.control.ControlMessage.FileInfo;
import chorus.protocol.control.ControlMessage.Hello;
import chorus.protocol.control.ControlMessage.ParticipantInfo;
import chorus.protocol.control.ControlMessage.ParticipantJoined;
import chorus.protocol.control.ControlMessage.ParticipantLeft;
import chorus.protocol.control.ControlMessage.Welcome;
import chorus.protocol.control.ErrorCode;
import chorus.protocol.media.MediaCipher;
import chorus.protocol.media.Reassembler;
import java.awt.image.BufferedImage;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One participant in one room: the control connection and the media session tied together, with
 * the roster kept current and per-sender counters named; the room's chat, presenter and offered
 * files written into its {@link RoomState} as the relay reports them; and the room's file service
 * ({@link #files()}). Headless; a UI observes it through a {@link ClientListener} and
 * {@link #snapshot()}, and sends intents back through its methods.
 */
public final class ChorusClient implements Closeable {
    /** The relay's last word on who speaks (control reader thread writes, anyone reads). */
    private volatile ControlMessage.DominantSpeaker dominantSpeaker;
    private static final Logger log = LoggerFactory.getLogger(ChorusClient.class);
    /** How long {@link #leave()} waits for the relay to close the connection. */
    static final Duration LEAVE_WAIT = Duration.ofSeconds(2);
    /** Our own RTT pings are no more frequent than this, whatever the relay's interval. */
    static final long MIN_PING_INTERVAL_MILLIS = 1_000;

    private final ClientOptions options;
    private final ClientListener listener;
    private final ClientThreads threads;
    private final ControlConnection control;
    private final MediaSession media;
    private final Welcome welcome;
    private final ScheduledExecutorService pinger;
    private final FileTransfers files;
    private final RoomState room;
    private final Roster roster;
    private final ScreenShare screenShare;
    private volatile ConnectionState state = ConnectionState.JOINED;
    private volatile String lostReason;
    /** The other relay nodes' control endpoints ({@code host:port}), from the welcome, then kept current. */
    private volatile List<String> otherNodes;

    private ChorusClient(ClientOptions options, ClientListener listener, ControlConnection control,
                         MediaSession.Config mediaConfig, ClientThreads threads, RoomState room) {
        this.options = options;
        this.room = room;
        this.listener = listener;
        this.threads = threads;
        this.control = control;
        this.welcome = control.welcome();
        this.roster = new Roster(welcome, control.initialRoster(), options.name());
        room.joinedAs(welcome.participantId());
        this.otherNodes = welcome.nodes() == null ? List.of() : List.copyOf(welcome.nodes());
        this.media = new MediaSession(mediaConfig, new MediaEvents(), threads);
        this.screenShare = new ScreenShare(welcome.participantId(), control, media);
        this.pinger = Executors.newSingleThreadScheduledExecutor(threads.named("ping"));
        this.files = welcome.files() == null ? new FileTransfers(null, welcome.room(), null)
                : FileTransfers.of(mediaConfig.videoEndpoint().getAddress(), welcome.files().port(), welcome.room(),
                welcome.files().token(), control.tlsFingerprint());
    }

    /** Joins {@code room} as {@code name} on the relay at {@code host:port} with default options. */
    public static ChorusClient connect(String host, int port, String name, String room, ClientListener listener)
            throws IOException {
        return connect(ClientOptions.of(new RelayAddress(host, port), name, room), listener);
    }

    /**
     * Joins a room; returns once joined with media starting. Network work then runs on the
     * client's own threads. It returns once the welcome's roster pages are all in, so
     * {@link #roster()} is the whole room from the start (the listener hears of changes after that).
     *
     * @throws RelayUnreachableException when the relay cannot be reached
     * @throws JoinRefusedException      when the relay refuses the join (code and message inside)
     * @throws IOException               when the handshake breaks off or the media sockets cannot open
     */
    public static ChorusClient connect(ClientOptions options, ClientListener listener) throws IOException {
        return connect(options, listener, new RoomState());
    }

    /**
     * Joins a room, keeping what the room reports in {@code room}: a call passes the same state to
     * each of its connections. Otherwise as {@link #connect(ClientOptions, ClientListener)}.
     */
    public static ChorusClient connect(ClientOptions options, ClientListener listener, RoomState room)
            throws IOException {
        return connect(options, listener, room, UnaryOperator.identity());
    }

    /**
     * {@link #connect(ClientOptions, ClientListener, RoomState)} with the media endpoints the
     * welcome gave passed through {@code media} first: a test or the load generator puts an
     * impairment proxy in front of the relay's media ports this way
     * ({@code chorus.client.impairment.ImpairedEndpoints}).
     */
    public static ChorusClient connect(ClientOptions options, ClientListener listener, RoomState room,
                                       UnaryOperator<MediaSession.Config> media) throws IOException {
        OpusFormat.warmUp(); // while the handshake runs: cold, Concentus is slower than real time
        Hello hello = new Hello(ControlMessage.PROTOCOL_VERSION, options.name(), options.room(), options.clientName(),
                options.resume(), options.token())
                .withCodecs(new ControlMessage.Codecs(options.audioDecodes(), VideoEncoding.DECODES))
                .withLayers(options.videoEncoding().simulcast().announcedHeights());
        ControlConnection control = ControlConnection.open(options.relay(), hello, options.timeout(), options.trust());
        try {
            Welcome welcome = control.welcome();
            MediaSession.Config mediaConfig = media.apply(mediaConfig(welcome, control.remoteAddress(),
                    options.decodeVideo(), options.videoEncoding()).withAudioCodec(options.audioCodec()));
            ChorusClient client = new ChorusClient(options, listener == null ? new ClientListener() { } : listener,
                    control, mediaConfig, new ClientThreads(options.room(), options.name()), room);
            client.start();
            return client;
        } catch (IOException | RuntimeException e) {
            control.close();
            throw e;
        }
    }

    static MediaSession.Config mediaConfig(Welcome welcome, InetAddress controlPeer, boolean decodeVideo) throws IOException {
        return mediaConfig(welcome, controlPeer, decodeVideo, VideoEncoding.H264);
    }

    static MediaSession.Config mediaConfig(Welcome welcome, InetAddress controlPeer, boolean decodeVideo,
                                           VideoEncoding videoEncoding) throws IOException {
        byte[] key;
        try {
            key = Base64.getDecoder().decode(welcome.mediaKey() == null ? "" : welcome.mediaKey());
        } catch (IllegalArgumentException e) {
            throw new IOException("relay sent a media key that is not base64");
        }
        if (key.length != MediaCipher.KEY_LENGTH) {
            throw new IOException("relay sent a media key of " + key.length + " bytes; expected " + MediaCipher.KEY_LENGTH);
        }
        if (welcome.media() == null) {
            throw new IOException("relay's welcome has no media endpoints");
        }
        InetAddress host = mediaHost(welcome.media().host(), controlPeer);
        return new MediaSession.Config(new InetSocketAddress(host, welcome.media().videoPort()),
                new InetSocketAddress(host, welcome.media().audioPort()), welcome.mediaId(), key, decodeVideo,
                videoEncoding);
    }

    /**
     * The address to send media to. A relay listening on all interfaces may advertise the wildcard
     * (or nothing); then the address that answered on the control port is the one to use.
     */
    static InetAddress mediaHost(String advertised, InetAddress controlPeer) throws IOException {
        if (advertised == null || advertised.isBlank()) {
            return controlPeer;
        }
        InetAddress address;
        try {
            address = InetAddress.getByName(advertised);
        } catch (UnknownHostException e) {
            throw new IOException("relay's media host '" + advertised + "' cannot be resolved", e);
        }
        return address.isAnyLocalAddress() ? controlPeer : address;
    }

    private void start() throws IOException {
        media.start();
        control.start(new ControlEvents(), threads.named("control"));
        long interval = Math.max(MIN_PING_INTERVAL_MILLIS, welcome.pingIntervalMillis());
        // First ping at once, so even a short call has a round-trip time.
        pinger.scheduleWithFixedDelay(this::ping, 0, interval, TimeUnit.MILLISECONDS);
        log.info("joined room {} as {} (media id {}); {} in the room", welcome.room(), options.name(),
                welcome.mediaId(), roster().size());
    }

    private void ping() {
        try {
            control.ping();
        } catch (IOException e) {
            log.debug("ping not sent: {}", e.getMessage()); // the reader thread reports the loss
        }
    }

    // ---- intents ----

    /** Sends frames from {@code source} at {@code fps}, replacing any earlier video source. */
    public void startVideo(VideoSource source, int fps) {
        media.startVideo(source, fps);
    }

    public void stopVideo() {
        media.stopVideo();
    }

    /** Sends a 20 ms frame from {@code source} every 20 ms, replacing any earlier audio source. */
    public void startAudio(AudioSource source) {
        media.startAudio(source);
    }

    public void stopAudio() {
        media.stopAudio();
    }

    /** Adds a sink that gets every played frame (received, concealed or silence) every 20 ms. */
    public void addAudioSink(AudioSink sink) {
        media.addAudioSink(sink);
    }

    public void removeAudioSink(AudioSink sink) {
        media.removeAudioSink(sink);
    }

    /**
     * Simulates a hung client (for keepalive tests): stops answering the relay's pings and stops
     * sending media and keepalives, but keeps both sockets open. The relay should drop it.
     */
    public void freeze() {
        if (state == ConnectionState.JOINED) {
            state = ConnectionState.FROZEN;
        }
        log.info("{} frozen: no more pongs or media", options.name());
        control.freeze();
        media.freeze();
    }

    /**
     * Sends a chat message to everyone in the room. It comes back through
     * {@link ClientListener#onChat} like everyone else's, in the room's one order; a message the
     * relay refuses (over its limit, 4 000 characters by default) comes back as
     * {@link ClientListener#onRelayError} with {@code message-too-long} and reaches nobody.
     *
     * @throws IOException when the control connection is gone
     */
    public void sendChat(String text) throws IOException {
        if (text == null) {
            throw new IllegalArgumentException("text is required");
        }
        control.send(new ControlMessage.ChatSend(text));
    }

    /**
     * Tells the relay what this client shows ({@link ControlMessage.Subscribe}): from then on it
     * forwards only those streams, each at most at the layer asked. A subscription the relay
     * refuses or caps comes back as {@link ClientListener#onRelayError} with
     * {@code bad-subscription} or {@code subscription-capped}.
     *
     * @throws IOException when the control connection is gone
     */
    public void subscribe(ControlMessage.Subscribe subscription) throws IOException {
        if (subscription == null) {
            throw new IllegalArgumentException("subscription is required");
        }
        control.send(subscription);
    }

    /** Who the relay last said speaks now, with the recent speakers (dominant first); null before it said. */
    public ControlMessage.DominantSpeaker dominantSpeaker() {
        return dominantSpeaker;
    }

    /**
     * Asks to present a screen: once the relay makes this participant the room's presenter, frames
     * from {@code source} are sent {@code fps} times a second as a SCREEN track, and the returned
     * future completes. When someone else presents it completes exceptionally with a
     * {@link RelayErrorException} whose code is {@code presenter-busy} and whose message says who
     * ("Ada is presenting"). While already presenting, the source is replaced at once.
     */
    public CompletableFuture<Void> startScreenShare(VideoSource source, int fps) {
        return screenShare.start(source, fps);
    }

    /** Stops presenting (or withdraws a request not yet answered); the relay tells the room. */
    public void stopScreenShare() {
        screenShare.stop(state == ConnectionState.JOINED);
    }

    /** Leaves the room: stops media, sends leave and waits (bounded) for the relay to close. */
    public void leave() {
        ConnectionState was = state;
        if (was == ConnectionState.LEFT || was == ConnectionState.LOST) {
            close();
            return;
        }
        state = ConnectionState.LEFT;
        pinger.shutdownNow();
        media.close();
        screenShare.abandon("left the room");
        control.leave(LEAVE_WAIT);
        log.info("{} left room {}", options.name(), welcome.room());
    }

    /** Disconnects without leaving (the relay sees the connection drop). Idempotent. */
    @Override
    public void close() {
        if (state != ConnectionState.LOST) {
            state = ConnectionState.LEFT;
        }
        pinger.shutdownNow();
        media.close();
        control.close();
        screenShare.abandon("disconnected");
    }

    // ---- observation ----

    public ConnectionState state() {
        return state;
    }

    /** This participant's name as the relay gave it (with a token, the token's name). */
    public String name() {
        return self().name();
    }

    public String room() {
        return welcome.room();
    }

    public Welcome welcome() {
        return welcome;
    }

    /**
     * The other relay nodes' control endpoints ({@code host:port}) as the relay last said; empty
     * for a relay on its own. Where to go when this one is lost.
     */
    public List<String> otherNodes() {
        return otherNodes;
    }

    /** How to come back as this participant through another node; null when the relay gave no token. */
    public ControlMessage.Resume resume() {
        return welcome.resumeToken() == null ? null
                : new ControlMessage.Resume(welcome.participantId(), welcome.resumeToken());
    }

    /** This participant as the roster shows it. */
    public ParticipantInfo self() {
        ParticipantInfo me = roster.get(welcome.participantId());
        return me != null ? me : new ParticipantInfo(welcome.participantId(), options.name(), welcome.mediaId());
    }

    /** Everyone in the room, this participant included, in join order. */
    public List<ParticipantInfo> roster() {
        return roster.list();
    }

    public MediaSession media() {
        return media;
    }

    /** The room's file service: uploads and downloads (blocking; run them off any UI thread). */
    public FileTransfers files() {
        return files;
    }

    /** The room's chat, files offered and presenter as this client (or its call) has been told. */
    public RoomState roomState() {
        return room;
    }

    /** The room's chat as seen so far (the history given on join included), oldest first. */
    public List<ChatMessage> chat() {
        return room.chatMessages();
    }

    /** Files offered to the room (before this client joined, too), in the order offered. */
    public List<FileInfo> offeredFiles() {
        return room.offeredFiles();
    }

    /** Who presents a screen, or null when nobody does. */
    public ParticipantInfo presenter() {
        return room.presenter();
    }

    /** Whether this participant is the room's presenter. */
    public boolean presenting() {
        return screenShare.presenting();
    }

    /** Smoothed control round-trip time in milliseconds, or -1 before the first measurement. */
    public double rttMillis() {
        return control.rttMillis();
    }

    public ClientSnapshot snapshot() {
        Map<String, Long> byName = new TreeMap<>();
        media.videoFramesByMediaId().forEach((mediaId, count) -> byName.merge(nameOf(mediaId), count, Long::sum));
        Map<String, Map<Integer, Long>> byLayer = new TreeMap<>();
        media.videoFramesByMediaIdAndLayer().forEach((mediaId, counts) -> counts.forEach((layer, count) ->
                byLayer.computeIfAbsent(nameOf(mediaId), any -> new TreeMap<>()).merge(layer, count, Long::sum)));
        Map<String, Long> readBack = new TreeMap<>();
        media.videoCountersReadBackByMediaId().forEach((mediaId, count) ->
                readBack.merge(nameOf(mediaId), count, Long::sum));
        return new ClientSnapshot(options.name(), welcome.room(), welcome.participantId(), welcome.mediaId(), state,
                roster(), media.ready(),
                media.videoFramesSent(), media.audioFramesSent(),
                byName, media.videoFramesIncomplete(), media.videoDecodeErrors(),
                media.audioFramesReceived(), media.audioFramesPlayed(), media.audioFramesConcealed(),
                media.audioTicksSilent(), media.audioFramesLate(), media.audioLevel(),
                media.drops(), media.sendErrors(), control.rttMillis(), lostReason,
                media.screenFramesSent(), media.screenFramesReceived(), readBack, media.videoRecovery(),
                media.cameraLayers(), byLayer);
    }

    /** The name behind a media id; {@code #id} for one never announced. */
    String nameOf(int mediaId) {
        return roster.nameOf(mediaId);
    }

    private void rosterChanged() {
        listener.onRosterChanged(roster());
    }

    /** Control events, on the control reader thread. */
    private final class ControlEvents implements ControlConnection.Listener {
        @Override
        public void onMessage(ControlMessage message) {
            if (message instanceof ParticipantJoined joined) {
                ParticipantInfo p = joined.participant();
                roster.put(p);
                log.info("{} joined", p.name());
                listener.onParticipantJoined(p);
                rosterChanged();
            } else if (message instanceof ControlMessage.ParticipantUpdated updated) {
                // Came back through another relay node: same person, perhaps a new media id.
                ParticipantInfo p = updated.participant();
                roster.put(p);
                log.info("{} is back (media id {})", p.name(), p.mediaId());
                rosterChanged();
            } else if (message instanceof ControlMessage.Nodes nodes) {
                otherNodes = nodes.nodes() == null ? List.of() : List.copyOf(nodes.nodes());
            } else if (message instanceof ControlMessage.Move move) {
                List<String> nodes = move.nodes() == null ? List.of() : List.copyOf(move.nodes());
                log.info("the relay is shutting down and asks to move to {}", nodes);
                otherNodes = nodes;
                listener.onMove(nodes);
            } else if (message instanceof ParticipantLeft left) {
                ParticipantInfo p = left.participant();
                ParticipantInfo removed = roster.remove(p.participantId());
                log.info("{} left ({})", p.name(), left.reason());
                media.forgetSender(p.mediaId());
                listener.onParticipantLeft(removed != null ? removed : p, left.reason());
                rosterChanged();
            } else if (message instanceof ChatMessage m) {
                if (room.addChat(m)) {
                    listener.onChat(m);
                }
            } else if (message instanceof ControlMessage.PresenterChanged changed) {
                onPresenterChanged(changed.presenter());
            } else if (message instanceof ControlMessage.FileOffered f) {
                if (room.offer(f.file())) {
                    listener.onFileOffered(f.file(), f.history());
                }
            } else if (message instanceof ControlMessage.DominantSpeaker speaker) {
                dominantSpeaker = speaker;
                listener.onDominantSpeaker(speaker.participantId(),
                        speaker.recent() == null ? List.of() : List.copyOf(speaker.recent()));
            } else if (message instanceof ControlMessage.LayersWanted wanted) {
                log.debug("relay wants camera layers {}, screen {}", wanted.camera(), wanted.screen());
                media.layersWanted(wanted);
            } else if (message instanceof ControlMessage.AudioLevels levels) {
                listener.onAudioLevels(levels.levels() == null ? List.of() : levels.levels());
            } else if (message instanceof ControlMessage.Error error) {
                log.warn("relay reported {}: {}", error.code(), error.message());
                if (ErrorCode.PRESENTER_BUSY.wire().equals(error.code())) {
                    screenShare.refused(error.code(), error.message());
                }
                listener.onRelayError(error.code(), error.message());
            } else {
                log.debug("ignoring {}", message);
            }
        }

        @Override
        public void onClosed(String reason, boolean requested) {
            if (requested || state == ConnectionState.LEFT) {
                return;
            }
            lostReason = reason;
            state = ConnectionState.LOST;
            log.warn("connection to relay lost: {}", reason);
            pinger.shutdownNow();
            media.close();
            screenShare.abandon("the connection to the relay was lost");
            listener.onConnectionLost(reason);
        }
    }

    /** The relay named a presenter (or nobody): start sending the screen if it is us, stop if it no longer is. */
    private void onPresenterChanged(ParticipantInfo now) {
        room.presenterChanged(now);
        screenShare.presenterChanged(now);
        log.info("presenter: {}", now == null ? "nobody" : now.name());
        listener.onPresenterChanged(now);
    }

    /** Media events, on the media threads. */
    private final class MediaEvents implements MediaSession.Listener {
        @Override
        public void onVideoFrame(int mediaId, int layer, Reassembler.Frame frame, BufferedImage image) {
            listener.onVideoFrame(new VideoFrame(nameOf(mediaId), mediaId, frame.frameId(), frame.timestamp(),
                    frame.data(), image, layer));
        }

        @Override
        public void onScreenFrame(int mediaId, Reassembler.Frame frame, BufferedImage image) {
            listener.onScreenFrame(new VideoFrame(nameOf(mediaId), mediaId, frame.frameId(), frame.timestamp(),
                    frame.data(), image, 0));
        }

        @Override
        public void onMediaReady() {
            listener.onMediaReady();
        }

        @Override
        public void onMediaProblem(String problem) {
            listener.onMediaProblem(problem);
        }

        @Override
        public void onAudioLevel(double rms) {
            listener.onAudioLevel(rms);
        }
    }

    /** For tests: the names known for media ids, including participants who left. */
    Map<Integer, String> namesByMediaId() {
        return roster.namesByMediaId();
    }
}
