package chorus.client.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chorus.client.LoopbackRelay;
import chorus.protocol.control.ControlMessage;
import chorus.protocol.control.ControlMessage.Hello;
import chorus.protocol.control.ControlMessage.ParticipantInfo;
import chorus.protocol.control.ControlMessage.ParticipantJoined;
import chorus.protocol.control.ControlMessage.ParticipantLeft;
import chorus.protocol.control.ErrorCode;
import chorus.relay.RelayNode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The control connection against a real relay on loopback. */
class ControlConnectionTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final ThreadFactory DAEMONS = r -> {
        Thread t = new Thread(r);
        t.setDaemon(true);
        return t;
    };
    private static RelayNode relay;

    private final List<ControlConnection> opened = new ArrayList<>();

    @BeforeAll
    static void startRelay() throws IOException {
        relay = LoopbackRelay.start();
    }

    @AfterAll
    static void stopRelay() {
        relay.close();
    }

    @AfterEach
    void closeConnections() {
        opened.forEach(ControlConnection::close);
    }

    private ControlConnection open(RelayNode on, String name, String room) throws IOException {
        ControlConnection c = ControlConnection.open(LoopbackRelay.address(on), hello(name, room), TIMEOUT);
        opened.add(c);
        return c;
    }

    private static Hello hello(String name, String room) {
        return new Hello(ControlMessage.PROTOCOL_VERSION, name, room, "chorus-test/0");
    }

    /** What one connection's listener saw. */
    private static final class Heard implements ControlConnection.Listener {
        final BlockingQueue<ControlMessage> messages = new LinkedBlockingQueue<>();
        final BlockingQueue<String> closes = new LinkedBlockingQueue<>();

        @Override
        public void onMessage(ControlMessage message) {
            messages.add(message);
        }

        @Override
        public void onClosed(String reason, boolean requested) {
            closes.add((requested ? "requested: " : "lost: ") + reason);
        }

        /** The next message, within the bound. */
        ControlMessage next() throws InterruptedException {
            ControlMessage m = messages.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            assertNotNull(m, "a message within " + TIMEOUT);
            return m;
        }

        String closed() throws InterruptedException {
            String reason = closes.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            assertNotNull(reason, "closed within " + TIMEOUT);
            return reason;
        }
    }

    @Test
    void joinsAnswersRelayPingsAndMeasuresRoundTrip() throws Exception {
        String room = LoopbackRelay.room("control");
        ControlConnection alice = open(relay, "alice", room);
        ControlMessage.Welcome welcome = alice.welcome();
        assertEquals(room, welcome.room());
        assertEquals(List.of("alice"), alice.initialRoster().stream().map(ParticipantInfo::name).toList());
        assertEquals(welcome.participantId(), alice.initialRoster().get(0).participantId());
        assertEquals(LoopbackRelay.PING_INTERVAL.toMillis(), welcome.pingIntervalMillis());
        Heard heard = new Heard();
        alice.start(heard, DAEMONS);

        LoopbackRelay.await("the relay's pings are answered", () -> alice.pingsAnswered() >= 2);

        assertEquals(-1, alice.rttMillis());
        alice.ping();
        LoopbackRelay.await("our own ping is answered and timed", () -> alice.rttMillis() >= 0);

        ControlConnection bob = open(relay, "bob", room);
        bob.start(new Heard(), DAEMONS);
        ParticipantJoined joined = assertInstanceOf(ParticipantJoined.class, heard.next());
        assertEquals(bob.welcome().participantId(), joined.participant().participantId());
        assertEquals("bob", joined.participant().name());
        assertEquals(bob.welcome().mediaId(), joined.participant().mediaId());

        alice.leave(TIMEOUT);
        assertEquals("requested: closed", heard.closed());
        assertFalse(alice.isOpen());
    }

    @Test
    void refusedJoinCarriesTheRelaysCodeAndMessage() {
        JoinRefusedException empty = assertThrows(JoinRefusedException.class,
                () -> open(relay, "", LoopbackRelay.room("refused")));
        assertEquals("invalid-name", empty.code());
        assertEquals(ErrorCode.INVALID_NAME, empty.errorCode());
        assertEquals("join refused (invalid-name): name must not be empty", empty.getMessage());

        JoinRefusedException tooLong = assertThrows(JoinRefusedException.class,
                () -> open(relay, "a".repeat(65), LoopbackRelay.room("refused")));
        assertEquals(ErrorCode.INVALID_NAME, tooLong.errorCode());
        assertEquals("join refused (invalid-name): name is 65 characters; at most 64 are allowed", tooLong.getMessage());
    }

    @Test
    void unreachableRelayNamesTheAddressAndTheReason() throws Exception {
        int port;
        try (ServerSocket unused = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = unused.getLocalPort();
        }
        RelayAddress nowhere = new RelayAddress("127.0.0.1", port);
        RelayUnreachableException e = assertThrows(RelayUnreachableException.class,
                () -> ControlConnection.open(nowhere, hello("alice", "lobby"), TIMEOUT));
        assertEquals("cannot reach relay at 127.0.0.1:" + port + " (Connection refused)", e.getMessage());
    }

    @Test
    void relaySilentAfterTheHelloTimesOut() throws Exception {
        // A relay never leaves a hello unanswered; a server that accepts and says nothing stands in for a hung one.
        // The kernel completes the TCP handshake from the backlog, so nothing here even calls accept().
        try (ServerSocket silentServer = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            RelayAddress silent = new RelayAddress("127.0.0.1", silentServer.getLocalPort());
            IOException e = assertThrows(IOException.class,
                    () -> ControlConnection.open(silent, hello("alice", "lobby"), Duration.ofMillis(300)));
            assertEquals("relay at " + silent + " did not answer the hello within 300 ms", e.getMessage());
        }
    }

    @Test
    void relayClosingTheConnectionIsReportedAsLost() throws Exception {
        Heard heard = new Heard();
        try (RelayNode closing = LoopbackRelay.start()) {
            ControlConnection alice = open(closing, "alice", LoopbackRelay.room("closing"));
            alice.start(heard, DAEMONS);
            LoopbackRelay.await("joined and answering pings", () -> alice.pingsAnswered() > 0);
        }
        String reason = heard.closed();
        // Shutting down, the relay either closes the socket or resets it; both are a loss, not a leave.
        assertTrue(reason.matches("lost: (relay closed the connection|connection error \\(.+\\))"), reason);
    }

    @Test
    void frozenConnectionStillReadsButIsDroppedByTheRelaysKeepalive() throws Exception {
        String room = LoopbackRelay.room("frozen");
        ControlConnection carol = open(relay, "carol", room);
        Heard carolHeard = new Heard();
        carol.start(carolHeard, DAEMONS);
        ControlConnection alice = open(relay, "alice", room);
        Heard aliceHeard = new Heard();
        alice.start(aliceHeard, DAEMONS);

        alice.freeze();
        // Still reading while frozen: a join is delivered, and so is the relay's reason for dropping it.
        ControlConnection bob = open(relay, "bob", room);
        bob.start(new Heard(), DAEMONS);
        assertEquals("bob", assertInstanceOf(ParticipantJoined.class, aliceHeard.next()).participant().name());
        String reason = aliceHeard.closes.poll(LoopbackRelay.WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertNotNull(reason, "dropped within " + LoopbackRelay.WAIT);
        assertTrue(reason.startsWith("lost: relay closed the connection (keepalive-timeout: no pong for "), reason);

        assertEquals("alice", assertInstanceOf(ParticipantJoined.class, carolHeard.next()).participant().name());
        assertEquals("bob", assertInstanceOf(ParticipantJoined.class, carolHeard.next()).participant().name());
        ParticipantLeft left = assertInstanceOf(ParticipantLeft.class, carolHeard.next());
        assertEquals("alice", left.participant().name());
        assertEquals("timeout", left.reason());
        // Carol has been in longer than alice; a couple more pings on, answering them is what keeps her in.
        long answered = carol.pingsAnswered();
        LoopbackRelay.await("carol answers two more pings", () -> carol.pingsAnswered() >= answered + 2);
        assertTrue(carol.isOpen(), "the connection that answers pings stays");
        assertTrue(carolHeard.closes.isEmpty(), carolHeard.closes::toString);
    }
}
