package chorus.client.device;

import java.io.IOException;

/** No speaker line could be opened for the call's audio format (no sound card, busy device). */
public final class AudioOutputUnavailableException extends IOException {
    public AudioOutputUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
