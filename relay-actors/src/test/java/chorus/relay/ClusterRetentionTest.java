package chorus.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chorus.protocol.control.ControlMessage;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A clustered room that stays empty for its retention is forgotten everywhere, as on a node on its
 * own: the file's bytes go from both nodes that held them, and whoever comes later finds no history
 * and no files.
 */
class ClusterRetentionTest {
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final Duration RETENTION = Duration.ofSeconds(1);
    private RelayNode first;
    private RelayNode second;

    @AfterEach
    void stop() {
        if (second != null) {
            second.close();
        }
        if (first != null) {
            first.close();
        }
    }

    private static Config withRetention(Config clustered) {
        return ConfigFactory.parseString("chorus.relay.room.retention-after-empty = " + RETENTION.toMillis() + "ms")
                .withFallback(clustered);
    }

    @Test
    void anEmptyRoomsFilesAndHistoryGoFromEveryNodeAfterTheRetention() throws Exception {
        first = RelayNode.startOnLoopback(withRetention(ClusterTest.clustered(null)));
        second = RelayNode.startOnLoopback(withRetention(ClusterTest.clustered(first.clusterAddress())));
        String room = "retention-" + System.nanoTime();
        byte[] content = "minutes of the meeting\n".repeat(500).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        String fileId;
        try (RawClient ada = RawClient.joinKnowingNodes(first, room, "Ada", 1);
             RawClient bob = RawClient.join(second, room, "Bob")) {
            ada.send(new ControlMessage.ChatSend("see the minutes"));
            bob.await(ControlMessage.ChatMessage.class, m -> m.text().equals("see the minutes"), WAIT);
            HttpResponse<String> uploaded = ada.upload(room, "minutes.txt", content, RawClient.sha256(content));
            assertEquals(201, uploaded.statusCode(), uploaded.body());
            fileId = bob.await(ControlMessage.FileOffered.class, f -> true, WAIT).file().fileId();
            assertTrue(Files.isRegularFile(first.files().file(room, fileId)), "the uploader's node holds it");
            assertTrue(Files.isRegularFile(second.files().file(room, fileId)), "and its copy is on the other node");
            ada.send(new ControlMessage.Leave());
            bob.send(new ControlMessage.Leave());
        }

        Path onFirst = first.files().file(room, fileId);
        Path onSecond = second.files().file(room, fileId);
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (Files.exists(onFirst) || Files.exists(onSecond)) {
            assertTrue(System.nanoTime() < deadline, "the file is deleted from both nodes within " + WAIT);
            Thread.sleep(50);
        }

        // Someone coming later finds an empty room: no history, no files.
        try (RawClient cy = RawClient.join(second, room, "Cy")) {
            HttpResponse<byte[]> listed = cy.getFiles(room, "", cy.welcome.files().token());
            assertEquals(200, listed.statusCode());
            assertEquals("[]", new String(listed.body(), java.nio.charset.StandardCharsets.UTF_8).replace(" ", ""),
                    "no files");
            cy.send(new ControlMessage.ChatSend("anyone here?"));
            ControlMessage.ChatMessage firstChat = cy.await(ControlMessage.ChatMessage.class, m -> true, WAIT);
            assertFalse(firstChat.history(), "no history before the new message: " + firstChat);
            assertEquals("anyone here?", firstChat.text());
        }
    }
}
