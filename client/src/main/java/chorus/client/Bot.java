package chorus.client;

import chorus.protocol.control.ControlMessage.ChatMessage;
import chorus.protocol.control.ControlMessage.FileInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
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
 */
public final class Bot implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Bot.class);
    /** How long {@link #stop()} lets transfers in progress finish before cancelling them. */
    static final Duration TRANSFER_WAIT = Duration.ofSeconds(60);

    private final BotOptions options;
    private final ChorusClient client;
    private final WavWriter recording;
    private final EndSignal end;
    private final ScheduledExecutorService timer;
    private final Transfers files;
    private volatile String screenShareRefused;
    private final long startNanos = System.nanoTime();
    private BotStats finalStats; // guarded by this

    private Bot(BotOptions options, ChorusClient client, WavWriter recording, EndSignal end, Transfers files) {
        this.options = options;
        this.client = client;
        this.recording = recording;
        this.end = end;
        this.files = files;
        this.timer = Executors.newSingleThreadScheduledExecutor(new ClientThreads(options.room(), options.name()).named("bot-timer"));
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
        EndSignal end = new EndSignal();
        Transfers files = new Transfers(options);
        ChorusClient client;
        try {
            client = ChorusClient.connect(
                    ClientOptions.of(options.relay(), options.name(), options.room()).withClientName("chorus-bot/0.1"),
                    new ClientListener() {
                        @Override
                        public void onConnectionLost(String reason) {
                            end.end(BotStats.Ending.CONNECTION_LOST, reason);
                        }

                        @Override
                        public void onFileOffered(FileInfo file, boolean history) {
                            files.offered(file);
                        }

                        @Override
                        public void onRelayError(String code, String message) {
                            files.relayErrors.add(new BotStats.RelayError(code, message));
                        }
                    });
        } catch (IOException | RuntimeException e) {
            files.executor.shutdownNow();
            if (recording != null) {
                recording.close();
            }
            throw e;
        }
        Bot bot = new Bot(options, client, recording, end, files);
        bot.begin();
        return bot;
    }

    private void begin() {
        if (recording != null) {
            client.addAudioSink(new RecordingSink(recording));
        }
        if (!options.silent()) {
            client.startAudio(new ToneSource(options.toneHz()));
        }
        if (options.video()) {
            client.startVideo(new TestPattern(options.name(), options.fps()), options.fps());
        }
        for (String text : options.say()) {
            say(text);
        }
        if (options.shareScreen()) {
            client.startScreenShare(new TestScreen(options.name()), BotOptions.SCREEN_FPS).whenComplete((ok, failure) -> {
                if (failure != null) {
                    Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                            ? failure.getCause() : failure;
                    if (cause instanceof RelayErrorException refusal) {
                        screenShareRefused = refusal.relayMessage();
                        log.warn("{}: screen share refused: {}", options.name(), screenShareRefused);
                    } else {
                        log.info("{}: no screen share: {}", options.name(), cause.getMessage()); // e.g. left first
                    }
                } else {
                    log.info("{} presents its screen", options.name());
                }
            });
        }
        files.begin(client);
        if (options.duration() != null) {
            timer.schedule(() -> end.end(BotStats.Ending.DURATION, "ran for " + options.duration().toMillis() / 1000.0 + " s"),
                    options.duration().toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    /** Live counters; {@code ended()} is null while it runs. */
    public BotStats snapshot() {
        return BotStats.of(client.snapshot(), activity(), secondsSinceStart(), end.ending, end.reason);
    }

    private BotStats.Activity activity() {
        List<BotStats.ChatLine> chat = new ArrayList<>();
        for (ChatMessage m : client.chat()) {
            chat.add(new BotStats.ChatLine(m.id(), m.from(), m.text(), m.history()));
        }
        return new BotStats.Activity(screenShareRefused, chat, List.copyOf(files.uploads),
                files.downloadResults(), List.copyOf(files.relayErrors));
    }

    /** Sends a chat message to the room (a test makes a bot answer with this). */
    public void say(String text) {
        try {
            client.sendChat(text);
        } catch (IOException e) {
            log.warn("{}: chat message not sent: {}", options.name(), e.getMessage());
        }
    }

    public ChorusClient client() {
        return client;
    }

    /** Simulates a hung client: no pongs, no media, sockets left open. The relay should drop it. */
    public void freeze() {
        client.freeze();
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
        ClientSnapshot last = client.snapshot();
        BotStats.Activity activity = activity();
        double seconds = secondsSinceStart();
        timer.shutdownNow();
        client.leave();
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

    /**
     * The bot's file transfers, one at a time on a thread of their own: its uploads once joined,
     * and a download of each file offered (the history included, each once) when asked to.
     */
    private static final class Transfers {
        final ExecutorService executor;
        final BotOptions options;
        final List<BotStats.FileResult> uploads = Collections.synchronizedList(new ArrayList<>());
        final List<BotStats.RelayError> relayErrors = Collections.synchronizedList(new ArrayList<>());
        /** Download results by file id, in the order offered; a null value is a download not finished. */
        private final LinkedHashMap<String, BotStats.FileResult> downloads = new LinkedHashMap<>();
        private final Set<String> scheduled = ConcurrentHashMap.newKeySet();
        private volatile ChorusClient client;

        Transfers(BotOptions options) {
            this.options = options;
            this.executor = Executors.newSingleThreadExecutor(new ClientThreads(options.room(), options.name()).named("files"));
        }

        /** Joined: offer the uploads, and download what was offered before the client was handed over. */
        void begin(ChorusClient joined) {
            client = joined;
            for (Path file : options.uploads()) {
                submit(() -> upload(file));
            }
            for (FileInfo file : joined.offeredFiles()) {
                offered(file);
            }
        }

        /** A file was offered (on the control thread, or from {@link #begin}); each is downloaded once. */
        void offered(FileInfo file) {
            if (options.downloadAll() == null || client == null || !scheduled.add(file.fileId())) {
                return; // not wanted, or not joined yet: begin() picks it up from the client's list
            }
            synchronized (downloads) {
                downloads.put(file.fileId(), null);
            }
            submit(() -> download(file));
        }

        private void submit(Runnable transfer) {
            try {
                executor.execute(transfer);
            } catch (RejectedExecutionException e) {
                // the bot is stopping: no new transfers
            }
        }

        private void upload(Path file) {
            String name = file.getFileName() == null ? file.toString() : file.getFileName().toString();
            long size = -1;
            try {
                size = Files.size(file);
                FileInfo info = client.files().upload(file, name, FileTransfers.Progress.NONE);
                uploads.add(new BotStats.FileResult(name, info.size(), info.sha256(), true, info.fileId(), null, null, null));
            } catch (FileTransferException e) {
                log.warn("{}: upload of {} failed: {} ({})", options.name(), file, e.getMessage(), e.code());
                uploads.add(new BotStats.FileResult(name, size, null, false, null, null, e.code(), e.getMessage()));
            } catch (IOException e) {
                log.warn("{}: upload of {} failed: {}", options.name(), file, e.getMessage());
                uploads.add(new BotStats.FileResult(name, size, null, false, null, null,
                        FileTransferException.LOCAL_FILE, e.getMessage()));
            }
        }

        private void download(FileInfo file) {
            BotStats.FileResult result;
            try {
                Path saved = client.files().download(file, options.downloadAll(), FileTransfers.Progress.NONE);
                result = new BotStats.FileResult(file.name(), file.size(), file.sha256(), true, file.fileId(),
                        saved.toString(), null, null);
            } catch (FileTransferException e) {
                log.warn("{}: download of {} failed: {} ({})", options.name(), file.name(), e.getMessage(), e.code());
                result = new BotStats.FileResult(file.name(), file.size(), file.sha256(), false, file.fileId(), null,
                        e.code(), e.getMessage());
            }
            synchronized (downloads) {
                downloads.put(file.fileId(), result);
            }
        }

        /** Finished downloads, in the order offered. */
        List<BotStats.FileResult> downloadResults() {
            synchronized (downloads) {
                return downloads.values().stream().filter(Objects::nonNull).toList();
            }
        }

        /** Takes no new transfers; waits up to {@code wait} for those queued or running, then cancels the rest. */
        void finish(Duration wait) {
            executor.shutdown();
            try {
                if (!executor.awaitTermination(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                    log.warn("{}: transfers still running after {} s; cancelling them", options.name(), wait.toSeconds());
                    executor.shutdownNow();
                    executor.awaitTermination(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                executor.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
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

    /** Writes every played tick, silence included, so the file stays aligned with the wall clock. */
    private static final class RecordingSink implements AudioSink {
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
    }
}
