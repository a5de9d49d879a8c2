package chorus.client.bot;

import chorus.client.call.Call;
import chorus.client.call.CallListener;
import chorus.client.call.CallOptions;
import chorus.client.device.AudioPlayback;
import chorus.client.device.MediaDevice;
import chorus.client.device.TestSources;
import chorus.client.media.TestScreen;
import chorus.client.media.WavWriter;
import chorus.client.session.ChorusClient;
import chorus.client.session.ClientSnapshot;
import chorus.client.session.ClientThreads;
import chorus.client.session.JoinRefusedException;
import chorus.client.session.RelayUnreachableException;
import chorus.protocol.control.ControlMessage.ChatMessage;
import chorus.protocol.control.ControlMessage.FileInfo;
import chorus.protocol.control.ErrorCode;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A headless participant: sends the test pattern and a tone, records the mix it hears, and counts
 * what it receives. It can also chat ({@code say}), present a synthetic screen, offer files and
 * download every file offered in the room, as they are offered. Runs in-process, so a test can put
 * several in one room:
 *
 * <pre>{@code
 * BotStats stats = Bot.run(BotOptions.of(relay, "alice", "room").withDuration(Duration.ofSeconds(3)));
 *
 * try (Bot bob = Bot.start(BotOptions.of(relay, "bob", "room"))) {   // joined when start returns
 *     bob.freeze();                                                     // a hung client
 *     bob.awaitEnd(Duration.ofSeconds(10));                             // relay drops it
 *     assert bob.stop().ended() == BotStats.Ending.CONNECTION_LOST;
 * }
 * }</pre>
 *
 * <p>A bot drives a {@link Call}, as the desktop app does: the test pattern is its camera, the
 * tone its microphone, the recording its speaker. A relay node that drains asks its clients to
 * {@code move}: the call then resumes on one of the other nodes as the same participant and goes
 * on. With {@link BotOptions#reconnect()} it does the same when the connection is lost (the call's
 * one reconnect policy) instead of ending. Its counters add up over the connections.
 */
public final class Bot implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Bot.class);
    /** How long {@link #stop()} lets transfers in progress finish before cancelling them. */
    static final Duration TRANSFER_WAIT = Duration.ofSeconds(60);
    /** Bound on leaving, a join in progress included. */
    private static final long LEAVE_WAIT_SECONDS = 15;
    static final String CLIENT_NAME = "chorus-bot/0.1";
    /** How often a subscribing bot checks the roster against what it told the relay. */
    private static final long SUBSCRIPTION_CHECK_MILLIS = 100;

    private final BotOptions options;
    /** Set once joined. */
    private volatile Call call;
    private final WavWriter recording;
    private final EndSignal end = new EndSignal();
    private final ScheduledExecutorService timer;
    private final BotTransfers files;
    private final List<BotStats.RelayError> relayErrors = Collections.synchronizedList(new ArrayList<>());
    private volatile String screenShareRefused;
    private final long startNanos = System.nanoTime();
    private BotStats finalStats; // guarded by this

    private Bot(BotOptions options, WavWriter recording) {
        this.options = options;
        this.recording = recording;
        this.files = new BotTransfers(options);
        this.timer = Executors.newSingleThreadScheduledExecutor(
                new ClientThreads(options.room(), options.name()).named("bot-timer"));
    }

    /** Joins, runs until the duration passes (or forever without one, or until the relay drops it), leaves. */
    public static BotStats run(BotOptions options) throws IOException, InterruptedException {
        Bot bot = start(options);
        try {
            bot.awaitEnd();
        } catch (InterruptedException e) {
            bot.stop();
            throw e;
        }
        return bot.stop();
    }

    /**
     * Joins and starts sending; returns once joined (the bot is in the roster) while it runs on its
     * own threads.
     *
     * @throws RelayUnreachableException when the relay cannot be reached
     * @throws JoinRefusedException      when the relay refuses the join
     * @throws IOException               when the recording file cannot be created or the join breaks off
     */
    public static Bot start(BotOptions options) throws IOException {
        WavWriter recording = options.recordAudio() == null ? null : new WavWriter(options.recordAudio());
        Bot bot = new Bot(options, recording);
        try {
            bot.call = Call.join(CallOptions.of(options.relay(), options.name(), options.room())
                    .withClientName(CLIENT_NAME).withFps(options.fps()).withReconnectOnLoss(options.reconnect())
                    .withKeepPictures(false).withTrust(options.trust()).withToken(options.token())
                    .withVideoEncoding(options.cameraEncoding()).withAudioCodec(options.audioCodec()),
                    bot.new Events());
        } catch (IOException | RuntimeException e) {
            bot.files.cancel();
            bot.timer.shutdownNow();
            if (recording != null) {
                recording.close();
            }
            throw e;
        }
        bot.begin();
        return bot;
    }

    /** The call's events that the bot acts on or counts. */
    private final class Events implements CallListener {
        @Override
        public void onFileOffered(FileInfo file, boolean history) {
            files.offered(file);
        }

        @Override
        public void onRelayError(String code, String message) {
            relayErrors.add(new BotStats.RelayError(code, message));
            if (ErrorCode.PRESENTER_BUSY.wire().equals(code)) {
                // The answer to the bot's own share: the relay refuses only one that was asked for.
                screenShareRefused = message;
                log.warn("{}: screen share refused: {}", options.name(), message);
            }
        }

        @Override
        public void onEnded(String reason) {
            end.end(BotStats.Ending.CONNECTION_LOST, reason);
        }
    }

    /** What the bot sends, records and does once joined; its devices stay with the call across connections. */
    private void begin() {
        if (recording != null) {
            call.useSpeaker(new Recorder(recording));
        }
        if (!options.silent()) {
            call.useMicrophone(TestSources.tone(options.toneHz()));
        }
        if (options.video()) {
            call.useCamera(TestSources.pattern(options.name(), options.fps()));
            call.setCameraOn(true);
        }
        if (options.shareScreen()) {
            call.startScreenShare(new TestScreen(options.name()), BotOptions.SCREEN_FPS);
        }
        for (String text : options.say()) {
            say(text);
        }
        files.begin(call);
        if (options.subscribe() != BotOptions.NO_SUBSCRIPTION) {
            BotSubscriptions subscriptions = new BotSubscriptions(options.subscribe(), options.subscribeLayer());
            timer.scheduleWithFixedDelay(() -> {
                try {
                    subscriptions.refresh(call.client());
                } catch (RuntimeException e) {
                    log.warn("{}: cannot subscribe", options.name(), e);
                }
            }, 0, SUBSCRIPTION_CHECK_MILLIS, TimeUnit.MILLISECONDS);
        }
        if (options.duration() != null) {
            timer.schedule(() -> end.end(BotStats.Ending.DURATION, "ran for " + options.duration().toMillis() / 1000.0 + " s"),
                    options.duration().toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    /** Live counters (over every connection so far); {@code ended()} is null while it runs. */
    public BotStats snapshot() {
        return BotStats.of(call.counters(), activity(), secondsSinceStart(), end.ending, end.reason);
    }

    private BotStats.Activity activity() {
        List<BotStats.ChatLine> chat = new ArrayList<>();
        // The call's room state has each message once, over all its connections.
        for (ChatMessage m : call.roomState().chatMessages()) {
            chat.add(new BotStats.ChatLine(m.id(), m.from(), m.text(), m.history()));
        }
        List<BotStats.RelayError> errors;
        synchronized (relayErrors) {
            errors = List.copyOf(relayErrors);
        }
        return new BotStats.Activity(screenShareRefused, chat, files.uploadResults(), files.downloadResults(), errors);
    }

    /** Sends a chat message to the room (a test makes a bot answer with this). */
    public void say(String text) {
        call.sendChat(text);
    }

    /** The current connection; null while the call is between connections. */
    public ChorusClient client() {
        return call.client();
    }

    /** The call the bot drives. */
    public Call call() {
        return call;
    }

    /** Simulates a hung client: no pongs, no media, sockets left open. The relay should drop it. */
    public void freeze() {
        ChorusClient client = call.client();
        if (client != null) {
            client.freeze();
        }
    }

    /** Waits until the run ends (duration passed, relay dropped it, or stop requested); true if it did. */
    public boolean awaitEnd(Duration timeout) throws InterruptedException {
        return end.latch.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Waits, without a bound, until the run ends; for the command line, where the user ends it. */
    public void awaitEnd() throws InterruptedException {
        end.latch.await();
    }

    public boolean ended() {
        return end.latch.getCount() == 0;
    }

    /** Ends the run without leaving yet (for a signal handler); {@link #stop()} then leaves. */
    public void requestStop() {
        end.end(BotStats.Ending.STOPPED, "stopped");
    }

    /**
     * Ends the run if still running, leaves the room (bounded wait), closes the recording and
     * returns the final stats, taken just before leaving. Idempotent.
     */
    public synchronized BotStats stop() {
        if (finalStats != null) {
            return finalStats;
        }
        end.end(BotStats.Ending.STOPPED, "stopped");
        files.finish(TRANSFER_WAIT); // while still in the room: the file service's token ends with it
        ClientSnapshot last = call.counters();
        BotStats.Activity activity = activity();
        double seconds = secondsSinceStart();
        timer.shutdownNow();
        try {
            call.leave().get(LEAVE_WAIT_SECONDS, TimeUnit.SECONDS); // a join in progress ends first, then leaves
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (TimeoutException | ExecutionException e) {
            log.warn("{}: still leaving after {} s; going anyway", options.name(), LEAVE_WAIT_SECONDS);
        }
        if (recording != null) {
            try {
                recording.close();
            } catch (IOException e) {
                log.warn("cannot finish the recording {}: {}", recording.file(), e.getMessage());
            }
        }
        finalStats = BotStats.of(last, activity, seconds, end.ending, end.reason);
        log.debug("{}", finalStats.summary());
        return finalStats;
    }

    @Override
    public void close() {
        stop();
    }

    private double secondsSinceStart() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    /** The first reason the run ended wins. */
    private static final class EndSignal {
        final CountDownLatch latch = new CountDownLatch(1);
        final AtomicBoolean set = new AtomicBoolean();
        volatile BotStats.Ending ending;
        volatile String reason;

        void end(BotStats.Ending ending, String reason) {
            if (set.compareAndSet(false, true)) {
                this.reason = reason;
                this.ending = ending;
                latch.countDown();
            }
        }
    }

    /** The bot's speaker: the recording. */
    private static final class Recorder implements MediaDevice<AudioPlayback> {
        private final WavWriter wav;

        Recorder(WavWriter wav) {
            this.wav = wav;
        }

        @Override
        public String id() {
            return "recording";
        }

        @Override
        public String label() {
            return "Recording to " + wav.file();
        }

        @Override
        public AudioPlayback open() {
            return new RecordingSink(wav);
        }
    }

    /** Writes every played tick, silence included, so the file stays aligned with the wall clock. */
    private static final class RecordingSink implements AudioPlayback {
        private final WavWriter wav;
        private boolean failed;

        RecordingSink(WavWriter wav) {
            this.wav = wav;
        }

        @Override
        public void play(short[] frame, Origin origin) {
            if (failed) {
                return;
            }
            try {
                wav.write(frame);
            } catch (IOException e) {
                failed = true;
                log.error("recording to {} stopped: {}", wav.file(), e.getMessage());
            }
        }

        @Override
        public void close() {
            // the bot closes the file once the call has ended: its last ticks are written by then
        }
    }
}
