package chorus.client.files;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Set;

/**
 * The names downloads are saved under: made safe from whatever the offer says, and unique in the
 * download directory, never outside it.
 */
final class FileNames {
    /** Device names Windows will not create a file under, with any extension. */
    private static final Set<String> RESERVED = Set.of("CON", "PRN", "AUX", "NUL",
            "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
            "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9");
    /** Longest name given to a downloaded file, in UTF-8 bytes (below every common file system's 255). */
    static final int MAX_NAME_BYTES = 200;

    private FileNames() {
    }

    /**
     * Moves the verified temporary file to a unique name in {@code dir}: the name is reserved by
     * creating it (which fails if it exists, so two downloads never take the same one), then
     * replaced by the file.
     */
    static Path moveIntoPlace(Path part, Path dir, String name) throws FileTransferException {
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        String extension = dot > 0 ? name.substring(dot) : "";
        for (int n = 0; n < 10_000; n++) {
            Path target = dir.resolve(n == 0 ? name : stem + " (" + n + ")" + extension).normalize();
            if (!dir.equals(target.getParent())) {
                // safeName makes this impossible; checked anyway, because this is the line that matters
                throw new FileTransferException(FileTransferException.LOCAL_FILE, "refusing to write outside " + dir);
            }
            try {
                Files.createFile(target);
            } catch (FileAlreadyExistsException taken) {
                continue;
            } catch (IOException e) {
                throw new FileTransferException(FileTransferException.LOCAL_FILE, "cannot create " + target + ": " + FileTransfers.describe(e), e);
            }
            try {
                Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                return target;
            } catch (IOException e) {
                FileTransfers.deleteQuietly(target);
                throw new FileTransferException(FileTransferException.LOCAL_FILE, "cannot move the download to " + target
                        + ": " + FileTransfers.describe(e), e);
            }
        }
        throw new FileTransferException(FileTransferException.LOCAL_FILE, "no free name for " + name + " in " + dir);
    }

    /**
     * A name that is safe to create in a download directory whatever the offered name says: only
     * its last path element, without control characters or characters Windows forbids, without
     * leading dots (no hidden files, no "..") or trailing dots and spaces, not a Windows device
     * name, at most {@value #MAX_NAME_BYTES} UTF-8 bytes (keeping the extension); "download" when
     * nothing is left.
     */
    static String safeName(String offered) {
        String name = offered == null ? "" : offered;
        name = name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
        StringBuilder clean = new StringBuilder(name.length());
        name.codePoints().forEach(cp -> {
            boolean bad = Character.isISOControl(cp) || Character.getType(cp) == Character.FORMAT
                    || Character.getType(cp) == Character.SURROGATE || "<>:\"|?*".indexOf(cp) >= 0;
            clean.appendCodePoint(bad ? '_' : cp);
        });
        name = clean.toString().strip();
        int start = 0;
        while (start < name.length() && name.charAt(start) == '.') {
            start++;
        }
        int end = name.length();
        while (end > start && (name.charAt(end - 1) == '.' || Character.isWhitespace(name.charAt(end - 1)))) {
            end--;
        }
        name = name.substring(start, end).strip();
        if (name.isEmpty() || name.chars().allMatch(c -> c == '_')) {
            name = "download" + (name.isEmpty() ? "" : "_");
        }
        String stem = name.contains(".") ? name.substring(0, name.indexOf('.')) : name;
        if (RESERVED.contains(stem.toUpperCase(Locale.ROOT))) {
            name = "_" + name;
        }
        return truncate(name);
    }

    private static String truncate(String name) {
        if (name.getBytes(StandardCharsets.UTF_8).length <= MAX_NAME_BYTES) {
            return name;
        }
        int dot = name.lastIndexOf('.');
        String extension = dot > 0 && name.length() - dot <= 16 ? name.substring(dot) : "";
        String stem = name.substring(0, name.length() - extension.length());
        int budget = MAX_NAME_BYTES - extension.getBytes(StandardCharsets.UTF_8).length;
        StringBuilder kept = new StringBuilder();
        int bytes = 0;
        for (int i = 0; i < stem.length(); ) {
            int cp = stem.codePointAt(i);
            int cpBytes = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
            if (bytes + cpBytes > budget) {
                break;
            }
            kept.appendCodePoint(cp);
            bytes += cpBytes;
            i += Character.charCount(cp);
        }
        return kept + extension;
    }
}
