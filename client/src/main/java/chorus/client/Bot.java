package chorus.client;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A headless participant: sends the test pattern and a tone, records the mix it hears, and counts
 * what it receives. Runs in-process, so a test can put several in one room:
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

    private final BotOptions options;
    private final ChorusClient client;
    private final WavWriter recording;
    private final EndSignal end;
    private final ScheduledExecutorService timer;
    private final long startNanos = System.nanoTime();
    private BotStats finalStats; // guarded by this

    private Bot(BotOptions options, ChorusClient client, WavWriter recording, EndSignal end) {
        this.options = options;
        this.client = client;
        this.recording = recording;
        this.end = end;
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
        ChorusClient client;
        try {
            client = ChorusClient.connect(
                    ClientOptions.of(options.relay(), options.name(), options.room()).withClientName("chorus-bot/0.1"),
                    new ClientListener() {
                        @Override
                        public void onConnectionLost(String reason) {
                            end.end(BotStats.Ending.CONNECTION_LOST, reason);
                        }
                    });
        } catch (IOException | RuntimeException e) {
            if (recording != null) {
                recording.close();
            }
            throw e;
        }
        Bot bot = new Bot(options, client, recording, end);
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
        if (options.duration() != null) {
            timer.schedule(() -> end.end(BotStats.Ending.DURATION, "ran for " + options.duration().toMillis() / 1000.0 + " s"),
                    options.duration().toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    /** Live counters; {@code ended()} is null while it runs. */
    public BotStats snapshot() {
        return BotStats.of(client.snapshot(), secondsSinceStart(), end.ending, end.reason);
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
        ClientSnapshot last = client.snapshot();
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
        finalStats = BotStats.of(last, seconds, end.ending, end.reason);
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
