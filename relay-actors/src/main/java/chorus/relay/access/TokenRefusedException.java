package chorus.relay.access;

import chorus.protocol.control.ErrorCode;

/** A token that does not admit its holder: the error code and sentence the client is answered with. */
public final class TokenRefusedException extends Exception {
    private final ErrorCode code;

    public TokenRefusedException(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }
}
