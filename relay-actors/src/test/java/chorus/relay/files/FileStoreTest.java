package chorus.relay.files;

import chorus.relay.RelayNode;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Files an earlier run of a node on its own left behind are cleaned up; recent ones are kept. */
class FileStoreTest {
    @TempDir
    Path root;

    private static Path put(FileStore store, String room, Instant modified) throws Exception {
        Path file = Files.writeString(Files.createDirectories(store.file(room, FileStore.newFileId()).getParent())
                .resolve(FileStore.newFileId()), "bytes of " + room);
        Files.setLastModifiedTime(file, FileTime.from(modified));
        Files.setLastModifiedTime(file.getParent(), FileTime.from(modified));
        return file;
    }

    @Test
    void roomsUnchangedForTheAgeGoAndOthersStay() throws Exception {
        FileStore store = new FileStore(root);
        Instant now = Instant.now();
        Path old = put(store, "last-week", now.minus(Duration.ofDays(7)));
        Path mixed = put(store, "busy", now.minus(Duration.ofDays(7)));
        Path recent = put(store, "busy", now.minus(Duration.ofMinutes(1))); // the room changed lately: kept whole
        Path young = put(store, "just-now", now);
        assertEquals(1, store.deleteRoomsUnchangedFor(Duration.ofMinutes(10)));
        assertFalse(Files.exists(old.getParent()), "the week-old room is gone");
        assertTrue(Files.exists(mixed) && Files.exists(recent) && Files.exists(young), "the others stay whole");
    }

    @Test
    void aNodeOnItsOwnCleansUpWhenItStarts() throws Exception {
        FileStore store = new FileStore(root);
        Path orphan = put(store, "yesterday", Instant.now().minus(Duration.ofDays(1)));
        RelayNode node = RelayNode.startOnLoopback(ConfigFactory.parseString(
                "chorus.relay.files.directory = \"" + root.toString().replace("\\", "/") + "\""));
        try {
            assertFalse(Files.exists(orphan), "an earlier run's file is deleted at startup");
        } finally {
            node.close();
        }
    }
}
