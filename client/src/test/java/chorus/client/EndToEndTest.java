package chorus.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chorus.client.bot.Bot;
import chorus.client.bot.BotOptions;
import chorus.client.bot.BotStats;
import chorus.protocol.audio.AudioFormat;
import chorus.protocol.audio.Tones;
import chorus.relay.RelayNode;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real relay and real bots on loopback: what a user of a call would notice — who is there, whose
 * video arrives, what each one hears — checked from the bots' own stats and recordings.
 */
class EndToEndTest {
    private static final Duration KEEPALIVE_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static RelayNode relay;

    @TempDir
    Path dir;

    @BeforeAll
    static void startRelay() throws Exception {
        relay = RelayNode.startOnLoopback(ConfigFactory.parseString(
                "chorus.relay.keepalive { ping-interval = 250ms, timeout = " + KEEPALIVE_TIMEOUT.toMillis() + "ms }"));
    }

    @AfterAll
    static void stopRelay() {
        relay.close();
    }

    private static BotOptions bot(String name, String room) {
        return BotOptions.of("127.0.0.1", relay.controlPort(), name, room);
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "within " + WAIT + ": " + what);
            Thread.sleep(20);
        }
    }

    private static short[] readWav(Path file) throws Exception {
        try (AudioInputStream in = AudioSystem.getAudioInputStream(file.toFile())) {
            assertEquals(AudioFormat.SAMPLE_RATE, (int) in.getFormat().getSampleRate());
            assertEquals(1, in.getFormat().getChannels());
            return AudioFormat.toSamples(in.readAllBytes());
        }
    }

    @Test
    void threeBotsSeeAndHearEachOtherAndABotInAnotherRoomNothing() throws Exception {
        String room = "e2e-" + System.nanoTime();
        Map<String, Double> tones = Map.of("Alice", 440.0, "Bob", 660.0, "Carol", 880.0);
        Map<String, Bot> bots = new HashMap<>();
        Bot loner = null;
        try {
            for (String name : List.of("Alice", "Bob", "Carol")) {
                bots.put(name, Bot.start(bot(name, room).withTone(tones.get(name))
                        .withRecordAudio(dir.resolve(name + ".wav"))));
            }
            loner = Bot.start(bot("Dana", room + "-elsewhere").withTone(550).withRecordAudio(dir.resolve("Dana.wav")));

            // Once everyone receives everyone, count what is sent and received over five seconds.
            await("every bot receives video from the two others", () -> bots.values().stream().allMatch(b ->
                    b.snapshot().framesReceivedFrom().size() == 2
                            && b.snapshot().framesReceivedFrom().values().stream().allMatch(n -> n > 0)));
            Map<String, BotStats> before = new HashMap<>();
            bots.forEach((name, b) -> before.put(name, b.snapshot()));
            Thread.sleep(5000); // the call itself: five seconds of media
            Map<String, BotStats> after = new HashMap<>();
            bots.forEach((name, b) -> after.put(name, b.snapshot()));
            BotStats lonerStats = loner.snapshot();

            for (String name : bots.keySet()) {
                BotStats s = after.get(name);
                assertEquals(Set.of("Alice", "Bob", "Carol"), new TreeSet<>(s.roster()), name + "'s roster");
                for (String other : bots.keySet()) {
                    if (other.equals(name)) {
                        continue;
                    }
                    long sent = after.get(other).framesSent() - before.get(other).framesSent();
                    long received = s.receivedFrom(other) - before.get(name).receivedFrom(other);
                    assertTrue(sent > 40, other + " sent " + sent + " frames in 5 s");
                    assertTrue(received >= 0.9 * sent,
                            name + " received " + received + " of the " + sent + " frames " + other + " sent");
                }
                assertEquals(0, s.videoDecodeErrors(), name + " decoded every frame");
            }
            assertEquals(List.of("Dana"), lonerStats.roster(), "another room's roster");
            assertTrue(lonerStats.framesReceivedFrom().isEmpty(), "another room sees nothing: " + lonerStats.framesReceivedFrom());
        } finally {
            bots.values().forEach(Bot::stop);
            if (loner != null) {
                loner.stop();
            }
        }

        for (String name : bots.keySet()) {
            short[] heard = readWav(dir.resolve(name + ".wav"));
            assertTrue(heard.length > 5 * AudioFormat.SAMPLE_RATE, name + " recorded the call");
            // Skip the first second (joining, jitter buffers filling); measure the rest.
            int from = AudioFormat.SAMPLE_RATE;
            for (String other : bots.keySet()) {
                double level = Tones.amplitude(heard, from, heard.length, tones.get(other));
                if (other.equals(name)) {
                    assertTrue(level < 0.005, name + " hears its own tone at " + level);
                } else {
                    assertTrue(level > 0.1, name + " hears " + other + "'s " + tones.get(other) + " Hz at only " + level);
                }
            }
        }
        short[] lonerHeard = readWav(dir.resolve("Dana.wav"));
        for (double hz : tones.values()) {
            assertTrue(Tones.amplitude(lonerHeard, hz) < 0.001, "another room hears nothing of " + hz + " Hz");
        }
    }

    @Test
    void aBotKilledWithoutAGoodbyeLeavesTheOthersRosters() throws Exception {
        String room = "kill-" + System.nanoTime();
        try (Bot watcher = Bot.start(bot("Watcher", room).withVideo(false).withSilence())) {
            Process victim = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), ClientMain.class.getName(),
                    "bot", "--server", "127.0.0.1:" + relay.controlPort(), "--room", room, "--name", "Victim")
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("victim.log").toFile())
                    .start();
            try {
                await("the victim joins", () -> watcher.snapshot().roster().contains("Victim"));
                victim.destroyForcibly(); // SIGKILL: no leave, no clean close by the bot itself
                assertTrue(victim.waitFor(10, java.util.concurrent.TimeUnit.SECONDS));
                long killedAt = System.nanoTime();
                await("the victim leaves the roster", () -> !watcher.snapshot().roster().contains("Victim"));
                Duration gone = Duration.ofNanos(System.nanoTime() - killedAt);
                assertTrue(gone.compareTo(KEEPALIVE_TIMEOUT.plusSeconds(2)) < 0,
                        "gone after " + gone.toMillis() + " ms, keepalive timeout " + KEEPALIVE_TIMEOUT.toMillis() + " ms");
            } finally {
                victim.destroyForcibly();
                if (Files.exists(dir.resolve("victim.log"))) {
                    System.out.println(Files.readString(dir.resolve("victim.log")));
                }
            }
        }
    }

    @Test
    void aFrozenBotThatStillHoldsItsConnectionIsRemovedByTheKeepalive() throws Exception {
        String room = "freeze-" + System.nanoTime();
        try (Bot watcher = Bot.start(bot("Watcher", room).withVideo(false).withSilence());
             Bot frozen = Bot.start(bot("Frozen", room).withVideo(false).withSilence())) {
            await("both present", () -> watcher.snapshot().roster().contains("Frozen"));
            frozen.freeze(); // answers no pings, sends nothing, keeps the socket open
            await("the frozen bot leaves the roster", () -> !watcher.snapshot().roster().contains("Frozen"));
            assertTrue(frozen.awaitEnd(WAIT), "the relay closed the frozen bot's connection");
            assertEquals(BotStats.Ending.CONNECTION_LOST, frozen.stop().ended());
        }
    }
}
