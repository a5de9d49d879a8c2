package chorus.client.tls;

import java.io.IOException;

/** The relay did not answer the TLS handshake as TLS: most likely it runs with {@code --plaintext}. */
public final class NotTlsException extends IOException {
    public NotTlsException(String message, Throwable cause) {
        super(message, cause);
    }
}
