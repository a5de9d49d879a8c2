package chorus.client.session;

import java.io.IOException;

/**
 * The relay refused a request with an error: {@code code} is stable (an
 * {@link chorus.protocol.control.ErrorCode} on the wire, e.g. {@code presenter-busy}), the message
 * is the relay's, written for a person ("Ada is presenting").
 */
public class RelayErrorException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String code;
    private final String relayMessage;

    public RelayErrorException(String code, String relayMessage) {
        super(relayMessage == null || relayMessage.isEmpty() ? code : relayMessage);
        this.code = code;
        this.relayMessage = relayMessage;
    }

    public String code() {
        return code;
    }

    public String relayMessage() {
        return relayMessage;
    }
}
