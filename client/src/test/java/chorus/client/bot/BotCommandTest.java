package chorus.client.bot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chorus.client.ClientMain;
import chorus.client.LoopbackRelay;
import chorus.protocol.audio.AudioFormat;
import chorus.protocol.audio.Tones;
import chorus.relay.RelayNode;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code chorus bot} on the command line, against a real relay on loopback. */
class BotCommandTest {
    private static RelayNode relay;

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeAll
    static void startRelay() throws IOException {
        relay = LoopbackRelay.start();
    }

    @AfterAll
    static void stopRelay() {
        relay.close();
    }

    private static String server() {
        return "127.0.0.1:" + relay.controlPort();
    }

    private int run(String... args) {
        CommandLine cl = ClientMain.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test
    void helpListsTheSubcommands() {
        assertEquals(0, run("--help"));
        assertTrue(out.toString().contains("bot"), out.toString());
    }

    @Test
    void unreachableRelayFailsWithOneLine() throws Exception {
        int port;
        try (ServerSocket unused = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = unused.getLocalPort();
        }
        assertEquals(1, run("bot", "--server", "127.0.0.1:" + port, "--room", "lobby", "--name", "alice"));
        assertEquals("chorus bot: cannot reach relay at 127.0.0.1:" + port + " (Connection refused)"
                + System.lineSeparator(), err.toString());
    }

    @Test
    void refusedJoinFailsWithTheRelaysCodeAndMessage() {
        assertEquals(1, run("bot", "--server", server(), "--room", "lobby", "--name", ""));
        assertEquals("chorus bot: join refused (invalid-name): name must not be empty" + System.lineSeparator(),
                err.toString());
    }

    @Test
    void runsForItsDurationAndWritesStats() throws Exception {
        String room = LoopbackRelay.room("lobby");
        Path stats = dir.resolve("stats.json");
        Path bobHeard = dir.resolve("bob.wav");
        try (Bot bob = Bot.start(BotOptions.of(LoopbackRelay.address(relay), "bob", room).withTone(600)
                .withRecordAudio(bobHeard))) {
            int code = run("bot", "--server", server(), "--room", room, "--name", "alice",
                    "--video", "none", "--tone", "523", "--duration", "0.5", "--stats", stats.toString());
            assertEquals(0, code, err.toString());
            assertEquals(0, bob.snapshot().receivedFrom("alice"), "--video none sends no video");
        }
        try (AudioInputStream in = AudioSystem.getAudioInputStream(bobHeard.toFile())) {
            short[] heard = AudioFormat.toSamples(in.readAllBytes());
            assertTrue(Tones.amplitude(heard, 523) > 0.02, "bob heard alice's --tone 523");
        }
        assertTrue(out.toString().startsWith("alice in " + room + " for "), out.toString());
        assertTrue(out.toString().contains(" (duration): "), out.toString());
        assertEquals(1, out.toString().lines().count(), "one summary line on stdout");
        JsonNode json = new ObjectMapper().readTree(stats.toFile());
        assertEquals("alice", json.get("name").asText());
        assertEquals(room, json.get("room").asText());
        assertEquals("bob", json.get("roster").get(0).asText());
        assertEquals("alice", json.get("roster").get(1).asText());
        assertEquals(0, json.get("framesSent").asLong());
        assertTrue(json.get("audioFramesSent").asLong() > 0);
        assertTrue(json.get("framesReceivedFrom").get("bob").asLong() > 0, "bob's video counted under his name");
        assertEquals("duration", json.get("ended").asText());
        assertTrue(json.has("drops"));
    }

    @Test
    void aJpegBotIsReadBackByAnH264One() throws Exception {
        String room = LoopbackRelay.room("codecs");
        Path stats = dir.resolve("stats.json");
        try (Bot bob = Bot.start(BotOptions.of(LoopbackRelay.address(relay), "bob", room).withSilence())) {
            int code = run("bot", "--server", server(), "--room", room, "--name", "alice", "--silent",
                    "--video-codec", "jpeg", "--duration", "1.5", "--stats", stats.toString());
            assertEquals(0, code, err.toString());
            assertTrue(bob.snapshot().readBackFrom("alice") > 0, "bob decodes alice's JPEG frames");
        }
        JsonNode json = new ObjectMapper().readTree(stats.toFile());
        assertTrue(json.has("framesReadBackFrom"), json.toString());
    }

    @Test
    void badUsageExitsWithTwo() {
        assertEquals(2, run("bot", "--server", "nowhere", "--room", "r", "--name", "n"));
        assertTrue(err.toString().contains("HOST:PORT"), err.toString());
        assertEquals(2, run("bot", "--server", "h:1", "--room", "r", "--name", "n", "--tone", "440", "--silent"));
        assertEquals(2, run("bot", "--server", "h:1", "--room", "r", "--name", "n", "--video", "camera"));
        assertEquals(2, run("bot", "--server", "h:1", "--room", "r", "--name", "n", "--video-codec", "vp8"));
        assertTrue(err.toString().contains("h264 or jpeg"), err.toString());
        assertEquals(2, run("bot", "--server", "h:1", "--room", "r", "--name", "n", "--video-bitrate", "1"));
        assertEquals(2, run("bot"));
    }
}
