package chorus.client.session;

import chorus.protocol.control.ErrorCode;
import java.io.IOException;

/** The relay answered the hello with an error instead of a welcome; carries its code and message. */
public final class JoinRefusedException extends IOException {
    private final String code;
    private final String relayMessage;

    public JoinRefusedException(String code, String relayMessage) {
        super("join refused (" + code + "): " + relayMessage);
        this.code = code;
        this.relayMessage = relayMessage;
    }

    /** The stable code on the wire, e.g. {@code invalid-name}. */
    public String code() {
        return code;
    }

    /** The code as a known {@link ErrorCode}, or null when this build does not know it. */
    public ErrorCode errorCode() {
        for (ErrorCode c : ErrorCode.values()) {
            if (c.wire().equals(code)) {
                return c;
            }
        }
        return null;
    }

    public String relayMessage() {
        return relayMessage;
    }
}
