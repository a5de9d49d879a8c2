package chorus.client.tls;

import chorus.protocol.tls.CertificateFingerprint;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The relays this user has trusted on first use, as SSH's {@code known_hosts}: one line per relay,
 * {@code HOST:PORT sha256:HEX}, {@code #} starts a comment. By default
 * {@code ~/.chorus/known-relays}; the system property {@value #PROPERTY} (or a command's
 * {@code --known-relays}) names another file. A relay is its address as the user gave it, so
 * the same relay reached by name and by address is pinned twice.
 */
public final class KnownRelays {
    public static final String PROPERTY = "chorus.known-relays";

    private final Path file;

    public KnownRelays(Path file) {
        this.file = file;
    }

    /** The file the property names, or {@code ~/.chorus/known-relays}. */
    public static KnownRelays standard() {
        String configured = System.getProperty(PROPERTY);
        if (configured != null && !configured.isBlank()) {
            return new KnownRelays(Path.of(configured));
        }
        return new KnownRelays(Path.of(System.getProperty("user.home"), ".chorus", "known-relays"));
    }

    public Path file() {
        return file;
    }

    /** {@code host:port} as the file keys it (IPv6 literals in brackets, names in lower case). */
    public static String key(String host, int port) {
        String h = host.toLowerCase(Locale.ROOT);
        return (h.contains(":") && !h.startsWith("[") ? "[" + h + "]" : h) + ":" + port;
    }

    /** The fingerprint pinned for a relay, if any. */
    public synchronized Optional<String> fingerprint(String host, int port) throws IOException {
        return Optional.ofNullable(read().get(key(host, port)));
    }

    /** Pins a relay's fingerprint (replacing an earlier one), creating the file and its directory. */
    public synchronized void pin(String host, int port, String fingerprint) throws IOException {
        Map<String, String> known = read();
        known.put(key(host, port), CertificateFingerprint.parse(fingerprint));
        StringBuilder text = new StringBuilder("# Chorus relays trusted on first use: HOST:PORT sha256:HEX\n"
                + "# A relay whose certificate no longer matches is refused; delete its line once you know why.\n");
        known.forEach((relay, fp) -> text.append(relay).append(' ').append(fp).append('\n'));
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path part = Files.createTempFile(dir, ".known-relays", ".part");
        try {
            Files.writeString(part, text, StandardCharsets.UTF_8);
            Files.move(part, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(part);
        }
    }

    private Map<String, String> read() throws IOException {
        Map<String, String> known = new LinkedHashMap<>();
        if (!Files.exists(file)) {
            return known;
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (String raw : lines) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] fields = line.split("\\s+");
            try {
                if (fields.length >= 2) {
                    known.put(fields[0].toLowerCase(Locale.ROOT), CertificateFingerprint.parse(fields[1]));
                    continue;
                }
            } catch (IllegalArgumentException e) {
                // reported below
            }
            throw new IOException(file + " has a line that is not 'HOST:PORT sha256:HEX': " + line);
        }
        return known;
    }
}
