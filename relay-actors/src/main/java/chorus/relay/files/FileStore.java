package chorus.relay.files;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where shared files live on this node: one directory per room (named by a hash of the room
 * name), each file under an id the relay made up. Names chosen by users never become paths.
 */
public final class FileStore {
    private static final Logger log = LoggerFactory.getLogger(FileStore.class);
    private static final Pattern FILE_ID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private final Path root;

    public FileStore(Path root) {
        this.root = root.toAbsolutePath();
    }

    public Path root() {
        return root;
    }

    public static String newFileId() {
        return UUID.randomUUID().toString();
    }

    /** True for ids this store could have made; anything else is never looked up on disk. */
    public static boolean validId(String fileId) {
        return fileId != null && FILE_ID.matcher(fileId).matches();
    }

    Path roomDirectory(String room) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(room.getBytes(StandardCharsets.UTF_8));
            return root.resolve(HexFormat.of().formatHex(hash, 0, 16));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public Path file(String room, String fileId) {
        if (!validId(fileId)) {
            throw new IllegalArgumentException("not a file id: " + fileId);
        }
        return roomDirectory(room).resolve(fileId);
    }

    /** A new, empty place to stream an upload into before it is checked. */
    public Path newUpload(String room, String fileId) throws IOException {
        Path dir = Files.createDirectories(roomDirectory(room));
        return dir.resolve(fileId + ".part");
    }

    /**
     * Deletes the room directories in which nothing changed for {@code age}: left by an earlier run
     * of a node on its own, whose file index lived in memory, they can never be offered again.
     * Younger ones are kept (another relay may share the directory). Returns how many went.
     */
    public int deleteRoomsUnchangedFor(Duration age) {
        if (!Files.isDirectory(root)) {
            return 0;
        }
        Instant cutoff = Instant.now().minus(age);
        int deleted = 0;
        try (Stream<Path> rooms = Files.list(root)) {
            for (Path dir : (Iterable<Path>) rooms.filter(Files::isDirectory)::iterator) {
                if (newestChange(dir).isBefore(cutoff)) {
                    deleteTree(dir);
                    deleted++;
                }
            }
        } catch (IOException | UncheckedIOException e) {
            log.warn("could not clean {}: {}", root, e.toString());
        }
        return deleted;
    }

    private static Instant newestChange(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            return paths.map(p -> {
                try {
                    return Files.getLastModifiedTime(p).toInstant();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).max(Comparator.naturalOrder()).orElse(Instant.EPOCH);
        }
    }

    /** Deletes a room's directory and everything in it. */
    public void deleteRoom(String room) {
        Path dir = roomDirectory(room);
        if (!Files.exists(dir)) {
            return;
        }
        try {
            deleteTree(dir);
        } catch (IOException | UncheckedIOException e) {
            log.warn("could not delete {}: {}", dir, e.toString());
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
