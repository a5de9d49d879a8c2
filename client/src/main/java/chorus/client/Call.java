package chorus.client;

import chorus.protocol.control.ControlMessage.ParticipantInfo;
import chorus.protocol.control.ErrorCode;
import java.awt.image.BufferedImage;
import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A person's call: stays in one room through lost relays, and holds what the person asked for
 * (muted or not, camera on or off, which devices) so that every new connection gets it too.
 * Headless: the desktop app observes {@link #snapshot()} and sends intents through the methods
 * here, none of which blocks.
 *
 * <pre>{@code
 * Call call = Call.start(CallOptions.of(relay, "Ada", "standup"), listener); // joins in the background
 * call.useMicrophone(mic);  call.useCamera(camera);  call.setCameraOn(true);
 * call.setMuted(true);                                  // no more audio datagrams
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

    private final CallOptions options;
    private final CallListener listener;
    private final ScheduledExecutorService connector;
    private final LocalMedia local;
    private final RemoteVideo remote = new RemoteVideo();
    private final CompletableFuture<Void> ended = new CompletableFuture<>();

    // connector thread only
    private ChorusClient session;
    private ScheduledFuture<?> retry;
    private long backoffMillis;
    private boolean leaving;
    private final long[][] lossSamples = new long[3][]; // {expected, received}, oldest first

    // read by snapshot() from any thread
    private volatile CallState state = CallState.CONNECTING;
    private volatile ChorusClient current;
    private volatile String problem;
    private volatile List<ParticipantInfo> roster = List.of();
    private volatile ParticipantInfo selfInfo;
    private volatile int reconnects;
    private volatile double packetLoss = -1;

    private Call(CallOptions options, CallListener listener) {
        this.options = options;
        this.listener = listener == null ? new CallListener() { } : listener;
        ClientThreads threads = new ClientThreads(options.room(), options.name());
        this.connector = Executors.newSingleThreadScheduledExecutor(threads.named("call"));
        this.local = new LocalMedia(options.fps(), new LocalMedia.Events() {
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
        call.connector.scheduleAtFixedRate(call::sampleLoss, LOSS_SAMPLE_MILLIS, LOSS_SAMPLE_MILLIS, TimeUnit.MILLISECONDS);
        return call;
    }

    // ---- connecting ----

    private void attempt() {
        retry = null;
        if (leaving) {
            return;
        }
        SessionEvents events = new SessionEvents();
        ChorusClient client;
        try {
            client = ChorusClient.connect(options.clientOptions(), events);
        } catch (JoinRefusedException e) {
            if (FINAL_REFUSALS.contains(e.code())) {
                end("The relay refused the join: " + e.relayMessage());
            } else {
                failed("The relay refused the join: " + e.relayMessage());
            }
            return;
        } catch (IOException | RuntimeException e) {
            failed(sentence(e.getMessage()));
            return;
        }
        events.client = client;
        if (leaving) {
            client.leave();
            return;
        }
        boolean rejoined = state == CallState.RECONNECTING;
        session = client;
        current = client;
        selfInfo = client.self();
        roster = client.roster();
        client.addAudioSink(local.output());
        local.attach(client.media());
        backoffMillis = 0;
        problem = null;
        resetLoss();
        if (rejoined) {
            reconnects++;
        }
        state = CallState.JOINED;
        log.info("{} room {} as {}", rejoined ? "rejoined" : "joined", options.room(), options.name());
        changed();
    }

    /** The attempt failed: say why, and try again after the backoff. */
    private void failed(String why) {
        problem = why;
        backoffMillis = backoffMillis == 0 ? options.reconnectInitial().toMillis()
                : Math.min(options.reconnectMax().toMillis(), backoffMillis * 2);
        log.info("{}; retrying in {} ms", why, backoffMillis);
        retry = connector.schedule(this::attempt, backoffMillis, TimeUnit.MILLISECONDS);
        changed();
    }

    private void lost(String reason) {
        local.detach();
        session.close();
        session = null;
        current = null;
        packetLoss = -1;
        state = CallState.RECONNECTING;
        problem = "Lost the relay (" + reason + ")";
        log.warn("{}; reconnecting", problem);
        backoffMillis = options.reconnectInitial().toMillis();
        retry = connector.schedule(this::attempt, backoffMillis, TimeUnit.MILLISECONDS);
        changed();
    }

    private void end(String why) {
        problem = why;
        log.warn("call ended: {}", why);
        finish();
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
            session = null;
            current = null;
        }
        state = CallState.LEFT;
        local.close();
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
        try {
            leave().get(CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
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
                    latest != null && latest.active(now), ParticipantView.LEVEL_UNKNOWN, false));
        }
        ClientSnapshot c = client == null ? null : client.snapshot();
        return new CallSnapshot(state, options.relay(), options.name(), options.room(), problem, List.copyOf(views),
                local.microphone(), local.camera(), local.speaker(),
                c == null ? -1 : c.rttMillis(), client == null ? -1 : packetLoss,
                c == null ? 0 : c.audioLevel(), reconnects,
                c == null ? 0 : c.audioFramesSent(), c == null ? 0 : c.videoFramesSent());
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
        }

        @Override
        public void onVideoFrame(VideoFrame frame) {
            remote.onFrame(frame);
        }

        @Override
        public void onConnectionLost(String reason) {
            try {
                connector.execute(() -> {
                    if (session != null && session == client) {
                        lost(reason);
                    }
                });
            } catch (RejectedExecutionException e) {
                // the call has ended
            }
        }
    }
}
