package chorus.relay.control;

import chorus.protocol.control.ControlMessage;
import chorus.protocol.control.ErrorCode;
import chorus.relay.RawClient;
import chorus.relay.RelayNode;
import com.typesafe.config.ConfigFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The control port over a real TCP socket: handshake, roster events, bad frames, keepalive. */
class ControlConnectionTest {
    private static RelayNode relay;

    @BeforeAll
    static void startRelay() throws Exception {
        relay = RelayNode.startOnLoopback(ConfigFactory.parseString(
                "chorus.relay.keepalive { ping-interval = 200ms, timeout = 1s }"));
    }

    @AfterAll
    static void stopRelay() {
        relay.close();
    }

    private static String room() {
        return "room-" + System.nanoTime();
    }

    private static byte[] frame(String json) {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).array();
    }

    @Test
    void welcomeCarriesIdentityKeyEndpointsAndRoster() throws Exception {
        try (RawClient ada = RawClient.join(relay, room(), "Ada")) {
            ControlMessage.Welcome w = ada.welcome;
            assertEquals(ControlMessage.PROTOCOL_VERSION, w.protocolVersion());
            assertEquals(32, ada.key.length);
            assertEquals("127.0.0.1", w.media().host());
            assertEquals(relay.videoPort(), w.media().videoPort());
            assertEquals(relay.audioPort(), w.media().audioPort());
            assertEquals(1, w.rosterSize());
            assertEquals(List.of(new ControlMessage.ParticipantInfo(w.participantId(), "Ada", w.mediaId())), ada.roster);
        }
    }

    @Test
    void theLayersAHelloAnnouncesAreInTheRosterAndBadOnesAreRefused() throws Exception {
        String room = room();
        try (RawClient ada = RawClient.join(relay, room, "Ada")) {
            ControlMessage.Hello hello = new ControlMessage.Hello(ControlMessage.PROTOCOL_VERSION, "Bob", room, "raw-test")
                    .withLayers(java.util.List.of(180, 360, 720));
            try (RawClient bob = RawClient.join(new RawClient(relay.controlAddress()), hello)) {
                var joined = ada.await(ControlMessage.ParticipantJoined.class, j -> true, Duration.ofSeconds(5));
                assertEquals(java.util.List.of(180, 360, 720), joined.participant().layers());
                assertEquals(3, joined.participant().layerCount());
            }
            for (var bad : java.util.List.of(java.util.List.of(360, 180), java.util.List.of(180, 360, 720, 1080),
                    java.util.List.<Integer>of(), java.util.List.of(0), java.util.List.of(9000))) {
                try (RawClient cy = new RawClient(relay.controlAddress())) {
                    cy.send(new ControlMessage.Hello(ControlMessage.PROTOCOL_VERSION, "Cy", room, "raw-test").withLayers(bad));
                    var error = assertInstanceOf(ControlMessage.Error.class, chorus.protocol.control.ControlCodec.readFrame(cy.in));
                    assertEquals("invalid-layers", error.code(), "layers " + bad);
                }
            }
        }
    }

    @Test
    void othersAreToldOfJoinsAndLeavesWithTheReason() throws Exception {
        String room = room();
        try (RawClient ada = RawClient.join(relay, room, "Ada")) {
            RawClient bob = RawClient.join(relay, room, "Bob");
            assertEquals(2, bob.roster.size());
            var joined = ada.await(ControlMessage.ParticipantJoined.class, j -> true, Duration.ofSeconds(5));
            assertEquals("Bob", joined.participant().name());

            bob.send(new ControlMessage.Leave());
            assertTrue(bob.closedByRelay(), "relay closes after a leave");
            var left = ada.await(ControlMessage.ParticipantLeft.class, l -> true, Duration.ofSeconds(5));
            assertEquals("Bob", left.participant().name());
            assertEquals("leave", left.reason());
            bob.close();

            RawClient cy = RawClient.join(relay, room, "Cy");
            ada.await(ControlMessage.ParticipantJoined.class, j -> j.participant().name().equals("Cy"), Duration.ofSeconds(5));
            cy.socket.close(); // vanishes without a goodbye
            var gone = ada.await(ControlMessage.ParticipantLeft.class, l -> true, Duration.ofSeconds(5));
            assertEquals("disconnected", gone.reason());
        }
    }

    @Test
    void aClientThatAnswersNoPingIsRemovedAndTheOthersAreTold() throws Exception {
        String room = room();
        try (RawClient ada = RawClient.join(relay, room, "Ada");
             RawClient mute = new RawClient(relay.controlAddress())) {
            mute.send(new ControlMessage.Hello(ControlMessage.PROTOCOL_VERSION, "Frozen", room, "raw-test"));
            assertInstanceOf(ControlMessage.Welcome.class, chorus.protocol.control.ControlCodec.readFrame(mute.in));
            // mute never reads again, so never pongs
            var left = ada.await(ControlMessage.ParticipantLeft.class,
                    l -> l.participant().name().equals("Frozen"), Duration.ofSeconds(10));
            assertEquals("timeout", left.reason());
        }
    }

    @Test
    void malformedFramesGetAnErrorAndTheConnectionCarriesOn() throws Exception {
        try (RawClient c = RawClient.join(relay, room(), "Ada")) {
            c.sendRaw(frame("{not json"));
            assertEquals(ErrorCode.MALFORMED_FRAME.wire(), ((ControlMessage.Error) c.read()).code());
            c.sendRaw(frame("{\"type\":\"warp\"}"));
            assertEquals(ErrorCode.UNKNOWN_TYPE.wire(), ((ControlMessage.Error) c.read()).code());
            c.sendRaw(new byte[] {0, 0, 0, 3, '"', (byte) 0xFF, '"'});
            assertEquals(ErrorCode.BAD_UTF8.wire(), ((ControlMessage.Error) c.read()).code());
            c.send(new ControlMessage.ParticipantJoined(null));
            assertEquals(ErrorCode.UNKNOWN_TYPE.wire(), ((ControlMessage.Error) c.read()).code());
            c.send(new ControlMessage.Hello(ControlMessage.PROTOCOL_VERSION, "Again", "x", "raw"));
            assertEquals(ErrorCode.ALREADY_JOINED.wire(), ((ControlMessage.Error) c.read()).code());
            c.send(new ControlMessage.Ping(77));
            assertEquals(new ControlMessage.Pong(77), c.read(), "still in step after five bad frames");
        }
    }

    /**
     * Some errors quote what the client sent (an unknown type, a value of the wrong type): 16 000
     * emoji, 64 000 bytes as raw UTF-8, would be 192 000 bytes in an error frame, which the relay
     * cannot send.
     */
    @Test
    void anErrorQuotingWhatTheClientSentStillFitsInAFrameAndTheConnectionCarriesOn() throws Exception {
        String emoji = "\uD83D\uDE00".repeat(16_000);
        try (RawClient c = RawClient.join(relay, room(), "Ada")) {
            c.sendRaw(frame("{\"type\":\"" + emoji + "\"}"));
            ControlMessage.Error unknown = (ControlMessage.Error) c.read();
            assertEquals(ErrorCode.UNKNOWN_TYPE.wire(), unknown.code());
            assertTrue(unknown.message().startsWith("unknown message type '\uD83D\uDE00"), unknown.message());
            c.sendRaw(frame("{\"type\":\"ping\",\"nonce\":\"" + emoji + "\"}"));
            assertEquals(ErrorCode.MALFORMED_FRAME.wire(), ((ControlMessage.Error) c.read()).code());
            c.send(new ControlMessage.Ping(78));
            assertEquals(new ControlMessage.Pong(78), c.read(), "still in step");
        }
    }

    @Test
    void anOversizedFrameIsRefusedAndTheConnectionClosed() throws Exception {
        try (RawClient c = RawClient.join(relay, room(), "Ada")) {
            c.sendRaw(new byte[] {0x7F, 0, 0, 0, 1, 2, 3});
            ControlMessage.Error e = (ControlMessage.Error) c.read();
            assertEquals(ErrorCode.FRAME_TOO_LARGE.wire(), e.code());
            assertTrue(c.closedByRelay());
        }
    }

    /** The framing rules of PROTOCOL.md §2.1 at their edges: frames in pieces, frames together, 65 536 bytes. */
    @Test
    void framesAreCutByTheirLengthWhateverTheWritesAndUpTo64KiB() throws Exception {
        try (RawClient c = RawClient.join(relay, room(), "Ada")) {
            c.socket.setTcpNoDelay(true);
            for (byte b : frame("{\"type\":\"ping\",\"nonce\":1}")) {
                c.sendRaw(new byte[] {b});
            }
            assertEquals(new ControlMessage.Pong(1), c.read(), "a frame written a byte at a time");
            byte[] two = frame("{\"type\":\"ping\",\"nonce\":2}");
            byte[] three = frame("{\"type\":\"ping\",\"nonce\":3}");
            c.sendRaw(ByteBuffer.allocate(two.length + three.length).put(two).put(three).array());
            assertEquals(new ControlMessage.Pong(2), c.read(), "two frames in one write");
            assertEquals(new ControlMessage.Pong(3), c.read());
            String ping = "{\"type\":\"ping\",\"nonce\":4}";
            c.sendRaw(frame(ping + " ".repeat(65_536 - ping.length())));
            assertEquals(new ControlMessage.Pong(4), c.read(), "a body of exactly 65 536 bytes");
            c.sendRaw(ByteBuffer.allocate(4).putInt(65_537).array());
            assertEquals(ErrorCode.FRAME_TOO_LARGE.wire(), ((ControlMessage.Error) c.read()).code(), "one more");
            assertTrue(c.closedByRelay());
        }
    }

    @Test
    void aLengthOf2To31OrMoreIsRefusedAsTooLarge() throws Exception {
        try (RawClient c = RawClient.join(relay, room(), "Ada")) {
            c.sendRaw(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF});
            assertEquals(ErrorCode.FRAME_TOO_LARGE.wire(), ((ControlMessage.Error) c.read()).code());
            assertTrue(c.closedByRelay());
        }
    }

    private static ControlMessage.Error refusal(String name, String room, int version) throws Exception {
        try (RawClient c = new RawClient(relay.controlAddress())) {
            c.send(new ControlMessage.Hello(version, name, room, "raw-test"));
            ControlMessage.Error e = assertInstanceOf(ControlMessage.Error.class, c.read());
            assertTrue(c.closedByRelay(), "a refused join closes the connection");
            return e;
        }
    }

    @Test
    void badNamesAndVersionsAreRefusedAtJoin() throws Exception {
        assertEquals(ErrorCode.INVALID_NAME.wire(), refusal("", "r", ControlMessage.PROTOCOL_VERSION).code());
        assertEquals(ErrorCode.INVALID_NAME.wire(), refusal("x".repeat(65), "r", ControlMessage.PROTOCOL_VERSION).code());
        assertEquals(ErrorCode.INVALID_NAME.wire(), refusal("tab\tname", "r", ControlMessage.PROTOCOL_VERSION).code());
        assertEquals(ErrorCode.INVALID_NAME.wire(), refusal("half\uD800", "r", ControlMessage.PROTOCOL_VERSION).code());
        assertEquals(ErrorCode.INVALID_ROOM.wire(), refusal("Ada", "", ControlMessage.PROTOCOL_VERSION).code());
        assertEquals(ErrorCode.INVALID_ROOM.wire(), refusal("Ada", "r".repeat(65), ControlMessage.PROTOCOL_VERSION).code());
        ControlMessage.Error v = refusal("Ada", "r", 99);
        assertEquals(ErrorCode.UNSUPPORTED_VERSION.wire(), v.code());
        assertTrue(v.message().contains("99"));
        ControlMessage.Error v1 = refusal("Ada", "r", 1);
        assertEquals(ErrorCode.UNSUPPORTED_VERSION.wire(), v1.code(), "a version 1 hello expects the roster in its welcome");
        assertTrue(v1.message().contains("speaks 2"), v1.message());
    }

    @Test
    void aJoinFrameWithInvalidUtf8IsRefused() throws Exception {
        try (RawClient c = new RawClient(relay.controlAddress())) {
            byte[] body = "{\"type\":\"hello\",\"protocolVersion\":1,\"name\":\"A\u00FF\",\"room\":\"r\",\"client\":\"x\"}"
                    .getBytes(StandardCharsets.ISO_8859_1);
            c.sendRaw(ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).array());
            assertEquals(ErrorCode.BAD_UTF8.wire(), ((ControlMessage.Error) c.read()).code());
        }
    }
}
