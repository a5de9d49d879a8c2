package chorus.relay.access;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;

/**
 * The relay's token signing key: 32 or more random bytes kept as base64 text in a file only its
 * owner may read. Made on first start when the file is missing; every node of a cluster (and
 * {@code chorus token}) must read the same file.
 */
public final class TokenKey {
    /** HS256 needs a key of at least 256 bits (RFC 7518 §3.2). */
    public static final int MIN_BYTES = 32;
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private TokenKey() {
    }

    /** The key in {@code file}, made (32 random bytes, owner-only) when the file does not exist. */
    public static byte[] loadOrCreate(Path file) throws IOException {
        if (!Files.exists(file)) {
            create(file);
        }
        String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
        byte[] key;
        try {
            key = Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new IOException("token key file " + file + " is not base64 text (" + e.getMessage() + ")");
        }
        if (key.length < MIN_BYTES) {
            throw new IOException("token key file " + file + " holds " + key.length + " bytes; HS256 needs at least "
                    + MIN_BYTES + " (make one: head -c 32 /dev/urandom | base64 > " + file + ")");
        }
        return key;
    }

    /**
     * Writes a new key to a temporary file with owner-only permissions, then links it into place
     * without replacing anything: of two nodes starting at once from one directory, one key wins
     * and both read it.
     */
    private static void create(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        byte[] key = new byte[MIN_BYTES];
        new SecureRandom().nextBytes(key);
        Path temp;
        try {
            temp = Files.createTempFile(dir, ".token-key", ".tmp", PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        } catch (UnsupportedOperationException notPosix) {
            temp = Files.createTempFile(dir, ".token-key", ".tmp");
        }
        try {
            Files.writeString(temp, Base64.getEncoder().encodeToString(key) + "\n", StandardCharsets.US_ASCII);
            try {
                // A hard link fails if the name exists (a rename would replace it).
                Files.createLink(file.toAbsolutePath(), temp);
            } catch (FileAlreadyExistsException raced) {
                // another process made it first: read theirs
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
