package chorus.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chorus.protocol.control.ControlCodec;
import chorus.protocol.control.ControlMessage;
import chorus.protocol.control.ErrorCode;
import chorus.protocol.media.Codec;
import chorus.protocol.media.DropReason;
import chorus.protocol.media.Fragmenter;
import chorus.protocol.media.MediaHeader;
import chorus.protocol.media.MediaKind;
import com.typesafe.config.ConfigFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Chat and screen sharing through a real relay, seen from raw protocol clients. */
class CollaborationTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static RelayNode relay;

    @BeforeAll
    static void startRelay() throws Exception {
        relay = RelayNode.startOnLoopback(ConfigFactory.parseString(
                "chorus.relay { chat { history = 3, max-characters = 50 }, room.retention-after-empty = 200ms }"));
    }

    @AfterAll
    static void stopRelay() {
        relay.close();
    }

    private static String room() {
        return "collab-" + System.nanoTime();
    }

    private static List<ControlMessage.ChatMessage> chats(RawClient c, int count) throws Exception {
        List<ControlMessage.ChatMessage> got = new ArrayList<>();
        while (got.size() < count) {
            got.add(c.await(ControlMessage.ChatMessage.class, m -> true, WAIT));
        }
        return got;
    }

    @Test
    void everyoneSeesEveryChatMessageInTheSameOrder() throws Exception {
        String room = room();
        try (RawClient ada = RawClient.join(relay, room, "Ada");
             RawClient bob = RawClient.join(relay, room, "Bob");
             RawClient cy = RawClient.join(relay, room, "Cy")) {
            // all three talk at once
            ada.send(new ControlMessage.ChatSend("one from Ada"));
            bob.send(new ControlMessage.ChatSend("one from Bob"));
            cy.send(new ControlMessage.ChatSend("one from Cy"));
            ada.send(new ControlMessage.ChatSend("two from Ada"));
            List<ControlMessage.ChatMessage> seenByAda = chats(ada, 4);
            assertEquals(seenByAda, chats(bob, 4));
            assertEquals(seenByAda, chats(cy, 4));
            for (int i = 1; i < seenByAda.size(); i++) {
                assertEquals(seenByAda.get(i - 1).id() + 1, seenByAda.get(i).id(), "ids count up");
                assertTrue(seenByAda.get(i - 1).serverTime() <= seenByAda.get(i).serverTime());
            }
            ControlMessage.ChatMessage first = seenByAda.stream().filter(m -> m.text().equals("one from Ada")).findFirst().orElseThrow();
            assertEquals("Ada", first.from());
            assertEquals(ada.welcome.participantId(), first.participantId());
            assertFalse(first.history());
        }
    }

    @Test
    void aLateJoinerGetsTheLastMessagesAsHistory() throws Exception {
        String room = room();
        try (RawClient ada = RawClient.join(relay, room, "Ada")) {
            for (int i = 1; i <= 5; i++) {
                ada.send(new ControlMessage.ChatSend("message " + i));
            }
            chats(ada, 5);
            try (RawClient late = RawClient.join(relay, room, "Late")) {
                List<ControlMessage.ChatMessage> history = chats(late, 3);
                assertEquals(List.of("message 3", "message 4", "message 5"),
                        history.stream().map(ControlMessage.ChatMessage::text).toList(), "the last 3 (configured)");
                assertTrue(history.stream().allMatch(ControlMessage.ChatMessage::history));
            }
        }
    }

    @Test
    void anOverlongMessageIsRefusedAndReachesNobody() throws Exception {
        String room = room();
        try (RawClient ada = RawClient.join(relay, room, "Ada");
             RawClient bob = RawClient.join(relay, room, "Bob")) {
            ada.send(new ControlMessage.ChatSend("x".repeat(51)));
            ControlMessage.Error e = ada.await(ControlMessage.Error.class, m -> true, WAIT);
            assertEquals(ErrorCode.MESSAGE_TOO_LONG.wire(), e.code());
            assertTrue(e.message().contains("51"), e.message());
            ada.send(new ControlMessage.ChatSend("🎉".repeat(50)));
            assertEquals("🎉".repeat(50), bob.await(ControlMessage.ChatMessage.class, m -> true, WAIT).text(),
                    "the limit counts characters, not bytes; and the refused one never arrived");
        }
    }

    /**
     * 10 000 emoji are 10 000 characters, within a 10 000 limit, but 12 bytes each once escaped in
     * the relay's {@code chat} frame: 120 908 bytes, which no one could be sent.
     */
    @Test
    void aMessageWhoseChatFrameWouldNotFitIsRefusedAndTheRoomCarriesOn() throws Exception {
        String room = room();
        String emoji = "\uD83D\uDE00".repeat(10_000);
        try (RelayNode wide = RelayNode.startOnLoopback(ConfigFactory.parseString(
                "chorus.relay.chat.max-characters = 10000"));
             RawClient ada = RawClient.join(wide, room, "Ada");
             RawClient bob = RawClient.join(wide, room, "Bob")) {
            // Sent as raw UTF-8 (4 bytes an emoji), the chat-send itself fits in a frame.
            byte[] body = ("{\"type\":\"chat-send\",\"text\":\"" + emoji + "\"}").getBytes(StandardCharsets.UTF_8);
            assertTrue(body.length <= ControlCodec.MAX_FRAME_BYTES, body.length + " bytes");
            ada.sendRaw(ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).array());
            ControlMessage.Error e = ada.await(ControlMessage.Error.class, m -> true, WAIT);
            assertEquals(ErrorCode.MESSAGE_TOO_LONG.wire(), e.code());
            assertTrue(e.message().contains("bytes"), e.message());

            ada.send(new ControlMessage.ChatSend("still here"));
            for (RawClient c : List.of(ada, bob)) {
                assertEquals("still here", c.await(ControlMessage.ChatMessage.class, m -> true, WAIT).text(),
                        "still connected, and the refused message reached nobody");
            }
            try (RawClient cy = RawClient.join(wide, room, "Cy")) {
                assertEquals(3, cy.roster.size(), "a newcomer joins");
                ControlMessage.ChatMessage history = cy.await(ControlMessage.ChatMessage.class, m -> true, WAIT);
                assertEquals("still here", history.text(), "the history holds only what was sent");
                assertTrue(history.history());
                bob.send(new ControlMessage.Ping(5));
                assertEquals(new ControlMessage.Pong(5), bob.await(ControlMessage.Pong.class, p -> true, WAIT));
            }
        }
    }

    @Test
    void onePresenterAtATimeAndOnlyThePresentersScreenIsRelayed() throws Exception {
        String room = room();
        try (RawClient ada = RawClient.join(relay, room, "Ada");
             RawClient bob = RawClient.join(relay, room, "Bob");
             RawClient cy = RawClient.join(relay, room, "Cy")) {
            for (RawClient c : List.of(ada, bob, cy)) {
                c.openMedia();
            }
            ada.send(new ControlMessage.ScreenShareStart());
            for (RawClient c : List.of(ada, bob, cy)) {
                assertEquals("Ada", c.await(ControlMessage.PresenterChanged.class, p -> p.presenter() != null, WAIT)
                        .presenter().name());
            }
            bob.send(new ControlMessage.ScreenShareStart());
            ControlMessage.Error busy = bob.await(ControlMessage.Error.class, m -> true, WAIT);
            assertEquals(ErrorCode.PRESENTER_BUSY.wire(), busy.code());
            assertEquals("Ada is presenting", busy.message());

            Fragmenter adaScreen = new Fragmenter(MediaKind.SCREEN, ada.welcome.mediaId(), Codec.JPEG);
            byte[] frame = new byte[3000];
            adaScreen.send(frame, 0, frame.length, 0, MediaHeader.FLAG_KEYFRAME, d -> sendVideo(ada, d));
            for (RawClient viewer : List.of(bob, cy)) {
                for (int i = 0; i < Fragmenter.fragmentsFor(frame.length); i++) {
                    var got = Udp.receive(viewer.video, WAIT);
                    assertNotNull(got, "the presenter's screen reaches " + viewer.roster);
                    assertEquals(MediaKind.SCREEN, MediaHeader.kind(got, 0));
                }
            }
            long refusedBefore = relay.stats().drops(DropReason.NOT_PRESENTER);
            Fragmenter bobScreen = new Fragmenter(MediaKind.SCREEN, bob.welcome.mediaId(), Codec.JPEG);
            bobScreen.send(frame, 0, 100, 0, MediaHeader.FLAG_KEYFRAME, d -> sendVideo(bob, d));
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (relay.stats().drops(DropReason.NOT_PRESENTER) == refusedBefore && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(refusedBefore + 1, relay.stats().drops(DropReason.NOT_PRESENTER));
            assertNull(Udp.receive(cy.video, Duration.ofMillis(200)), "a non-presenter's screen reaches nobody");

            ada.close(); // the presenter leaves: the share ends
            assertNull(bob.await(ControlMessage.PresenterChanged.class, p -> true, WAIT).presenter());
            bob.send(new ControlMessage.ScreenShareStart());
            assertEquals("Bob", cy.await(ControlMessage.PresenterChanged.class, p -> p.presenter() != null, WAIT)
                    .presenter().name(), "the floor is free again");
            bob.send(new ControlMessage.ScreenShareStop());
            assertNull(cy.await(ControlMessage.PresenterChanged.class, p -> true, WAIT).presenter());
        }
    }

    @Test
    void aNewcomerIsToldWhoIsPresenting() throws Exception {
        String room = room();
        try (RawClient ada = RawClient.join(relay, room, "Ada")) {
            ada.send(new ControlMessage.ScreenShareStart());
            ada.await(ControlMessage.PresenterChanged.class, p -> true, WAIT);
            try (RawClient late = RawClient.join(relay, room, "Late")) {
                assertEquals("Ada", late.await(ControlMessage.PresenterChanged.class, p -> true, WAIT).presenter().name());
            }
        }
    }

    private static void sendVideo(RawClient c, java.nio.ByteBuffer d) {
        c.sendVideoDatagram(d);
    }
}
