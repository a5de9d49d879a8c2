package chorus.client;

import chorus.protocol.control.ControlMessage;
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
 *
 * <p>A relay node that drains asks its clients to {@code move}: the bot then resumes on one of the
 * other nodes as the same participant and goes on. With {@link BotOptions#reconnect()} it does the
 * same when the connection is lost (trying the other nodes of a clustered relay first, then the
 * relay it was given, with backoff) instead of ending. Its counters add up over the connections.
 */
public final class Bot implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Bot.class);
    /** How long {@link #stop()} lets transfers in progress finish before cancelling them. */
    static final Duration TRANSFER_WAIT = Duration.ofSeconds(60);

    private static final long RETRY_FIRST_MILLIS = 200;
    private static final long RETRY_MAX_MILLIS = 2_000;

    private final BotOptions options;
    /** The current connection; replaced when the bot comes back on another one. */
    private volatile ChorusClient client;
    /** Counters and chat of the connections before the current one; null before any. Guarded by this. */
    private ClientSnapshot earlier;
    private final List<ChatMessage> earlierChat = new ArrayList<>();
    /** Times it joined again after a lost connection or a move (reconnector thread only). */
    private int reconnects;
    private final WavWriter recording;
    private final EndSignal end;
    private final ScheduledExecutorService timer;
    /** Joins again after a loss or a move, off the timer (whose duration must still end the run). */
    private final ExecutorService reconnector;
    private final Transfers files;
    private volatile String screenShareRefused;
    private final long startNanos = System.nanoTime();
    private BotStats finalStats; // guarded by this

    private Bot(BotOptions options, WavWriter recording, EndSignal end, Transfers files) {
        this.options = options;
        this.recording = recording;
        this.end = end;
        this.files = files;
        ClientThreads threads = new ClientThreads(options.room(), options.name());
        this.timer = Executors.newSingleThreadScheduledExecutor(threads.named("bot-timer"));
        this.reconnector = Executors.newSingleThreadExecutor(threads.named("bot-reconnect"));
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
        Bot bot = new Bot(options, recording, end, files);
        try {
            bot.client = bot.connect(options.relay(), null);
        } catch (IOException | RuntimeException e) {
            files.executor.shutdownNow();
            bot.timer.shutdownNow();
            bot.reconnector.shutdownNow();
            if (recording != null) {
                recording.close();
            }
            throw e;
        }
        bot.begin();
        return bot;
    }

    private ChorusClient connect(RelayAddress relay, ControlMessage.Resume resume) throws IOException {
        Events events = new Events();
        ChorusClient joined = ChorusClient.connect(ClientOptions.of(relay, options.name(), options.room())
                .withClientName("chorus-bot/0.1").withResume(resume), events);
        events.client = joined;
        return joined;
    }

    /** A connection's events; those of a connection the bot has left behind are ignored. */
    private final class Events implements ClientListener {
        volatile ChorusClient client;

        @Override
        public void onConnectionLost(String reason) {
            if (client != Bot.this.client) {
                return;
            }
            if (!options.reconnect()) {
                end.end(BotStats.Ending.CONNECTION_LOST, reason);
                return;
            }
            comeBack(client, "lost the relay (" + reason + ")", client.otherNodes());
        }

        @Override
        public void onMove(List<String> nodes) {
            if (client == Bot.this.client && !nodes.isEmpty()) {
                comeBack(client, "the relay node is shutting down", nodes);
            }
        }

        @Override
        public void onFileOffered(FileInfo file, boolean history) {
            files.offered(file);
        }

        @Override
        public void onRelayError(String code, String message) {
            files.relayErrors.add(new BotStats.RelayError(code, message));
        }
    }

    private void comeBack(ChorusClient from, String why, List<String> nodes) {
        try {
            reconnector.execute(() -> reconnect(from, why, nodes));
        } catch (RejectedExecutionException e) {
            // stopping
        }
    }

    /**
     * On the reconnector thread: leaves {@code lost} behind and joins again as the same participant
     * through {@code nodes} (in turn, from a random one), then the relay it was given, with
     * backoff, until joined or the run ends.
     */
    private void reconnect(ChorusClient lost, String why, List<String> nodes) {
        if (lost != client || ended()) {
            return;
        }
        log.info("{}: {}; joining again through {}", options.name(), why, nodes.isEmpty() ? options.relay() : nodes);
        ControlMessage.Resume resume = lost.resume();
        lost.close();
        List<RelayAddress> targets = new ArrayList<>(RelayAddress.parseNodes(nodes));
        Collections.shuffle(targets);
        targets.add(options.relay());
        long backoff = RETRY_FIRST_MILLIS;
        for (int attempt = 0; !ended(); attempt++) {
            RelayAddress to = targets.get(attempt % targets.size());
            try {
                ChorusClient next = connect(to, resume);
                if (ended()) {
                    next.leave(); // stopped meanwhile
                    return;
                }
                synchronized (this) {
                    ClientSnapshot last = lost.snapshot();
                    earlier = earlier == null ? last : last.after(earlier);
                    earlierChat.addAll(lost.chat());
                    client = next;
                }
                reconnects++;
                log.info("{}: back in {} through {} ({} reconnections)", options.name(), options.room(), to, reconnects);
                startMedia(next);
                files.attach(next);
                return;
            } catch (JoinRefusedException e) {
                log.warn("{}: {} refused the join: {}", options.name(), to, e.relayMessage());
            } catch (IOException | RuntimeException e) {
                log.info("{}: cannot join through {}: {}", options.name(), to, e.getMessage());
            }
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException e) {
                return; // stopping
            }
            backoff = Math.min(RETRY_MAX_MILLIS, backoff * 2);
        }
    }

    /** What the bot sends and records, on each connection. */
    private void startMedia(ChorusClient joined) {
        if (recording != null) {
            joined.addAudioSink(new RecordingSink(recording));
        }
        if (!options.silent()) {
            joined.startAudio(new ToneSource(options.toneHz()));
        }
        if (options.video()) {
            joined.startVideo(new TestPattern(options.name(), options.fps()), options.fps());
        }
        if (options.shareScreen()) {
            shareScreen(joined);
        }
    }

    private void begin() {
        startMedia(client);
        for (String text : options.say()) {
            say(text);
        }
        files.begin(client);
        if (options.duration() != null) {
            timer.schedule(() -> end.end(BotStats.Ending.DURATION, "ran for " + options.duration().toMillis() / 1000.0 + " s"),
                    options.duration().toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    private void shareScreen(ChorusClient client) {
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

    /** Live counters (over every connection so far); {@code ended()} is null while it runs. */
    public BotStats snapshot() {
        return BotStats.of(counters(), activity(), secondsSinceStart(), end.ending, end.reason);
    }

    private synchronized ClientSnapshot counters() {
        ClientSnapshot now = client.snapshot();
        return earlier == null ? now : now.after(earlier);
    }

    private BotStats.Activity activity() {
        List<BotStats.ChatLine> chat = new ArrayList<>();
        // Each message once: a connection that came back is given the history again.
        Set<String> seen = new java.util.HashSet<>();
        List<ChatMessage> all;
        synchronized (this) {
            all = new ArrayList<>(earlierChat);
            all.addAll(client.chat());
        }
        for (ChatMessage m : all) {
            if (seen.add(RoomState.chatKey(m))) {
                chat.add(new BotStats.ChatLine(m.id(), m.from(), m.text(), m.history()));
            }
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
        reconnector.shutdownNow(); // a join in progress sees the end and leaves again
        try {
            if (!reconnector.awaitTermination(15, TimeUnit.SECONDS)) {
                log.warn("{}: still joining again after 15 s; leaving anyway", options.name());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        files.finish(TRANSFER_WAIT); // while still in the room: the file service's token ends with it
        ClientSnapshot last = counters();
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
            client = joined; // before the uploads run
            for (Path file : options.uploads()) {
                submit(() -> upload(file));
            }
            attach(joined);
        }

        /** Joined again on a new connection: transfers go through it (each file still downloaded once). */
        void attach(ChorusClient joined) {
            client = joined;
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
