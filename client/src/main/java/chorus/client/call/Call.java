package chorus.client.call;

import chorus.client.device.AudioCapture;
import chorus.client.device.AudioPlayback;
import chorus.client.device.DeviceKind;
import chorus.client.device.MediaDevice;
import chorus.client.device.VideoCapture;
import chorus.client.files.FileTransferException;
import chorus.client.media.VideoSource;
import chorus.client.session.ChorusClient;
import chorus.client.session.ClientListener;
import chorus.client.session.ClientSnapshot;
import chorus.client.session.ClientThreads;
import chorus.client.session.JoinRefusedException;
import chorus.client.session.RelayAddress;
import chorus.client.session.RelayErrorException;
import chorus.client.session.RelayUnreachableException;
import chorus.client.session.RoomState;
import chorus.client.session.VideoFrame;
import chorus.protocol.control.ControlMessage;
import chorus.protocol.control.ControlMessage.AudioLevel;
import chorus.protocol.control.ControlMessage.ChatMessage;
import chorus.protocol.control.ControlMessage.FileInfo;
import chorus.protocol.control.ControlMessage.ParticipantInfo;
import chorus.protocol.control.ErrorCode;
import java.awt.image.BufferedImage;
import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A person's call: stays in one room through lost relays, and holds what the person asked for
 * (muted or not, camera on or off, which devices) so that every new connection gets it too.
 * Headless: the desktop app observes {@link #snapshot()} and sends intents through the methods
 * here, none of which blocks. Beside the media it keeps the room's chat (with an unread count),
 * its presenter and screen, the files offered and this participant's uploads and downloads, all
 * carried across reconnections.
 *
 * <pre>{@code
 * Call call = Call.start(CallOptions.of(relay, "Ada", "standup"), listener); // joins in the background
 * call.useMicrophone(mic);  call.useCamera(camera);  call.setCameraOn(true);
 * call.setMuted(true);                                  // no more audio datagrams
 * call.sendChat("hello");  call.startScreenShare(ScreenCapture.defaultScreen());
 * call.upload(path);  call.download(fileId, downloads);
 * call.leave().get(5, SECONDS);
 * }</pre>
 *
 * <p>When the control connection is lost the call retries with backoff (from
 * {@link CallOptions#reconnectInitial()} doubling to {@link CallOptions#reconnectMax()}) and rejoins
 * with the same name and room; meanwhile its state is {@link CallState#RECONNECTING} and the camera
 * keeps running for the self view. Connections are made on the call's own thread; devices are
 * opened on their own clocks ({@link LocalMedia}).
 */
public final class Call implements Closeable {
    private static final Logger log = LoggerFactory.getLogger(Call.class);
    /** Refusals that another attempt would only repeat: the call ends with the relay's reason. */
    private static final Set<String> FINAL_REFUSALS = Set.of(ErrorCode.INVALID_NAME.wire(),
            ErrorCode.INVALID_ROOM.wire(), ErrorCode.UNSUPPORTED_VERSION.wire());
    private static final long LOSS_SAMPLE_MILLIS = 1_000;
    private static final long CLOSE_WAIT_MILLIS = 5_000;
    /** The screen is sent at this rate: enough for slides and scrolling, light on the network. */
    public static final int SCREEN_FPS = 10;
    /** Transfers running at once; more wait their turn. */
    private static final int TRANSFER_THREADS = 2;

    private final CallOptions options;
    private final CallListener listener;
    private final ScheduledExecutorService connector;
    private final LocalMedia local;
    private final RemoteVideo remote = new RemoteVideo();
    private final TalkerLevels levels = new TalkerLevels();
    /** The room's chat, files and presenter, kept across connections: each connection writes into it. */
    private final RoomState room = new RoomState();
    private final CompletableFuture<Void> ended = new CompletableFuture<>();
    private final ExecutorService transfers;

    // connector thread only
    private ChorusClient session;
    private ScheduledFuture<?> retry;
    private final ReconnectPolicy reconnect;
    private boolean leaving;
    private final long[][] lossSamples = new long[3][]; // {expected, received}, oldest first
    /** After a loss: who to come back as (null when the relay gave no resume token). */
    private ControlMessage.Resume resume;
    /** The counters of the connections before the current one; guards {@link #current} with them. */
    private final Counters counters = new Counters();

    // read by snapshot() from any thread
    private volatile CallState state = CallState.CONNECTING;
    private volatile ChorusClient current;
    private volatile String problem;
    private volatile List<ParticipantInfo> roster = List.of();
    private volatile ParticipantInfo selfInfo;
    private volatile int reconnects;
    private volatile double packetLoss = -1;

    // collaboration: written on the client's threads or the transfer threads, read by snapshot()
    private volatile String chatProblem;
    private volatile ScreenView screen;
    private volatile String screenProblem;
    /** The share the person asked for (it survives a reconnection); connector thread only, except the flag. */
    private VideoSource screenSource;
    private int screenFps = SCREEN_FPS;
    private volatile boolean screenWanted;
    private final ConcurrentHashMap<String, FileView> downloads = new ConcurrentHashMap<>();
    /** By upload number, in the order asked. Guarded by itself. */
    private final LinkedHashMap<Long, UploadView> uploads = new LinkedHashMap<>();
    private final AtomicLong nextUpload = new AtomicLong(1);

    private Call(CallOptions options, CallListener listener) {
        this.options = options;
        this.reconnect = new ReconnectPolicy(options);
        this.listener = listener == null ? new CallListener() { } : listener;
        ClientThreads threads = new ClientThreads(options.room(), options.name());
        this.connector = Executors.newSingleThreadScheduledExecutor(threads.named("call"));
        this.transfers = Executors.newFixedThreadPool(TRANSFER_THREADS, threads.named("files"));
        this.local = new LocalMedia(options.fps(), options.keepPictures(), new LocalMedia.Events() {
            @Override
            public void onChange() {
                changed();
            }

            @Override
            public void onDeviceProblem(DeviceKind kind, String message) {
                Call.this.listener.onDeviceProblem(kind, message);
            }
        }, threads);
    }

    /** Starts joining in the background and returns at once; watch {@link #snapshot()} or the listener. */
    public static Call start(CallOptions options, CallListener listener) {
        Call call = new Call(options, listener);
        call.connector.execute(call::attempt);
        call.sampleLossEverySecond();
        return call;
    }

    /**
     * Joins on the calling thread and returns once joined (what a bot does): when the first attempt
     * fails the call ends and this throws what it met. After that, as {@link #start}.
     *
     * @throws RelayUnreachableException when the relay cannot be reached
     * @throws JoinRefusedException      when the relay refuses the join (code and message inside)
     * @throws IOException               when the handshake breaks off or the media sockets cannot open
     */
    public static Call join(CallOptions options, CallListener listener) throws IOException {
        Call call = new Call(options, listener);
        try {
            call.connector.submit(() -> {
                call.connect();
                return null;
            }).get();
        } catch (ExecutionException e) {
            call.connector.execute(call::finish);
            call.awaitEnd();
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw new IOException(cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            call.close();
            throw new InterruptedIOException("interrupted while joining room " + options.room());
        }
        call.sampleLossEverySecond();
        return call;
    }

    private void sampleLossEverySecond() {
        connector.scheduleAtFixedRate(this::sampleLoss, LOSS_SAMPLE_MILLIS, LOSS_SAMPLE_MILLIS, TimeUnit.MILLISECONDS);
    }

    // ---- connecting ----

    private void attempt() {
        retry = null;
        if (leaving) {
            return;
        }
        try {
            connect();
        } catch (JoinRefusedException e) {
            if (FINAL_REFUSALS.contains(e.code())) {
                endByItself("The relay refused the join: " + e.relayMessage(), null);
            } else {
                failed("The relay refused the join: " + e.relayMessage());
            }
        } catch (IOException | RuntimeException e) {
            failed(sentence(e.getMessage()));
        }
    }

    /** One attempt, on the connector thread: joins through the next relay of the policy. */
    private void connect() throws IOException {
        SessionEvents events = new SessionEvents();
        RelayAddress relay = reconnect.next();
        ChorusClient client = ChorusClient.connect(options.clientOptions().withRelay(relay).withResume(resume), events,
                room);
        events.client = client;
        reconnect.joined();
        if (leaving) {
            client.leave();
            return;
        }
        boolean rejoined = state == CallState.RECONNECTING;
        session = client;
        synchronized (counters) {
            current = client;
        }
        selfInfo = client.self();
        roster = client.roster();
        client.addAudioSink(local.output());
        local.attach(client.media());
        problem = null;
        resetLoss();
        if (rejoined) {
            reconnects++;
        }
        if (screenWanted && screenSource != null) {
            requestScreenShare(client); // presenting when the relay went away: ask again
        }
        state = CallState.JOINED;
        log.info("{} room {} as {} through {}", rejoined ? "rejoined" : "joined", options.room(), options.name(), relay);
        changed();
    }

    /** The attempt failed: say why, and try again after the backoff. */
    private void failed(String why) {
        problem = why;
        long delay = reconnect.failed();
        log.info("{}; retrying in {} ms", why, delay);
        retry = connector.schedule(this::attempt, delay, TimeUnit.MILLISECONDS);
        changed();
    }

    /** The connection was lost, or (moved) the relay asked to go to another node now. */
    private void lost(String reason, boolean moved) {
        long delay = reconnect.lost(session.otherNodes(), moved);
        resume = session.resume();
        local.detach();
        session.close();
        retire(session);
        session = null;
        packetLoss = -1;
        room.forgetPresenter();
        screen = null;
        levels.clear();
        state = CallState.RECONNECTING;
        problem = moved ? sentence(reason) : "Lost the relay (" + reason + ")";
        log.warn("{}; reconnecting", problem);
        retry = connector.schedule(this::attempt, delay, TimeUnit.MILLISECONDS);
        changed();
    }

    /** The counters of a connection that is over are added to those before it. */
    private void retire(ChorusClient client) {
        synchronized (counters) {
            ClientSnapshot last = client.snapshot();
            counters.earlier = counters.earlier == null ? last : last.after(counters.earlier);
            current = null;
        }
    }

    /** Ends the call without being asked to: a final refusal, or a lost connection not to be replaced. */
    private void endByItself(String why, String lostReason) {
        problem = why;
        log.warn("call ended: {}", why);
        finish();
        try {
            listener.onEnded(lostReason != null ? lostReason : why);
        } catch (RuntimeException e) {
            log.warn("call listener failed", e);
        }
    }

    private void finish() {
        leaving = true;
        if (retry != null) {
            retry.cancel(false);
            retry = null;
        }
        if (session != null) {
            local.detach();
            session.leave();
            retire(session);
            session = null;
        }
        state = CallState.LEFT;
        local.close();
        transfers.shutdownNow(); // the file service's token ended with the connection
        room.forgetPresenter();
        screen = null;
        screenWanted = false;
        changed();
        connector.shutdown();
        ended.complete(null);
    }

    private static String sentence(String message) {
        if (message == null || message.isEmpty()) {
            return "Cannot reach the relay";
        }
        return Character.toUpperCase(message.charAt(0)) + message.substring(1);
    }

    // ---- intents (any thread, never blocking) ----

    /** Stops (true) or resumes (false) sending audio; the microphone is opened on first unmute. */
    public void setMuted(boolean muted) {
        local.setMuted(muted);
    }

    /** Starts or stops the camera (and sending video); stopping releases the device. */
    public void setCameraOn(boolean on) {
        local.setCameraOn(on);
    }

    /** The microphone to capture from; replaces the current one at once if it is open. */
    public void useMicrophone(MediaDevice<AudioCapture> device) {
        local.useMicrophone(device);
    }

    /** The camera to capture from; replaces the current one at once if it is on. */
    public void useCamera(MediaDevice<VideoCapture> device) {
        local.useCamera(device);
    }

    /** Where to play the room's audio; null plays nothing. */
    public void useSpeaker(MediaDevice<AudioPlayback> device) {
        local.useSpeaker(device);
    }

    /**
     * Sends a chat message to the room. It shows in {@link CallSnapshot#chat()} when the relay
     * sends it back, in the room's order; when it cannot be sent or the relay refuses it (too long)
     * {@link CallSnapshot#chatProblem()} says why.
     */
    public void sendChat(String text) {
        run(() -> {
            ChorusClient client = session;
            if (client == null) {
                chatProblem = "Not connected: the message was not sent.";
                changed();
                return;
            }
            // Cleared before sending: the relay's refusal may arrive before sendChat returns.
            chatProblem = null;
            try {
                client.sendChat(text);
            } catch (IOException e) {
                chatProblem = "The message was not sent (" + e.getMessage() + ").";
            }
            changed();
        });
    }

    /** The person has seen the chat: the unread count starts again from zero. */
    public void markChatRead() {
        if (room.markChatRead()) {
            changed();
        }
    }

    /**
     * Presents the screen from {@code source} at {@link #SCREEN_FPS}. When someone else presents,
     * the relay's refusal is in {@link CallSnapshot#screenProblem()} ("Ada is presenting"). A share
     * survives a reconnection (it is asked for again).
     */
    public void startScreenShare(VideoSource source) {
        startScreenShare(source, SCREEN_FPS);
    }

    /** As {@link #startScreenShare(VideoSource)}, at {@code fps} (1..30) frames a second. */
    public void startScreenShare(VideoSource source, int fps) {
        if (fps < 1 || fps > 30) {
            throw new IllegalArgumentException("screen fps " + fps + " is outside 1..30");
        }
        run(() -> {
            screenSource = source;
            screenFps = fps;
            screenWanted = true;
            screenProblem = null;
            ChorusClient client = session;
            if (client != null) {
                requestScreenShare(client);
            }
            changed();
        });
    }

    public void stopScreenShare() {
        run(() -> {
            screenWanted = false;
            screenSource = null;
            screenProblem = null;
            ChorusClient client = session;
            if (client != null) {
                client.stopScreenShare();
            }
            changed();
        });
    }

    /** On the connector thread. */
    private void requestScreenShare(ChorusClient client) {
        client.startScreenShare(screenSource, screenFps).whenComplete((ok, failure) -> {
            if (failure == null) {
                screenProblem = null;
                changed();
                return;
            }
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
            if (cause instanceof CancellationException) {
                return; // withdrawn by stopScreenShare
            }
            run(() -> {
                if (client != session) {
                    return; // that connection is gone; a new one asks again
                }
                screenWanted = false;
                screenSource = null;
                screenProblem = cause instanceof RelayErrorException refusal ? refusal.relayMessage()
                        : "The screen could not be shared (" + cause.getMessage() + ").";
                changed();
            });
        });
    }

    /**
     * Offers {@code file} to the room in the background; {@link CallSnapshot#uploads()} shows its
     * progress and how it ended.
     */
    public void upload(Path file) {
        long id = nextUpload.getAndIncrement();
        String name = file.getFileName() == null ? file.toString() : file.getFileName().toString();
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            size = 0;
        }
        long total = size;
        putUpload(new UploadView(id, name, total, TransferState.RUNNING, 0, null, null));
        submitTransfer(() -> {
            ChorusClient client = current;
            if (client == null) {
                putUpload(new UploadView(id, name, total, TransferState.FAILED, 0, null,
                        "Not connected: the file was not offered."));
                return;
            }
            long[] last = {0};
            try {
                FileInfo info = client.files().upload(file, name, (done, all) -> {
                    last[0] = done;
                    putUpload(new UploadView(id, name, all, TransferState.RUNNING, done, null, null));
                });
                putUpload(new UploadView(id, name, info.size(), TransferState.DONE, info.size(), info.fileId(), null));
            } catch (FileTransferException e) {
                putUpload(new UploadView(id, name, total, TransferState.FAILED, last[0], null, sentence(e.getMessage())));
            }
        }, () -> putUpload(new UploadView(id, name, total, TransferState.FAILED, 0, null, "The call has ended.")));
    }

    /**
     * Downloads an offered file into {@code directory} in the background, checked against its
     * SHA-256; {@link CallSnapshot#files()} shows its progress and where it was saved.
     */
    public void download(String fileId, Path directory) {
        FileInfo file = room.offered(fileId);
        if (file == null) {
            return;
        }
        FileView was = downloads.get(fileId);
        if (was != null && was.download() == TransferState.RUNNING) {
            return;
        }
        putDownload(file, TransferState.RUNNING, 0, null, null);
        submitTransfer(() -> {
            ChorusClient client = current;
            if (client == null) {
                putDownload(file, TransferState.FAILED, 0, null, "Not connected: try again once reconnected.");
                return;
            }
            long[] last = {0};
            try {
                Path saved = client.files().download(file, directory, (done, all) -> {
                    last[0] = done;
                    putDownload(file, TransferState.RUNNING, done, null, null);
                });
                putDownload(file, TransferState.DONE, file.size(), saved, null);
            } catch (FileTransferException e) {
                putDownload(file, TransferState.FAILED, last[0], null, sentence(e.getMessage()));
            }
        }, () -> putDownload(file, TransferState.FAILED, 0, null, "The call has ended."));
    }

    private void submitTransfer(Runnable transfer, Runnable rejected) {
        try {
            transfers.execute(() -> {
                try {
                    transfer.run();
                } catch (RuntimeException e) {
                    log.warn("file transfer failed", e);
                }
            });
        } catch (RejectedExecutionException e) {
            rejected.run();
        }
    }

    private void putUpload(UploadView upload) {
        synchronized (uploads) {
            uploads.put(upload.id(), upload);
        }
        if (upload.state() != TransferState.RUNNING || upload.bytesDone() == 0) {
            changed();
        }
    }

    private void putDownload(FileInfo file, TransferState state, long done, Path savedTo, String why) {
        downloads.put(file.fileId(), new FileView(file.fileId(), file.name(), file.size(), file.uploaderName(),
                room.own(file.uploaderId()), state, done, savedTo, why));
        if (state != TransferState.RUNNING || done == 0) {
            changed();
        }
    }

    /** Runs an intent on the connector thread; nothing once the call has ended. */
    private void run(Runnable intent) {
        try {
            connector.execute(intent);
        } catch (RejectedExecutionException e) {
            // the call has ended
        }
    }

    /** Leaves the room (bounded waits) and releases every device; completes when done. Idempotent. */
    public CompletableFuture<Void> leave() {
        try {
            connector.execute(() -> {
                if (state != CallState.LEFT) {
                    log.info("{} leaves room {}", options.name(), options.room());
                    problem = null;
                    finish();
                }
            });
        } catch (RejectedExecutionException e) {
            // already ended
        }
        return ended;
    }

    /** Completes when the call has ended, by {@link #leave()} or a final refusal. */
    public CompletableFuture<Void> ended() {
        return ended;
    }

    /** Leaves and waits (bounded) for it. */
    @Override
    public void close() {
        leave();
        awaitEnd();
    }

    private void awaitEnd() {
        try {
            ended.get(CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (TimeoutException | ExecutionException e) {
            log.warn("leaving took longer than {} ms", CLOSE_WAIT_MILLIS);
        }
    }

    // ---- observation ----

    public CallState state() {
        return state;
    }

    public CallOptions options() {
        return options;
    }

    /** The current connection while joined, else null (for tests and diagnostics). */
    public ChorusClient client() {
        return current;
    }

    /** The room's chat, files offered and presenter, over all of the call's connections. */
    public RoomState roomState() {
        return room;
    }

    /**
     * The current connection's counters with those of the call's earlier connections added (its
     * other fields are the current one's, or the last one's between connections and after the
     * end); null before the first join.
     */
    public ClientSnapshot counters() {
        synchronized (counters) {
            ChorusClient c = current;
            if (c == null) {
                return counters.earlier;
            }
            ClientSnapshot now = c.snapshot();
            return counters.earlier == null ? now : now.after(counters.earlier);
        }
    }

    /** The counters of the connections that are over, added up; null before any. */
    private static final class Counters {
        ClientSnapshot earlier;
    }

    public CallSnapshot snapshot() {
        long now = System.nanoTime();
        ChorusClient client = current;
        ParticipantInfo me = selfInfo;
        List<ParticipantView> views = new ArrayList<>();
        BufferedImage preview = local.preview();
        views.add(new ParticipantView(me == null ? "" : me.participantId(), options.name(), true,
                me == null ? 0 : me.mediaId(), preview, local.framesCaptured(),
                local.cameraOn() && preview != null, local.microphoneLevel(), local.speaking(now)));
        for (ParticipantInfo p : roster) {
            if (me != null && p.participantId().equals(me.participantId())) {
                continue;
            }
            RemoteVideo.Latest latest = remote.latest(p.mediaId());
            views.add(new ParticipantView(p.participantId(), p.name(), false, p.mediaId(),
                    latest == null ? null : latest.image(), latest == null ? 0 : latest.frames(),
                    latest != null && latest.active(now), levels.level(p.mediaId(), now), levels.speaking(p.mediaId(), now)));
        }
        ClientSnapshot c = client == null ? null : client.snapshot();
        RoomState.Chat chat = room.chat();
        List<ChatLine> lines = new ArrayList<>(chat.messages().size());
        for (ChatMessage m : chat.messages()) {
            lines.add(new ChatLine(m.id(), m.participantId(), m.from(), m.text(), m.serverTime(),
                    room.own(m.participantId()), m.history()));
        }
        List<FileView> files = new ArrayList<>();
        for (FileInfo f : room.offeredFiles()) {
            FileView d = downloads.get(f.fileId());
            files.add(d != null ? d : new FileView(f.fileId(), f.name(), f.size(), f.uploaderName(),
                    room.own(f.uploaderId()), TransferState.NOT_STARTED, 0, null, null));
        }
        List<UploadView> sending;
        synchronized (uploads) {
            sending = List.copyOf(uploads.values());
        }
        ParticipantInfo presenting = room.presenter();
        ScreenView shown = screen;
        ScreenView screenView = presenting == null ? shown // a screen whose presenter message is still on its way
                : shown != null && shown.presenterId().equals(presenting.participantId()) ? shown
                : new ScreenView(presenting.participantId(), presenting.name(), presenting.mediaId(),
                room.own(presenting.participantId()), null, 0);
        return new CallSnapshot(state, options.relay(), options.name(), options.room(), problem, List.copyOf(views),
                local.microphone(), local.camera(), local.speaker(),
                c == null ? -1 : c.rttMillis(), client == null ? -1 : packetLoss,
                c == null ? 0 : c.audioLevel(), reconnects,
                c == null ? 0 : c.audioFramesSent(), c == null ? 0 : c.videoFramesSent(),
                List.copyOf(lines), chat.unread(), chatProblem, screenView, screenWanted, screenProblem,
                List.copyOf(files), sending);
    }

    private void changed() {
        try {
            listener.onChange();
        } catch (RuntimeException e) {
            log.warn("call listener failed", e);
        }
    }

    // ---- packet loss over the last two seconds ----

    private void resetLoss() {
        lossSamples[0] = lossSamples[1] = lossSamples[2] = null;
        packetLoss = -1;
    }

    private void sampleLoss() {
        ChorusClient client = session;
        if (client == null) {
            return;
        }
        lossSamples[0] = lossSamples[1];
        lossSamples[1] = lossSamples[2];
        lossSamples[2] = new long[] {client.media().videoPacketsExpected(), client.media().videoPacketsReceived()};
        long[] from = lossSamples[0] != null ? lossSamples[0] : lossSamples[1];
        if (from == null) {
            return;
        }
        long expected = lossSamples[2][0] - from[0];
        long received = lossSamples[2][1] - from[1];
        packetLoss = expected <= 0 ? -1 : Math.max(0, (double) (expected - received) / expected);
    }

    /** Events of one connection; the connection they belong to is set once it is made. */
    private final class SessionEvents implements ClientListener {
        volatile ChorusClient client;

        @Override
        public void onRosterChanged(List<ParticipantInfo> now) {
            roster = now;
            changed();
        }

        @Override
        public void onParticipantLeft(ParticipantInfo participant, String reason) {
            remote.forget(participant.mediaId());
            levels.forget(participant.mediaId());
        }

        @Override
        public void onVideoFrame(VideoFrame frame) {
            if (options.keepPictures()) {
                remote.onFrame(frame);
            }
        }

        @Override
        public void onChat(ChatMessage m) {
            changed(); // the room state has it, with its unread count
        }

        @Override
        public void onPresenterChanged(ParticipantInfo now) {
            // The room state has the presenter and the share that ended with the last one.
            ScreenView shown = screen;
            if (shown != null && (now == null || !shown.presenterId().equals(now.participantId()))) {
                room.shareEnded(shown.mediaId());
                screen = null;
            }
            changed();
        }

        @Override
        public void onScreenFrame(VideoFrame frame) {
            if (!options.keepPictures() || frame.image() == null || room.shareHasEnded(frame.mediaId())) {
                return; // undecodable, or a late datagram of a share that ended
            }
            ParticipantInfo p = room.presenter();
            if (p == null) {
                // UDP can overtake the presenter message; the relay has already checked the sender.
                p = roster.stream().filter(r -> r.mediaId() == frame.mediaId()).findFirst().orElse(null);
            }
            if (p == null || p.mediaId() != frame.mediaId()) {
                return;
            }
            ScreenView was = screen;
            boolean first = was == null;
            screen = new ScreenView(p.participantId(), p.name(), p.mediaId(), false, frame.image(),
                    first ? 1 : was.frames() + 1);
            if (first) {
                changed();
            }
        }

        @Override
        public void onFileOffered(FileInfo file, boolean history) {
            changed();
            try {
                listener.onFileOffered(file, history);
            } catch (RuntimeException e) {
                log.warn("call listener failed", e);
            }
        }

        @Override
        public void onAudioLevels(List<AudioLevel> talkers) {
            levels.update(talkers, System.nanoTime());
        }

        @Override
        public void onRelayError(String code, String message) {
            if (ErrorCode.MESSAGE_TOO_LONG.wire().equals(code)) {
                chatProblem = "Your message was not sent: " + message;
                changed();
            }
            try {
                listener.onRelayError(code, message);
            } catch (RuntimeException e) {
                log.warn("call listener failed", e);
            }
        }

        @Override
        public void onConnectionLost(String reason) {
            try {
                connector.execute(() -> {
                    if (session != null && session == client) {
                        if (options.reconnectOnLoss()) {
                            lost(reason, false);
                        } else {
                            endByItself("Lost the relay (" + reason + ")", reason);
                        }
                    }
                });
            } catch (RejectedExecutionException e) {
                // the call has ended
            }
        }

        @Override
        public void onMove(List<String> nodes) {
            try {
                connector.execute(() -> {
                    if (session != null && session == client && !nodes.isEmpty()) {
                        // The node drains: go now, to the nodes it names, as the same participant.
                        lost("the relay node is shutting down; moving to another node", true);
                    }
                });
            } catch (RejectedExecutionException e) {
                // the call has ended
            }
        }
    }
}
