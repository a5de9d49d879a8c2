package chorus.protocol.control;

/** A control frame that could not be decoded; carries the error code to answer with. */
public final class ControlProtocolException extends Exception {
    private final ErrorCode code;

    public ControlProtocolException(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }

    public ControlMessage.Error toMessage() {
        return ControlMessage.Error.of(code, getMessage());
    }
}
