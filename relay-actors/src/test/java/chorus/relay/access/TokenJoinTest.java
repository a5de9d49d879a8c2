package chorus.relay.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chorus.protocol.control.ControlMessage;
import chorus.protocol.control.ErrorCode;
import chorus.protocol.media.DropReason;
import chorus.protocol.media.Fragmenter;
import chorus.protocol.media.MediaCipher;
import chorus.protocol.media.MediaHeader;
import chorus.protocol.media.MediaSealer;
import chorus.relay.RawClient;
import chorus.relay.RelayNode;
import chorus.relay.Udp;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A relay in the tokens mode (the default of {@code chorus server}), seen from raw clients: who gets
 * in, under which name, who is replaced, and what each grant allows.
 */
class TokenJoinTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
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

    private static String room() {
        return "tokens-" + System.nanoTime();
    }

    /** Sends a hello with {@code token} and returns the first answer. */
    static ControlMessage hello(RawClient c, String room, String name, String token) throws Exception {
        c.send(new ControlMessage.Hello(ControlMessage.PROTOCOL_VERSION, name, room, "raw-test", null, token));
        return c.read();
    }

    static RawClient join(RelayNode node, String room, String token) throws Exception {
        RawClient c = new RawClient(node.controlAddress());
        ControlMessage reply = hello(c, room, "ignored", token);
        ControlMessage.Welcome w = assertInstanceOf(ControlMessage.Welcome.class, reply, "welcomed");
        c.welcomed(w);
        return c;
    }

    private static void assertRefused(String room, String token, ErrorCode code) throws Exception {
        try (RawClient c = new RawClient(relay.controlAddress())) {
            ControlMessage.Error e = assertInstanceOf(ControlMessage.Error.class, hello(c, room, "Mallory", token));
            assertEquals(code.wire(), e.code(), e.message());
            assertTrue(c.closedByRelay(), "closed after " + code.wire());
        }
    }

    @Test
    void theReadyLineSaysTokens() {
        assertTrue(relay.readyLine().endsWith(" access=tokens"), relay.readyLine());
    }

    @Test
    void aJoinWithoutATokenIsRefused() throws Exception {
        long before = relay.stats().joinsRefused(ErrorCode.INVALID_TOKEN);
        assertRefused(room(), null, ErrorCode.INVALID_TOKEN);
        assertEquals(before + 1, relay.stats().joinsRefused(ErrorCode.INVALID_TOKEN), "counted");
        String metrics = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + relay.metricsPort() + "/metrics")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(metrics.contains("chorus_joins_refused_total{code=\"invalid-token\"}"), "exported");
    }

    @Test
    void aTokenForAnotherRoomIsRefused() throws Exception {
        assertRefused(room(), tokens.token("another-room", "ada", "Ada"), ErrorCode.INVALID_TOKEN);
    }

    @Test
    void anExpiredTokenIsRefused() throws Exception {
        String room = room();
        String expired = tokens.issuer.issue(room, "ada", "Ada", Duration.ofMinutes(30), Grant.ALL,
                java.time.Instant.now().minus(Duration.ofHours(1)));
        assertRefused(room, expired, ErrorCode.TOKEN_EXPIRED);
    }

    @Test
    void tamperedTokensAreRefused() throws Exception {
        String room = room();
        String token = tokens.token(room, "mallory", "Mallory");
        String renamed = Tokens.withPayload(token, Tokens.payload(token).replace("\"Mallory\"", "\"Ada\""));
        assertRefused(room, renamed, ErrorCode.INVALID_TOKEN);
        String resigned = token.substring(0, token.lastIndexOf('.') + 1) + Tokens.b64("forged signature bytes!!");
        assertRefused(room, resigned, ErrorCode.INVALID_TOKEN);
        String none = Tokens.b64("{\"alg\":\"none\"}") + "." + Tokens.b64(Tokens.payload(token)) + ".";
        assertRefused(room, none, ErrorCode.INVALID_TOKEN);
        byte[] guessed = new byte[32];
        assertRefused(room, Tokens.signed(guessed, Tokens.claims(room, "mallory", "Ada", Duration.ofHours(1)).build()),
                ErrorCode.INVALID_TOKEN);
    }

    @Test
    void aTokenWithABidiOverrideOrAnInvisibleNameIsRefused() throws Exception {
        String room = room();
        for (String name : List.of("Ada\u202Egnp.exe", "\u3164\u3164")) {
            assertRefused(room, Tokens.signed(tokens.key, Tokens.claims(room, "x", name, Duration.ofHours(1)).build()),
                    ErrorCode.INVALID_NAME);
        }
    }

    @Test
    void theTokenNamesTheParticipantNotTheHello() throws Exception {
        String room = room();
        try (RawClient ada = join(relay, room, tokens.token(room, "ada@example.org", "Ada"))) {
            assertEquals(List.of("Ada"), ada.roster.stream().map(ControlMessage.ParticipantInfo::name).toList());
            ada.send(new ControlMessage.ChatSend("hi"));
            assertEquals("Ada", ada.await(ControlMessage.ChatMessage.class, m -> true, WAIT).from());
        }
    }

    @Test
    void aSecondJoinWithTheSameIdentityReplacesTheFirst() throws Exception {
        String room = room();
        try (RawClient carol = join(relay, room, tokens.token(room, "carol", "Carol"));
             RawClient first = join(relay, room, tokens.token(room, "ada", "Ada"))) {
            String firstId = first.welcome.participantId();
            carol.await(ControlMessage.ParticipantJoined.class, j -> j.participant().participantId().equals(firstId), WAIT);
            long replacedBefore = relay.stats().participantsReplaced();
            try (RawClient second = join(relay, room, tokens.token(room, "ada", "Ada (laptop)"))) {
                ControlMessage.Error told = assertInstanceOf(ControlMessage.Error.class, first.read(),
                        "the first connection's next message");
                assertEquals(ErrorCode.REPLACED.wire(), told.code(), told.message());
                assertTrue(first.closedByRelay(), "the first connection is closed");
                assertFalse(second.roster.stream().anyMatch(p -> p.participantId().equals(firstId)),
                        "the newcomer's roster no longer has the first: " + second.roster);
                ControlMessage.ParticipantLeft left = assertInstanceOf(ControlMessage.ParticipantLeft.class, carol.read());
                assertEquals(firstId, left.participant().participantId());
                assertEquals("replaced", left.reason());
                ControlMessage.ParticipantJoined joined = assertInstanceOf(ControlMessage.ParticipantJoined.class,
                        carol.read());
                assertEquals("Ada (laptop)", joined.participant().name(), "the leave first, then the join");
                assertEquals(replacedBefore + 1, relay.stats().participantsReplaced());
            }
        }
    }

    @Test
    void withoutPresentScreenStartIsRefused() throws Exception {
        String room = room();
        Set<Grant> noPresent = EnumSet.complementOf(EnumSet.of(Grant.PRESENT));
        try (RawClient ada = join(relay, room, tokens.token(room, "ada", "Ada", noPresent))) {
            ada.send(new ControlMessage.ScreenShareStart());
            ControlMessage.Error e = assertInstanceOf(ControlMessage.Error.class, ada.read(), "the answer to screen-start");
            assertEquals(ErrorCode.NOT_ALLOWED.wire(), e.code(), e.message());
            ada.send(new ControlMessage.ChatSend("still in"));
            ControlMessage.ChatMessage chat = assertInstanceOf(ControlMessage.ChatMessage.class, ada.read(),
                    "no presenter message came first");
            assertEquals("still in", chat.text(), "the connection stays open");
        }
    }

    @Test
    void withoutShareFilesAnUploadIsRefused() throws Exception {
        String room = room();
        Set<Grant> noFiles = EnumSet.complementOf(EnumSet.of(Grant.SHARE_FILES));
        try (RawClient ada = join(relay, room, tokens.token(room, "ada", "Ada", noFiles))) {
            byte[] body = "hello".getBytes();
            var response = ada.upload(room, "hello.txt", body, RawClient.sha256(body));
            assertEquals(403, response.statusCode());
            assertTrue(response.body().contains(ErrorCode.NOT_ALLOWED.wire()), response.body());
            assertEquals(200, ada.getFiles(room, "", ada.welcome.files().token()).statusCode(), "listing is still allowed");
            assertEquals("[]", new String(ada.getFiles(room, "", ada.welcome.files().token()).body()));
        }
    }

    @Test
    void withoutPublishVideoItsVideoIsDroppedAndWithoutSubscribeNothingIsSent() throws Exception {
        String room = room();
        Set<Grant> listenOnly = EnumSet.complementOf(EnumSet.of(Grant.PUBLISH_VIDEO, Grant.PUBLISH_AUDIO));
        Set<Grant> sendOnly = EnumSet.complementOf(EnumSet.of(Grant.SUBSCRIBE));
        try (RawClient viewer = join(relay, room, tokens.token(room, "viewer", "Viewer", listenOnly));
             RawClient speaker = join(relay, room, tokens.token(room, "speaker", "Speaker", sendOnly));
             RawClient full = join(relay, room, tokens.token(room, "full", "Full"))) {
            viewer.openMedia();
            speaker.openMedia();
            // Each hello is acknowledged only once the room forwards to that address: all three are in the fan-out.
            full.openMedia();
            long dropsBefore = relay.stats().drops(DropReason.NOT_ALLOWED);
            // The viewer's video reaches nobody and is counted.
            Fragmenter viewerVideo = viewer.videoFragmenter();
            viewer.sendVideo(viewerVideo, new byte[500]);
            // The speaker's video reaches the others but the speaker is sent nothing of the full member's.
            speaker.sendVideo(speaker.videoFragmenter(), new byte[500]);
            ByteBuffer got = Udp.receive(full.video, WAIT);
            assertEquals(speaker.welcome.mediaId(), MediaHeader.mediaId(got, 0), "the full member sees the speaker");
            got = Udp.receive(viewer.video, WAIT);
            assertEquals(speaker.welcome.mediaId(), MediaHeader.mediaId(got, 0), "the viewer sees the speaker");
            full.sendVideo(full.videoFragmenter(), new byte[500]);
            assertEquals(full.welcome.mediaId(), MediaHeader.mediaId(Udp.receive(viewer.video, WAIT), 0));
            assertNull(Udp.receive(full.video, Duration.ofMillis(300)), "nothing from the viewer reached the full member");
            assertNull(Udp.receive(speaker.video, Duration.ofMillis(300)), "nothing at all reached the speaker");
            assertTrue(relay.stats().drops(DropReason.NOT_ALLOWED) > dropsBefore, "the viewer's video counted as not-allowed");
        }
    }
}
