package chorus.relay.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chorus.protocol.control.ControlMessage;
import chorus.relay.RawClient;
import chorus.relay.RelayNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code chorus token} as a user runs it: what it prints joins the relay that reads the same key file. */
class TokenCommandTest {
    private static Tokens tokens;
    private static RelayNode relay;

    @BeforeAll
    static void start() throws Exception {
        tokens = new Tokens();
        relay = RelayNode.startOnLoopback(tokens.relayConfig());
    }

    @AfterAll
    static void stop() {
        relay.close();
    }

    private record Run(int exitCode, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> all = new ArrayList<>(List.of("--token-key-file", tokens.keyFile.toString()));
        all.addAll(List.of(args));
        int code = new CommandLine(new TokenCommand()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                .execute(all.toArray(String[]::new));
        return new Run(code, out.toString().strip(), err.toString().strip());
    }

    @Test
    void whatItPrintsJoinsTheRoomUnderTheName() throws Exception {
        String room = "cmd-" + System.nanoTime();
        Run run = run("--room", room, "--identity", "ada@example.org", "--name", "Ada", "--ttl", "2h");
        assertEquals(0, run.exitCode(), run.err());
        try (RawClient ada = TokenJoinTest.join(relay, room, run.out())) {
            assertEquals("Ada", ada.roster.get(0).name());
        }
    }

    @Test
    void grantsAreNarrowedAndALinkCarriesTheToken() throws Exception {
        String room = "cmd link " + System.nanoTime();
        Run run = run("--room", room, "--identity", "bob", "--name", "Bob", "--grant", "subscribe,publish-audio",
                "--link", "relay.example.org:5005");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().startsWith("chorus://relay.example.org:5005/cmd%20link%20"), run.out());
        String token = run.out().substring(run.out().indexOf("?token=") + 7);
        assertEquals(java.util.Set.of(Grant.SUBSCRIBE, Grant.PUBLISH_AUDIO), tokens.issuer.verify(token, room).grants());
    }

    @Test
    void aBadNameAnUnknownGrantOrABadTtlIsRefusedAtIssueTime() throws Exception {
        Run bidi = run("--room", "r", "--identity", "x", "--name", "Ada\u202Egnp.exe");
        assertEquals(2, bidi.exitCode());
        assertTrue(bidi.err().contains("bidirectional"), bidi.err());
        assertTrue(bidi.out().isEmpty(), "no token printed");
        Run invisible = run("--room", "r", "--identity", "x", "--name", "\u3164");
        assertEquals(2, invisible.exitCode());
        assertTrue(invisible.err().contains("empty"), invisible.err());
        Run grant = run("--room", "r", "--identity", "x", "--name", "X", "--grant", "admin");
        assertEquals(2, grant.exitCode());
        assertTrue(grant.err().contains("unknown grant"), grant.err());
        Run ttl = run("--room", "r", "--identity", "x", "--name", "X", "--ttl", "soon");
        assertEquals(2, ttl.exitCode());
        assertTrue(ttl.err().contains("--ttl"), ttl.err());
    }

    @Test
    void aRoomOfTheOpenModeStillVerifiesATokenGiven() throws Exception {
        // The same key, the open mode: a token is not needed, but one given must be valid.
        try (RelayNode open = RelayNode.startOnLoopback(com.typesafe.config.ConfigFactory.parseString(
                "chorus.relay.access.mode = open").withFallback(tokens.relayConfig()))) {
            assertTrue(open.readyLine().endsWith(" access=open"), open.readyLine());
            String room = "open-" + System.nanoTime();
            try (RawClient anyone = RawClient.join(open, room, "Anyone")) {
                assertEquals("Anyone", anyone.roster.get(0).name());
            }
            try (RawClient c = new RawClient(open.controlAddress())) {
                ControlMessage.Error e = assertInstanceOf(ControlMessage.Error.class,
                        TokenJoinTest.hello(c, room, "Anyone", tokens.token("another", "x", "X")));
                assertEquals("invalid-token", e.code());
            }
            for (String name : List.of("Ada\u202Egnp.exe", "\u3164")) {
                try (RawClient c = new RawClient(open.controlAddress())) {
                    ControlMessage.Error e = assertInstanceOf(ControlMessage.Error.class,
                            TokenJoinTest.hello(c, room, name, null), "a hello name is held to the same rules");
                    assertEquals("invalid-name", e.code(), e.message());
                }
            }
        }
    }
}
