package chorus.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chorus.client.call.Call;
import chorus.client.call.CallListener;
import chorus.client.call.CallOptions;
import chorus.client.call.CallState;
import chorus.client.session.ChorusClient;
import chorus.client.session.ClientOptions;
import chorus.client.tls.RelayTrust;
import chorus.client.session.JoinRefusedException;
import chorus.client.session.RelayAddress;
import chorus.relay.RelayNode;
import chorus.relay.access.AccessTokens;
import chorus.relay.access.Grant;
import chorus.relay.access.TokenKey;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The client core, the call and {@code chorus bot} against a relay that requires access tokens. */
class AccessTokenClientTest {
    private static RelayNode relay;
    private static AccessTokens tokens;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        Path key = Path.of("target", "access-test", UUID.randomUUID() + ".key").toAbsolutePath();
        tokens = new AccessTokens(TokenKey.loadOrCreate(key));
        // Tokens travel only over TLS (a client refuses to send one in clear): the relay makes its certificate.
        Path tls = Path.of("target", "access-test", UUID.randomUUID() + "-tls").toAbsolutePath();
        relay = RelayNode.startOnLoopback(ConfigFactory.parseString("chorus.relay.access { mode = tokens, "
                + "token-key-file = \"" + key.toString().replace("\\", "/") + "\" }, chorus.relay.tls { enabled = true, "
                + "directory = \"" + tls.toString().replace("\\", "/") + "\" }"));
    }

    /** Trust exactly the relay's own certificate, as its ready line's fingerprint would be given. */
    private static RelayTrust trust() {
        return RelayTrust.defaults().withFingerprint(relay.tls().fingerprint());
    }

    @AfterAll
    static void stop() {
        relay.close();
    }

    private static RelayAddress address() {
        return new RelayAddress("127.0.0.1", relay.controlPort());
    }

    private static String token(String room, String identity, String name) {
        return tokens.issue(room, identity, name, Duration.ofHours(1), Grant.ALL, Instant.now());
    }

    @Test
    void aClientWithATokenJoinsUnderTheTokensName() throws Exception {
        String room = LoopbackRelay.room("token-client");
        try (ChorusClient ada = ChorusClient.connect(ClientOptions.of(address(), null, room)
                .withToken(token(room, "ada", "Ada")).withTrust(trust()), null)) {
            assertEquals("Ada", ada.name());
            assertEquals("Ada", ada.self().name());
        }
        JoinRefusedException refused = assertThrows(JoinRefusedException.class,
                () -> ChorusClient.connect(ClientOptions.of(address(), "Ada", room).withTrust(trust()), null));
        assertEquals("invalid-token", refused.code());
    }

    @Test
    void aCallReplacedByTheSameIdentityEndsAndDoesNotComeBack() throws Exception {
        String room = LoopbackRelay.room("token-replace");
        CallOptions options = CallOptions.of(address(), null, room).withToken(token(room, "ada", "Ada"))
                .withKeepPictures(false).withTrust(trust());
        Call first = Call.join(options, new CallListener() { });
        try (Call second = Call.join(options, new CallListener() { })) {
            first.ended().get(LoopbackRelay.WAIT.toSeconds(), TimeUnit.SECONDS);
            assertEquals(CallState.LEFT, first.state(), "ended, not reconnecting (which would replace the second)");
            assertTrue(first.snapshot().problem().contains("same identity"), first.snapshot().problem());
            assertEquals(CallState.JOINED, second.state());
            assertEquals(1, second.client().roster().size(), "one Ada: " + second.client().roster());
        } finally {
            first.close();
        }
    }

    private int bot(StringWriter out, StringWriter err, String... args) {
        CommandLine cl = ClientMain.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test
    void theBotJoinsWithAJoinLinkAndIsToldClearlyWithoutOne() throws Exception {
        String room = LoopbackRelay.room("token-bot");
        Path stats = dir.resolve("bot.json");
        String link = "chorus://127.0.0.1:" + relay.controlPort() + "/" + room + "?token=" + token(room, "bot", "Botty");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        assertEquals(0, bot(out, err, "bot", "--token", link, "--fingerprint", relay.tls().fingerprint(), "--duration", "0.5", "--video", "none", "--silent",
                "--stats", stats.toString()), err.toString());
        assertEquals("Botty", new ObjectMapper().readTree(Files.readString(stats)).get("name").asText());

        StringWriter err2 = new StringWriter();
        assertEquals(1, bot(new StringWriter(), err2, "bot", "--server", "127.0.0.1:" + relay.controlPort(),
                "--room", room, "--name", "Mallory", "--fingerprint", relay.tls().fingerprint(), "--duration", "0.5"));
        assertTrue(err2.toString().contains("access token") && err2.toString().contains("(invalid-token)"),
                err2.toString());
    }

    @Test
    void aJoinLinksFingerprintIsTheCertificateTheBotExpects() throws Exception {
        Path key = Path.of("target", "access-test", UUID.randomUUID() + ".key").toAbsolutePath();
        AccessTokens own = new AccessTokens(TokenKey.loadOrCreate(key));
        try (RelayNode tls = RelayNode.startOnLoopback(ConfigFactory.parseMap(java.util.Map.of(
                "chorus.relay.tls.enabled", true, "chorus.relay.tls.directory", dir.resolve("tls").toString(),
                "chorus.relay.access.mode", "tokens", "chorus.relay.access.token-key-file", key.toString())))) {
            String room = LoopbackRelay.room("token-tls");
            String link = "chorus://127.0.0.1:" + tls.controlPort() + "/" + room + "?token="
                    + own.issue(room, "bot", "Botty", Duration.ofHours(1), Grant.ALL, Instant.now());
            Path known = dir.resolve("known-relays");
            StringWriter err = new StringWriter();
            assertEquals(1, bot(new StringWriter(), err, "bot", "--token", link, "--known-relays", known.toString(),
                    "--duration", "0.5", "--video", "none", "--silent"), "without the fingerprint: unknown certificate");
            StringWriter err2 = new StringWriter();
            assertEquals(0, bot(new StringWriter(), err2, "bot", "--token", link + "&fingerprint=" + tls.tls().fingerprint(),
                    "--known-relays", known.toString(), "--duration", "0.5", "--video", "none", "--silent"),
                    err2.toString());
        }
    }
}
