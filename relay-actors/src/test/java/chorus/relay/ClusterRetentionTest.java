package chorus.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chorus.protocol.control.ControlMessage;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
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
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        HttpClient http = HttpClient.newHttpClient();
        String fileId;
        try (RawClient ada = joinKnowingTheOtherNode(first, room, "Ada");
             RawClient bob = RawClient.join(second, room, "Bob")) {
            ada.send(new ControlMessage.ChatSend("see the minutes"));
            bob.await(ControlMessage.ChatMessage.class, m -> m.text().equals("see the minutes"), WAIT);
            HttpResponse<String> uploaded = http.send(HttpRequest.newBuilder(files(ada, room, "?name=minutes.txt"))
                    .header("Authorization", "Bearer " + ada.welcome.files().token())
                    .header(FileService.SHA256_HEADER, sha)
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(content)).build(), HttpResponse.BodyHandlers.ofString());
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
            HttpResponse<String> listed = http.send(HttpRequest.newBuilder(files(cy, room, ""))
                    .header("Authorization", "Bearer " + cy.welcome.files().token()).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, listed.statusCode());
            assertEquals("[]", listed.body().replace(" ", ""), "no files");
            cy.send(new ControlMessage.ChatSend("anyone here?"));
            ControlMessage.ChatMessage firstChat = cy.await(ControlMessage.ChatMessage.class, m -> true, WAIT);
            assertFalse(firstChat.history(), "no history before the new message: " + firstChat);
            assertEquals("anyone here?", firstChat.text());
        }
    }

    private static URI files(RawClient c, String room, String rest) {
        return URI.create("http://127.0.0.1:" + c.welcome.files().port() + "/rooms/" + room + "/files" + rest);
    }

    private static RawClient joinKnowingTheOtherNode(RelayNode node, String room, String name) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            RawClient c = RawClient.join(node, room, name);
            if (c.welcome.nodes() != null && !c.welcome.nodes().isEmpty()) {
                return c;
            }
            c.send(new ControlMessage.Leave());
            c.close();
            assertTrue(System.nanoTime() < deadline, name + "'s node knows the other node within " + WAIT);
            Thread.sleep(100);
        }
    }
}
