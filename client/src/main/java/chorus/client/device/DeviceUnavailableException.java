package chorus.client.device;

import java.io.IOException;

/**
 * A device could not be opened, or stopped working: missing, busy, or refused by the system. The
 * message is written for the person in the call (what happened and what they can do), not for a log.
 */
public final class DeviceUnavailableException extends IOException {
    public DeviceUnavailableException(String message) {
        super(message);
    }

    public DeviceUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
