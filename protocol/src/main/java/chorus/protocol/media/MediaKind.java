package chorus.protocol.media;

/** What a media datagram carries. The wire value is the byte in the header's kind field. */
public enum MediaKind {
    VIDEO(1),
    AUDIO(2),
    SCREEN(3),
    /** Sent by a client from each UDP socket so the relay learns the socket's address; echoed back as an ack. */
    HELLO(4),
    /** Keeps NAT bindings open and the learned address fresh; carries no payload. */
    KEEPALIVE(5),
    /** Relay to client only: an 8-byte cookie sent to an address not yet confirmed for the port. */
    CHALLENGE(6),
    /** Client to relay only: the challenge's cookie sent back from the socket it reached. */
    RESPONSE(7),
    /**
     * Negative acknowledgement, video port: client to relay, "resend these sequences of that stream"
     * ({@link Nack}); the relay answers from its retransmission buffer, to the asker only.
     */
    NACK(8),
    /**
     * Keyframe request, video port: client to relay ("I cannot decode that stream") and relay to
     * client ("send a keyframe of your stream"), coalesced by the relay ({@link KeyframeRequest}).
     */
    KEYFRAME_REQUEST(9);

    private static final MediaKind[] BY_WIRE = new MediaKind[10];

    static {
        for (MediaKind k : values()) {
            BY_WIRE[k.wire] = k;
        }
    }

    private final int wire;

    MediaKind(int wire) {
        this.wire = wire;
    }

    public int wire() {
        return wire;
    }

    /** The kind for a wire value, or null when the value is not a known kind. */
    public static MediaKind fromWire(int wire) {
        return wire >= 0 && wire < BY_WIRE.length ? BY_WIRE[wire] : null;
    }
}
