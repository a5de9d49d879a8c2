package chorus.client.call;

import chorus.client.device.AudioCapture;
import chorus.client.device.AudioPlayback;
import chorus.client.device.DeviceKind;
import chorus.client.device.MediaDevice;
import chorus.client.device.VideoCapture;
import chorus.client.media.VideoSource;
import chorus.client.session.ChorusClient;
import chorus.client.session.ClientSnapshot;
import chorus.client.session.ClientThreads;
import chorus.client.session.JoinRefusedException;
import chorus.client.session.Refusals;
import chorus.client.session.RelayAddress;
import chorus.client.session.RelayUnreachableException;
import chorus.client.session.RoomState;
import chorus.client.tls.UntrustedRelayException;
import chorus.protocol.control.ControlMessage;
import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
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
 *
 * <p>Its parts: the connection of the moment ({@link Connections}) and the {@link ReconnectPolicy};
 * the room state of all its connections ({@link RoomState}); what the snapshot shows of it: the
 * tiles ({@link Participants}), the chat ({@link CallChat}), the screen ({@link SharedScreen}) and
 * the file transfers ({@link CallTransfers}); a connection's events reach them through
 * {@link ConnectionEvents}.
 */
public final class Call implements Closeable {
    private static final Logger log = LoggerFactory.getLogger(Call.class);
    private static final long LOSS_SAMPLE_MILLIS = 1_000;
    private static final long CLOSE_WAIT_MILLIS = 5_000;
    /** The screen is sent at this rate: enough for slides and scrolling, light on the network. */
    public static final int SCREEN_FPS = 10;

    private final CallOptions options;
    private final CallListener listener;
    private final ScheduledExecutorService connector;
    private final LocalMedia local;
    private final Participants participants;
    /** The room's chat, files and presenter, kept across connections: each connection writes into it. */
    private final RoomState room = new RoomState();
    private final CompletableFuture<Void> ended = new CompletableFuture<>();
    private final CallTransfers transfers;
    private final SharedScreen screen;
    private final CallChat chat;
    private final PacketLoss loss = new PacketLoss();
    private final Bitrates bitrates = new Bitrates();
    private final CallSubscription subscription = new CallSubscription(this::changed);

    // connector thread only
    private ChorusClient session;
    private ScheduledFuture<?> retry;
    private final ReconnectPolicy reconnect;
    private boolean leaving;
    /** After a loss: who to come back as (null when the relay gave no resume token). */
    private ControlMessage.Resume resume;

    // read by snapshot() from any thread
    private volatile CallState state = CallState.CONNECTING;
    private final Connections connections = new Connections();
    private volatile String problem;
    private volatile int reconnects;

    private Call(CallOptions options, CallListener listener) {
        this.options = options;
        this.reconnect = new ReconnectPolicy(options);
        this.listener = listener == null ? new CallListener() { } : listener;
        ClientThreads threads = new ClientThreads(options.room(), options.name());
        this.connector = Executors.newSingleThreadScheduledExecutor(threads.named("call"));
        this.transfers = new CallTransfers(threads, room, connections::current, this::changed);
        this.participants = new Participants(options.keepPictures());
        this.chat = new CallChat(room, this::changed);
        this.screen = new SharedScreen(room, options.keepPictures(), this::run, () -> session, this::changed);
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
            if (Refusals.isFinal(e.code())) { // another attempt would only repeat it: the call ends
                endByItself(Refusals.ofJoin(e.code(), e.relayMessage()), null);
            } else {
                failed(Refusals.ofJoin(e.code(), e.relayMessage()));
            }
        } catch (UntrustedRelayException e) {
            // Trying again would meet the same certificate: the user must decide, not the retry loop.
            endByItself(sentence(e.getMessage()), null);
        } catch (IOException | RuntimeException e) {
            failed(sentence(e.getMessage()));
        }
    }

    /** One attempt, on the connector thread: joins through the next relay of the policy. */
    private void connect() throws IOException {
        ConnectionEvents events = new ConnectionEvents(this, participants, screen, chat, subscription);
        RelayAddress relay = reconnect.next();
        ChorusClient client = ChorusClient.connect(options.clientOptions().withRelay(relay).withResume(resume), events,
                room);
        events.from(client);
        reconnect.joined();
        if (leaving) {
            client.leave();
            return;
        }
        boolean rejoined = state == CallState.RECONNECTING;
        session = client;
        connections.joined(client);
        participants.joined(client);
        client.addAudioSink(local.output());
        local.attach(client.media());
        problem = null;
        loss.reset();
        bitrates.reset();
        if (rejoined) {
            reconnects++;
        }
        screen.joined(client);
        subscription.joined(client);
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
        connections.retire(session);
        session = null;
        loss.reset();
        bitrates.reset();
        room.forgetPresenter();
        screen.connectionLost();
        participants.connectionLost();
        state = CallState.RECONNECTING;
        problem = moved ? sentence(reason) : "Lost the relay (" + reason + ")";
        log.warn("{}; reconnecting", problem);
        retry = connector.schedule(this::attempt, delay, TimeUnit.MILLISECONDS);
        changed();
    }

    /** Ends the call without being asked to: a final refusal, or a lost connection not to be replaced. */
    private void endByItself(String why, String lostReason) {
        problem = why;
        log.warn("call ended: {}", why);
        finish();
        tell(l -> l.onEnded(lostReason != null ? lostReason : why));
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
            connections.retire(session);
            session = null;
        }
        state = CallState.LEFT;
        local.close();
        transfers.cancelAll();
        room.forgetPresenter();
        screen.ended();
        changed();
        connector.shutdown();
        ended.complete(null);
    }

    static String sentence(String message) {
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
        run(() -> chat.send(session, text));
    }

    /** The person has seen the chat: the unread count starts again from zero. */
    public void markChatRead() {
        chat.markRead();
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
        run(() -> screen.start(source, fps));
    }

    public void stopScreenShare() {
        run(screen::stop);
    }

    /**
     * Offers {@code file} to the room in the background; {@link CallSnapshot#uploads()} shows its
     * progress and how it ended.
     */
    public void upload(Path file) {
        transfers.upload(file);
    }

    /**
     * Downloads an offered file into {@code directory} in the background, checked against its
     * SHA-256; {@link CallSnapshot#files()} shows its progress and where it was saved.
     */
    public void download(String fileId, Path directory) {
        transfers.download(fileId, directory);
    }

    /**
     * Tells the relay what the UI shows (the tiles on its page, each at the layer its size needs),
     * replacing what it asked before; asked again on every rejoin. A refusal or cap shows in
     * {@link CallSnapshot#subscriptionProblem()}.
     */
    public void subscribe(ControlMessage.Subscribe wanted) {
        if (wanted == null) {
            throw new IllegalArgumentException("subscription is required");
        }
        run(() -> subscription.ask(session, wanted));
    }

    /** The subscription last sent to the relay, or null while it forwards everything (its default). */
    public ControlMessage.Subscribe subscription() {
        return subscription.lastSent();
    }

    /** Subscriptions sent to the relay over all of the call's connections. */
    public long subscriptionsSent() {
        return subscription.sentCount();
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
        return connections.current();
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
        return connections.counters();
    }

    public CallSnapshot snapshot() {
        ChorusClient client = connections.current();
        List<ParticipantView> views = participants.views(options.name(), local, System.nanoTime());
        ClientSnapshot c = client == null ? null : client.snapshot();
        CallChat.Lines lines = chat.lines();
        return new CallSnapshot(state, options.relay(), options.name(), options.room(), problem, views,
                local.microphone(), local.camera(), local.speaker(),
                c == null ? -1 : c.rttMillis(), client == null ? -1 : loss.value(),
                c == null ? 0 : c.audioLevel(), reconnects,
                c == null ? 0 : c.audioFramesSent(), c == null ? 0 : c.videoFramesSent(),
                lines.lines(), lines.unread(), chat.problem(), screen.view(), screen.wanted(), screen.problem(),
                transfers.files(), transfers.uploads(),
                client == null ? -1 : bitrates.sentKbps(), client == null ? -1 : bitrates.receivedKbps(),
                speakers(client), subscription.problem());
    }

    /** The dominant speaker and the recent ones, dominant first, as the relay last said; empty before. */
    private static List<String> speakers(ChorusClient client) {
        ControlMessage.DominantSpeaker said = client == null ? null : client.dominantSpeaker();
        if (said == null) {
            return List.of();
        }
        List<String> out = new java.util.ArrayList<>();
        if (said.participantId() != null) {
            out.add(said.participantId());
        }
        if (said.recent() != null) {
            said.recent().stream().filter(id -> id != null && !out.contains(id)).forEach(out::add);
        }
        return List.copyOf(out);
    }

    void changed() {
        tell(CallListener::onChange);
    }

    /** Tells the listener something; its failure is logged, never the call's. */
    void tell(Consumer<CallListener> event) {
        try {
            event.accept(listener);
        } catch (RuntimeException e) {
            log.warn("call listener failed", e);
        }
    }

    private void sampleLoss() {
        ChorusClient client = session;
        if (client != null) {
            loss.sample(client.media());
            bitrates.sample(client.media(), System.nanoTime());
        }
    }

    /** A connection's events: it ended without the call leaving it. */
    void connectionLost(ConnectionEvents from, String reason) {
        run(() -> {
            if (session != null && session == from.client()) {
                if (options.reconnectOnLoss() && from.replaced() == null) { // replaced: coming back replaces the other
                    lost(reason, false);
                } else {
                    endByItself(from.replaced() != null ? from.replaced() : "Lost the relay (" + reason + ")", reason);
                }
            }
        });
    }

    /** A connection's events: its node drains; go now, to the nodes it names, as the same participant. */
    void moveRequested(ConnectionEvents from) {
        run(() -> {
            if (session != null && session == from.client()) {
                lost("the relay node is shutting down; moving to another node", true);
            }
        });
    }
}
