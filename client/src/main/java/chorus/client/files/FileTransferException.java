package chorus.client.files;

import java.io.IOException;

/**
 * A file upload or download that did not complete; nothing of it was kept. {@link #code()} is the
 * relay's when the relay refused (e.g. {@code file-too-large}, {@code bad-file-name},
 * {@code unknown-file}, {@code upload-incomplete}), or one of this client's own below; the message
 * is written for a person.
 */
public final class FileTransferException extends IOException {
    private static final long serialVersionUID = 1L;

    /** Stopped on purpose (the transferring thread was interrupted). */
    public static final String CANCELLED = "cancelled";
    /** The connection to the file service failed or closed before the transfer was complete. */
    public static final String BROKEN_OFF = "transfer-broken-off";
    /** A download whose bytes do not hash to the SHA-256 the file was offered with. */
    public static final String CHECKSUM_MISMATCH = "checksum-mismatch";
    /** The file or directory on this machine could not be read or written. */
    public static final String LOCAL_FILE = "local-file";
    /** The relay announced no file service in its welcome. */
    public static final String NO_FILE_SERVICE = "no-file-service";

    private final String code;

    public FileTransferException(String code, String message) {
        super(message);
        this.code = code;
    }

    public FileTransferException(String code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
