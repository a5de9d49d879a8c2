package chorus.client.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chorus.client.ClientMain;
import chorus.client.LoopbackRelay;
import chorus.client.session.ChorusClient;
import chorus.client.session.ClientOptions;
import chorus.client.session.RelayAddress;
import chorus.relay.RelayNode;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Whom the client trusts as the relay: an explicit fingerprint must match; a self-signed relay is
 * pinned on first use only when asked, and a changed certificate is refused afterwards; a
 * plain-text relay still serves a plain-text client, and each side's mistake ends in a clear error.
 */
class RelayTrustTest {
    @TempDir
    static Path dir;
    private static RelayNode tls;
    private static RelayNode other;
    private static RelayNode plain;

    @BeforeAll
    static void startRelays() throws Exception {
        tls = start(true, "a");
        other = start(true, "b");
        plain = start(false, "c");
    }

    private static RelayNode start(boolean tlsOn, String name) throws IOException {
        return RelayNode.startOnLoopback(ConfigFactory.parseMap(Map.of("chorus.relay.tls.enabled", tlsOn,
                "chorus.relay.tls.directory", dir.resolve("tls-" + name).toString(),
                "chorus.relay.files.directory", dir.resolve("files-" + name).toString())));
    }

    @AfterAll
    static void stopRelays() {
        for (RelayNode r : new RelayNode[] {tls, other, plain}) {
            r.close();
        }
    }

    private static ChorusClient join(RelayNode relay, RelayTrust trust) throws IOException {
        return ChorusClient.connect(ClientOptions.of(LoopbackRelay.address(relay), "ada", LoopbackRelay.room("trust"))
                .withTrust(trust), null);
    }

    private static String key(RelayNode relay) {
        return "127.0.0.1:" + relay.controlPort();
    }

    @Test
    void aFingerprintGivenExplicitlyMustMatch() throws Exception {
        UntrustedRelayException e = assertThrows(UntrustedRelayException.class,
                () -> join(tls, RelayTrust.defaults().withFingerprint(other.tls().fingerprint())));
        assertEquals(UntrustedRelayException.Reason.MISMATCH, e.reason());
        assertTrue(e.getMessage().contains(tls.tls().fingerprint()) && e.getMessage().contains(other.tls().fingerprint()),
                e.getMessage());
        try (ChorusClient ada = join(tls, RelayTrust.defaults().withFingerprint(tls.tls().fingerprint()))) {
            assertTrue(ada.files().available());
        }
    }

    @Test
    void anUnknownRelayIsPinnedOnFirstUseOnlyWhenAsked() throws Exception {
        KnownRelays known = new KnownRelays(dir.resolve("first-use").resolve("known-relays"));
        UntrustedRelayException refused = assertThrows(UntrustedRelayException.class,
                () -> join(tls, RelayTrust.defaults().withKnownRelays(known)));
        assertEquals(UntrustedRelayException.Reason.UNKNOWN, refused.reason());
        assertTrue(refused.getMessage().contains(tls.tls().fingerprint()), "the fingerprint is shown: " + refused.getMessage());
        assertFalse(Files.exists(known.file()), "nothing pinned");

        List<String> asked = new ArrayList<>();
        RelayTrust firstUse = RelayTrust.defaults().withKnownRelays(known).withFirstContact((relay, fp) -> {
            asked.add(relay + " " + fp);
            return true;
        });
        try (ChorusClient ada = join(tls, firstUse)) {
            assertEquals(List.of(key(tls) + " " + tls.tls().fingerprint()), asked, "asked once, with the fingerprint");
        }
        assertTrue(Files.readString(known.file()).contains(key(tls) + " " + tls.tls().fingerprint()));
        // Pinned now: later joins need no question.
        try (ChorusClient again = join(tls, RelayTrust.defaults().withKnownRelays(known))) {
            assertTrue(again.files().available());
        }
    }

    @Test
    void aCertificateThatChangedSincePinningIsRefusedLoudly() throws Exception {
        KnownRelays known = new KnownRelays(dir.resolve("changed").resolve("known-relays"));
        // Pinned on an earlier visit; now another certificate answers at that address.
        known.pin("127.0.0.1", tls.controlPort(), other.tls().fingerprint());
        String before = Files.readString(known.file());
        UntrustedRelayException e = assertThrows(UntrustedRelayException.class,
                () -> join(tls, RelayTrust.defaults().withKnownRelays(known).withFirstContact(RelayTrust.FirstContact.ACCEPT)));
        assertEquals(UntrustedRelayException.Reason.CHANGED, e.reason());
        assertTrue(e.getMessage().contains("HAS CHANGED") && e.getMessage().contains(tls.tls().fingerprint())
                && e.getMessage().contains(other.tls().fingerprint()) && e.getMessage().contains(known.file().toString()),
                e.getMessage());
        assertEquals(before, Files.readString(known.file()), "a changed certificate is never pinned over the old one");
    }

    @Test
    void aPlainTextRelayStillServesAPlainTextClient() throws Exception {
        assertTrue(plain.readyLine().contains(" tls=off access="), plain.readyLine());
        try (ChorusClient ada = join(plain, RelayTrust.plaintextOnly());
             ChorusClient bob = join(plain, RelayTrust.defaults())) { // TLS first, then plain text: nothing pins it
            assertTrue(ada.files().available() && bob.files().available());
        }
    }

    @Test
    void anAccessTokenIsNeverSentToARelayThatAnswersInPlainText() throws Exception {
        // Whoever answers in plain text (a downgrading attacker, or a --plaintext relay the user did
        // not mean) would get a token it could join with until it expires. Before, the client fell
        // back to plain text and sent it.
        String token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZGEifQ.not-sent-in-clear";
        try (RecordingProxy proxy = new RecordingProxy(new InetSocketAddress("127.0.0.1", plain.controlPort()))) {
            IOException e = assertThrows(IOException.class, () -> ChorusClient.connect(
                    ClientOptions.of(new RelayAddress("127.0.0.1", proxy.port()), "ada", LoopbackRelay.room("trust"))
                            .withToken(token), null));
            assertTrue(e.getMessage().contains("does not send an access token in plain text"), e.getMessage());
            assertFalse(proxy.saw(token), "the token crossed the network in clear");
            assertFalse(proxy.saw("\"hello\""), "no hello was sent in clear either");
        }
    }

    @Test
    void aPinnedRelayAnsweringInPlainTextIsRefused() throws Exception {
        KnownRelays known = new KnownRelays(dir.resolve("downgrade").resolve("known-relays"));
        known.pin("127.0.0.1", plain.controlPort(), tls.tls().fingerprint());
        IOException e = assertThrows(IOException.class, () -> join(plain, RelayTrust.defaults().withKnownRelays(known)));
        assertTrue(e.getMessage().contains("plain text is refused"), e.getMessage());
    }

    @Test
    void aPlainTextClientAgainstATlsRelayGetsAClearErrorNotAHang() {
        IOException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> assertThrows(IOException.class, () -> join(tls, RelayTrust.plaintextOnly())));
        assertTrue(e.getMessage().contains("connect without --plaintext"), e.getMessage());
    }

    private static int bot(StringWriter err, String... args) {
        CommandLine cl = ClientMain.commandLine();
        cl.setOut(new PrintWriter(new StringWriter(), true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test
    void theBotRefusesAnUnknownRelayWithItsFingerprintUnlessToldToTrustOnFirstUse() {
        String knownFile = dir.resolve("bot").resolve("known-relays").toString();
        String[] args = {"bot", "--server", key(tls), "--room", LoopbackRelay.room("bot"), "--name", "bot",
                "--video", "none", "--silent", "--duration", "0.5", "--known-relays", knownFile};
        StringWriter refused = new StringWriter();
        assertEquals(1, bot(refused, args));
        assertTrue(refused.toString().contains(tls.tls().fingerprint()) && refused.toString().contains("--trust-on-first-use"),
                refused.toString());

        String[] trusting = Arrays.copyOf(args, args.length + 1);
        trusting[args.length] = "--trust-on-first-use";
        StringWriter err = new StringWriter();
        assertEquals(0, bot(err, trusting), err.toString());
        StringWriter changed = new StringWriter();
        String[] elsewhere = trusting.clone();
        elsewhere[2] = key(other);
        assertEquals(0, bot(changed, elsewhere), changed.toString());
        try {
            new KnownRelays(Path.of(knownFile)).pin("127.0.0.1", other.controlPort(), tls.tls().fingerprint());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        StringWriter loud = new StringWriter();
        assertEquals(1, bot(loud, elsewhere), "a changed certificate is refused even with --trust-on-first-use");
        assertTrue(loud.toString().contains("HAS CHANGED"), loud.toString());
    }
}
